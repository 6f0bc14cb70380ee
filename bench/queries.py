"""The six example queries of `graphiql.examples` as GraphQL POST bodies."""

from __future__ import annotations

import re
from typing import Any

import orjson

from masthead.graphiql.examples import Example, load_examples

__all__ = ["Example", "load_examples", "request_body"]

_OPERATION = re.compile(r"^\s*query\s+(\w+)", re.MULTILINE)


def request_body(example: Example) -> bytes:
    """The JSON body of a GraphQL POST for this example, with its operation name."""
    payload: dict[str, Any] = {"query": example.query, "variables": example.variables}
    match = _OPERATION.search(example.query)
    if match:
        payload["operationName"] = match.group(1)
    return orjson.dumps(payload)
