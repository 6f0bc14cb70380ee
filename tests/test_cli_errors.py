"""Every `masthead` command refuses bad input with one line on standard error, never a
traceback: run as a real process, in a folder of its own, with only the settings of the case."""

from __future__ import annotations

import asyncio
import os
import socket
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from masthead import __version__
from masthead.database import create_engine
from masthead.migrations.runner import head_revision, upgrade
from masthead.settings import Settings, SettingsError, get_settings
from tests.backends import BACKEND, POSTGRES_URL
from tests.processes import free_port

MASTHEAD = Path(sys.executable).parent / "masthead"
SECONDS = 120  # a command that does not refuse (serving, say) fails the test instead of hanging
SERVER = make_url(POSTGRES_URL)
ACCEPTED_FORMS = "sqlite:///PATH or postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE"
DATABASE_COMMANDS = [
    ["migrate"],
    ["seed", "--posts", "1"],
    ["import", "document.json"],
    ["export"],
    ["token", "create", "--role", "admin"],
    ["token", "list"],
    ["token", "revoke", "desk"],
]

# The command line does not depend on the backend: it runs once, in the SQLite pass, except
# the cases that need a PostgreSQL server, which run in the PostgreSQL pass (scripts/test).
any_backend = pytest.mark.skipif(
    BACKEND == "postgresql", reason="backend-independent: runs in the sqlite pass"
)
needs_postgresql = pytest.mark.skipif(
    BACKEND != "postgresql", reason="needs the PostgreSQL server: runs in the postgresql pass"
)


def masthead(*args: str, cwd: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    """`masthead ARGS` in `cwd` with no MASTHEAD_* variable but the given settings."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("MASTHEAD_")}
    env |= {f"MASTHEAD_{name.upper()}": value for name, value in settings.items()}
    return subprocess.run(
        [str(MASTHEAD), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=SECONDS,
        check=False,
    )


def refusal(done: subprocess.CompletedProcess[str], prefix: str, status: int = 1) -> str:
    """The one line a refused command printed on standard error."""
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"{prefix}: "), lines[0]
    assert done.returncode == status, done
    return lines[0]


def sqlite_version(path: Path) -> str:
    """The migration a SQLite database is at."""
    with sqlite3.connect(path) as connection:
        (version,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return str(version)


def postgres_value(query: str, *arguments: object, database: str = "postgres") -> object:
    """The first value a query returns on the test server's `database`."""

    async def fetch() -> object:
        url = SERVER.set(drivername="postgresql", database=database)
        connection = await asyncpg.connect(url.render_as_string(hide_password=False))
        try:
            return await connection.fetchval(query, *arguments)
        finally:
            await connection.close()

    return asyncio.run(fetch())


def postgres_url(scheme: str, database: str) -> str:
    """The test server's URL for `database`, spelled with `scheme`."""
    return SERVER.set(drivername=scheme, database=database).render_as_string(hide_password=False)


def database_exists(name: str) -> bool:
    """Whether the test server has a database of that name."""
    return bool(postgres_value("SELECT count(*) FROM pg_database WHERE datname = $1", name))


@pytest.fixture
def database_name() -> Iterator[str]:
    """A name no database on the test server has; dropped afterwards if a test created it."""
    name = f"masthead_cli_{uuid.uuid4().hex[:12]}"
    yield name
    postgres_value(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@any_backend
def test_version_prints_the_package_version(tmp_path: Path) -> None:
    done = masthead("--version", cwd=tmp_path)

    assert (done.returncode, done.stdout, done.stderr) == (0, f"masthead {__version__}\n", "")


@any_backend
@pytest.mark.parametrize("command", ["migrate", "serve"])
def test_a_bad_setting_in_the_environment_names_the_variable(tmp_path: Path, command: str) -> None:
    done = masthead(command, cwd=tmp_path, port="notanumber")

    line = refusal(done, "masthead")
    assert line == "masthead: MASTHEAD_PORT must be an integer (got 'notanumber')"


@any_backend
def test_a_bad_setting_in_dotenv_names_the_variable_and_the_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("MASTHEAD_ENV=staging\n", encoding="utf-8")

    done = masthead("migrate", cwd=tmp_path)

    line = refusal(done, "masthead")
    assert line == (
        "masthead: MASTHEAD_ENV in .env must be 'development' or 'production' (got 'staging')"
    )


@any_backend
def test_an_unsupported_database_scheme_names_the_accepted_forms_and_hides_the_password(
    tmp_path: Path,
) -> None:
    done = masthead("export", cwd=tmp_path, database_url="mysql://desk:s3cret@db.example/cms")

    line = refusal(done, "masthead")
    assert line.startswith(f"masthead: MASTHEAD_DATABASE_URL must be {ACCEPTED_FORMS} (got ")
    assert "db.example/cms" in line
    assert "s3cret" not in line


@any_backend
@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgres://desk@db:5433/cms", "postgresql+asyncpg://desk@db:5433/cms"),
        ("postgresql://desk:pw@db/cms", "postgresql+asyncpg://desk:pw@db/cms"),
        ("postgresql+psycopg2://db/cms", "postgresql+asyncpg://db/cms"),
        ("postgresql://db/cms?sslmode=require", "postgresql+asyncpg://db/cms?ssl=require"),
        ("sqlite:///data/masthead.db", "sqlite+aiosqlite:///data/masthead.db"),
        ("sqlite+aiosqlite:///masthead.db", "sqlite+aiosqlite:///masthead.db"),
    ],
)
def test_database_urls_select_the_async_driver_masthead_ships(given: str, used: str) -> None:
    engine = create_engine(url=given)

    assert Settings(database_url=given).database_url == used
    assert engine.dialect.driver == make_url(used).get_driver_name()


