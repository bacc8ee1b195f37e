"""Structured de-identification into wh.deid: profiles, vault joins, free text, incremental runs,
contract gate.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from data_contracts.contract import Contract, ContractError, load_contracts
from deidentify.profiles import ident
from deidentify.run import deidentify_all
from deidentify.structured import DeidError, deidentify_table, redact_everything
from pipelines.lib.duck import phi_connection
from pipelines.lib.settings import get_settings

CONTRACTS = load_contracts()
PATIENT = {
    "mrn": "MRN00001234",
    "first_name": "Zyxwa",
    "last_name": "Testperson",
    "birth_date": date(1980, 5, 17),
    "sex": "F",
    "address_line": "12 Imaginary Lane",
    "city": "Nowhereville",
    "state": "MA",
    "zip": "02134-1234",
    "phone": "555-201-7788",
    "email": "zyxwa.testperson@example.test",
    "ssn": "900-12-3456",
    "member_id": "MEM00077",
    "payer_id": "PAYER1",
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
    return get_settings()


@pytest.fixture
def con(settings):
    con = phi_connection(settings, with_vault=True, with_warehouse=True)
    yield con
    con.close()


def create_raw(con: duckdb.DuckDBPyConnection, contract: Contract) -> None:
    cols = ", ".join(f"{ident(c.name)} {c.type}" for c in contract.columns)
    con.execute("create schema if not exists phi.raw")
    con.execute(
        f"create table if not exists phi.raw.{contract.table} (_raw_id bigint, {cols}, "
        "_source_file varchar, _source_line bigint, _extract_date date, _row_hash varchar)"
    )


def insert_raw(
    con: duckdb.DuckDBPyConnection,
    contract: Contract,
    rows: list[dict[str, Any]],
    first_id: int,
    extract_date: date = date(2026, 3, 8),
) -> None:
    create_raw(con, contract)
    data: dict[str, list[Any]] = {c.name: [r.get(c.name) for r in rows] for c in contract.columns}
    data["_raw_id"] = list(range(first_id, first_id + len(rows)))
    data["_source_file"] = [f"{contract.feed}/FAC1_{extract_date}.csv"] * len(rows)
    data["_source_line"] = [i + 2 for i in range(len(rows))]
    data["_extract_date"] = [extract_date] * len(rows)
    arrow = pa.table(
        {
            k: pa.array(v, type=None if any(x is not None for x in v) else pa.string())
            for k, v in data.items()
        }
    )
    con.register("_rows", arrow)
    names = ", ".join(ident(k) for k in data)
    con.execute(f"insert into phi.raw.{contract.table} ({names}) select {names} from _rows")
    con.unregister("_rows")


def deid_rows(con: duckdb.DuckDBPyConnection, table: str) -> list[dict[str, Any]]:
    cur = con.execute(f"select * from wh.deid.{table} order by _raw_id")
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def test_patients_limited(con):
    other = {**PATIENT, "mrn": "MRN00005678", "zip": "03601", "birth_date": date(1930, 1, 2)}
    insert_raw(con, CONTRACTS["patients"], [PATIENT, other], first_id=1)
    result = deidentify_table(con, CONTRACTS["patients"], "limited")
    assert result == {
        "table": "patients",
        "profile": "limited",
        "date_shift": False,
        "rows_in": 2,
        "rows_out": 2,
        "new_surrogates": 3,
        "texts_redacted": 0,
        "needs_expert_determination": False,
    }
    rows = deid_rows(con, "patients")
    for gone in ("mrn", "first_name", "last_name", "phone", "ssn", "email", "city", "_row_hash"):
        assert gone not in rows[0]
    assert (
        rows[0]["patient_key"].startswith("P") and rows[0]["patient_key"] != rows[1]["patient_key"]
    )
    assert rows[0]["member_key"] == rows[1]["member_key"]  # same member id, same surrogate
    assert [r["zip"] for r in rows] == ["021", "036"]  # limited keeps restricted ZIP3s
    assert [r["birth_year"] for r in rows] == [1980, 1930]
    assert rows[1]["is_age_90_plus"] is True
    assert rows[0]["_source_file"] == "patients/FAC1_2026-03-08.csv"
    runs = con.execute(
        "select table_name, profile, rows_in, rows_out from wh.dq.deid_runs"
    ).fetchall()
    assert runs == [("patients", "limited", 2, 2)]


def test_patients_safe_harbor(con):
    old = {**PATIENT, "mrn": "MRN00005678", "zip": "03601", "birth_date": date(1930, 1, 2)}
    insert_raw(con, CONTRACTS["patients"], [PATIENT, old], first_id=1)
    deidentify_table(con, CONTRACTS["patients"], "safe_harbor")
    rows = deid_rows(con, "patients")
    assert [r["zip"] for r in rows] == ["021", "000"]
    assert [r["birth_year"] for r in rows] == [1980, None]
    assert [r["is_age_90_plus"] for r in rows] == [False, True]
    # The extract date and the date in the file name would date a person-level record to the day.
    assert rows[0]["_extract_date"] == date(2026, 1, 1)
    assert rows[0]["_source_file"] == "patients/FAC1_2026.csv"


NOTE = {
    "note_id": "N1",
    "visit_number": "V00000042",
    "mrn": "MRN00001234",
    "facility_id": "FAC1",
    "note_type": "progress",
    "written_at": datetime(2026, 3, 8, 2, 30),
    "note_text": "Zyxwa Testperson seen, MRN00001234, call 555-201-7788.",
}


def test_limited_keeps_exact_timestamps_and_redacts_text_whole_by_default(con):
    insert_raw(con, CONTRACTS["notes"], [NOTE, {**NOTE, "note_id": "N2", "note_text": None}], 10)
    result = deidentify_table(con, CONTRACTS["notes"])
    assert result["profile"] == "limited"
    rows = deid_rows(con, "notes")
    assert rows[0]["written_at"] == datetime(2026, 3, 8, 2, 30)
    assert [r["note_text"] for r in rows] == ["[REDACTED]", None]
    assert rows[0]["patient_key"].startswith("P") and rows[0]["encounter_key"].startswith("E")


def test_text_redactor_is_batched_and_joined_by_raw_id(con):
    notes = [{**NOTE, "note_id": f"N{i}", "note_text": f"text {i} Zyxwa"} for i in range(5)]
    notes[2]["note_text"] = None
    insert_raw(con, CONTRACTS["notes"], notes, 100)
    calls: list[int] = []

    def redactor(texts: list[str | None]) -> list[str | None]:
        calls.append(len(texts))
        return [None if t is None else t.replace("Zyxwa", "<PERSON>") for t in texts]

    result = deidentify_table(con, CONTRACTS["notes"], "limited", redactor)
    assert result["texts_redacted"] == 4
    assert calls == [4]  # NULLs are not sent
    texts = [r["note_text"] for r in deid_rows(con, "notes")]
    assert texts == [
        "text 0 <PERSON>",
        "text 1 <PERSON>",
        None,
        "text 3 <PERSON>",
        "text 4 <PERSON>",
    ]


def test_redact_everything_is_applied_in_sql_with_the_same_outputs_and_counts(con):
    rows = [NOTE, {**NOTE, "note_id": "N2", "note_text": None}, {**NOTE, "note_id": "N3"}]
    insert_raw(con, CONTRACTS["notes"], rows, 10)
    result = deidentify_table(con, CONTRACTS["notes"], "limited", redact_everything)
    assert result["texts_redacted"] == 2  # as the Python redactor counted them: non-null texts
    assert [r["note_text"] for r in deid_rows(con, "notes")] == ["[REDACTED]", None, "[REDACTED]"]
    assert deidentify_table(con, CONTRACTS["notes"], "limited", redact_everything)["rows_in"] == 0


def test_safe_harbor_event_time_is_year_only(con):
    insert_raw(con, CONTRACTS["notes"], [NOTE], 1)
    deidentify_table(con, CONTRACTS["notes"], "safe_harbor")
    assert deid_rows(con, "notes")[0]["written_at"] == datetime(2026, 1, 1)


def test_date_shift_is_per_patient_and_stable(con):
    later = {**NOTE, "note_id": "N2", "written_at": datetime(2026, 3, 10, 14, 0)}
    other = {**NOTE, "note_id": "N3", "mrn": "MRN00009999"}
    insert_raw(con, CONTRACTS["notes"], [NOTE, later, other], 1)
    result = deidentify_table(con, CONTRACTS["notes"], "safe_harbor", date_shift=True)
    assert result["needs_expert_determination"] is True
    rows = deid_rows(con, "notes")
    shifted = [r["written_at"] for r in rows]
    assert shifted[0] != NOTE["written_at"]
    assert shifted[1] - shifted[0] == later["written_at"] - NOTE["written_at"]  # intervals kept
    assert abs((shifted[0] - NOTE["written_at"]).days) <= 182
    # A second load of the same patient gets the same offset.
    insert_raw(con, CONTRACTS["notes"], [{**NOTE, "note_id": "N4"}], 10)
    deidentify_table(con, CONTRACTS["notes"], "safe_harbor", date_shift=True)
    assert deid_rows(con, "notes")[-1]["written_at"] == shifted[0]
    flags = con.execute(
        "select distinct needs_expert_determination from wh.dq.deid_runs"
    ).fetchall()
    assert flags == [(True,)]


def test_untagged_column_fails_naming_table_and_column(con):
    insert_raw(con, CONTRACTS["patients"], [PATIENT], 1)
    con.execute("alter table phi.raw.patients add column nickname varchar")
    con.execute("update phi.raw.patients set nickname = 'Zyxie'")
    with pytest.raises(ContractError) as err:
        deidentify_table(con, CONTRACTS["patients"], "limited")
    message = str(err.value)
    assert "patients" in message and "nickname" in message
    assert "Zyxie" not in message and "MRN00001234" not in message


def test_incremental_second_run_only_processes_new_rows(con):
    insert_raw(con, CONTRACTS["patients"], [PATIENT, {**PATIENT, "mrn": "MRN00005678"}], 1)
    first = deidentify_table(con, CONTRACTS["patients"], "limited")
    keys = {r["_raw_id"]: r["patient_key"] for r in deid_rows(con, "patients")}
    again = deidentify_table(con, CONTRACTS["patients"], "limited")
    insert_raw(con, CONTRACTS["patients"], [PATIENT, {**PATIENT, "mrn": "MRN00009012"}], 3)
    second = deidentify_table(con, CONTRACTS["patients"], "limited")
    assert (first["rows_in"], again["rows_in"], second["rows_in"]) == (2, 0, 2)
    assert second["new_surrogates"] == 1  # MRN00001234 is already in the vault
    rows = deid_rows(con, "patients")
    assert [r["_raw_id"] for r in rows] == [1, 2, 3, 4]
    assert rows[2]["patient_key"] == keys[1]


def test_surrogate_maps_are_dropped_and_match_the_vault(con):
    insert_raw(con, CONTRACTS["notes"], [NOTE, {**NOTE, "note_id": "N2", "mrn": "MRN0000777"}], 1)
    deidentify_table(con, CONTRACTS["notes"], "safe_harbor", date_shift=True)
    temp = con.execute(
        "select table_name from duckdb_tables() where temporary and table_name like '_sg_%'"
    ).fetchall()
    assert temp == []
    pairs = con.execute(
        """
        select r.mrn, d.patient_key, v.surrogate
        from wh.deid.notes d join phi.raw.notes r using (_raw_id)
        left join vault.surrogates v on v.namespace = 'patient' and v.source_value = r.mrn
        """
    ).fetchall()
    assert len(pairs) == 2 and all(key == surrogate for _, key, surrogate in pairs)


def test_profile_change_on_a_built_table_is_refused(con):
    insert_raw(con, CONTRACTS["patients"], [PATIENT], 1)
    deidentify_table(con, CONTRACTS["patients"], "limited")
    insert_raw(con, CONTRACTS["patients"], [PATIENT], 2)
    with pytest.raises(DeidError, match="profile"):
        deidentify_table(con, CONTRACTS["patients"], "safe_harbor")


def test_missing_raw_table_is_an_error(con):
    with pytest.raises(DeidError, match=r"raw\.notes"):
        deidentify_table(con, CONTRACTS["notes"])


def test_deidentify_all_runs_each_present_table(settings):
    con = phi_connection(settings, with_vault=True, with_warehouse=True)
    insert_raw(con, CONTRACTS["patients"], [PATIENT], 1)
    insert_raw(con, CONTRACTS["notes"], [NOTE], 1)
    con.close()
    results = deidentify_all(settings, profile="safe_harbor")
    assert sorted(results) == ["notes", "patients"]
    assert all(r["rows_out"] == 1 and r["profile"] == "safe_harbor" for r in results.values())
    with pytest.raises(ValueError, match="no contract"):
        deidentify_all(settings, tables=["nope"])


def _second_surrogate(con: duckdb.DuckDBPyConnection) -> None:
    # A second surrogate for the known MRN (what the dropped PRIMARY KEY used to refuse): joining
    # to it would write every row of that patient twice.
    con.execute(
        "insert into vault.surrogates values ('patient', ?, 'P1111111111111111', now())",
        [PATIENT["mrn"]],
    )


def test_a_vault_with_two_surrogates_for_a_batch_value_stops_the_table(con):
    insert_raw(con, CONTRACTS["patients"], [PATIENT], first_id=1)
    deidentify_table(con, CONTRACTS["patients"], "limited")
    _second_surrogate(con)
    # the same patient again (a new address) and a new one
    insert_raw(
        con,
        CONTRACTS["patients"],
        [{**PATIENT, "zip": "02135"}, {**PATIENT, "mrn": "MRN00009999"}],
        first_id=2,
    )

    with pytest.raises(
        DeidError, match=r"patients: vault uniqueness broken in namespaces \['patient'\]"
    ) as err:
        deidentify_table(con, CONTRACTS["patients"], "limited")
    assert PATIENT["mrn"] not in str(err.value)
    assert len(deid_rows(con, "patients")) == 1  # nothing written for the second run


def test_a_broken_vault_stops_the_run_before_any_table(settings):
    con = phi_connection(settings, with_vault=True, with_warehouse=True)
    insert_raw(con, CONTRACTS["patients"], [PATIENT], first_id=1)
    deidentify_table(con, CONTRACTS["patients"], "limited")
    _second_surrogate(con)
    # the new rows do not touch the broken value: only the whole-vault check sees it
    insert_raw(con, CONTRACTS["patients"], [{**PATIENT, "mrn": "MRN00009999"}], first_id=2)
    insert_raw(con, CONTRACTS["notes"], [NOTE], 1)
    con.close()

    with pytest.raises(DeidError, match=r"vault uniqueness broken in namespaces \['patient'\]"):
        deidentify_all(settings)
    con = phi_connection(settings, with_vault=True, with_warehouse=True)
    try:
        assert len(deid_rows(con, "patients")) == 1
        assert con.execute(
            "select count(*) from duckdb_tables() where database_name = 'wh' "
            "and schema_name = 'deid' and table_name = 'notes'"
        ).fetchone() == (0,)
    finally:
        con.close()
