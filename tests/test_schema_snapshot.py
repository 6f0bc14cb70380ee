"""The printed schema is committed: any change to the API shows in review."""

from __future__ import annotations

from pathlib import Path

from masthead.schema.root import build_schema

SNAPSHOT = Path(__file__).parent / "schema.graphql"


def test_printed_schema_matches_the_committed_snapshot() -> None:
    printed = build_schema().as_str() + "\n"
    assert printed == SNAPSHOT.read_text(), (
        "the schema changed: review it and run `make schema` to rewrite tests/schema.graphql"
    )


def test_every_type_and_field_has_a_description() -> None:
    schema = build_schema()._schema  # noqa: SLF001
    missing = []
    for name, graphql_type in schema.type_map.items():
        if name.startswith("__") or name in {"String", "Int", "Boolean", "ID", "Float"}:
            continue
        if not graphql_type.description:
            missing.append(name)
        for field_name, field in getattr(graphql_type, "fields", {}).items():
            if not field.description:
                missing.append(f"{name}.{field_name}")
    assert missing == []
