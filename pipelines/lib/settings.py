"""Where every file lives: the one place that reads the OPS_* environment variables.

Read at call time, never at import time, so tests and the CLI can point a process at another folder.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Settings:
    """Resolved locations and options for one process."""

    data_dir: Path
    landing_url: str
    phi_db_path: Path
    vault_path: Path
    warehouse_path: Path
    published_path: Path
    secrets_dir: Path
    deid_profile: str

    @property
    def keys_file(self) -> Path:
        """The JSON file holding the PHI-zone and vault keys."""
        return self.secrets_dir / "keys.json"

    @property
    def users_file(self) -> Path:
        """The dashboard user store (bcrypt hashes, roles, facilities)."""
        return self.secrets_dir / "users.toml"


def get_settings() -> Settings:
    """Resolve the settings from the environment, with defaults for the embedded demo."""
    data_dir = Path(os.environ.get("OPS_DATA_DIR", REPO_ROOT / "data")).resolve()

    def path(var: str, default: Path) -> Path:
        return Path(os.environ.get(var, default)).resolve()

    profile = os.environ.get("OPS_DEID_PROFILE", "limited")
    if profile not in {"limited", "safe_harbor"}:
        raise ValueError(f"OPS_DEID_PROFILE must be 'limited' or 'safe_harbor', not {profile!r}")
    return Settings(
        data_dir=data_dir,
        landing_url=os.environ.get("OPS_LANDING_URL", str(data_dir / "landing")),
        phi_db_path=path("OPS_PHI_DB", data_dir / "phi" / "raw.duckdb"),
        vault_path=path("OPS_VAULT_PATH", data_dir / "phi" / "vault.duckdb"),
        warehouse_path=path("OPS_WAREHOUSE_PATH", data_dir / "warehouse" / "warehouse.duckdb"),
        published_path=path("OPS_PUBLISHED_PATH", data_dir / "published" / "ops.duckdb"),
        secrets_dir=path("OPS_SECRETS_DIR", Path.home() / ".config" / "hospital-ops"),
        deid_profile=profile,
    )


def first_extract_day() -> str:
    """The first day of the extract-day partitions (`OPS_FIRST_EXTRACT_DAY`, ISO date).

    Read when the Dagster definitions load (a partitions definition is fixed at that point): set it
    before `dagster dev` to the first day of the history a hospital loads.
    """
    return os.environ.get("OPS_FIRST_EXTRACT_DAY", "2024-01-01")


KEY_NAMES = ("phi_key", "vault_key")


def load_keys(settings: Settings, *, create: bool = True) -> dict[str, str]:
    """Return the encryption keys, from the environment first, then the key file.

    `OPS_PHI_KEY` and `OPS_VAULT_KEY` win over the file. When neither is set and `create` is true, a
    key file with fresh random keys is written with mode 0600 (the embedded demo's first run). Keys
    are never logged.

    """
    keys: dict[str, str] = {}
    if settings.keys_file.exists():
        keys.update(json.loads(settings.keys_file.read_text()))
    for name in KEY_NAMES:
        env = os.environ.get(f"OPS_{name.upper()}")
        if env:
            keys[name] = env
    missing = [n for n in KEY_NAMES if not keys.get(n)]
    if missing and create and not settings.keys_file.exists():
        settings.secrets_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        fresh = {n: secrets.token_hex(32) for n in KEY_NAMES}
        fd = os.open(settings.keys_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump(fresh, fh)
        keys = {**fresh, **{k: v for k, v in keys.items() if v}}
        missing = []
    if missing:
        raise RuntimeError(
            f"Missing encryption keys {missing}: set OPS_PHI_KEY/OPS_VAULT_KEY or provide "
            f"{settings.keys_file}"
        )
    return keys
