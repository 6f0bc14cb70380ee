"""Trusted documents: the manifest of GraphQL documents a front end was built with.

`MASTHEAD_TRUSTED_DOCUMENTS` names a JSON file in either format the client tools write:

- GraphQL Code Generator's persisted documents (`persisted-documents.json`): an object
  from each document's hash to its text, `{"<sha256>": "query Home { ... }", ...}`;
- Apollo's persisted query manifest (`@apollo/generate-persisted-query-manifest`):
  `{"format": "apollo-persisted-query-manifest", "version": 1,
  "operations": [{"id": "<sha256>", "name": "Home", "type": "query", "body": "..."}]}`.

A client sends a document's id (`documentId`, or the hash in
`extensions.persistedQuery.sha256Hash`), or the document itself: a document is trusted when
its text is one of the manifest's, whatever id it was sent with.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

APOLLO_FORMAT = "apollo-persisted-query-manifest"
FORMATS = (
    "a GraphQL Code Generator persisted documents file ({id: document}) "
    "or an Apollo persisted query manifest"
)


class ManifestError(ValueError):
    """A manifest that cannot be used; the message is one line naming the file and why."""


def document_hash(document: str) -> str:
    """The SHA-256 of a document's text, in lowercase hex (the persisted-query hash)."""
    return hashlib.sha256(document.encode()).hexdigest()


def document_key(identifier: str) -> str:
    """A document id without the `sha256:` prefix GraphQL over HTTP's `documentId` may carry."""
    return identifier.removeprefix("sha256:")


@dataclass(frozen=True)
class TrustedDocuments:
    """The manifest's documents by id, and the hashes of their texts."""

    by_id: dict[str, str]
    hashes: frozenset[str]

    def get(self, identifier: str) -> str | None:
        """The document with this id (or this text hash), if the manifest has it."""
        key = document_key(identifier)
        return self.by_id.get(key)

    def trusts(self, document: str) -> bool:
        """Whether this exact text is one of the manifest's documents."""
        return document_hash(document) in self.hashes


def load_manifest(path: str | Path) -> TrustedDocuments:
    """Read a manifest; a ManifestError says in one line what is wrong with it."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        message = f"cannot read the trusted documents at {path}: {error.strerror or error}"
        raise ManifestError(message) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        message = f"the trusted documents at {path} are not JSON: {error}"
        raise ManifestError(message) from None
    entries = _apollo_entries(data, path) if _is_apollo(data) else _codegen_entries(data, path)
    if not entries:
        message = f"the trusted documents at {path} hold no document"
        raise ManifestError(message)
    by_id = {document_key(key): document for key, document in entries}
    by_id.update({document_hash(document): document for document in by_id.values()})
    return TrustedDocuments(by_id, frozenset(document_hash(each) for each in by_id.values()))


def _is_apollo(data: object) -> bool:
    return isinstance(data, dict) and data.get("format") == APOLLO_FORMAT


def _apollo_entries(data: dict[str, object], path: str | Path) -> list[tuple[str, str]]:
    if data.get("version") != 1:
        message = f"the Apollo manifest at {path} has version {data.get('version')!r}, not 1"
        raise ManifestError(message)
    operations = data.get("operations")
    if not isinstance(operations, list):
        message = f"the Apollo manifest at {path} has no `operations` list"
        raise ManifestError(message)
    entries = []
    for number, operation in enumerate(operations, start=1):
        identifier = operation.get("id") if isinstance(operation, dict) else None
        body = operation.get("body") if isinstance(operation, dict) else None
        if not isinstance(identifier, str) or not identifier or not isinstance(body, str):
            message = f"operation {number} of the Apollo manifest at {path} lacks `id` or `body`"
            raise ManifestError(message)
        entries.append((identifier, body))
    return entries


def _codegen_entries(data: object, path: str | Path) -> list[tuple[str, str]]:
    if not isinstance(data, dict) or not all(
        isinstance(key, str) and key and isinstance(value, str) for key, value in data.items()
    ):
        message = f"the trusted documents at {path} must be {FORMATS}"
        raise ManifestError(message)
    return list(data.items())
