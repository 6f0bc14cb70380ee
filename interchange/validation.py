"""Whole-document validation: fields, uniqueness, references, status rules and the page tree."""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from masthead.interchange.entries import FORMAT_VERSION, SECTION_FIELDS, SECTION_KEYS
from masthead.interchange.errors import InterchangeError
from masthead.interchange.fields import format_timestamp, parse_fields
from masthead.interchange.revisions import continue_histories, parse_revision
from masthead.models import ContentStatus

SECTIONS = tuple(SECTION_FIELDS)
ORDER = (*SECTIONS, "revisions")


@dataclass
class ExistingContent:
    """The keys already in the database that the document may refer to or collide with."""

    authors: dict[str, int] = field(default_factory=dict)
    tags: dict[str, int] = field(default_factory=dict)
    assets: dict[str, int] = field(default_factory=dict)
    pages: dict[tuple[str, str], int] = field(default_factory=dict)
    posts: set[tuple[str, str]] = field(default_factory=set)
    post_groups: set[tuple[str, str]] = field(default_factory=set)
    page_groups: set[tuple[str, str]] = field(default_factory=set)


@dataclass
class Entry:
    """One entry of a section: where it sits, how messages name it, its parsed values."""

    section: str
    position: int
    label: str
    values: dict[str, Any]


class Problems:
    """Problems found so far, reported in document order."""

    def __init__(self) -> None:
        self.found: list[tuple[int, int, str]] = []

    def add(self, entry: Entry, text: str) -> None:
        """A problem of one entry; `text` starts with the field."""
        self.found.append((ORDER.index(entry.section), entry.position, f"{entry.label}: {text}"))

    def add_document(self, text: str) -> None:
        """A problem of the document's top level."""
        self.found.append((-1, 0, text))

    def raise_if_any(self) -> None:
        """Raise `InterchangeError` with every problem, in document order."""
        if self.found:
            raise InterchangeError([text for *_, text in sorted(self.found, key=lambda p: p[:2])])


def validate_document(
    document: object, existing: ExistingContent, now: datetime
) -> dict[str, list[dict[str, Any]]]:
    """Each section's parsed entries with defaults filled, or `InterchangeError`."""
    if not isinstance(document, dict):
        raise InterchangeError(["the document must be a JSON object"])
    problems = Problems()
    sections = _parse_sections(_raw_sections(document, problems), problems)
    history = _parse_revisions(document.get("revisions", []), problems)
    problems.raise_if_any()
    _fill_defaults(sections, now)
    continue_histories(
        {name: [entry.values for entry in entries] for name, entries in sections.items()},
        [entry.values for entry in history],
    )
    _check_page_tree(sections["pages"], existing, problems)
    _check_uniqueness(sections, existing, problems)
    _check_references(sections, existing, problems)
    for entry in [*sections["posts"], *sections["pages"]]:
        _check_lifecycle(entry, now, problems)
    problems.raise_if_any()
    parsed = {name: [entry.values for entry in entries] for name, entries in sections.items()}
    return parsed | {"revisions": [entry.values for entry in history]}


def _parse_revisions(raw: object, problems: Problems) -> list[Entry]:
    """The optional history section: each revision checked, no version given twice."""
    if not isinstance(raw, list):
        problems.add_document("revisions: must be a list")
        return []
    entries: list[Entry] = []
    seen: set[tuple[Any, ...]] = set()
    for position, item in enumerate(raw):
        values, found = parse_revision(item)
        entry = Entry("revisions", position, f"revisions[{position}]", values)
        for text in found:
            problems.add(entry, text)
        if not found:
            identity = (values["type"], values["key"], values["version"])
            if identity in seen:
                problems.add(entry, "version: the same entry has this version twice")
            seen.add(identity)
        entries.append(entry)
    return entries


def _raw_sections(document: dict[str, Any], problems: Problems) -> dict[str, list[object]]:
    version = document.get("version")
    if isinstance(version, bool) or version != FORMAT_VERSION:
        problems.add_document(f"version: must be {FORMAT_VERSION}, not {version!r}")
    for key in document:
        if key not in ("version", "revisions") and key not in SECTIONS:
            problems.add_document(f"{key}: unknown section")
    raw: dict[str, list[object]] = {}
    for name in SECTIONS:
        section = document.get(name, [])
        if not isinstance(section, list):
            problems.add_document(f"{name}: must be a list")
        raw[name] = section if isinstance(section, list) else []
    return raw


def _label(section: str, position: int, raw: object) -> str:
    key = SECTION_KEYS[section]
    value = raw.get(key) if isinstance(raw, dict) else None
    if isinstance(value, str):
        return f'{section}[{position}] ({key} "{value}")'
    return f"{section}[{position}]"


def _parse_sections(raw: dict[str, list[object]], problems: Problems) -> dict[str, list[Entry]]:
    sections: dict[str, list[Entry]] = {}
    for name, entries in raw.items():
        sections[name] = []
        for position, item in enumerate(entries):
            values, found = parse_fields(item, SECTION_FIELDS[name])
            entry = Entry(name, position, _label(name, position, item), values)
            sections[name].append(entry)
            for text in found:
                problems.add(entry, text)
    return sections


def _fill_defaults(sections: dict[str, list[Entry]], now: datetime) -> None:
    for entry in sections["assets"]:
        entry.values["created_at"] = entry.values["created_at"] or now
    for section, prefix in (("posts", "post-"), ("pages", "page")):
        for entry in sections[section]:
            values = entry.values
            key = values["slug"] if section == "posts" else values["path"].replace("/", "-")
            values["translation_group"] = values["translation_group"] or f"{prefix}{key}"
            values["created_at"] = values["created_at"] or now
            values["updated_at"] = values["updated_at"] or values["created_at"]


