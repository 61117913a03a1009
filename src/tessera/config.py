"""Settings, in one place: environment variables prefixed TESSERA_, or a .env file.

Why a secret file and not a database column: the pseudonymisation key must never sit beside
the data it protects, so it lives in a 0600 file (or the environment) outside the warehouse.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class _Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TESSERA_", env_file=".env", extra="ignore")

    warehouse: Path = Path("tessera.duckdb")
    secret_key: str | None = None
    secret_key_file: Path = Path.home() / ".config" / "tessera" / "pseudonymisation.key"
    output: Path = Path("tessera-output")


@dataclass(frozen=True)
class Settings:
    """Resolved, immutable settings handed to services."""

    warehouse: Path
    secret_key: str | None
    secret_key_file: Path
    output: Path


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment, letting explicit CLI options win."""
    raw = _Settings(**{k: v for k, v in overrides.items() if v is not None})  # type: ignore[arg-type]
    return Settings(
        warehouse=raw.warehouse,
        secret_key=raw.secret_key,
        secret_key_file=raw.secret_key_file,
        output=raw.output,
    )
