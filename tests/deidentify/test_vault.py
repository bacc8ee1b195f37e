"""Identity vault: random, stable, distinct surrogates kept in an encrypted file."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from deidentify import vault
from pipelines.lib.duck import phi_connection
from pipelines.lib.settings import get_settings

MRNS = ["MRN00001234", "MRN00005678", "MRN00009012"]


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    for var in (
        "OPS_PHI_DB",
        "OPS_VAULT_PATH",
        "OPS_WAREHOUSE_PATH",
        "OPS_PUBLISHED_PATH",
        "OPS_LANDING_URL",
        "OPS_PHI_KEY",
        "OPS_VAULT_KEY",
        "OPS_DEID_PROFILE",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("OPS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("OPS_SECRETS_DIR", str(tmp_path / "secrets"))
    return get_settings()


def _issue(con: duckdb.DuckDBPyConnection, values: list[str], namespace: str = "patient") -> int:
    con.execute("create or replace temp table src(mrn varchar)")
    con.executemany("insert into src values (?)", [[v] for v in values])
    return vault.issue_surrogates(con, namespace, "select mrn as v from src", label="test.mrn")


def _mapping(con: duckdb.DuckDBPyConnection, namespace: str = "patient") -> dict[str, str]:
    rows = con.execute(
        "select source_value, surrogate from vault.surrogates where namespace = ?", [namespace]
    ).fetchall()
    return dict(rows)


def test_surrogates_stable_across_loads_and_distinct(settings):
    con = phi_connection(settings, with_vault=True)
    assert _issue(con, [*MRNS[:2], MRNS[0], None, "  "]) == 2  # duplicates, NULL and blank ignored
    first = _mapping(con)
    con.close()
    con = phi_connection(settings, with_vault=True)  # a later load, new process state
    assert _issue(con, MRNS) == 1
    second = _mapping(con)
    con.close()
    assert {k: second[k] for k in first} == first
    assert len(set(second.values())) == len(MRNS)
    assert all(s.startswith("P") and len(s) == 17 for s in second.values())


def test_same_value_in_two_namespaces_gets_two_surrogates(settings):
    con = phi_connection(settings, with_vault=True)
    _issue(con, ["ACCT12345678"], "account")
    _issue(con, ["ACCT12345678"], "member")
    account, member = _mapping(con, "account"), _mapping(con, "member")
    con.close()
    assert account["ACCT12345678"].startswith("A")
    assert member["ACCT12345678"].startswith("M")


def test_surrogates_are_not_hashes_of_the_value(settings):
    con = phi_connection(settings, with_vault=True)
    _issue(con, MRNS)
    mapping = _mapping(con)
    con.close()
    for mrn, surrogate in mapping.items():
        body = surrogate[1:].lower()
        for algo in ("sha256", "md5", "sha1"):
            digest = hashlib.new(algo, mrn.encode()).hexdigest()
            assert body not in digest
            assert digest[:8] not in body


def test_vault_file_is_encrypted(settings):
    con = phi_connection(settings, with_vault=True)
    _issue(con, MRNS)
    con.execute("checkpoint vault")
    con.close()
    path = settings.vault_path
    files = [path, *path.parent.glob(path.name + "*")]
    for f in files:
        data = f.read_bytes()
        for mrn in MRNS:
            assert mrn.encode() not in data
    with pytest.raises(duckdb.Error):
        duckdb.connect(str(path)).execute("select * from surrogates").fetchall()
    con = duckdb.connect()
    with pytest.raises(duckdb.Error):
        con.execute(f"attach '{path}' as v (encryption_key 'not-the-key')")
        con.execute("select * from v.surrogates").fetchall()
    con.close()


def test_collisions_are_redrawn(settings, monkeypatch):
    # A tiny random space forces collisions between candidates; they must be redrawn, never
    # duplicated.
    monkeypatch.setattr(vault, "MAX_ATTEMPTS", 50)
    monkeypatch.setattr(
        vault, "RANDOM_HEX_SQL", "lpad(floor(random() * 200)::integer::varchar, 16, '0')"
    )
    con = phi_connection(settings, with_vault=True)
    values = [f"MRN{i:08d}" for i in range(40)]
    assert _issue(con, values) == 40
    surrogates = list(_mapping(con).values())
    con.close()
    assert len(set(surrogates)) == 40


def test_exhausted_retries_fail_without_values(settings, monkeypatch):
    monkeypatch.setattr(vault, "RANDOM_HEX_SQL", "'0000000000000000'")
    con = phi_connection(settings, with_vault=True)
    _issue(con, [MRNS[0]])
    with pytest.raises(vault.VaultError) as err:
        _issue(con, [MRNS[1]])
    con.close()
    assert "test.mrn" in str(err.value)
    assert all(m not in str(err.value) for m in MRNS)


def test_unknown_namespace_is_rejected(settings):
    con = phi_connection(settings, with_vault=True)
    with pytest.raises(vault.VaultError):
        _issue(con, MRNS, "nonsense")
    con.close()
