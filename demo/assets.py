"""The demo's assets: each one a document entry and its file, drawn when the asset is made."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from masthead.demo.art import PATTERNS, Cover
from masthead.demo.dates import FIRST_DAY, timestamp
from masthead.demo.odds import chance
from masthead.demo.portraits import Avatar, Leaflet
from masthead.demo.topics import TOPICS

MIME_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}
COVER_SIZES = ((1200, 630), (1280, 720), (1200, 800), (1600, 900))
# WebP takes several times longer to encode than the others: one cover in five.
COVER_FORMATS = ("jpeg", "jpeg", "png", "png", "webp")
AVATAR_SIDES = (256, 400, 512)
# Posts share a fixed pool of covers, and only the first authors have an avatar: the files
# stay few however many posts and authors there are.
COVERS = 24
AVATARS = 48
LEAFLETS = (
    ("media-kit", "Media kit", "design systems"),
    ("style-guide", "Style guide", "technical writing"),
)

Entry = dict[str, Any]


@dataclass(frozen=True)
class DemoAsset:
    """An asset entry of the document and the bytes of its file."""

    entry: Entry
    data: bytes

    @property
    def filename(self) -> str:
        """The name the entry and the file share."""
        return str(self.entry["filename"])


def file_count(authors: int) -> int:
    """How many files a demo with this many authors draws."""
    return min(authors, AVATARS) + COVERS + len(LEAFLETS)


def _asset(stem: str, extension: str, data: bytes, mime_type: str, created: datetime) -> Entry:
    """An entry named like an upload, a readable stem and a part that changes with the bytes.

    The media route lets browsers keep a file for a year, so a name must never show other
    bytes, not even after seeding again with another seed or another Pillow.
    """
    return {
        "filename": f"{stem}-{hashlib.sha256(data).hexdigest()[:12]}.{extension}",
        "mimeType": mime_type,
        "size": len(data),
        "width": None,
        "height": None,
        "alt": None,
        "caption": None,
        "createdAt": timestamp(created),
    }


def _picture(rng: random.Random, stem: str, artwork: Cover | Avatar, alt: str) -> DemoAsset:
    data = artwork.draw()
    created = FIRST_DAY + timedelta(seconds=rng.randrange(3 * 365 * 86400))
    entry = _asset(stem, artwork.extension, data, MIME_TYPES[artwork.extension], created)
    width, height = artwork.size
    return DemoAsset(entry | {"width": width, "height": height, "alt": alt}, data)


def build_avatar(rng: random.Random, slug: str, name: str) -> DemoAsset:
    """A portrait of an author: their initials on a disc of a colour from their name."""
    avatar = Avatar(rng.choice(AVATAR_SIDES), rng.choice(tuple(MIME_TYPES)), name)
    return _picture(rng, f"avatar-{slug}", avatar, f"Portrait of {name}")


def build_covers(rng: random.Random, captions: list[str]) -> list[DemoAsset]:
    """The pool of cover images, in several formats and sizes; some carry a caption."""
    covers = []
    for number in range(1, COVERS + 1):
        extension = rng.choice(COVER_FORMATS)
        topic = rng.choice(TOPICS)[0]
        width, height = rng.choice(COVER_SIZES)
        pattern = rng.choice(tuple(PATTERNS))
        artwork = Cover(width, height, extension, topic, pattern, rng.getrandbits(32))
        cover = _picture(rng, f"cover-{number}", artwork, f"Illustration: {topic}")
        if captions and chance(rng, 0.25):
            cover = replace(cover, entry=cover.entry | {"caption": rng.choice(captions)})
        covers.append(cover)
    return covers


def build_leaflets(rng: random.Random) -> list[DemoAsset]:
    """A couple of one-page PDF documents (no width or height)."""
    leaflets = []
    for stem, title, topic in LEAFLETS:
        created = FIRST_DAY + timedelta(days=rng.randrange(365))
        data = Leaflet(title, topic, created).draw()
        entry = _asset(stem, "pdf", data, "application/pdf", created) | {"alt": title}
        leaflets.append(DemoAsset(entry, data))
    return leaflets
