"""Configuration read from MASTHEAD_* environment variables and a `.env` file."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every setting Masthead reads; each maps to `MASTHEAD_<NAME>`."""

    model_config = SettingsConfigDict(env_prefix="MASTHEAD_", env_file=".env", extra="ignore")

    env: Literal["development", "production"] = "development"
    database_url: str = "sqlite+aiosqlite:///masthead.db"
    default_locale: str = "en"
    public_base_url: str = ""
    media_url_path: str = "/media"
    host: str = "127.0.0.1"
    port: int = 8000
    sqlite_busy_timeout_ms: int = 5000
    pool_size: int = 10
    media_dir: str = "media"
    max_upload_bytes: int = 10 * 1024 * 1024
    max_body_chars: int = 500_000
    response_cache_entries: int = 1000


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
