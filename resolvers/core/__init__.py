"""Generic machinery shared by every content type: ids, errors, context, filters, pages."""
