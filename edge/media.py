"""`/media/{filename}`: uploaded files, served with long-lived cache headers."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from masthead.edge.security_headers import MEDIA_POLICY

# Stored names carry a random part and never change content: cache them for a year.
CACHE_CONTROL = "public, max-age=31536000, immutable"


def media_route(path: str, media_dir: str) -> Route:
    """The route serving files of `media_dir` under `path`."""
    folder = Path(media_dir)

    async def media(request: Request) -> Response:
        name = request.path_params["filename"]
        file = folder / name
        if "/" in name or "\\" in name or name.startswith(".") or not file.is_file():
            return JSONResponse({"error": "not found"}, status_code=404)
        headers = {
            "Cache-Control": CACHE_CONTROL,
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": MEDIA_POLICY,
        }
        return FileResponse(file, headers=headers)

    return Route(f"{path.rstrip('/')}/{{filename}}", media, methods=["GET", "HEAD"])
