"""The demo content generator and the seeder: deterministic, varied, realistic content."""

from __future__ import annotations

import random
import re
from collections import Counter
from functools import cache
from typing import Any

from faker import Faker
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.demo.assets import AVATARS, COVERS
from masthead.demo.generator import generate_demo, generate_document
from masthead.demo.people import build_authors
from masthead.demo.seed import seed
from masthead.interchange import export_document

NEWEST = "2026-06-30T12:00:00+00:00"


@cache
def _document(posts: int = 400, seed_value: int = 1) -> dict[str, Any]:
    """Generated once per size and seed; tests only read it."""
    return generate_document(posts=posts, seed=seed_value)


def _english_posts() -> list[dict[str, Any]]:
    return [post for post in _document()["posts"] if post["locale"] == "en"]


def test_the_same_seed_gives_the_same_document() -> None:
    assert generate_document(posts=60, seed=5) == generate_document(posts=60, seed=5)


def test_different_seeds_give_different_documents() -> None:
    assert generate_document(posts=60, seed=5) != generate_document(posts=60, seed=6)


def test_posts_counts_english_posts_and_translations_come_on_top() -> None:
    assert len(_english_posts()) == 400
    assert len(_document()["posts"]) > 400


def test_a_single_post_is_the_welcome_post_with_its_translation() -> None:
    document = generate_document(posts=1, seed=1)
    assert [post["slug"] for post in document["posts"]] == [
        "welcome-to-masthead",
        "bienvenue-sur-masthead",
    ]


def test_the_first_post_is_the_newest_published_welcome_post() -> None:
    posts = _document()["posts"]
    welcome = posts[0]
    assert (welcome["slug"], welcome["status"]) == ("welcome-to-masthead", "PUBLISHED")
    assert welcome["publishedAt"] == NEWEST
    assert {"python", "web"} <= set(welcome["tags"])
    others = [post for post in posts if post["translationGroup"] != welcome["translationGroup"]]
    assert (
        max(post["publishedAt"] or "" for post in others if post["status"] == "PUBLISHED") < NEWEST
    )


def test_the_welcome_post_has_a_french_translation() -> None:
    welcome = _document()["posts"][0]
    group = [
        post
        for post in _document()["posts"]
        if post["translationGroup"] == welcome["translationGroup"]
    ]
    assert [post["locale"] for post in group] == ["en", "fr"]


def test_about_a_tenth_of_posts_are_translated_some_into_canadian_french() -> None:
    locales = Counter(post["locale"] for post in _document()["posts"])
    assert 20 <= locales["fr"] <= 60
    assert locales["fr-CA"] >= 1


def test_translations_share_the_group_of_an_english_original() -> None:
    posts = _document()["posts"]
    english_groups = {post["translationGroup"] for post in posts if post["locale"] == "en"}
    translations = [post for post in posts if post["locale"] != "en"]
    assert all(post["translationGroup"] in english_groups for post in translations)


def test_every_status_appears_with_its_kind_of_date() -> None:
    posts = _english_posts()
    by_status = {status: [p for p in posts if p["status"] == status] for status in
                 ("PUBLISHED", "DRAFT", "SCHEDULED", "ARCHIVED")}  # fmt: skip
    assert len(by_status["PUBLISHED"]) > 0.8 * len(posts)
    assert by_status["DRAFT"]
    assert all(post["publishedAt"] is None for post in by_status["DRAFT"])
    assert by_status["SCHEDULED"]
    assert all(post["publishedAt"].startswith("2030-") for post in by_status["SCHEDULED"])
    assert by_status["ARCHIVED"]


def test_published_dates_spread_over_the_demo_years() -> None:
    dates = [post["publishedAt"] for post in _english_posts() if post["status"] == "PUBLISHED"]
    assert min(dates) >= "2023-01-01"
    assert max(dates) <= NEWEST
    assert {date[:4] for date in dates} == {"2023", "2024", "2025", "2026"}


def test_about_a_tenth_of_posts_are_featured() -> None:
    featured = sum(post["featured"] for post in _english_posts())
    assert 20 <= featured <= 70


