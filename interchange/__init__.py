"""Import and export of all content as one JSON document."""

from masthead.interchange.errors import InterchangeError
from masthead.interchange.export import export_document
from masthead.interchange.importer import (
    ImportProgress,
    ImportSummary,
    counted,
    import_document,
)

__all__ = [
    "ImportProgress",
    "ImportSummary",
    "InterchangeError",
    "counted",
    "export_document",
    "import_document",
]
