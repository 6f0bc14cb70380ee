"""Markdown bodies rendered to sanitized HTML or plain text, with word counts, cached."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

from masthead.resolvers.core.bounded_cache import BoundedCache, text_bytes

WORDS_PER_MINUTE = 200
_markdown = MarkdownIt("commonmark").enable("table")
_WORD = re.compile(r"\w+(?:['\u2019-]\w+)*")
_BLOCK_TEXT = {"code_block", "fence"}
# A rendering's own object and its word count, beyond the texts it holds.
RENDERING_BYTES = 100


@dataclass(slots=True)
class Rendering:
    """What was made of one body so far: each part made on first use."""

    html: str | None = None
    text: str | None = None
    words: int | None = None


def _rendering_bytes(source: str, rendering: Rendering) -> int:
    parts = (part for part in (rendering.html, rendering.text) if part is not None)
    return text_bytes(source, *parts) + RENDERING_BYTES


# One per process, keyed by the body itself; `MASTHEAD_MARKDOWN_CACHE_BYTES` bounds it.
RENDERINGS: BoundedCache[str, Rendering] = BoundedCache(
    "markdown", 8 * 1024 * 1024, _rendering_bytes
)


def _rendering(source: str) -> Rendering:
    return RENDERINGS.get(source) or Rendering()


def to_html(source: str) -> str:
    """CommonMark plus tables, sanitized: no script, no event handlers, no `javascript:`."""
    rendering = _rendering(source)
    if rendering.html is None:
        rendering.html = nh3.clean(_markdown.render(source), link_rel="noopener noreferrer")
        RENDERINGS.put(source, rendering)
    return rendering.html


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


def _plain_text(source: str) -> str:
    blocks = []
    for token in _markdown.parse(source):
        if token.type == "inline":
            blocks.append(_inline_text(token))
        elif token.type in _BLOCK_TEXT:
            blocks.append(token.content.rstrip("\n"))
    return "\n\n".join(block for block in blocks if block)


def _with_text(source: str) -> Rendering:
    rendering = _rendering(source)
    if rendering.text is None:
        rendering.text = _plain_text(source)
        rendering.words = len(_WORD.findall(rendering.text))
        RENDERINGS.put(source, rendering)
    return rendering


def to_text(source: str) -> str:
    """The words of the body without markup: one paragraph or block per line group."""
    return _with_text(source).text or ""


def word_count(source: str) -> int:
    """Words in the body's text."""
    return _with_text(source).words or 0


def reading_time_minutes(source: str) -> int:
    """Minutes to read at 200 words a minute, rounded up; 0 for an empty body."""
    return math.ceil(word_count(source) / WORDS_PER_MINUTE)
