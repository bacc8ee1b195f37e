"""Fixtures for the dashboard tests: a fixture published copy, a user store and an audit store in
tmp.
"""

from __future__ import annotations

import logging
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st

from dashboards import auth, users
from tests.dashboards import fixture

APP = str(Path(__file__).resolve().parents[2] / "dashboards" / "streamlit_app.py")
PASSWORD = "correct-horse-battery"

# name -> (role, facilities)
USERS = {
    "exec": ("executive", []),
    "mgr_a": ("facility_manager", [fixture.FAC_A]),
    "analyst_a": ("analyst", [fixture.FAC_A]),
}


@pytest.fixture(autouse=True)
def _quiet_streamlit() -> Iterator[None]:
    # "No runtime found" warnings from st.cache_data outside a server are expected here.
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    # AppTest installs the app as `__main__` and leaves it there: worker processes started by
    # later tests (the HL7/X12 readers) would re-run the app at start-up and die.
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main


@pytest.fixture(scope="session")
def published_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture published copy, built once per session and copied into each test."""
    return fixture.build(tmp_path_factory.mktemp("template") / "ops.duckdb")


@pytest.fixture(scope="session")
def users_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """users.toml with the test users, hashed once per session (bcrypt is slow on purpose)."""
    path = tmp_path_factory.mktemp("users") / "users.toml"
    for name, (role, facilities) in USERS.items():
        users.add_user(name, role, facilities, PASSWORD, path)
    return path


@pytest.fixture
def dash_env(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    published_template: Path,
    users_template: Path,
) -> Path:
    """OPS_* pointed at tmp: fixture published copy, users.toml with three users, empty audit."""
    data = tmp_path / "data"
    secrets = tmp_path / "secrets"
    published = data / "published" / "ops.duckdb"
    published.parent.mkdir(parents=True)
    shutil.copyfile(published_template, published)
    monkeypatch.setenv("OPS_DATA_DIR", str(data))
    monkeypatch.setenv("OPS_PUBLISHED_PATH", str(published))
    monkeypatch.setenv("OPS_SECRETS_DIR", str(secrets))
    monkeypatch.setenv("OPS_AUDIT_PATH", str(data / "audit" / "audit.duckdb"))
    monkeypatch.delenv("OPS_IDLE_TIMEOUT_SECONDS", raising=False)
    monkeypatch.delenv("OPS_IDLE_TIMEOUT_MINUTES", raising=False)
    secrets.mkdir(mode=0o700)
    shutil.copyfile(users_template, secrets / "users.toml")
    (secrets / "users.toml").chmod(0o600)
    auth._failures.clear()
    st.cache_data.clear()
    return tmp_path
