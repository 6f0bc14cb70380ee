"""Avatars (a coloured disc with the author's initials) and one-page PDF leaflets."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

from PIL import Image, ImageDraw, ImageFont

from masthead.demo.art import RGB, encode, hls, hue_of, topic_palette

WHITE = (255, 255, 255)
# A4 at 72 dots per inch: the PDF page is 595 by 842 points.
PAGE = (595, 842)


def initials(name: str) -> str:
    """The first letters of the first and last word of a name ("Ada King" gives "AK")."""
    words = name.split()
    return (words[0][0] + words[-1][0]).upper() if len(words) > 1 else name[:2].upper()


@dataclass(frozen=True)
class Avatar:
    """A square portrait: a disc in a colour from the name, with the initials on it."""

    side: int
    extension: str
    name: str

    @property
    def size(self) -> tuple[int, int]:
        """Width and height in pixels."""
        return self.side, self.side

    def draw(self) -> bytes:
        """The avatar's file."""
        # Drawn as palette indices: 0 the background, 1 the disc, up to 255 the letters, so
        # that the letters' smoothed edges blend from the disc's colour to white.
        indices = Image.new("L", (self.side, self.side), 0)
        draw = ImageDraw.Draw(indices)
        margin = self.side // 16
        draw.ellipse((margin, margin, self.side - margin, self.side - margin), fill=1)
        font = ImageFont.load_default(size=self.side * 0.38)
        centre = (self.side / 2, self.side / 2)
        draw.text(centre, initials(self.name), fill=255, font=font, anchor="mm")
        image = Image.frombytes("P", indices.size, indices.tobytes())
        hue = hue_of(self.name)
        disc = hls(hue, 0.42, 0.55)
        colours = [hls(hue, 0.92, 0.40), *(_blend(disc, WHITE, step / 254) for step in range(255))]
        image.putpalette([channel for colour in colours for channel in colour])
        return encode(image, self.extension)


def _blend(start: RGB, end: RGB, share: float) -> RGB:
    red, green, blue = (round(a + (b - a) * share) for a, b in zip(start, end, strict=True))
    return red, green, blue


@dataclass(frozen=True)
class Leaflet:
    """A one-page PDF: a title over colour blocks of the topic's palette."""

    title: str
    topic: str
    created: datetime

    def draw(self) -> bytes:
        """The leaflet's file."""
        palette = topic_palette(self.topic)
        page = Image.new("RGB", PAGE, WHITE)
        draw = ImageDraw.Draw(page)
        width, height = PAGE
        draw.rectangle((0, 0, width, height // 3), fill=palette[0])
        draw.text((48, height // 6), self.title, fill=WHITE, anchor="lm",
                  font=ImageFont.load_default(size=44))  # fmt: skip
        block = (width - 96) // 4
        for index, colour in enumerate(palette[1:5]):
            left = 48 + index * block
            draw.rectangle((left, height // 2, left + block - 12, height // 2 + block), fill=colour)
        buffer = io.BytesIO()
        # Fixed dates: Pillow would stamp the current time, and the file would differ per run.
        stamp = self.created.utctimetuple()
        page.save(buffer, "PDF", resolution=72, title=self.title,
                  creationDate=stamp, modDate=stamp)  # fmt: skip
        return buffer.getvalue()
