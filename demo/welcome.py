"""The first post of every demo site, in English and French."""

from __future__ import annotations

WELCOME_SLUG = "welcome-to-masthead"
WELCOME_TITLE = "Welcome to Masthead"
WELCOME_EXCERPT = (
    "Masthead is a GraphQL content backend: write posts and pages once, read them from any "
    "front end with fast, flexible and safe queries."
)
WELCOME_BODY = """Masthead is a **headless CMS**: editors write content through its management
API, and every website, app and static-site builder reads it through one
[GraphQL](https://graphql.org/learn/) endpoint. This demo site is full of generated posts,
authors, tags and pages so that you can explore the API right away.

## What you can try

- List the latest posts with their authors, tags and cover images.
- Open one post by its slug and render its *Markdown* body as HTML.
- Filter posts by tag, by date range or by a word in the title.
- Search across posts, pages, authors and tags.
- Ask for a post in French: translations fall back to English when missing.

## Your first query

Open GraphiQL at `/graphql` and run this query:

```graphql
query HomePage {
  posts(first: 5) {
    nodes {
      title
      slug
      publishedAt
      author { name }
      tags { name }
    }
  }
}
```

## How the data is stored

Content lives in SQLite by default, so there is nothing else to run. For production, point
`MASTHEAD_DATABASE_URL` at PostgreSQL and run as many server processes as you need.

| Feature | SQLite | PostgreSQL |
|---|---|---|
| Full-text search | FTS5 | tsvector |
| Concurrent writers | one | many |
| Setup | none | a server |

## Where to go next

Read the documentation pages under `/docs`, import your own content with
`masthead import`, and create API tokens with `masthead token create`. Happy publishing!
"""

WELCOME_FR_SLUG = "bienvenue-sur-masthead"
WELCOME_FR_TITLE = "Bienvenue sur Masthead"
WELCOME_FR_EXCERPT = (
    "Masthead est un CMS headless GraphQL : écrivez vos articles et vos pages une fois, "
    "lisez-les depuis n'importe quel front-end."
)
WELCOME_FR_BODY = """Masthead est un **CMS headless** : les rédacteurs écrivent leurs contenus
via l'API de gestion, et chaque site, application ou générateur de site statique les lit via
un seul point d'entrée [GraphQL](https://graphql.org/learn/).

## Ce que vous pouvez essayer

- Lister les derniers articles avec leurs auteurs, leurs étiquettes et leurs images.
- Ouvrir un article par son slug et afficher son corps *Markdown* en HTML.
- Filtrer les articles par étiquette, par période ou par un mot du titre.
- Chercher dans les articles, les pages, les auteurs et les étiquettes.

## Votre première requête

Ouvrez GraphiQL sur `/graphql` et lancez cette requête :

```graphql
query Accueil {
  posts(first: 5, locale: "fr") {
    nodes { title slug publishedAt author { name } }
  }
}
```

## Et ensuite ?

Lisez la documentation sous `/docs`, importez vos propres contenus avec `masthead import`
et créez des jetons d'accès avec `masthead token create`. Bonne publication, et bonne
lecture de toutes ces données !
"""
