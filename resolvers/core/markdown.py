"""Markdown bodies rendered once, when written: sanitized HTML, plain text, word count."""

from __future__ import annotations

import math
import re
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

WORDS_PER_MINUTE = 200
_markdown = MarkdownIt("commonmark").enable("table")
_WORD = re.compile(r"\w+(?:['\u2019-]\w+)*")
_BLOCK_TEXT = {"code_block", "fence"}


class _Renders:
    """How many times this process parsed a body: reads parse none (tests watch this)."""

    count = 0


RENDERS = _Renders()


def _parse(source: str, env: dict[str, Any]) -> list[Token]:
    RENDERS.count += 1
    return _markdown.parse(source, env)


def _html(tokens: list[Token], env: dict[str, Any]) -> str:
    html = _markdown.renderer.render(tokens, _markdown.options, env)
    return nh3.clean(html, link_rel="noopener noreferrer")


def to_html(source: str) -> str:
    """CommonMark plus tables, sanitized: no script, no event handlers, no `javascript:`."""
    env: dict[str, Any] = {}
    return _html(_parse(source, env), env)


def _inline_text(token: Token) -> str:
    parts = []
    for child in token.children or ():
        if child.type in {"text", "code_inline"}:
            parts.append(child.content)
        elif child.type in {"softbreak", "hardbreak"}:
            parts.append("\n" if child.type == "hardbreak" else " ")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts)


def _plain_text(tokens: list[Token]) -> str:
    blocks = []
    for token in tokens:
        if token.type == "inline":
            blocks.append(_inline_text(token))
        elif token.type in _BLOCK_TEXT:
            blocks.append(token.content.rstrip("\n"))
    return "\n\n".join(block for block in blocks if block)


def to_text(source: str) -> str:
    """The words of the body without markup: one paragraph or block per line group."""
    return _plain_text(_parse(source, {}))


def word_count(source: str) -> int:
    """Words in the body's text."""
    return len(_WORD.findall(to_text(source)))


def reading_time_minutes(source: str) -> int:
    """Minutes to read at 200 words a minute, rounded up; 0 for an empty body."""
    return math.ceil(word_count(source) / WORDS_PER_MINUTE)


def rendered_body(source: str) -> dict[str, Any]:
    """The columns stored beside a Markdown `body`, from one parse of it.

    Equal to `to_html`, `to_text`, `word_count` and `reading_time_minutes` of the source.
    """
    env: dict[str, Any] = {}
    tokens = _parse(source, env)
    text = _plain_text(tokens)
    words = len(_WORD.findall(text))
    return {
        "body_html": _html(tokens, env),
        "body_text": text,
        "word_count": words,
        "reading_time_minutes": math.ceil(words / WORDS_PER_MINUTE),
    }