@any_backend
@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "DATABASE_URL",
            "postgresql://db/cms?connect_timeout=5",
            "MASTHEAD_DATABASE_URL has options asyncpg does not take: connect_timeout",
        ),
        ("DATABASE_URL", "postgres://db:99999/cms", "MASTHEAD_DATABASE_URL has port 99999"),
        ("POOL_SIZE", "0", "MASTHEAD_POOL_SIZE must be at least 1 (got '0')"),
        ("HOST", "my host", "MASTHEAD_HOST must be an IP address or a host name (got 'my host')"),
        ("PORT", "65536", "MASTHEAD_PORT must be a port between 1 and 65535 (got 65536)"),
    ],
    ids=["url-option", "url-port", "pool-size", "host", "port"],
)
def test_an_unusable_setting_is_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(f"MASTHEAD_{name}", value)
    get_settings.cache_clear()

    with pytest.raises(SettingsError) as refused:
        get_settings()

    assert str(refused.value).startswith(message)
    assert "\n" not in str(refused.value)


@any_backend
@pytest.mark.parametrize("scheme", ["postgres", "postgresql+psycopg"])  # postgresql: below
def test_postgresql_urls_use_the_asyncpg_driver_whatever_driver_they_name(
    tmp_path: Path, scheme: str
) -> None:
    port = free_port()

    done = masthead("migrate", cwd=tmp_path, database_url=f"{scheme}://desk@127.0.0.1:{port}/cms")

    line = refusal(done, "masthead migrate")
    assert line.startswith(f"masthead migrate: cannot reach PostgreSQL at 127.0.0.1:{port}: ")


@any_backend
@pytest.mark.parametrize("command", DATABASE_COMMANDS, ids=" ".join)
def test_every_command_on_an_unreachable_database_says_where_it_tried(
    tmp_path: Path, command: list[str]
) -> None:
    (tmp_path / "document.json").write_text('{"version": 1}', encoding="utf-8")
    port = free_port()
    url = f"postgresql://desk:s3cret@127.0.0.1:{port}/cms"

    done = masthead(*command, cwd=tmp_path, database_url=url)

    line = refusal(done, f"masthead {command[0]}")
    assert f"cannot reach PostgreSQL at 127.0.0.1:{port}: connection refused" in line
    assert "s3cret" not in line


