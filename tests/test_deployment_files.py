"""The Dockerfile and compose.yaml: what can be checked without a Docker engine.

Both files parse; the image is built in two stages from the wheel, runs unprivileged and
checks its health on /readyz; and the commands they run work from the wheel installed in
a fresh environment (tests/installed.py), with the image's own settings.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from dockerfile_parse import DockerfileParser
from sqlalchemy.engine import make_url

from tests.backends import POSTGRES_URL, empty_postgres_database, postgres_reachable
from tests.installed import ROOT, Installed
from tests.processes import free_port, serving

IMAGE_PORT = "8000"
IMAGE_DATA = "/data"


def _dockerfile() -> DockerfileParser:
    # The parser reads its file object lazily, on every property: give it one that stays open.
    return DockerfileParser(fileobj=io.BytesIO((ROOT / "Dockerfile").read_bytes()))


def _final_stage() -> list[dict[str, Any]]:
    """The instructions after the last FROM."""
    instructions: list[dict[str, Any]] = _dockerfile().structure
    last_from = max(i for i, step in enumerate(instructions) if step["instruction"] == "FROM")
    return instructions[last_from + 1 :]


def _values(instruction: str) -> list[str]:
    return [step["value"] for step in _final_stage() if step["instruction"] == instruction]


def _compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
    return document


def _exec_form(value: str) -> list[str]:
    command: list[str] = json.loads(value)
    return command


def test_the_image_is_built_in_two_stages_from_the_wheel() -> None:
    dockerfile = _dockerfile()
    build_steps = " ".join(step["value"] for step in dockerfile.structure[: -len(_final_stage())])

    assert dockerfile.is_multistage
    assert "pip wheel" in build_steps
    assert any(value.startswith("--from=") for value in _values("COPY"))
    assert any("pip install" in value and ".whl" in value for value in _values("RUN"))


def test_the_image_runs_as_an_unprivileged_user() -> None:
    users = _values("USER")

    assert users
    assert users[-1] not in {"root", "0"}


def test_the_image_checks_its_health_on_readyz() -> None:
    (healthcheck,) = _values("HEALTHCHECK")

    assert f"http://127.0.0.1:{IMAGE_PORT}/readyz" in healthcheck


def _image_environment(data: Path) -> dict[str, str]:
    """The image's ENV with its data folder moved to `data`, and nothing else."""
    settings = {
        name: value.replace(IMAGE_DATA, str(data)) for name, value in _dockerfile().envs.items()
    }
    return {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(data), **settings}


def _in_environment(command: list[str], installed: Installed, port: int) -> list[str]:
    """An image command run from the installed wheel's environment on another port."""
    programs = {"masthead": str(installed.masthead), "python": str(installed.python)}
    first, *rest = command
    return [programs[first], *(part.replace(IMAGE_PORT, str(port)) for part in rest)]


def test_the_image_commands_migrate_serve_and_pass_the_healthcheck(
    installed: Installed, tmp_path: Path
) -> None:
    env = _image_environment(tmp_path)
    (entrypoint,) = _values("ENTRYPOINT")
    (serve,) = _values("CMD")
    (healthcheck,) = _values("HEALTHCHECK")
    program = _exec_form(entrypoint)
    port = free_port()
    migrate = _in_environment(
        [*program, *_compose()["services"]["migrate"]["command"]], installed, port
    )
    server = _in_environment([*program, *_exec_form(serve)], installed, port)
    probe = _in_environment(_exec_form(healthcheck.split("CMD", 1)[1]), installed, port)

    subprocess.run(migrate, env=env, cwd=tmp_path, check=True, capture_output=True)
    with serving(server, env=env, cwd=tmp_path, ready_path="/healthz"):
        checked = subprocess.run(probe, env=env, cwd=tmp_path, check=False, capture_output=True)

    assert checked.returncode == 0, checked.stderr.decode()
    assert (tmp_path / "masthead.db").is_file()


@pytest.fixture
def compose_database() -> Iterator[str]:
    """An empty database on the test server, as compose's postgres service creates one."""
    if not postgres_reachable():
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_URL} and CI requires it")
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES_URL} (scripts/test says so)")
    with empty_postgres_database() as url:
        yield url


def test_the_compose_commands_migrate_and_serve_postgresql_from_the_wheel(
    installed: Installed, compose_database: str, tmp_path: Path
) -> None:
    services = _compose()["services"]
    compose_url = make_url(services["masthead"]["environment"]["MASTHEAD_DATABASE_URL"])
    test_server = make_url(compose_database)
    # compose's URL as written (no driver named), pointed at the test server's database.
    url = compose_url.set(
        host=test_server.host,
        port=test_server.port,
        username=test_server.username,
        password=test_server.password,
        database=test_server.database,
    )
    env = _image_environment(tmp_path) | {
        "MASTHEAD_DATABASE_URL": url.render_as_string(hide_password=False)
    }
    (entrypoint,) = _values("ENTRYPOINT")
    port = free_port()
    program = _exec_form(entrypoint)
    migrate = _in_environment([*program, *services["migrate"]["command"]], installed, port)
    server = _in_environment([*program, *services["masthead"]["command"]], installed, port)

    subprocess.run(migrate, env=env, cwd=tmp_path, check=True, capture_output=True)
    with serving(server, env=env, cwd=tmp_path, ready_path="/readyz"):
        answer = httpx.post(
            f"http://127.0.0.1:{port}/graphql", json={"query": "{ posts { totalCount } }"}
        )

    assert url.drivername == "postgresql"
    assert answer.json()["data"] == {"posts": {"totalCount": 0}}


def test_compose_migrates_once_before_the_server_starts() -> None:
    services = _compose()["services"]

    assert {"masthead", "migrate", "postgres", "redis"} <= set(services)
    assert services["migrate"]["command"] == ["migrate"]
    assert services["masthead"]["depends_on"]["migrate"] == {
        "condition": "service_completed_successfully"
    }
    assert services["migrate"]["depends_on"]["postgres"] == {"condition": "service_healthy"}


def test_compose_keeps_media_in_a_volume_where_the_image_writes_it() -> None:
    compose = _compose()
    media_dir = _dockerfile().envs["MASTHEAD_MEDIA_DIR"]
    environment = compose["services"]["masthead"]["environment"]

    volumes = [entry.split(":") for entry in compose["services"]["masthead"]["volumes"]]

    assert environment["MASTHEAD_MEDIA_DIR"] == media_dir
    assert [name for name, target in volumes if target == media_dir] == ["media"]
    assert "media" in compose["volumes"]


def test_compose_points_masthead_at_its_postgresql_service() -> None:
    services = _compose()["services"]
    database = services["postgres"]["environment"]
    user, password, name = (
        database["POSTGRES_USER"],
        database["POSTGRES_PASSWORD"],
        database["POSTGRES_DB"],
    )

    url = services["masthead"]["environment"]["MASTHEAD_DATABASE_URL"]

    assert url == f"postgresql://{user}:{password}@postgres:5432/{name}"
    assert services["migrate"]["environment"] == services["masthead"]["environment"]


def test_compose_shares_the_rate_limit_budgets_through_its_redis_service() -> None:
    services = _compose()["services"]

    url = services["masthead"]["environment"]["MASTHEAD_REDIS_URL"]

    assert url == "redis://redis:6379/0"
    assert services["masthead"]["depends_on"]["redis"] == {"condition": "service_healthy"}
