"""Shared fixtures: every test runs against its own data folder, secrets folder and DuckDB files."""

from __future__ import annotations

from pathlib import Path

import pytest

REALDATA = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"


@pytest.fixture
def ops_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every OPS_* location at a temporary folder; returns the data folder."""
    data = tmp_path / "data"
    monkeypatch.setenv("OPS_DATA_DIR", str(data))
    monkeypatch.setenv("OPS_SECRETS_DIR", str(tmp_path / "secrets"))
    monkeypatch.setenv("OPS_LANDING_URL", str(data / "landing"))
    for var in ("OPS_PHI_DB", "OPS_VAULT_PATH", "OPS_WAREHOUSE_PATH", "OPS_PUBLISHED_PATH"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("OPS_DEID_PROFILE", "limited")
    return data


@pytest.fixture
def realdata() -> Path:
    """The shared public sample files; skips the test when they are not beside the project."""
    if not REALDATA.is_dir():
        pytest.skip("../shared/realdata is not present")
    return REALDATA
