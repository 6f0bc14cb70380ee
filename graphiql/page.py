"""The GraphiQL page and the Starlette route serving its assets from local files, no CDN."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from html import escape
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from masthead.graphiql.examples import Example

HERE = Path(__file__).resolve().parent
# GraphiQL's and React's browser builds, copied from npm by `make assets` and shipped in
# the package: serving them needs no Node and no network.
VENDOR = HERE / "static" / "vendor"
ASSETS_PATH = "/graphiql/assets"
# The file names are not versioned, so the page links them with `?v=<digest>` and the
# browser may keep each one for a year.
CACHE_CONTROL = "public, max-age=31536000, immutable"
# Stands in the rendered page for the nonce each answer gets (see `graphiql_response`).
NONCE_PLACEHOLDER = 'nonce="masthead-style-nonce"'
# URL name -> file, in the order the page loads them (React before GraphiQL, boot last).
ASSET_FILES = {
    "graphiql.min.css": VENDOR / "graphiql.min.css",
    "react.production.min.js": VENDOR / "react.production.min.js",
    "react-dom.production.min.js": VENDOR / "react-dom.production.min.js",
    "graphiql.min.js": VENDOR / "graphiql.min.js",
    "masthead-graphiql.js": HERE / "static" / "masthead-graphiql.js",
}


class GraphiQLAssetsMissingError(RuntimeError):
    """GraphiQL's browser files are missing from the installation."""


@dataclass(frozen=True)
class Asset:
    """One served file and the URL that names its current content."""

    name: str
    path: Path
    digest: str

    @property
    def url(self) -> str:
        """Where the page loads it from."""
        return f"{ASSETS_PATH}/{self.name}?v={self.digest}"


@cache
def assets() -> dict[str, Asset]:
    """The asset files by URL name; a clear error when the installation lost them."""
    missing = [str(path) for path in ASSET_FILES.values() if not path.is_file()]
    if missing:
        msg = f"GraphiQL assets missing ({', '.join(missing)}): reinstall, or run `make assets`"
        raise GraphiQLAssetsMissingError(msg)
    return {
        name: Asset(name, path, hashlib.sha256(path.read_bytes()).hexdigest()[:12])
        for name, path in ASSET_FILES.items()
    }


def _script_json(value: object) -> str:
    """JSON that cannot end the `<script>` element it sits in."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _tags(files: Iterable[Asset]) -> str:
    lines = []
    for asset in files:
        url = escape(asset.url)
        if asset.name.endswith(".css"):
            lines.append(f'<link rel="stylesheet" href="{url}">')
        else:
            lines.append(f'<script src="{url}" defer></script>')
    return "\n    ".join(lines)


def render_page(*, endpoint: str, examples: Iterable[Example]) -> str:
    """GraphiQL on `endpoint`, one tab per example, the header editor open for tokens."""
    config = {
        "endpoint": endpoint,
        "examples": [
            {"name": e.name, "title": e.title, "query": e.query, "variables": e.variables}
            for e in examples
        ],
    }
    return PAGE_TEMPLATE.format(
        assets=_tags(assets().values()), config=_script_json(config), nonce=NONCE_PLACEHOLDER
    )


def graphiql_policy(style_nonce: str) -> str:
    """GraphiQL's policy: its own scripts and styles, plus the inline styles of this nonce.

    Its fonts and icons are data: URLs inside its stylesheet.
    """
    return (
        f"default-src 'none'; script-src 'self'; style-src 'self' 'nonce-{style_nonce}'; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def graphiql_response(page: str) -> HTMLResponse:
    """The rendered page with a fresh style nonce, and the policy that trusts only it.

    GraphiQL's dialogs add a `<style>` element of computed content, which no hash can
    name: the page hands them the nonce (see masthead-graphiql.js), so no inline style
    needs `'unsafe-inline'`.
    """
    nonce = secrets.token_urlsafe(18)
    html = page.replace(NONCE_PLACEHOLDER, f'nonce="{nonce}"', 1)
    return HTMLResponse(html, headers={"Content-Security-Policy": graphiql_policy(nonce)})


PAGE_TEMPLATE = """<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Masthead · GraphiQL</title>
    <link rel="icon" href="data:,">
    <style id="masthead-graphiql-style" {nonce}>
      html, body, #graphiql {{ height: 100%; margin: 0; }}
    </style>
    {assets}
    <script id="masthead-graphiql-config" type="application/json">{config}</script>
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL…</div>
  </body>
</html>
"""


async def _serve_asset(request: Request) -> Response:
    asset = assets().get(request.path_params["name"])
    if asset is None:
        return PlainTextResponse("Not Found", status_code=404)
    return FileResponse(asset.path, headers={"Cache-Control": CACHE_CONTROL})


def graphiql_routes() -> list[BaseRoute]:
    """The asset route; raises `GraphiQLAssetsMissingError` now if the files are absent."""
    assets()
    return [Route(f"{ASSETS_PATH}/{{name}}", _serve_asset, methods=["GET"])]
