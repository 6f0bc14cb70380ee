"""Demo authors with their avatars, and the image assets posts use as covers."""

from __future__ import annotations

import random
import re
import unicodedata
from datetime import UTC, datetime, timedelta
from typing import Any

from faker import Faker

from masthead.demo.odds import chance
from masthead.demo.topics import ROLES, TOPICS

FIRST_DAY = datetime(2023, 1, 1, tzinfo=UTC)
MIME_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}
COVER_SIZES = ((1600, 900), (1200, 630), (1920, 1080), (2400, 1600), (1280, 720))

Entry = dict[str, Any]


def slugify(text: str) -> str:
    """Lowercase ASCII words joined by hyphens ("Crème brûlée!" gives "creme-brulee")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower().replace("'", "")).strip("-")
    return slug[:80].strip("-") or "entry"


class SlugBook:
    """Hands out slugs unique within one namespace by adding -2, -3, … when needed."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def claim(self, text: str) -> str:
        """A free slug made from `text`."""
        base = slug = slugify(text)
        number = 1
        while slug in self.used:
            number += 1
            slug = f"{base}-{number}"
        self.used.add(slug)
        return slug


def timestamp(moment: datetime) -> str:
    """The document's timestamp form."""
    return moment.isoformat()


def _image(rng: random.Random, filename: str, size: tuple[int, int], alt: str) -> Entry:
    extension = filename.rsplit(".", 1)[1]
    created = FIRST_DAY + timedelta(seconds=rng.randrange(3 * 365 * 86400))
    return {
        "filename": filename,
        "mimeType": MIME_TYPES[extension],
        "size": rng.randint(12_000, 900_000),
        "width": size[0],
        "height": size[1],
        "alt": alt,
        "caption": None,
        "createdAt": timestamp(created),
    }


def _bio(rng: random.Random, faker: Faker, name: str) -> str:
    first, second = rng.sample(TOPICS, 2)
    role = rng.choice(ROLES)
    article = "an" if role[0] in "aeiou" else "a"
    extra = rng.choice(
        (
            f"Before that, they spent {rng.randint(2, 12)} years working on {second[0]}.",
            f"They live in {faker.city()} and maintain a few open source projects.",
            "They speak at conferences about data, Python and the web.",
            f"Their guide to {second[0]} is read by thousands of developers.",
        )
    )
    return f"{name} is {article} {role} at {faker.company()} who writes about {first[0]}. {extra}"


def build_authors(rng: random.Random, faker: Faker, count: int) -> tuple[list[Entry], list[Entry]]:
    """`count` authors with bios and websites, and one avatar asset each."""
    slugs, authors, avatars = SlugBook(), [], []
    for _ in range(count):
        name = f"{faker.first_name()} {faker.last_name()}"
        slug = slugs.claim(name)
        side = rng.choice((256, 400, 512))
        avatar = _image(
            rng,
            f"avatar-{slug}.{rng.choice(tuple(MIME_TYPES))}",
            (side, side),
            f"Portrait of {name}",
        )
        website = f"https://{slug}.example.com" if chance(rng, 0.8) else None
        bio = _bio(rng, faker, name)
        authors.append(
            {
                "slug": slug,
                "name": name,
                "bio": bio,
                "avatar": avatar["filename"],
                "website": website,
            }
        )
        avatars.append(avatar)
    return authors, avatars


def build_covers(rng: random.Random, count: int, captions: list[str]) -> list[Entry]:
    """`count` cover images in several formats and sizes; some carry a caption."""
    covers = []
    for number in range(1, count + 1):
        extension = rng.choice(tuple(MIME_TYPES))
        topic = rng.choice(TOPICS)[0]
        cover = _image(
            rng, f"cover-{number}.{extension}", rng.choice(COVER_SIZES), f"Illustration: {topic}"
        )
        if captions and chance(rng, 0.25):
            cover["caption"] = rng.choice(captions)
        covers.append(cover)
    return covers


def build_documents(rng: random.Random) -> list[Entry]:
    """A couple of non-image assets (no width or height)."""
    documents = []
    for filename, alt in (("media-kit.pdf", "Media kit"), ("style-guide.pdf", "Style guide")):
        created = FIRST_DAY + timedelta(days=rng.randrange(365))
        documents.append(
            {
                "filename": filename,
                "mimeType": "application/pdf",
                "size": rng.randint(200_000, 2_000_000),
                "width": None,
                "height": None,
                "alt": alt,
                "caption": None,
                "createdAt": timestamp(created),
            }
        )
    return documents
