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


LEGACY_DDL = """
create table vault.surrogates (
    namespace varchar not null,
    source_value varchar not null,
    surrogate varchar not null,
    created_at timestamp not null,
    primary key (namespace, source_value),
    unique (surrogate)
)
"""


def _constraints(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "select constraint_type from duckdb_constraints() where database_name = 'vault' "
        "and table_name = 'surrogates' and constraint_type in ('PRIMARY KEY', 'UNIQUE')"
    ).fetchall()
    return sorted(r[0] for r in rows)


def test_legacy_vault_is_rebuilt_without_indexes_keeping_every_row(settings):
    con = phi_connection(settings, with_vault=True)
    con.execute(LEGACY_DDL)
    con.execute(
        "insert into vault.surrogates values "
        "('patient', 'MRN00001234', 'P0000000000000001', timestamp '2026-01-02 03:04:05'), "
        "('member', 'MEM00077', 'M0000000000000002', timestamp '2026-01-03 03:04:05')"
    )
    before = con.execute("select * from vault.surrogates order by all").fetchall()
    assert _constraints(con) == ["PRIMARY KEY", "UNIQUE"]
    con.close()
    con = phi_connection(settings, with_vault=True)
    assert _issue(con, MRNS) == 2  # MRNS[0] keeps its old surrogate
    assert _constraints(con) == []
    rows = con.execute("select * from vault.surrogates order by all").fetchall()
    assert set(before) <= set(rows)
    assert _mapping(con)["MRN00001234"] == "P0000000000000001"
    assert vault.check_unique(con) == []
    con.close()


def test_check_unique_names_the_broken_namespace_only(settings):
    con = phi_connection(settings, with_vault=True)
    _issue(con, MRNS)
    _issue(con, ["MEM00077"], "member")
    assert vault.check_unique(con) == []
    # What the dropped PRIMARY KEY used to refuse: a second surrogate for a known value.
    con.execute(
        "insert into vault.surrogates values ('patient', ?, 'P1111111111111111', now())",
        [MRNS[0]],
    )
    broken = vault.check_unique(con)
    con.close()
    assert broken == ["patient"]
    assert all(m not in str(broken) for m in MRNS)


def test_collision_with_an_existing_surrogate_is_redrawn(settings, monkeypatch):
    # Three possible surrogates: the third value can only get the one the vault has not used yet.
    monkeypatch.setattr(vault, "MAX_ATTEMPTS", 60)
    monkeypatch.setattr(
        vault, "RANDOM_HEX_SQL", "lpad(floor(random() * 3)::integer::varchar, 16, '0')"
    )
    con = phi_connection(settings, with_vault=True)
    for mrn in MRNS:
        assert _issue(con, [mrn]) == 1
    surrogates = sorted(_mapping(con).values())
    assert vault.check_unique(con) == []
    con.close()
    assert surrogates == [f"P{i:016d}" for i in range(3)]


def test_surrogate_map_covers_every_batch_value_and_issues_only_unseen_ones(settings):
    con = phi_connection(settings, with_vault=True)
    _issue(con, MRNS[:2])
    known = _mapping(con)
    con.execute("create or replace temp table src(mrn varchar)")
    con.executemany("insert into src values (?)", [[v] for v in [*MRNS, MRNS[0], " ", None]])
    new = vault.surrogate_map(con, "patient", "select mrn as v from src", "_map", label="t.mrn")
    rows = con.execute("select source_value, surrogate, is_new from temp._map").fetchall()
    after = _mapping(con)
    con.close()
    assert new == 1
    assert sorted(r[0] for r in rows) == sorted(MRNS)  # distinct, NULL and blank left out
    for value, surrogate, is_new in rows:
        assert surrogate == after[value]
        assert is_new == (value not in known)
        if value in known:
            assert surrogate == known[value]


def test_batch_check_sees_a_second_surrogate_or_a_reused_one_only_for_its_pairs(settings):
    con = phi_connection(settings, with_vault=True)
    _issue(con, MRNS[:2])
    con.execute("create or replace temp table src(mrn varchar)")
    con.executemany("insert into src values (?)", [[MRNS[0]], [MRNS[2]]])
    vault.surrogate_map(con, "patient", "select mrn as v from src", "_map", label="t.mrn")
    assert vault.check_batch_unique(con, "patient", "_map")
    new_surrogate = _mapping(con)[MRNS[2]]
    # another value given the batch's new surrogate: the batch's rows would share a key
    con.execute(
        "insert into vault.surrogates values ('patient', 'MRN00000001', ?, now())", [new_surrogate]
    )
    assert not vault.check_batch_unique(con, "patient", "_map")
    con.execute("delete from vault.surrogates where source_value = 'MRN00000001'")
    assert vault.check_batch_unique(con, "patient", "_map")
    # a second surrogate for a value outside the batch is not the batch's (check_unique sees it)
    con.execute(
        "insert into vault.surrogates values ('patient', ?, 'P1111111111111111', now())", [MRNS[1]]
    )
    assert vault.check_batch_unique(con, "patient", "_map")
    assert vault.check_unique(con) == ["patient"]
    # ... and one for a value the batch joins to is
    con.execute(
        "insert into vault.surrogates values ('patient', ?, 'P2222222222222222', now())", [MRNS[0]]
    )
    assert not vault.check_batch_unique(con, "patient", "_map")
    con.close()
