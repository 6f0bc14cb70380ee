"""Prose material for demo bodies: vocabularies, headings, code snippets and link targets."""

from __future__ import annotations

from textwrap import dedent

from faker.providers.lorem.en_US import Provider as EnglishLorem
from faker.providers.lorem.fr_FR import Provider as FrenchLorem

_TECH_TEXT = """
    data python guide query database schema cache index latency api graphql server client
    request response resolver field type model table column row migration deploy release test
    tests fixture benchmark profile memory thread async await loop queue worker job event
    stream pipeline batch transaction lock replica backup storage disk network packet browser
    page layout component style font color contrast design pattern interface module package
    library framework version dependency build compile runtime error exception log metric trace
    alert dashboard user team editor content post author tag draft publish search ranking
    filter sort cursor pagination token role permission secret key hash endpoint route handler
    middleware proxy cdn cluster container node service config environment production staging
    performance throughput scale shard partition sqlite postgresql json markdown html css
    javascript typescript rust go code review documentation feedback prototype workflow"""
TECH_WORDS: tuple[str, ...] = tuple(_TECH_TEXT.split())

ENGLISH_WORDS: tuple[str, ...] = tuple(EnglishLorem.word_list)
FRENCH_WORDS: tuple[str, ...] = tuple(FrenchLorem.word_list)

HEADINGS_EN: tuple[str, ...] = (
    "Background",
    "The problem",
    "A first attempt",
    "What we measured",
    "How it works",
    "Setting things up",
    "The data model",
    "Trade-offs",
    "Results",
    "Lessons learned",
    "Common pitfalls",
    "Going further",
    "Testing the change",
    "Rolling it out",
    "Performance notes",
    "A worked example",
    "Why this matters",
    "Next steps",
    "Wrapping up",
    "Further reading",
)

HEADINGS_FR: tuple[str, ...] = (
    "Contexte",
    "Le problème",
    "Une première approche",
    "Ce que nous avons mesuré",
    "Comment ça marche",
    "Le modèle de données",
    "Compromis",
    "Résultats",
    "Leçons apprises",
    "Pour aller plus loin",
    "En résumé",
)

LINK_TARGETS: tuple[str, ...] = (
    "https://docs.python.org/3/",
    "https://www.postgresql.org/docs/",
    "https://sqlite.org/docs.html",
    "https://graphql.org/learn/",
    "https://developer.mozilla.org/en-US/docs/Web",
    "https://www.w3.org/WAI/",
    "https://web.dev/learn/",
    "https://example.com/guides",
    "https://example.org/notes",
)

CODE_SNIPPETS: tuple[tuple[str, str], ...] = tuple(
    (language, dedent(code).strip())
    for language, code in (
        (
            "python",
            """
            async def latest_posts(session, limit=20):
                statement = select(Post).order_by(Post.published_at.desc()).limit(limit)
                return (await session.scalars(statement)).all()
            """,
        ),
        (
            "python",
            """
            @dataclass(frozen=True)
            class Reading:
                sensor: str
                value: float


            def average(readings: list[Reading]) -> float:
                return sum(reading.value for reading in readings) / len(readings)
            """,
        ),
        (
            "sql",
            """
            CREATE INDEX CONCURRENTLY ix_posts_published
                ON posts (published_at DESC, id DESC)
                WHERE status = 'PUBLISHED';
            """,
        ),
        (
            "sql",
            """
            SELECT tag.name, count(*) AS posts
            FROM post_tags
            JOIN tags AS tag ON tag.id = post_tags.tag_id
            GROUP BY tag.name
            ORDER BY posts DESC
            LIMIT 10;
            """,
        ),
        (
            "graphql",
            """
            query LatestPosts {
              posts(first: 5) {
                nodes {
                  title
                  slug
                  author { name }
                  tags { name }
                }
              }
            }
            """,
        ),
        (
            "javascript",
            """
            const response = await fetch('/graphql', {
              method: 'POST',
              headers: { 'Content-Type': 'application/json' },
              body: JSON.stringify({ query }),
            });
            const { data } = await response.json();
            """,
        ),
        (
            "bash",
            """
            python -m venv .venv
            . .venv/bin/activate
            pip install -e '.[dev]'
            pytest -q
            """,
        ),
        (
            "css",
            """
            .cards {
              display: grid;
              grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr));
              gap: var(--space-4);
            }
            """,
        ),
    )
)

TABLE_COLUMNS: tuple[tuple[str, ...], ...] = (
    ("Approach", "Latency (ms)", "Queries"),
    ("Backend", "Requests/s", "p95 (ms)"),
    ("Option", "Pros", "Cons"),
)
