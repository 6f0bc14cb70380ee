"""Search text without SQL: a query's words, the engines' query strings, highlighted snippets."""

from __future__ import annotations

import html
import itertools
import re
import unicodedata
from dataclasses import dataclass

MAX_TERMS = 32
MAX_TERM_LENGTH = 100
PREFIX_MIN_LENGTH = 2
SNIPPET_WORDS = 24
LEADING_WORDS = 5  # context kept before the first match of a snippet
LEADING_CHARACTERS = 80  # where to look for that context
WINDOW_CHARACTERS = 120  # matches this close to the first count towards a window
MAX_CANDIDATES = 200  # snippet windows scored per field, at most
FIELD_SEPARATOR = "\x1f"  # between the fields of a document (body, summary, title)

_WORD = re.compile(r"[^\W_]+")
_PUNCTUATION = re.compile(r"[^\w\s]+")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKUP = re.compile(r"(?m)^[ \t]{0,3}(?:#{1,6}[ \t]+|>[ \t]?|[-+*][ \t]+)|[*`|]+|~~")


def search_terms(query: str) -> tuple[str, ...]:
    """The words of a query: runs of letters and digits, so no query syntax survives."""
    words = _WORD.findall(unicodedata.normalize("NFC", query))
    return tuple(word[:MAX_TERM_LENGTH] for word in words[:MAX_TERMS])


def prefixed(terms: tuple[str, ...]) -> bool:
    """Whether the last word also matches as a prefix (search as you type)."""
    return len(terms[-1]) >= PREFIX_MIN_LENGTH


def fts5_match(terms: tuple[str, ...]) -> str:
    """An FTS5 query requiring every word, each a quoted string: `"a" "b"*`."""
    quoted = ['"' + term.replace('"', '""') + '"' for term in terms]
    if prefixed(terms):
        quoted[-1] += "*"
    return " ".join(quoted)


def tsquery_text(terms: tuple[str, ...]) -> str:
    """A `to_tsquery` input requiring every word, each a quoted lexeme: `'a' & 'b':*`."""
    quoted = ["'" + term.replace("\\", "\\\\").replace("'", "''") + "'" for term in terms]
    if prefixed(terms):
        quoted[-1] += ":*"
    return " & ".join(quoted)


class _FoldTable(dict[int, str]):
    """Case and diacritics folded one character at a time, so offsets stay valid."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        base = char if char.isascii() else unicodedata.normalize("NFKD", char)[0]
        lowered = base.lower()
        folded = self[code] = lowered if len(lowered) == 1 else base
        return folded


_FOLD = _FoldTable()


@dataclass(frozen=True)
class _Matcher:
    """Finds the query's words in folded text: the last one also as a prefix."""

    pattern: re.Pattern[str]
    exact: frozenset[str]

    @classmethod
    def of(cls, terms: tuple[str, ...]) -> _Matcher:
        folded = [term.translate(_FOLD) for term in terms]
        exact = folded[:-1] if prefixed(terms) else folded
        choices = [re.escape(term) for term in sorted(exact, key=len, reverse=True)]
        if prefixed(terms):
            choices.append(re.escape(folded[-1]) + r"[^\W_]*")
        pattern = re.compile(r"(?<![^\W_])(?:" + "|".join(choices) + r")(?![^\W_])")
        return cls(pattern, frozenset(exact))

    def term(self, word: str) -> str:
        """The term a matched word stands for (the prefix counts as one term)."""
        return word if word in self.exact else "\0prefix"


@dataclass(frozen=True)
class _Window:
    """Where a snippet starts in one field, and how well it covers the query."""

    score: tuple[int, int, int, int]
    text: str
    folded: str
    start: int
    anchor: int
    marked: frozenset[int]


def _best_window(text: str, matcher: _Matcher, field_rank: int) -> _Window:
    folded = text.translate(_FOLD)
    spans = list(matcher.pattern.finditer(folded))
    marked = frozenset(span.start() for span in spans)
    best = _Window((0, 0, -field_rank, 0), text, folded, 0, 0, marked)
    for index, span in enumerate(spans[:MAX_CANDIDATES]):
        inside = [s for s in spans[index:] if s.start() < span.start() + WINDOW_CHARACTERS]
        terms = {matcher.term(s.group()) for s in inside}
        score = (len(terms), len(inside), -field_rank, -span.start())
        if score > best.score:
            start = max(0, span.start() - LEADING_CHARACTERS)
            best = _Window(score, text, folded, start, span.start(), marked)
    return best


def _words(window: _Window) -> list[re.Match[str]]:
    """A few words of context, skipping one the window cuts in two, then the match onwards."""
    folded, start = window.folded, window.start
    before = list(_WORD.finditer(folded, start, window.anchor))
    if before and before[0].start() == start > 0 and folded[start - 1].isalnum():
        before.pop(0)
    before = before[-LEADING_WORDS:]
    after = _WORD.finditer(folded, window.anchor)
    return before + list(itertools.islice(after, SNIPPET_WORDS - len(before)))


def _render(window: _Window) -> str:
    words = _words(window)
    text, folded = window.text, window.folded
    parts = ["…"] if _WORD.search(folded, 0, words[0].start()) else []
    position = words[0].start()
    for word in words:
        parts.append(html.escape(text[position : word.start()]))
        escaped = html.escape(text[word.start() : word.end()])
        parts.append(f"<mark>{escaped}</mark>" if word.start() in window.marked else escaped)
        position = word.end()
    trailing = _PUNCTUATION.match(text, position)
    parts.append(html.escape(trailing.group()) if trailing else "")
    if _WORD.search(folded, position):
        parts.append("…")
    return " ".join("".join(parts).split())


def snippet_html(document: str | None, terms: tuple[str, ...]) -> str | None:
    """Safe HTML: the run of words covering most of the query, escaped, matches in `<mark>`.

    Fields come best source first (body, summary, title); Markdown punctuation goes.
    """
    if not document or not terms:
        return None
    matcher = _Matcher.of(terms)
    fields = [_LINK.sub(r"\1", _MARKUP.sub("", field)) for field in document.split(FIELD_SEPARATOR)]
    windows = [_best_window(field, matcher, rank) for rank, field in enumerate(fields)]
    worded = [window for window in windows if _WORD.search(window.folded)]
    return _render(max(worded, key=lambda window: window.score)) if worded else None
