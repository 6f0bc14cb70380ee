"""Markdown bodies for demo content: headings, paragraphs, lists, links, code and tables."""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass

from masthead.demo.odds import chance
from masthead.demo.words import CODE_SNIPPETS, LINK_TARGETS, TABLE_COLUMNS

COMMA_MIN_WORDS = 9
MIN_PARAGRAPH_WORDS = 10
MIN_LIST_BUDGET = 30
MIN_SECTION_BUDGET = 20
INLINE_FORMATS = ("*{}*", "**{}**", "`{}`")


@dataclass(frozen=True)
class Language:
    """The words and headings a body is written with."""

    words: tuple[str, ...]
    headings: tuple[str, ...]


class ProseWriter:
    """Writes Markdown quickly from a seeded random source (no Faker in the hot path)."""

    def __init__(self, rng: random.Random, language: Language) -> None:
        self.rng = rng
        self.language = language
        # Decorations take turns, so every body of some length shows each kind.
        self.decorations = itertools.cycle(range(len(INLINE_FORMATS) + 1))

    def words(self, count: int, topic: Sequence[str] = ()) -> list[str]:
        """`count` words, about one in twelve taken from the topic."""
        chosen = self.rng.choices(self.language.words, k=count)
        if topic:
            for index in range(self.rng.randrange(12), count, 12):
                chosen[index] = self.rng.choice(topic)
        return chosen

    def sentences(self, count: int, topic: Sequence[str] = ()) -> str:
        """About `count` words cut into capitalized sentences."""
        words, sentences, start = self.words(count, topic), [], 0
        while start < count:
            chunk = words[start : start + self.rng.randint(7, 18)]
            start += len(chunk)
            chunk[0] = chunk[0][:1].upper() + chunk[0][1:]
            if len(chunk) >= COMMA_MIN_WORDS and chance(self.rng, 0.5):
                chunk[4] += ","
            sentences.append(" ".join(chunk) + ".")
        return " ".join(sentences)

    def _decorate(self, words: list[str]) -> None:
        """Emphasis, strong, inline code and links on a few words."""
        for index in range(self.rng.randrange(1, 20), len(words) - 2, self.rng.randint(18, 30)):
            word = words[index].rstrip(",.")
            if not word:
                continue
            kind = next(self.decorations)
            end = words[index][len(word) :]
            if kind < len(INLINE_FORMATS):
                words[index] = INLINE_FORMATS[kind].format(word) + end
            else:
                words[index] = f"[{word}]({self.rng.choice(LINK_TARGETS)}){end}"

    def paragraph(self, count: int, topic: Sequence[str] = ()) -> str:
        """A paragraph of about `count` words with some inline Markdown."""
        words = self.sentences(count, topic).split(" ")
        self._decorate(words)
        return " ".join(words)

    def bullet_list(self, topic: Sequence[str]) -> tuple[str, int]:
        """A bulleted or numbered list, and its word count."""
        items = [
            self.sentences(self.rng.randint(3, 10), topic) for _ in range(self.rng.randint(3, 6))
        ]
        numbered = chance(self.rng, 0.4)
        lines = [f"{n}. {item}" if numbered else f"- {item}" for n, item in enumerate(items, 1)]
        return "\n".join(lines), sum(item.count(" ") + 1 for item in items)

    def code_block(self) -> str:
        """A fenced code block in one of several languages."""
        language, code = self.rng.choice(CODE_SNIPPETS)
        return f"```{language}\n{code}\n```"

    def table(self) -> str:
        """A small GFM table."""
        header = self.rng.choice(TABLE_COLUMNS)
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for _ in range(self.rng.randint(2, 4)):
            name = self.rng.choice(self.language.words).capitalize()
            cells = [str(self.rng.randint(2, 900)) for _ in header[1:]]
            lines.append("| " + " | ".join([name, *cells]) + " |")
        return "\n".join(lines)

    def _section(self, budget: int, topic: Sequence[str], first: bool) -> tuple[list[str], int]:
        blocks = [f"## {self.rng.choice(self.language.headings)}"]
        used = 2
        for _ in range(self.rng.randint(1, 3)):
            count = min(budget - used, self.rng.randint(40, 120))
            if count < MIN_PARAGRAPH_WORDS:
                break
            blocks.append(self.paragraph(count, topic))
            used += count
        if (first or chance(self.rng, 0.3)) and budget - used > MIN_LIST_BUDGET:
            text, words = self.bullet_list(topic)
            blocks.append(text)
            used += words
        if chance(self.rng, 0.35):
            blocks.append(self.code_block())
        return blocks, used

    def body(self, words: int, topic: Sequence[str] = ()) -> str:
        """A Markdown document of about `words` words of prose, plus code and tables."""
        intro = min(words, self.rng.randint(40, 90))
        blocks, used, first = [self.paragraph(intro, topic)], intro, True
        while words - used > MIN_SECTION_BUDGET:
            section, section_words = self._section(words - used, topic, first)
            blocks.extend(section)
            used, first = used + section_words, False
        if chance(self.rng, 0.15):
            blocks.insert(min(3, len(blocks)), self.table())
        return "\n\n".join(blocks) + "\n"
