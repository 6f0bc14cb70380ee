"""Demo authors with their bios and avatars, and the slugs they and posts are given."""

from __future__ import annotations

import random
import re
import unicodedata
from typing import Any

from faker import Faker

from masthead.demo.assets import AVATARS, DemoAsset, build_avatar
from masthead.demo.odds import chance
from masthead.demo.topics import ROLES, TOPICS

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


def build_authors(
    rng: random.Random, faker: Faker, count: int
) -> tuple[list[Entry], list[DemoAsset]]:
    """`count` authors with bios and websites, the first AVATARS of them with an avatar.

    The first authors write the most posts; beyond them, authors have no picture, as on
    many real blogs, so that the files stay few however many authors there are.
    """
    slugs, authors = SlugBook(), []
    avatars: list[DemoAsset] = []
    for _ in range(count):
        name = f"{faker.first_name()} {faker.last_name()}"
        slug = slugs.claim(name)
        avatar = build_avatar(rng, slug, name) if len(avatars) < AVATARS else None
        website = f"https://{slug}.example.com" if chance(rng, 0.8) else None
        bio = _bio(rng, faker, name)
        authors.append(
            {
                "slug": slug,
                "name": name,
                "bio": bio,
                "avatar": avatar.filename if avatar is not None else None,
                "website": website,
                "version": 1,
            }
        )
        if avatar is not None:
            avatars.append(avatar)
    return authors, avatars
