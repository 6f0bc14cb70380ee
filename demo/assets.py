"""The demo's assets: each one a document entry and the artwork its file is drawn from."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Self

from masthead.demo.art import PATTERNS, Cover
from masthead.demo.dates import FIRST_DAY, timestamp
from masthead.demo.odds import chance
from masthead.demo.portraits import Avatar, Leaflet
from masthead.demo.topics import TOPICS

MIME_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}
COVER_SIZES = ((1200, 630), (1280, 720), (1200, 800), (1600, 900))
AVATAR_SIDES = (256, 400, 512)
# Posts share a fixed pool of covers, and only the first authors have an avatar: the files
# stay few however many posts and authors there are.
COVERS = 24
AVATARS = 48
LEAFLETS = (
    ("media-kit.pdf", "Media kit", "design systems"),
    ("style-guide.pdf", "Style guide", "technical writing"),
)

Entry = dict[str, Any]
Artwork = Cover | Avatar | Leaflet


@dataclass(frozen=True)
class DemoAsset:
    """An asset entry (its `size` known once its file is drawn) and the artwork of its file."""

    entry: Entry
    artwork: Artwork

    @property
    def filename(self) -> str:
        """The name the entry and the file share."""
        return str(self.entry["filename"])

    def drawn(self) -> tuple[Entry, bytes]:
        """The complete entry and the file's bytes."""
        data = self.artwork.draw()
        return self.entry | {"size": len(data)}, data


def _entry(filename: str, mime_type: str, alt: str, created: datetime) -> Entry:
    return {
        "filename": filename,
        "mimeType": mime_type,
        "size": None,
        "width": None,
        "height": None,
        "alt": alt,
        "caption": None,
        "createdAt": timestamp(created),
    }


def _picture(rng: random.Random, filename: str, artwork: Cover | Avatar, alt: str) -> DemoAsset:
    extension = filename.rsplit(".", 1)[1]
    created = FIRST_DAY + timedelta(seconds=rng.randrange(3 * 365 * 86400))
    entry = _entry(filename, MIME_TYPES[extension], alt, created)
    width, height = artwork.size
    return DemoAsset(entry | {"width": width, "height": height}, artwork)


def build_avatar(rng: random.Random, slug: str, name: str) -> DemoAsset:
    """A portrait of an author: their initials on a disc of a colour from their name."""
    extension = rng.choice(tuple(MIME_TYPES))
    avatar = Avatar(rng.choice(AVATAR_SIDES), extension, name)
    return _picture(rng, f"avatar-{slug}.{extension}", avatar, f"Portrait of {name}")


def build_covers(rng: random.Random, captions: list[str]) -> list[DemoAsset]:
    """The pool of cover images, in several formats and sizes; some carry a caption."""
    covers = []
    for number in range(1, COVERS + 1):
        extension = rng.choice(tuple(MIME_TYPES))
        topic = rng.choice(TOPICS)[0]
        width, height = rng.choice(COVER_SIZES)
        pattern = rng.choice(tuple(PATTERNS))
        artwork = Cover(width, height, extension, topic, pattern, rng.getrandbits(32))
        cover = _picture(rng, f"cover-{number}.{extension}", artwork, f"Illustration: {topic}")
        if captions and chance(rng, 0.25):
            cover = replace(cover, entry=cover.entry | {"caption": rng.choice(captions)})
        covers.append(cover)
    return covers


def build_leaflets(rng: random.Random) -> list[DemoAsset]:
    """A couple of one-page PDF documents (no width or height)."""
    leaflets = []
    for filename, title, topic in LEAFLETS:
        created = FIRST_DAY + timedelta(days=rng.randrange(365))
        entry = _entry(filename, "application/pdf", title, created)
        leaflets.append(DemoAsset(entry, Leaflet(title, topic, created)))
    return leaflets


class Drawing:
    """The files of some assets, drawn on a thread of their own while the caller goes on.

    Pillow draws and encodes mostly without holding the GIL, so on a machine with two cores
    or more the drawing costs the seed almost no time.
    """

    def __init__(self, assets: Sequence[DemoAsset]) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="demo-drawing")
        self._drawings = [self._pool.submit(asset.drawn) for asset in assets]

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self._pool.shutdown(cancel_futures=True)  # on an error, draw nothing more

    def results(self, progress: Callable[[], object]) -> tuple[list[Entry], dict[str, bytes]]:
        """Every asset's complete entry, and its file by name; `progress` is told of each."""
        entries, files = [], {}
        for drawing in self._drawings:
            entry, files[entry["filename"]] = drawing.result()
            entries.append(entry)
            progress()
        return entries, files
