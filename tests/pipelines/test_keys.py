"""The key file and the encrypted zone files (security R7): keys, encryption, plain-file upgrade."""

from __future__ import annotations

import json
import stat

import duckdb
import pytest

from pipelines.lib.duck import open_encrypted, warehouse_connection
from pipelines.lib.settings import KEY_NAMES, get_settings, load_keys

NEW_KEYS = ("warehouse_key", "published_key", "audit_key")


@pytest.fixture
def no_key_env(ops_env, monkeypatch):
    """No OPS_*_KEY variables (the test session sets three): keys come from the file only."""
    for name in KEY_NAMES:
        monkeypatch.delenv(f"OPS_{name.upper()}", raising=False)
    return get_settings()


def test_first_run_writes_every_key_to_a_private_file(no_key_env):
    keys = load_keys(no_key_env)
    assert sorted(keys) == sorted(KEY_NAMES)
    assert len(set(keys.values())) == len(KEY_NAMES)  # one key per file
    stored = json.loads(no_key_env.keys_file.read_text())
    assert stored == keys
    assert stat.S_IMODE(no_key_env.keys_file.stat().st_mode) == 0o600
    assert load_keys(no_key_env) == keys  # stable


def test_a_key_file_from_before_gains_the_new_keys_and_keeps_the_old(no_key_env):
    settings = no_key_env
    settings.secrets_dir.mkdir(parents=True)
    settings.keys_file.write_text(json.dumps({"phi_key": "old-phi", "vault_key": "old-vault"}))
    keys = load_keys(settings)
    assert keys["phi_key"] == "old-phi" and keys["vault_key"] == "old-vault"
    assert all(keys[name] for name in NEW_KEYS)
    assert json.loads(settings.keys_file.read_text()) == keys


def test_environment_wins_and_only_the_asked_keys_are_needed(no_key_env, monkeypatch):
    monkeypatch.setenv("OPS_PUBLISHED_KEY", "from-env")
    keys = load_keys(no_key_env, create=False, names=("published_key",))
    assert keys == {"published_key": "from-env"}
    assert not no_key_env.keys_file.exists()  # nothing written for a key the process has


def test_missing_key_error_names_the_variable_and_no_value(no_key_env):
    no_key_env.secrets_dir.mkdir(parents=True)
    no_key_env.keys_file.write_text(json.dumps({"phi_key": "secret-phi-value"}))
    with pytest.raises(RuntimeError) as error:
        load_keys(no_key_env, create=False)
    message = str(error.value)
    assert "OPS_VAULT_KEY" in message and "OPS_WAREHOUSE_KEY" in message
    assert "secret-phi-value" not in message


def test_warehouse_file_needs_its_key(ops_env):
    with warehouse_connection() as con:
        con.execute("create table t as select 'plain-text-canary-7431' as v")
        assert con.execute(
            "select encrypted, cipher from duckdb_databases() where database_name = 'wh'"
        ).fetchone() == (True, "GCM")
    path = get_settings().warehouse_path
    assert b"plain-text-canary-7431" not in path.read_bytes()
    with pytest.raises(duckdb.CatalogException, match="without a key"):
        duckdb.connect(str(path))
    with pytest.raises(duckdb.InvalidInputException, match="Wrong encryption key"):
        open_encrypted(path, "not-the-key", alias="x", read_only=True)
    with warehouse_connection(read_only=True) as con:
        assert con.execute("select v from t").fetchall() == [("plain-text-canary-7431",)]


def test_a_plain_file_from_before_is_encrypted_in_place_with_every_row(ops_env, monkeypatch):
    # An installation from before: a plain warehouse and a key file without a warehouse key.
    monkeypatch.delenv("OPS_WAREHOUSE_KEY")
    path = get_settings().warehouse_path
    path.parent.mkdir(parents=True)
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.t as select range as n from range(1000)")
        con.execute("create view marts.v as select count(*) as c from marts.t")
    # Read-only cannot upgrade: a clear error, and the file is left as it was.
    with pytest.raises(RuntimeError, match="is not encrypted"):
        warehouse_connection(read_only=True)
    with warehouse_connection() as con:
        assert con.execute("select sum(n), (select c from marts.v) from marts.t").fetchone() == (
            499500,
            1000,
        )
    with pytest.raises(duckdb.CatalogException, match="without a key"):
        duckdb.connect(str(path))
    assert not list(path.parent.glob(".*encrypting*"))


def test_an_existing_file_without_its_key_is_an_error_not_a_new_key(ops_env, monkeypatch):
    """A fresh key for an existing file would only fail later as "wrong key": name the variable."""
    with warehouse_connection() as con:
        con.execute("create table t as select 1 as a")
    settings = get_settings()
    monkeypatch.delenv("OPS_WAREHOUSE_KEY")
    monkeypatch.setenv("OPS_SECRETS_DIR", str(settings.secrets_dir.parent / "other-secrets"))
    with pytest.raises(RuntimeError, match="OPS_WAREHOUSE_KEY"):
        warehouse_connection(read_only=True)
    assert not get_settings().keys_file.exists()
