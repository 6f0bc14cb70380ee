"""Build a realistic, varied import document deterministically from a seed."""

from __future__ import annotations

import itertools
import random
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from faker import Faker

from masthead.demo.assets import build_covers, build_leaflets, file_count
from masthead.demo.dates import FIRST_DAY, timestamp
from masthead.demo.markdown import Language, ProseWriter
from masthead.demo.odds import chance
from masthead.demo.pages import PAGE_TREE
from masthead.demo.people import SlugBook, build_authors
from masthead.demo.progress import Progress, Steps
from masthead.demo.topics import TAGS, TITLES_EN, TITLES_FR, TOPICS
from masthead.demo.welcome import (
    WELCOME_BODY,
    WELCOME_EXCERPT,
    WELCOME_FR_BODY,
    WELCOME_FR_EXCERPT,
    WELCOME_FR_SLUG,
    WELCOME_FR_TITLE,
    WELCOME_SLUG,
    WELCOME_TITLE,
)
from masthead.demo.words import ENGLISH_WORDS, FRENCH_WORDS, HEADINGS_EN, HEADINGS_FR, TECH_WORDS

LATEST = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)
SCHEDULED_FROM = datetime(2030, 1, 1, tzinfo=UTC)
PUBLISHED_SPAN = int((LATEST - FIRST_DAY).total_seconds())
DAY = 86400
STATUSES = ("PUBLISHED", "DRAFT", "SCHEDULED", "ARCHIVED")
STATUS_WEIGHTS = (88, 5, 3, 4)
MIN_TOPIC_WORD_LENGTH = 3
NO_SEO = {"title": None, "description": None, "canonicalUrl": None, "ogImage": None}

Entry = dict[str, Any]


@dataclass(frozen=True)
class Demo:
    """A generated document and the files its assets name, by file name."""

    document: dict[str, Any]
    files: dict[str, bytes]


def generate_demo(*, posts: int, seed: int, progress: Progress | None = None) -> Demo:
    """A document with `posts` English posts, about 10% of them also in French, and its files.

    Authors, tags, assets and a page tree come with them; each asset's file (an image drawn
    with Pillow, or a PDF) is among the files, and its entry gives its real size. The same
    seed always gives the same document and byte-identical files.
    """
    if posts < 1:
        msg = f"posts must be at least 1, not {posts}"
        raise ValueError(msg)
    return DemoBuilder(seed).build(posts, progress)


def generate_document(*, posts: int, seed: int) -> dict[str, Any]:
    """The document of `generate_demo`, without its files."""
    return generate_demo(posts=posts, seed=seed).document


def _topic_words(topic: str) -> list[str]:
    words = re.findall(r"[a-z0-9+]+", topic.lower())
    return [word for word in words if len(word) >= MIN_TOPIC_WORD_LENGTH]


