"""The thread switch interval: the app's setting while it serves, Python's own after."""

from __future__ import annotations

import sys

import pytest
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.server import create_app
from masthead.settings import Settings


@pytest.mark.parametrize("milliseconds", [0.5, 1.0, 3.0])
async def test_the_app_switches_threads_at_its_interval_while_it_serves(
    settings: Settings, engine: AsyncEngine, milliseconds: float
) -> None:
    before = sys.getswitchinterval()
    app = create_app(settings.model_copy(update={"switch_interval_ms": milliseconds}), engine)

    async with app.router.lifespan_context(app):
        serving = sys.getswitchinterval()

    assert serving == pytest.approx(milliseconds / 1000)
    assert sys.getswitchinterval() == before


def test_the_default_is_one_millisecond_and_zero_is_refused(settings: Settings) -> None:
    assert Settings(database_url=settings.database_url).switch_interval_ms == 1.0
    with pytest.raises(ValidationError, match="switch_interval_ms"):
        Settings(database_url=settings.database_url, switch_interval_ms=0)
