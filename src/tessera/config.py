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
    session_key_file: Path = Path.home() / ".config" / "tessera" / "session.key"
    web_host: str = "127.0.0.1"
    web_port: int = 8000
    casework_url: str = "sqlite:///tessera-casework.db"
    signing_key_file: Path = Path.home() / ".config" / "tessera" / "signing.key"


@dataclass(frozen=True)
class Settings:
    """Resolved, immutable settings handed to services."""

    warehouse: Path
    secret_key: str | None
    secret_key_file: Path
    output: Path
    session_key_file: Path
    """Key signing the web app's session cookies (0600, created if absent)."""
    web_host: str
    """Address `tessera serve` listens on; cookies are marked Secure unless it is loopback."""
    web_port: int
    casework_url: str
    """SQLAlchemy URL of the casework store: a SQLite file, or postgresql+psycopg://..."""
    signing_key_file: Path
    """Ed25519 private key signing receipts and ledger checkpoints (0600, created if absent)."""


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment, letting explicit CLI options win."""
    raw = _Settings(**{k: v for k, v in overrides.items() if v is not None})  # type: ignore[arg-type]
    return Settings(
        warehouse=raw.warehouse,
        secret_key=raw.secret_key,
        secret_key_file=raw.secret_key_file,
        output=raw.output,
        session_key_file=raw.session_key_file,
        web_host=raw.web_host,
        web_port=raw.web_port,
        casework_url=raw.casework_url,
        signing_key_file=raw.signing_key_file,
    )