class DemoBuilder:
    """Holds the seeded sources and the slugs taken so far while building one document."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - reproducible demo content, not secrets
        self.faker = Faker("en_US")
        self.faker.seed_instance(seed)
        self.english = ProseWriter(self.rng, Language(ENGLISH_WORDS + TECH_WORDS * 3, HEADINGS_EN))
        self.french = ProseWriter(self.rng, Language(FRENCH_WORDS + TECH_WORDS, HEADINGS_FR))
        self.slugs: defaultdict[str, SlugBook] = defaultdict(SlugBook)
        self.author_slugs: list[str] = []
        self.author_weights: list[float] = []
        self.cover_files: list[str] = []

    def build(self, posts: int, progress: Progress | None) -> Demo:
        """The whole document and its files."""
        author_count = max(12, posts // 40)
        steps = Steps(file_count(author_count) + posts, progress)
        authors, avatars = build_authors(self.rng, self.faker, author_count)
        steps.advance(len(avatars))
        captions = [self.english.sentences(9) for _ in range(20)]
        covers = build_covers(self.rng, captions)
        assets = [*avatars, *covers, *build_leaflets(self.rng)]
        steps.advance(len(assets) - len(avatars))
        self.author_slugs = [author["slug"] for author in authors]
        ranks = range(len(authors))
        self.author_weights = list(itertools.accumulate(1 / (rank + 1) ** 0.7 for rank in ranks))
        self.cover_files = [cover.filename for cover in covers]
        entries = self._welcome()
        steps.advance()
        for index in range(1, posts):
            entries.extend(self._post_with_translations(index))
            steps.advance()
        tags = [
            {"slug": slug, "name": name, "description": text, "version": 1}
            for slug, name, text in TAGS
        ]
        document = {"version": 1, "authors": authors, "tags": tags,
                    "assets": [asset.entry for asset in assets], "posts": entries,
                    "pages": self._pages()}  # fmt: skip
        return Demo(document, {asset.filename: asset.data for asset in assets})

    def _author(self) -> str:
        return self.rng.choices(self.author_slugs, cum_weights=self.author_weights)[0]

    def _co_authors(self, author: str) -> list[str]:
        count = self.rng.choices((0, 1, 2), (70, 20, 10))[0]
        chosen: list[str] = []
        while len(chosen) < count:
            candidate = self._author()
            if candidate != author and candidate not in chosen:
                chosen.append(candidate)
        return chosen

    def _tags(self, topic_tags: Sequence[str]) -> list[str]:
        count = self.rng.choices((1, 2, 3, 4, 5), (15, 30, 30, 15, 10))[0]
        chosen = list(topic_tags[:count])
        while len(chosen) < count:
            tag = self.rng.choice(TAGS)[0]
            if tag not in chosen:
                chosen.append(tag)
        return chosen

    def _title(self, templates: Sequence[str], topic: str) -> str:
        return self.rng.choice(templates).format(
            topic=topic,
            Topic=topic[0].upper() + topic[1:],
            n=self.rng.randint(3, 12),
            year=self.rng.randint(2023, 2026),
        )

    def _seo(self, slug: str, title: str, excerpt: str | None) -> Entry:
        if chance(self.rng, 0.85):  # most posts keep the fallbacks
            return dict(NO_SEO)
        return {
            "title": f"{title} | Masthead blog",
            "description": excerpt.split(".")[0] + "." if excerpt else None,
            "canonicalUrl": f"https://blog.example.com/{slug}" if chance(self.rng, 0.3) else None,
            "ogImage": self.rng.choice(self.cover_files) if chance(self.rng, 0.6) else None,
        }

    def _lifecycle(self, status: str) -> tuple[datetime | None, datetime, datetime]:
        """publishedAt, createdAt and updatedAt for a post of this status."""
        rng = self.rng
        if status == "SCHEDULED":
            created = LATEST - timedelta(seconds=rng.randrange(1, 120 * DAY))
            return SCHEDULED_FROM + timedelta(seconds=rng.randrange(365 * DAY)), created, created
        if status == "DRAFT":
            created = FIRST_DAY + timedelta(seconds=rng.randrange(PUBLISHED_SPAN))
            updated = min(created + timedelta(seconds=rng.randrange(10 * DAY)), LATEST)
            return None, created, updated
        span = PUBLISHED_SPAN // 2 if status == "ARCHIVED" else PUBLISHED_SPAN
        published = FIRST_DAY + timedelta(seconds=rng.randrange(span))
        created = published - timedelta(seconds=rng.randrange(14 * DAY))
        edited = chance(rng, 0.4) or status == "ARCHIVED"
        updated = published + timedelta(seconds=rng.randrange(300 * DAY) if edited else 0)
        return published, created, min(updated, LATEST)

    def _status(self, index: int) -> str:
        """Mostly published; the first few after the welcome post show every other status."""
        if index <= len(STATUSES) - 1:
            return STATUSES[index]
        return self.rng.choices(STATUSES, STATUS_WEIGHTS)[0]

    def _post_with_translations(self, index: int) -> list[Entry]:
        rng = self.rng
        topic, topic_tags = rng.choice(TOPICS)
        words = _topic_words(topic)
        title = self._title(TITLES_EN, topic)
        slug = self.slugs["en"].claim(title)
        status = self._status(index)
        published, created, updated = self._lifecycle(status)
        excerpt = self.english.sentences(rng.randint(18, 35), words) if chance(rng, 0.95) else None
        post = {
            "slug": slug,
            "locale": "en",
            "translationGroup": f"post-{slug}",
            "title": title,
            "excerpt": excerpt,
            "body": self.english.body(int(rng.triangular(150, 1350, 350)), words),
            "status": status,
            "publishedAt": timestamp(published) if published else None,
            "createdAt": timestamp(created),
            "updatedAt": timestamp(updated),
            "featured": chance(rng, 0.1),
            "author": (author := self._author()),
            "coAuthors": self._co_authors(author),
            "tags": self._tags(topic_tags),
            "coverImage": rng.choice(self.cover_files) if chance(rng, 0.85) else None,
            "seo": self._seo(slug, title, excerpt),
            "version": 1 if updated == created else rng.randint(2, 6),
        }
        if status != "PUBLISHED" or published is None or not chance(rng, 0.12):
            return [post]
        locales = ["fr", "fr-CA"] if chance(rng, 0.2) else ["fr"]
        return [post, *(self._translation(post, locale, topic, published) for locale in locales)]

    def _translation(self, post: Entry, locale: str, topic: str, published: datetime) -> Entry:
        rng = self.rng
        title = self._title(TITLES_FR, topic)
        published = min(
            published + timedelta(hours=rng.randint(1, 72)), LATEST - timedelta(minutes=1)
        )
        created = published - timedelta(seconds=rng.randrange(3 * DAY))
        return post | {
            "slug": self.slugs[locale].claim(title),
            "locale": locale,
            "title": title,
            "excerpt": self.french.sentences(rng.randint(18, 30), _topic_words(topic)),
            "body": self.french.body(rng.randint(150, 600), _topic_words(topic)),
            "publishedAt": timestamp(published),
            "createdAt": timestamp(created),
            "updatedAt": timestamp(published),
            "coAuthors": list(post["coAuthors"]),
            "tags": list(post["tags"]),
            "seo": dict(NO_SEO),
            "version": 1,
        }

    def _welcome(self) -> list[Entry]:
        """The first post: the newest, tagged python and web, with a French translation."""
        self.slugs["en"].claim(WELCOME_SLUG)
        self.slugs["fr"].claim(WELCOME_FR_SLUG)
        cover = self.cover_files[0]
        post: Entry = {
            "slug": WELCOME_SLUG,
            "locale": "en",
            "translationGroup": f"post-{WELCOME_SLUG}",
            "title": WELCOME_TITLE,
            "excerpt": WELCOME_EXCERPT,
            "body": WELCOME_BODY,
            "status": "PUBLISHED",
            "publishedAt": timestamp(LATEST),
            "createdAt": timestamp(LATEST - timedelta(days=2)),
            "updatedAt": timestamp(LATEST),
            "featured": True,
            "author": self.author_slugs[0],
            "coAuthors": [],
            "tags": ["python", "web", "graphql"],
            "coverImage": cover,
            "seo": NO_SEO | {"title": "Welcome to Masthead", "ogImage": cover},
            "version": 2,
        }
        french = post | {
            "slug": WELCOME_FR_SLUG,
            "locale": "fr",
            "title": WELCOME_FR_TITLE,
            "excerpt": WELCOME_FR_EXCERPT,
            "body": WELCOME_FR_BODY,
            "tags": list(post["tags"]),
            "seo": dict(NO_SEO),
            "version": 1,
        }
        return [post, french]

    def _pages(self) -> list[Entry]:
        pages = []
        for path, title, french_title, status in PAGE_TREE:
            pages.append(self._page(path, "en", title, status))
            if french_title is not None:
                pages.append(self._page(path, "fr", french_title, status))
        # The order an export writes: by path, so parents come first.
        return sorted(pages, key=lambda page: (page["path"], page["locale"]))

    def _page(self, path: str, locale: str, title: str, status: str) -> Entry:
        rng = self.rng
        writer = self.french if locale == "fr" else self.english
        created = FIRST_DAY + timedelta(seconds=rng.randrange(60 * DAY))
        published = created + timedelta(seconds=rng.randrange(10 * DAY))
        updated = published + timedelta(seconds=rng.randrange(300 * DAY))
        return {
            "path": path,
            "slug": path.rsplit("/", 1)[1],
            "locale": locale,
            "translationGroup": "page" + path.replace("/", "-"),
            "title": title,
            "body": writer.body(rng.randint(120, 400)),
            "status": status,
            "publishedAt": timestamp(published) if status == "PUBLISHED" else None,
            "createdAt": timestamp(created),
            "updatedAt": timestamp(updated),
            "parent": path.rpartition("/")[0] or None,
            "seo": dict(NO_SEO),
            "version": rng.randint(1, 4),
        }
