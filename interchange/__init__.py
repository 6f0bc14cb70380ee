"""Import and export of all content as one JSON document (SPEC section 9)."""

from interchange.errors import InterchangeError
from interchange.export import export_document
from interchange.importer import ImportProgress, ImportSummary, import_document

__all__ = [
    "ImportProgress",
    "ImportSummary",
    "InterchangeError",
    "export_document",
    "import_document",
]
