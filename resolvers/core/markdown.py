"""Markdown bodies rendered to sanitized HTML or plain text, with word counts, cached."""

from __future__ import annotations

import math
import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

WORDS_PER_MINUTE = 200
_markdown = MarkdownIt("commonmark").enable("table")
_WORD = re.compile(r"\w+(?:['\u2019-]\w+)*")
_BLOCK_TEXT = {"code_block", "fence"}


@lru_cache(maxsize=4096)
def to_html(source: str) -> str:
    """CommonMark plus tables, sanitized: no script, no event handlers, no `javascript:`."""
    return nh3.clean(_markdown.render(source), link_rel="noopener noreferrer")


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


@lru_cache(maxsize=4096)
def to_text(source: str) -> str:
    """The words of the body without markup: one paragraph or block per line group."""
    blocks = []
    for token in _markdown.parse(source):
        if token.type == "inline":
            blocks.append(_inline_text(token))
        elif token.type in _BLOCK_TEXT:
            blocks.append(token.content.rstrip("\n"))
    return "\n\n".join(block for block in blocks if block)


@lru_cache(maxsize=8192)
def word_count(source: str) -> int:
    """Words in the body's text."""
    return len(_WORD.findall(to_text(source)))


def reading_time_minutes(source: str) -> int:
    """Minutes to read at 200 words a minute, rounded up; 0 for an empty body."""
    return math.ceil(word_count(source) / WORDS_PER_MINUTE)