def _check_page_tree(pages: list[Entry], existing: ExistingContent, problems: Problems) -> None:
    paths = {(entry.values["path"], entry.values["locale"]) for entry in pages}
    paths.update(existing.pages)
    for entry in pages:
        values = entry.values
        path, locale = values["path"], values["locale"]
        parent, _, slug = path.rpartition("/")
        values["slug"] = values["slug"] or slug
        if values["slug"] != slug:
            problems.add(entry, f'slug: must be "{slug}", the last segment of path "{path}"')
        values["parent"] = values["parent"] or parent or None
        if values["parent"] != (parent or None):
            expected = f'"{parent}"' if parent else "null"
            problems.add(entry, f'parent: must be {expected} for path "{path}"')
        elif parent and (parent, locale) not in paths:
            problems.add(entry, f'parent: no page "{parent}" in locale "{locale}"')


def _check_unique(
    entries: list[Entry],
    key: Callable[[dict[str, Any]], Hashable],
    text: Callable[[Any], str],
    existing: Collection[Hashable],
    problems: Problems,
) -> None:
    """`text(key)` starts with the field and describes the key, e.g. `slug: "x"`."""
    seen: dict[Hashable, Entry] = {}
    for entry in entries:
        value = key(entry.values)
        if value in seen:
            problems.add(entry, f"{text(value)} is already used by {seen[value].label}")
        elif value in existing:
            problems.add(entry, f"{text(value)} already exists in the database")
        else:
            seen[value] = entry


def _check_uniqueness(
    sections: dict[str, list[Entry]], existing: ExistingContent, problems: Problems
) -> None:
    def slug(values: dict[str, Any]) -> str:
        return str(values["slug"])

    def quoted(value: str) -> str:
        return f'slug: "{value}"'

    _check_unique(sections["authors"], slug, quoted, existing.authors, problems)
    _check_unique(sections["tags"], slug, quoted, existing.tags, problems)
    _check_unique(
        sections["assets"],
        lambda values: values["filename"],
        lambda value: f'filename: "{value}"',
        existing.assets,
        problems,
    )
    _check_localized_uniqueness(sections, existing, problems)


def _localized_key(key: str) -> Callable[[dict[str, Any]], tuple[str, str]]:
    def pair(values: dict[str, Any]) -> tuple[str, str]:
        return (values[key], values["locale"])

    return pair


def _localized_text(field: str, locale_word: str) -> Callable[[tuple[str, str]], str]:
    def text(pair: tuple[str, str]) -> str:
        return f'{field}: "{pair[0]}" {locale_word} "{pair[1]}"'

    return text


def _check_localized_uniqueness(
    sections: dict[str, list[Entry]], existing: ExistingContent, problems: Problems
) -> None:
    for section, key, known, groups in (
        ("posts", "slug", existing.posts, existing.post_groups),
        ("pages", "path", set(existing.pages), existing.page_groups),
    ):
        entries = sections[section]
        text = _localized_text(key, "in locale")
        _check_unique(entries, _localized_key(key), text, known, problems)
        group_text = _localized_text("translationGroup", "with locale")
        _check_unique(entries, _localized_key("translation_group"), group_text, groups, problems)


@dataclass(frozen=True)
class Known:
    """The keys a reference of one kind may name: the document's and the database's."""

    kind: str
    keys: set[str]

    @classmethod
    def of(cls, kind: str, entries: Iterable[Entry], key: str, stored: Collection[str]) -> Known:
        """The keys of `entries` and the stored ones."""
        return cls(kind, {entry.values[key] for entry in entries} | set(stored))

    def check(self, entry: Entry, field: str, value: str | None, problems: Problems) -> None:
        """Record a problem when `value` names nothing known."""
        if value is not None and value not in self.keys:
            problems.add(entry, f'{field}: unknown {self.kind} "{value}"')


def _check_references(
    sections: dict[str, list[Entry]], existing: ExistingContent, problems: Problems
) -> None:
    authors = Known.of("author", sections["authors"], "slug", existing.authors)
    tags = Known.of("tag", sections["tags"], "slug", existing.tags)
    assets = Known.of("asset", sections["assets"], "filename", existing.assets)
    for entry in sections["authors"]:
        assets.check(entry, "avatar", entry.values["avatar"], problems)
    for entry in sections["posts"]:
        values = entry.values
        authors.check(entry, "author", values["author"], problems)
        for position, slug in enumerate(values["co_authors"]):
            authors.check(entry, f"coAuthors[{position}]", slug, problems)
        for position, slug in enumerate(values["tags"]):
            tags.check(entry, f"tags[{position}]", slug, problems)
        assets.check(entry, "coverImage", values["cover_image"], problems)
    for entry in [*sections["posts"], *sections["pages"]]:
        assets.check(entry, "seo.ogImage", entry.values["seo"]["og_image"], problems)


def _check_lifecycle(entry: Entry, now: datetime, problems: Problems) -> None:
    status, published_at = entry.values["status"], entry.values["published_at"]
    if status in (ContentStatus.PUBLISHED, ContentStatus.SCHEDULED) and published_at is None:
        problems.add(entry, f"publishedAt: required when status is {status}")
    elif status is ContentStatus.PUBLISHED and published_at > now:
        when = format_timestamp(published_at)
        problems.add(
            entry, f"publishedAt: {when} is in the future; a future date needs status SCHEDULED"
        )