def test_the_expected_tags_exist_and_posts_carry_one_to_five() -> None:
    slugs = {tag["slug"] for tag in _document()["tags"]}
    assert {"python", "databases", "web", "graphql", "design", "performance"} <= slugs
    assert 25 <= len(slugs) <= 35
    assert all(1 <= len(post["tags"]) <= 5 for post in _document()["posts"])


def test_titles_use_common_words() -> None:
    titles = [post["title"].lower() for post in _english_posts()]
    for word in ("data", "guide", "python"):
        assert sum(word in title for title in titles) >= 10, word


def test_authors_scale_with_posts_and_have_bios_and_avatars() -> None:
    assert len(generate_document(posts=10, seed=1)["authors"]) == 12
    document = generate_document(posts=800, seed=1)
    assert len(document["authors"]) == 20
    images = {asset["filename"] for asset in document["assets"] if asset["width"]}
    assert all(author["bio"] and author["avatar"] in images for author in document["authors"])
    assert any(author["website"] for author in document["authors"])


def test_assets_are_images_in_several_formats_with_sizes() -> None:
    assets = _document()["assets"]
    mime_types = {asset["mimeType"] for asset in assets}
    assert {"image/png", "image/jpeg", "image/webp"} <= mime_types
    images = [asset for asset in assets if asset["mimeType"].startswith("image/")]
    assert all(asset["width"] and asset["height"] for asset in images)


def test_each_asset_has_its_file_and_the_size_of_that_file() -> None:
    demo = generate_demo(posts=30, seed=2)
    sizes = {asset["filename"]: asset["size"] for asset in demo.document["assets"]}
    assert sizes == {name: len(data) for name, data in demo.files.items()}


def test_only_the_first_authors_have_avatars_so_that_files_stay_few() -> None:
    rng = random.Random(1)  # noqa: S311 - reproducible demo content
    authors, avatars = build_authors(rng, Faker(), AVATARS + 5)
    assert [author["avatar"] for author in authors[:AVATARS]] == [a.filename for a in avatars]
    assert all(author["avatar"] is None for author in authors[AVATARS:])


def test_posts_share_a_fixed_pool_of_covers() -> None:
    assets = {asset["filename"] for asset in _document()["assets"]}
    covers = {post["coverImage"] for post in _document()["posts"]} - {None}
    assert covers <= assets
    assert len(covers) == len({name for name in assets if name.startswith("cover-")}) == COVERS


def test_progress_counts_the_files_drawn_and_the_posts_up_to_its_total() -> None:
    steps: list[tuple[int, int]] = []

    demo = generate_demo(posts=10, seed=1, progress=lambda done, total: steps.append((done, total)))

    total = len(demo.files) + 10
    assert {step_total for _, step_total in steps} == {total}
    done = [step_done for step_done, _ in steps]
    assert done == sorted(set(done))
    assert done[-11:] == list(range(total - 10, total + 1))


def test_bodies_are_markdown_of_150_to_1500_words() -> None:
    bodies = [post["body"] for post in _english_posts()]
    assert all(150 <= len(body.split()) <= 1500 for body in bodies)
    assert all(re.search(r"^## ", body, re.MULTILINE) for body in bodies)
    assert all("](" in body and "*" in body for body in bodies)
    assert sum(bool(re.search(r"^(- |1\. )", body, re.MULTILINE)) for body in bodies) > 300
    assert sum("```" in body for body in bodies) > 100
    assert sum("|---" in body for body in bodies) > 10


def test_the_page_tree_has_depth_three_french_pages_and_a_draft() -> None:
    pages = _document()["pages"]
    english = {page["path"] for page in pages if page["locale"] == "en"}
    assert {"/about", "/about/team", "/about/team/engineering", "/contact", "/docs"} <= english
    assert "/docs/getting-started" in english
    assert max(path.count("/") for path in english) == 3
    french = {page["path"] for page in pages if page["locale"] == "fr"}
    assert {"/about", "/about/team"} <= french
    assert any(page["status"] == "DRAFT" for page in pages)


async def test_seed_imports_the_generated_document(engine: AsyncEngine) -> None:
    summary = await seed(engine, posts=25, seed=4, progress=False)
    document = generate_document(posts=25, seed=4)
    assert summary.posts == len(document["posts"])
    assert await export_document(engine) == document
