"""The daily (incremental) dbt build gives exactly the tables of a full rebuild.

Day 1 is the fixture of `tests/dbt/fixtures.py`, built with the daily command. Day 2 appends, in
load order (higher `_raw_id`), messages that reach back into day 1:
- ADT M24: an A12 (extract 2026-03-04) cancelling E06's transfer M17 of 2026-03-02 03:00, so M17
  becomes voided and E06 stays in its ED bed;
- ADT M25: a late A08 for E02 (effective 2026-03-02 08:00, extract 2026-03-04) changing the service
  to SUR;
- ADT M26: a new encounter E09 admitted 2026-03-04 01:00, which also moves the data's end time
  (and with it every open stay's end);
- ADT M27, M28: an A11 and an A13 cancelling E05's admission and discharge, so E05 has no stay
  and no live event left (its rows must go, though the rebuild of the encounter yields none);
- bed master: a 2026-03-04 snapshot of F2 in which unit MS2 has become an ED overflow unit (type
  ED), so E08's inpatient stay there becomes a boarding stay although E08 has no new message;
- billing: a replacement claim (frequency 7) for K05 with its line, and a second remit for K04 with
  its adjustment;
- appointments: a new extract (2026-03-12) cancelling A08, a new appointment A11, and a stale row
  for A03 from an older extract (2026-03-10) that must not replace its 2026-03-11 row;
- ED visits: V07's departure (18:00 -> 01:00 next day) in a new extract, a new visit V08, and a
  stale V02 row from an older extract without its departure.
The daily command then runs again on the same warehouse. Day 3 is one ED registration of a new
encounter E10 (2026-03-05 02:00), later than every earlier event: the open stays of E06 and E09 get
no message but end later. The daily command runs a third time; a second warehouse gets all three
days at once and `dbt build --full-refresh`. Every table and view dbt builds must match row for row.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.lib.dbt import DAILY_BUILD_ARGS
from tests.dbt.fixtures import build_deid_fixture, open_fixture, run_dbt

# Six dbt commands: seed and three daily builds of one warehouse, seed and a full build of another.
pytestmark = [pytest.mark.integration, pytest.mark.timeout(1800)]

DBT_SCHEMAS = ("staging", "intermediate", "marts")
INCREMENTAL_MODELS = {
    "stg_scheduling__appointments",
    "fct_appointments",
    "int_adt_events_voided",
    "fct_adt_events",
    "int_location_stays_built",
    "int_encounters_summarized",
    "stg_ehr__ed_visits",
    "fct_ed_visits",
    "stg_billing__claims",
    "stg_billing__claim_lines",
    "stg_billing__remits",
    "stg_billing__remit_adjustments",
}


def _append(con: duckdb.DuckDBPyConnection, table: str, like: str, changes: dict[str, Any]) -> None:
    """Append a copy of the row whose key is `like`, with `changes`, as the next load."""
    key = {
        "adt_events": "message_control_id",
        "appointments": "appointment_key",
        "ed_visits": "ed_visit_key",
        "bed_master": "bed_id",
        "claims": "account_key",
        "claim_lines": "account_key",
        "remits": "account_key",
        "remit_adjustments": "account_key",
    }[table]
    row = con.execute(
        f"select * from deid.{table} where {key} = ? order by _raw_id desc limit 1", [like]
    ).fetchone()
    columns = [d[0] for d in con.description]
    values = dict(zip(columns, row, strict=True))
    raw_id = con.execute(f"select max(_raw_id) + 1 from deid.{table}").fetchone()[0]
    values.update(changes)
    values.update(
        _raw_id=raw_id,
        _source_file=f"{table}/fixture_{values['_extract_date']}",
        _source_line=raw_id,
    )
    placeholders = ", ".join("?" for _ in columns)
    con.execute(f"insert into deid.{table} values ({placeholders})", [values[c] for c in columns])


def _adt(msg: str, trigger: str, effective_at: str, **extra: Any) -> dict[str, Any]:
    return {
        "message_control_id": msg,
        "trigger_event": trigger,
        "effective_at": effective_at,
        "recorded_at": effective_at,
        "sent_at": effective_at,
        "_extract_date": "2026-03-04",
        **extra,
    }


def add_day_two(warehouse: Path) -> None:
    """Land day 2 (see the module docstring) in the de-identified tables."""
    with open_fixture(warehouse, read_only=False) as con:
        _append(con, "adt_events", "M17", _adt("M24", "A12", "2026-03-02 03:10"))
        _append(
            con, "adt_events", "M04", _adt("M25", "A08", "2026-03-02 08:00", hospital_service="SUR")
        )
        _append(
            con,
            "adt_events",
            "M01",
            _adt(
                "M26",
                "A01",
                "2026-03-04 01:00",
                encounter_key="E09",
                patient_key="P09",
                account_key="K09",
                bed_id="102A",
                room_id="R2",
            ),
        )
        _append(
            con,
            "appointments",
            "A08",
            {
                "status": "cancelled",
                "cancelled_at": "2026-03-12 10:00",
                "status_changed_at": "2026-03-12 10:00",
                "_extract_date": "2026-03-12",
            },
        )
        _append(
            con,
            "appointments",
            "A10",
            {
                "appointment_key": "A11",
                "booked_at": "2026-03-12 09:00",
                "slot_start_at": "2026-03-20 10:00",
                "slot_end_at": "2026-03-20 11:00",
                "status": "scheduled",
                "_extract_date": "2026-03-12",
            },
        )
        _append(con, "appointments", "A03", {"status": "scheduled", "_extract_date": "2026-03-10"})
        _append(
            con,
            "ed_visits",
            "V07",
            {"departure_at": "2026-03-02 01:00", "_extract_date": "2026-03-03"},
        )
        _append(con, "ed_visits", "V03", {"ed_visit_key": "V08", "_extract_date": "2026-03-03"})
        _append(con, "ed_visits", "V02", {"departure_at": None, "_extract_date": "2026-03-01"})
        _append(con, "adt_events", "M13", _adt("M27", "A11", "2026-03-02 07:30"))
        _append(con, "adt_events", "M14", _adt("M28", "A13", "2026-03-02 11:30"))
        for bed in ("301A", "301B"):
            _append(
                con,
                "bed_master",
                bed,
                {"snapshot_date": "2026-03-04", "unit_type": "ED", "_extract_date": "2026-03-04"},
            )
        replacement = {
            "interchange_control_number": "I104",
            "claim_frequency_code": "7",
            "_extract_date": "2026-03-26",
        }
        _append(con, "claims", "K05", {**replacement, "submitted_at": "2026-03-26 10:00"})
        _append(con, "claim_lines", "K05", replacement)
        second_remit = {"interchange_control_number": "R204", "_extract_date": "2026-03-27"}
        _append(con, "remits", "K04", {**second_remit, "payment_date": "2026-03-27"})
        _append(con, "remit_adjustments", "K04", second_remit)


def add_day_three(warehouse: Path) -> None:
    """Land day 3 (see the module docstring): a message of a new encounter only."""
    with open_fixture(warehouse, read_only=False) as con:
        _append(
            con,
            "adt_events",
            "M15",
            {
                **_adt("M29", "A04", "2026-03-05 02:00", _extract_date="2026-03-05"),
                "encounter_key": "E10",
                "patient_key": "P10",
                "account_key": "K10",
                "bed_id": "ED02",
            },
        )


def _build(warehouse: Path, target: Path, args: list[str]) -> None:
    result = run_dbt(args, warehouse, target)
    assert result.returncode == 0, result.stdout[-8000:]


def _relations(warehouse: Path) -> list[tuple[str, str]]:
    with open_fixture(warehouse) as con:
        return con.execute(
            "select table_schema, table_name from information_schema.tables "
            f"where table_schema in {DBT_SCHEMAS} order by 1, 2"
        ).fetchall()


def _rows(warehouse: Path, schema: str, name: str) -> list[tuple]:
    with open_fixture(warehouse) as con:
        return con.execute(f'select * from "{schema}"."{name}" order by all').fetchall()


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """`daily`: days 1, 2, 3 built with the daily command; `full`: all three, full refresh."""
    tmp = tmp_path_factory.mktemp("incremental")
    daily = build_deid_fixture(tmp / "daily.duckdb")
    _build(daily, tmp / "target", ["seed"])
    _build(daily, tmp / "target", DAILY_BUILD_ARGS)
    shutil.copy(daily, tmp / "day1.duckdb")
    add_day_two(daily)
    _build(daily, tmp / "target", DAILY_BUILD_ARGS)
    results = json.loads((tmp / "target" / "run_results.json").read_text())["results"]
    incremental = {
        r["unique_id"].split(".")[-1]
        for r in results
        if r["unique_id"].startswith("model.") and "raw_id >" in r["compiled_code"]
    }
    # the second build took the incremental branch of every incremental model
    assert incremental == INCREMENTAL_MODELS
    add_day_three(daily)
    _build(daily, tmp / "target", DAILY_BUILD_ARGS)

    full = build_deid_fixture(tmp / "full.duckdb")
    add_day_two(full)
    add_day_three(full)
    _build(full, tmp / "target", ["seed"])
    _build(full, tmp / "target", ["build", "--full-refresh"])
    return {"day1": tmp / "day1.duckdb", "daily": daily, "full": full}


def test_day_two_changes_day_one_rows(warehouses: dict[str, Path]) -> None:
    sql = (
        "select adt_event_id, is_voided, voided_by_event_id, is_late_arriving "
        "from marts.fct_adt_events where adt_event_id in ('M17', 'M25', 'M26') order by 1"
    )
    with open_fixture(warehouses["day1"]) as con:
        assert con.execute(sql).fetchall() == [("M17", False, None, False)]
        assert con.execute(
            "select encounter_key, has_boarded from marts.fct_inpatient_stays "
            "where encounter_key in ('E05', 'E08') order by 1"
        ).fetchall() == [("E05", False), ("E08", False)]
    with open_fixture(warehouses["daily"]) as con:
        assert con.execute(sql).fetchall() == [
            ("M17", True, "M24", False),
            ("M25", False, None, True),
            ("M26", False, None, False),
        ]
        assert con.execute(
            "select hospital_service from marts.fct_inpatient_stays where encounter_key = 'E02'"
        ).fetchall() == [("SUR",)]
        assert con.execute(
            "select encounter_key, has_boarded from marts.fct_inpatient_stays "
            "where encounter_key in ('E05', 'E08')"
        ).fetchall() == [("E08", True)]
        assert con.execute(
            "select count(*), bool_and(is_boarder) from marts.fct_location_stays "
            "where encounter_key in ('E05', 'E08')"
        ).fetchone() == (1, True)
        # open stays end at the data's end, which day 3 moved
        assert con.execute(
            "select encounter_key, stay_end_at from marts.fct_location_stays "
            "where is_open and encounter_key in ('E06', 'E09') order by 1"
        ).fetchall() == [("E06", datetime(2026, 3, 5, 2)), ("E09", datetime(2026, 3, 5, 2))]
        assert con.execute(
            "select account_key, submissions, paid_amount from marts.fct_claims "
            "where account_key in ('K04', 'K05') order by 1"
        ).fetchall() == [("K04", 1, 0), ("K05", 2, 0)]
        assert con.execute(
            "select appointment_key, status from marts.fct_appointments "
            "where appointment_key in ('A03', 'A08', 'A11') order by 1"
        ).fetchall() == [("A03", "arrived"), ("A08", "cancelled"), ("A11", "scheduled")]
        assert con.execute(
            "select ed_visit_key, ed_los_minutes from marts.fct_ed_visits "
            "where ed_visit_key in ('V02', 'V07', 'V08') order by 1"
        ).fetchall() == [("V02", 180), ("V07", 420), ("V08", 120)]


def test_daily_build_equals_full_rebuild(warehouses: dict[str, Path]) -> None:
    relations = _relations(warehouses["full"])
    assert ("marts", "fct_adt_events") in relations
    assert _relations(warehouses["daily"]) == relations
    for schema, name in relations:
        daily = _rows(warehouses["daily"], schema, name)
        assert daily, f"{schema}.{name} is empty"
        assert daily == _rows(warehouses["full"], schema, name), f"{schema}.{name} differs"
