"""Cover illustrations drawn with Pillow: flat geometric patterns in a palette from the topic.

A picture is a pure function of its recipe, so the same seed draws byte-identical files
(with the same Pillow and codec libraries).
"""

from __future__ import annotations

import colorsys
import io
import math
import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageDraw

from masthead.demo.odds import chance

RGB = tuple[int, int, int]

FORMATS = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}
# Fast settings: flat artwork compresses well even at low effort.
SAVE_OPTIONS: dict[str, dict[str, object]] = {
    "png": {"compress_level": 3},
    "jpeg": {"quality": 85},
    "webp": {"lossless": True, "method": 0, "quality": 0},
}
# Palette index 0 is the background, 1..FAMILY the topic's hue, ACCENT its complement.
FAMILY = 4
ACCENT = 5


def hue_of(text: str) -> float:
    """A hue in [0, 1) that always comes out the same for the same text."""
    return zlib.crc32(text.encode()) % 360 / 360


def hls(hue: float, lightness: float, saturation: float) -> RGB:
    """An 8-bit RGB colour from hue, lightness and saturation in [0, 1]."""
    red, green, blue = colorsys.hls_to_rgb(hue % 1, lightness, saturation)
    return round(red * 255), round(green * 255), round(blue * 255)


def topic_palette(topic: str) -> list[RGB]:
    """A background, FAMILY colours of the topic's hue and an accent: covers of one topic match."""
    hue = hue_of(topic)
    return [
        hls(hue, 0.16, 0.45),
        hls(hue, 0.32, 0.60),
        hls(hue + 0.05, 0.48, 0.70),
        hls(hue - 0.06, 0.64, 0.65),
        hls(hue + 0.10, 0.80, 0.55),
        hls(hue + 0.5, 0.60, 0.80),
    ]


def encode(image: Image.Image, extension: str) -> bytes:
    """The image as a file of the format its extension names."""
    if extension != "png" and image.mode == "P":
        image = image.convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, FORMATS[extension], **SAVE_OPTIONS[extension])
    return buffer.getvalue()


@dataclass(frozen=True)
class Canvas:
    """Where a pattern draws: palette indices on an image of `width` by `height`."""

    draw: ImageDraw.ImageDraw
    rng: random.Random
    width: int
    height: int

    @property
    def unit(self) -> int:
        """The pattern's grain: a sixteenth of the longer side."""
        return max(self.width, self.height) // 16

    def ink(self) -> int:
        """A shape's colour: mostly of the topic's family, now and then the accent."""
        return ACCENT if chance(self.rng, 0.12) else self.rng.randint(1, FAMILY)


def _bands(canvas: Canvas) -> None:
    """Diagonal bands, a stepped gradient from dark to light."""
    width, height, rng = canvas.width, canvas.height, canvas.rng
    steps = rng.randint(5, 9)
    slant = rng.uniform(0.2, 0.8) * height
    for step in range(steps, 0, -1):
        edge = width * step / steps
        shade = 1 + (steps - step) * FAMILY // steps
        polygon = [(0, 0), (edge + slant, 0), (edge - slant, height), (0, height)]
        canvas.draw.polygon(polygon, fill=shade)


def _circles(canvas: Canvas) -> None:
    """Overlapping discs and rings of several sizes."""
    rng = canvas.rng
    for _ in range(rng.randint(7, 14)):
        x, y = rng.uniform(0, canvas.width), rng.uniform(0, canvas.height)
        radius = rng.uniform(0.5, 3.5) * canvas.unit
        box = (x - radius, y - radius, x + radius, y + radius)
        if chance(rng, 0.3):
            canvas.draw.ellipse(box, outline=canvas.ink(), width=max(2, canvas.unit // 6))
        else:
            canvas.draw.ellipse(box, fill=canvas.ink())


def _triangles(canvas: Canvas) -> None:
    """A low-polygon mosaic: a grid of squares cut into two triangles each."""
    side = canvas.unit * canvas.rng.choice((1, 2))
    for top in range(0, canvas.height, side):
        for left in range(0, canvas.width, side):
            right, bottom = left + side, top + side
            canvas.draw.polygon([(left, top), (right, top), (left, bottom)], fill=canvas.ink())
            canvas.draw.polygon([(right, top), (right, bottom), (left, bottom)], fill=canvas.ink())


def _hills(canvas: Canvas) -> None:
    """Layered waves, like hills at dusk, with a sun in the accent colour."""
    width, height, rng = canvas.width, canvas.height, canvas.rng
    layers = rng.randint(3, 5)
    for layer in range(layers):
        base = height * (0.35 + 0.6 * layer / layers)
        wave = rng.uniform(0.04, 0.12) * height
        period = rng.uniform(0.6, 1.6) * width
        phase = rng.uniform(0, math.tau)
        crest = [
            (x, base - wave * math.sin(phase + math.tau * x / period))
            for x in range(0, width + 40, 40)
        ]
        canvas.draw.polygon([*crest, (width, height), (0, height)], fill=FAMILY - layer % FAMILY)
    sun = rng.uniform(0.05, 0.12) * width
    x, y = rng.uniform(0.15, 0.85) * width, rng.uniform(0.15, 0.35) * height
    canvas.draw.ellipse((x - sun, y - sun, x + sun, y + sun), fill=ACCENT)


def _tiles(canvas: Canvas) -> None:
    """Bauhaus tiles: each square holds a quarter disc grown from one of its corners."""
    side = canvas.unit * 2
    for top in range(0, canvas.height, side):
        for left in range(0, canvas.width, side):
            canvas.draw.rectangle((left, top, left + side, top + side), fill=canvas.ink())
            corner = canvas.rng.randrange(4)  # clockwise from the top left
            x = left + side * (corner in {1, 2})
            y = top + side * (corner in {2, 3})
            box = (x - side, y - side, x + side, y + side)
            canvas.draw.pieslice(box, corner * 90, corner * 90 + 90, fill=canvas.ink())


PATTERNS: dict[str, Callable[[Canvas], None]] = {
    "bands": _bands,
    "circles": _circles,
    "triangles": _triangles,
    "hills": _hills,
    "tiles": _tiles,
}


@dataclass(frozen=True)
class Cover:
    """What a cover looks like: its size, format, topic (the palette), pattern and seed."""

    width: int
    height: int
    extension: str
    topic: str
    pattern: str
    seed: int

    @property
    def size(self) -> tuple[int, int]:
        """Width and height in pixels."""
        return self.width, self.height

    def draw(self) -> bytes:
        """The cover's file."""
        rng = random.Random(self.seed)  # noqa: S311 - reproducible artwork, not secrets
        image = Image.new("P", (self.width, self.height), 0)
        image.putpalette([channel for colour in topic_palette(self.topic) for channel in colour])
        PATTERNS[self.pattern](Canvas(ImageDraw.Draw(image), rng, self.width, self.height))
        return encode(image, self.extension)
