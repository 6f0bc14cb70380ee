"""The wheel built from this checkout, installed into a fresh virtual environment elsewhere."""

from __future__ import annotations

import subprocess
import sys
import venv
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.backends import BACKEND

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Installed:
    """A virtual environment holding only the built wheel and its dependencies."""

    wheel: Path
    environment: Path

    @property
    def masthead(self) -> Path:
        """The `masthead` command the wheel installed."""
        return self.environment / "bin" / "masthead"

    @property
    def python(self) -> Path:
        """The environment's interpreter."""
        return self.environment / "bin" / "python"


def _run(*command: str | Path, cwd: Path) -> None:
    subprocess.run([str(part) for part in command], cwd=cwd, check=True, capture_output=True)


def build_and_install(directory: Path) -> Installed:
    """Build the wheel from the checkout and install it into `directory/venv`."""
    if BACKEND == "postgresql":
        pytest.skip("the installed wheel is checked once, in the SQLite pass")
    dist = directory / "dist"
    pip = (sys.executable, "-m", "pip", "--disable-pip-version-check")
    _run(*pip, "wheel", "--quiet", "--no-deps", "--wheel-dir", dist, ROOT, cwd=directory)
    (wheel,) = dist.glob("masthead-*.whl")
    environment = directory / "venv"
    venv.create(environment, with_pip=True)
    installed = Installed(wheel, environment)
    target_pip = (installed.python, "-m", "pip", "--disable-pip-version-check")
    _run(*target_pip, "install", "--quiet", wheel, cwd=directory)
    return installed
