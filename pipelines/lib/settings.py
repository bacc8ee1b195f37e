"""Where every file lives: the one place that reads the OPS_* environment variables.

Read at call time, never at import time, so tests and the CLI can point a process at another folder.
"""

from __future__ import annotations

import fcntl
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


# One key per file, so that each process can be given only the keys it needs: the PHI zone and the
# vault (ingest and de-identification), the warehouse (de-identification, dbt, publish), the
# published copy (publish, dashboards, reports) and the dashboards' audit log.
KEY_NAMES = ("phi_key", "vault_key", "warehouse_key", "published_key", "audit_key")


def load_keys(
    settings: Settings, *, create: bool = True, names: tuple[str, ...] = KEY_NAMES
) -> dict[str, str]:
    """Return the encryption keys `names`, from the environment first, then the key file.

    `OPS_PHI_KEY`, `OPS_VAULT_KEY`, `OPS_WAREHOUSE_KEY`, `OPS_PUBLISHED_KEY` and `OPS_AUDIT_KEY` win
    over the file. A key found in neither place is, when `create` is true, drawn at random and
    added to the key file (created with mode 0600 on the embedded demo's first run; a key file
    from before a key was introduced gains the new key). Keys are never logged.

    """
    keys: dict[str, str] = {}
    if settings.keys_file.exists():
        keys.update(json.loads(settings.keys_file.read_text()))
    for name in KEY_NAMES:
        env = os.environ.get(f"OPS_{name.upper()}")
        if env:
            keys[name] = env
    missing = [n for n in names if not keys.get(n)]
    if missing and create:
        _add_to_key_file(settings, {n: secrets.token_hex(32) for n in missing})
        return load_keys(settings, create=False, names=names)
    if missing:
        env_names = "/".join(f"OPS_{n.upper()}" for n in missing)
        raise RuntimeError(
            f"Missing encryption keys {missing}: set {env_names} or provide {settings.keys_file}"
        )
    return {n: keys[n] for n in names}


def _add_to_key_file(settings: Settings, fresh: dict[str, str]) -> None:
    """Add the `fresh` keys the key file still lacks: mode 0600, under a lock, replaced atomically.

    Two processes starting at once must not each draw their own key and keep it: the file is read
    again under an exclusive lock and only keys still missing are added, so both end up using the
    same stored key.
    """
    settings.secrets_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    lock_path = settings.keys_file.with_name(f".{settings.keys_file.name}.lock")
    lock_fd = os.open(lock_path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock_fd, fcntl.LOCK_EX)
        stored = json.loads(settings.keys_file.read_text()) if settings.keys_file.exists() else {}
        added = {n: k for n, k in fresh.items() if not stored.get(n)}
        if not added:
            return
        staging = settings.keys_file.with_name(f".{settings.keys_file.name}.{os.getpid()}")
        fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump({**stored, **added}, fh)
        os.replace(staging, settings.keys_file)
    finally:
        os.close(lock_fd)
