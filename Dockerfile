# syntax=docker/dockerfile:1
# Masthead in a container. The first stage builds the wheel from this checkout; the second
# installs it alone (no compiler, no Node, no sources) and runs it as an unprivileged user.
#   docker build -t masthead .
#   docker run -p 8000:8000 -v masthead-data:/data masthead
# The embedded SQLite database and the media folder live in /data; set
# MASTHEAD_DATABASE_URL to use PostgreSQL instead (see compose.yaml and docs/deployment.md).

ARG PYTHON_VERSION=3.11

FROM python:${PYTHON_VERSION}-slim AS build
WORKDIR /src
COPY . .
RUN pip install --no-cache-dir --disable-pip-version-check --upgrade pip \
 && pip wheel --no-cache-dir --disable-pip-version-check --no-deps --wheel-dir /wheels .

FROM python:${PYTHON_VERSION}-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MASTHEAD_ENV=production \
    MASTHEAD_HOST=0.0.0.0 \
    MASTHEAD_PORT=8000 \
    MASTHEAD_DATABASE_URL=sqlite+aiosqlite:////data/masthead.db \
    MASTHEAD_MEDIA_DIR=/data/media
RUN useradd --system --uid 10001 --user-group --home-dir /data --create-home masthead \
 && mkdir -p /data/media \
 && chown -R masthead:masthead /data
COPY --from=build /wheels /tmp/wheels
RUN pip install --no-cache-dir --disable-pip-version-check /tmp/wheels/*.whl \
 && rm -rf /tmp/wheels
USER masthead
WORKDIR /data
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4).status != 200)"]
ENTRYPOINT ["masthead"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
