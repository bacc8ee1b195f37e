"""Shared fixtures: every test runs against its own data folder, secrets folder and DuckDB files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.dbt.fixtures import FIXTURE_KEY

REALDATA = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"

# The warehouse, the published copy and the audit log are encrypted. Tests give them fixed keys
# through the environment, which wins over key files, so that session-wide fixtures, the dbt and
# Streamlit subprocesses and each test's own secrets folder all agree. The PHI zone and the vault
# keep per-test key files (tests/pipelines/test_keys.py covers the key file itself).
TEST_KEYS = {
    "OPS_WAREHOUSE_KEY": FIXTURE_KEY,
    "OPS_PUBLISHED_KEY": "test-published-key-not-a-secret",
    "OPS_AUDIT_KEY": "test-audit-key-not-a-secret",
}
os.environ.update(TEST_KEYS)


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