@any_backend
def test_migrate_names_the_missing_folder_of_a_sqlite_file(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "cms"

    done = masthead("migrate", cwd=tmp_path, database_url=f"sqlite:///{folder}/masthead.db")

    line = refusal(done, "masthead migrate")
    assert f"the folder {folder} " in line
    assert "masthead migrate --create-database" in line
    assert not folder.exists()


@any_backend
def test_migrate_create_database_makes_the_folder_of_a_sqlite_file_and_migrates(
    tmp_path: Path,
) -> None:
    database = tmp_path / "data" / "cms" / "masthead.db"

    done = masthead(
        "migrate", "--create-database", cwd=tmp_path, database_url=f"sqlite:///{database}"
    )

    assert (done.returncode, done.stderr) == (0, "")
    assert sqlite_version(database) == head_revision()


@any_backend
def test_a_command_on_a_missing_sqlite_file_asks_for_migrate_and_creates_nothing(
    tmp_path: Path,
) -> None:
    done = masthead("token", "list", cwd=tmp_path, database_url="sqlite:///masthead.db")

    line = refusal(done, "masthead token")
    assert "there is no SQLite database at masthead.db: run `masthead migrate`" in line
    assert not (tmp_path / "masthead.db").exists()


@any_backend
def test_a_command_on_an_unmigrated_database_asks_for_migrate(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "masthead.db") as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")

    done = masthead("seed", cwd=tmp_path, database_url="sqlite:///masthead.db")

    line = refusal(done, "masthead seed")
    assert "masthead.db is not migrated to this version: run `masthead migrate`" in line


@any_backend
def test_migrate_to_an_unknown_revision_names_it_and_the_known_head(tmp_path: Path) -> None:
    done = masthead("migrate", "--revision", "bogus", cwd=tmp_path)

    line = refusal(done, "masthead migrate")
    assert line == f"masthead migrate: unknown revision 'bogus' (known head: {head_revision()!r})"
    assert not (tmp_path / "masthead.db").exists()


@any_backend
def test_migrate_of_a_database_at_a_revision_it_does_not_know_names_that_revision(
    tmp_path: Path,
) -> None:
    upgrade(f"sqlite:///{tmp_path / 'masthead.db'}")
    with sqlite3.connect(tmp_path / "masthead.db") as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'f00d'")

    line = refusal(masthead("migrate", cwd=tmp_path), "masthead migrate")

    assert "the database is at revision 'f00d', which this version of Masthead" in line


@any_backend
@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        (["--port", "99999"], "argument --port: must be a port between 1 and 65535 (got 99999)"),
        (["--port", "http"], "argument --port: must be an integer (got 'http')"),
        (["--host", "my host"], "argument --host: must be an IP address or a host name"),
        (["--workers", "0"], "argument --workers: must be at least 1 (got 0)"),
    ],
    ids=["port-out-of-range", "port-not-a-number", "host-with-a-space", "no-workers"],
)
def test_serve_refuses_bad_arguments_before_starting(
    tmp_path: Path, arguments: list[str], problem: str
) -> None:
    done = masthead("serve", *arguments, cwd=tmp_path)

    assert problem in refusal(done, "masthead serve", status=2)
    assert done.stdout == ""


@any_backend
def test_a_reader_that_leaves_early_stops_the_command_quietly(tmp_path: Path) -> None:
    reader, writer = os.pipe()
    os.close(reader)
    try:
        done = subprocess.run(
            [str(MASTHEAD), "schema"],
            cwd=tmp_path,
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            timeout=SECONDS,
            check=False,
        )
    finally:
        os.close(writer)

    assert (done.returncode, done.stderr) == (141, "")


@any_backend
def test_serve_on_a_port_in_use_is_refused_before_the_banner(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        done = masthead("serve", "--port", str(port), cwd=tmp_path)

    line = refusal(done, "masthead serve")
    assert line == f"masthead serve: cannot listen on 127.0.0.1:{port}: the port is in use"
    assert done.stdout == ""


@needs_postgresql
@pytest.mark.parametrize("command", [["migrate"], ["token", "list"]], ids=" ".join)
def test_a_missing_postgresql_database_says_how_to_create_it(
    tmp_path: Path, database_name: str, command: list[str]
) -> None:
    url = postgres_url("postgresql", database_name)

    done = masthead(*command, cwd=tmp_path, database_url=url)

    line = refusal(done, f"masthead {command[0]}")
    where = f"{SERVER.host}:{SERVER.port or 5432}"
    assert f'database "{database_name}" does not exist on {where}' in line
    assert "`masthead migrate --create-database`" in line
    assert f"createdb -h {SERVER.host} " in line
    assert not database_exists(database_name)


@needs_postgresql
def test_migrate_create_database_creates_a_postgresql_database_then_migrates_it(
    tmp_path: Path, database_name: str
) -> None:
    url = postgres_url("postgresql", database_name)

    created = masthead("migrate", "--create-database", cwd=tmp_path, database_url=url)
    again = masthead("migrate", "--create-database", cwd=tmp_path, database_url=url)

    assert (created.returncode, created.stderr) == (0, "")
    assert f'Created the database "{database_name}"' in created.stdout
    assert (again.returncode, again.stdout, again.stderr) == (0, "", "")
    version = postgres_value("SELECT version_num FROM alembic_version", database=database_name)
    assert version == head_revision()


@needs_postgresql
@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_migrate_accepts_postgres_and_postgresql_urls(
    tmp_path: Path, database_name: str, scheme: str
) -> None:
    postgres_value(f'CREATE DATABASE "{database_name}"')

    done = masthead("migrate", cwd=tmp_path, database_url=postgres_url(scheme, database_name))

    assert (done.returncode, done.stderr) == (0, "")
    version = postgres_value("SELECT version_num FROM alembic_version", database=database_name)
    assert version == head_revision()
