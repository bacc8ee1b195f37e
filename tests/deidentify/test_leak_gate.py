"""Leak gate: canaries from the PHI zone found in a warehouse (where, how many, never what)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
import pytest

from data_contracts.contract import load_contracts
from deidentify import leak_gate
from deidentify.__main__ import main
from deidentify.leak_gate import LeakHit, build_canaries, scan
from deidentify.profiles import ident
from deidentify.run import deidentify_all
from pipelines.lib.duck import phi_connection, warehouse_connection, zone_key
from pipelines.lib.settings import get_settings

CONTRACTS = load_contracts()
MRN = "MRN00001234"
PHONE = "555-201-7788"
PATIENTS = [
    {
        "mrn": MRN,
        "first_name": "Zyxwa",
        "last_name": "Testperson",
        "birth_date": date(1980, 5, 17),
        "zip": "02134",
        "phone": PHONE,
        "ssn": "900-12-3456",
        "member_id": "MEM00077",
        "city": "Quuxborough",
    },
    # Too short to be a canary on its own: must not flag every "Li" or "Ox" in the warehouse.
    {"mrn": "MRN00005678", "first_name": "Ox", "last_name": "Li", "birth_date": date(1990, 1, 1)},
]
ADT = {
    "message_control_id": "MSG0001",
    "trigger_event": "A01",
    "recorded_at": datetime(2026, 3, 8, 2, 30),
    "effective_at": datetime(2026, 3, 8, 2, 30),
    "mrn": MRN,
    "patient_name": "TESTPERSON^ZYXWA^Q",
    "visit_number": "V00000042",
    "patient_class": "I",
    "facility_id": "FAC1",
}


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
    settings = get_settings()
    con = phi_connection(settings)
    con.execute("create schema phi.raw")
    for table, rows in (("patients", PATIENTS), ("adt_events", [ADT])):
        contract = CONTRACTS[table]
        cols = ", ".join(f"{ident(c.name)} {c.type}" for c in contract.columns)
        con.execute(
            f"create table phi.raw.{table} (_raw_id bigint, {cols}, _source_file varchar, "
            "_source_line bigint, _extract_date date, _row_hash varchar)"
        )
        data = {c.name: [r.get(c.name) for r in rows] for c in contract.columns}
        arrow = pa.table(
            {
                k: pa.array(v, type=None if any(x is not None for x in v) else pa.string())
                for k, v in data.items()
            }
        )
        con.register("_rows", arrow)
        names = ", ".join(ident(k) for k in data)
        con.execute(
            f"insert into phi.raw.{table} ({names}, _raw_id, _extract_date) "
            f"select {names}, row_number() over (), date '2026-03-08' from _rows"
        )
        con.unregister("_rows")
    con.close()
    deidentify_all(settings)
    return settings


def _gate(settings, paths: list[Path]):
    con = phi_connection(settings)
    try:
        canaries = build_canaries(con)
        return canaries, scan(con, paths, key_for=lambda path: zone_key(settings, path))
    finally:
        con.close()


def test_clean_warehouse_passes(settings):
    canaries, report = _gate(settings, [settings.warehouse_path])
    assert canaries > 0
    assert report.columns_scanned > 10
    assert report.passed, report.hits


def test_canaries_skip_short_values(settings):
    con = phi_connection(settings)
    build_canaries(con)
    forms = dict(con.execute("select canary, form from temp._leak_canaries").fetchall())
    con.close()
    assert "li" not in forms and "ox" not in forms
    assert forms["mrn00001234"] == "text"
    assert forms["5552017788"] == "digits"
    assert {"zyxwa testperson", "testperson, zyxwa", "testperson^zyxwa"} <= set(forms)


@pytest.mark.parametrize("method", ["contains", "ngrams"])
def test_planted_leaks_are_found_with_table_column_and_count(settings, method, monkeypatch):
    if method == "ngrams":
        monkeypatch.setattr(leak_gate, "CONTAINS_MAX_PAIRS", 0)
    wh = warehouse_connection(settings)
    wh.execute("create schema marts")
    wh.execute(
        "create table marts.leaky "
        "(id varchar, contact varchar, comment varchar, n integer, row_key varchar)"
    )
    # row_key: md5-shaped surrogate keys whose digits happen to spell the phone number; a digest
    # is not text, so only the comment column's copy of the number counts.
    key = "ab5552017788cdef" + "0" * 16
    wh.executemany(
        "insert into marts.leaky values (?, ?, ?, ?, ?)",
        [
            [MRN, "(555) 201 7788", "Seen by TESTPERSON^ZYXWA in clinic today, stable.", 1, key],
            ["OK000001", "none on file", "Call back at +1 (555) 201-7788 after the scan.", 2, key],
            ["OK000002", "none", "Routine visit, nothing new in Quuxboroughville.", 3, key],
            ["OK000004", "none", "Moved to Quuxborough last spring, doing fine overall.", 5, key],
            ["OK000003", "none", "Patient zyxwa testperson asked about MRN00001234.", 4, key],
        ],
    )
    wh.close()
    _, report = _gate(settings, [settings.warehouse_path])
    assert not report.passed
    db = str(settings.warehouse_path)
    assert sorted(report.hits) == [
        LeakHit(db, "marts.leaky", "comment", 4),
        LeakHit(db, "marts.leaky", "contact", 1),
        LeakHit(db, "marts.leaky", "id", 1),
    ]


def test_cli_exit_codes_and_no_values_printed(settings, capsys):
    assert main(["leak-gate"]) == 0
    wh = warehouse_connection(settings)
    wh.execute("create table main.leaky_copy as select 'Testperson, Zyxwa' as name")
    wh.close()
    assert main(["leak-gate", "--db", str(settings.warehouse_path)]) == 1
    out = capsys.readouterr().out
    assert "main.leaky_copy.name: 1 rows" in out
    assert "FAILED" in out
    for value in (MRN, "Zyxwa", "Testperson", PHONE):
        assert value.lower() not in out.lower()
    assert main(["leak-gate", "--db", str(settings.warehouse_path.parent / "missing.duckdb")]) == 2
