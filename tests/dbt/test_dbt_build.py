"""`dbt seed` + `dbt build` on the synthetic de-identified fixture, with hand-computed KPI values.

The expected numbers come from the fixture in `tests/dbt/fixtures.py` (see the comments there):
- voided ADT events: E03's A01 (A11), E04's first A03 (A13), E08's A02 (A12) -> 3.
- midnight census 2026-03-01: MS1 = E01 + E07 (observation) = 2, ICU1 = E02 + E04 = 2,
  ED1 = the E06 boarder (inpatient since 23:00) = 1, MS2 = E08 = 1;
  2026-03-02: MS1 = E06 = 1, ICU1 = E02 = 1.
- LOS: E01 1 day, E02 2, E04 1, E05 same-day -> 1, E08 1; E06 still in house.
- discharge before noon: E01 (10:30) and E08 (06:00) of E01/E04/E08
  (E02 expired, E05 AMA, E07 observation).
- ED: 7 visits; LWBS 1; OP-18 eligible V02/V03/V05 (LOS 180/120/540, median 180);
  ECAT V01 (boarding 300 min),
  V02 (room wait 90 min), V03 (LWBS), V05 (LOS 540 min) -> 4.
- appointments: no-show rate 2 / (1 arrived + 2 completed + 2 no-show) = 0.4;
  late cancels A04 (23 h) and A06
  (same day); A07 cancelled exactly 24 h before is not late.
- claims: clean K01, K03; initially denied K02 (status 4), K04 ($0 with CO-50).
- A/R 2026-03-31: net A/R 2300; revenue window = 1250 paid + 2300 open = 3550 -> 39.44/day;
  days 58.31; DNFB 900.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from tests.dbt.fixtures import build_deid_fixture, open_fixture, run_dbt

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def built_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fixture warehouse after `dbt seed` and `dbt build`."""
    tmp = tmp_path_factory.mktemp("dbt")
    warehouse = build_deid_fixture(tmp / "warehouse.duckdb")
    target = tmp / "target"
    seed = run_dbt(["seed"], warehouse, target)
    assert seed.returncode == 0, seed.stdout[-5000:]
    started = time.monotonic()
    build = run_dbt(["build"], warehouse, target)
    elapsed = time.monotonic() - started
    assert build.returncode == 0, build.stdout[-8000:]
    assert "ERROR=0" in build.stdout
    assert elapsed < 120, f"dbt build took {elapsed:.1f} s"
    return warehouse


def _query(warehouse: Path, sql: str) -> list[tuple]:
    with open_fixture(warehouse) as con:
        return con.execute(sql).fetchall()


def _one(warehouse: Path, sql: str):
    rows = _query(warehouse, sql)
    assert len(rows) == 1, rows
    return rows[0][0] if len(rows[0]) == 1 else rows[0]


def test_schemas_are_named_exactly(built_warehouse: Path) -> None:
    schemas = {
        r[0] for r in _query(built_warehouse, "select schema_name from information_schema.schemata")
    }
    assert {"deid", "dq", "staging", "intermediate", "marts", "reference"} <= schemas


def test_required_marts_exist(built_warehouse: Path) -> None:
    tables = {
        r[0]
        for r in _query(
            built_warehouse,
            "select table_name from information_schema.tables where table_schema = 'marts'",
        )
    }
    assert {
        "dim_facilities",
        "dim_units",
        "fct_adt_events",
        "fct_location_stays",
        "fct_bed_census_hourly",
        "fct_midnight_census",
        "fct_inpatient_stays",
        "fct_ed_visits",
        "fct_appointments",
        "fct_claims",
        "fct_claim_denials",
        "fct_ar_snapshots",
        "fct_feed_freshness",
        "fct_quarantine_summary",
        "dim_kpis",
    } <= tables


def test_voided_and_late_adt_events(built_warehouse: Path) -> None:
    voided = _query(
        built_warehouse, "select adt_event_id from marts.fct_adt_events where is_voided order by 1"
    )
    assert [r[0] for r in voided] == ["M07", "M10", "M21"]
    late = _query(
        built_warehouse, "select adt_event_id from marts.fct_adt_events where is_late_arriving"
    )
    assert [r[0] for r in late] == ["M05"]


def test_location_stays(built_warehouse: Path) -> None:
    assert _one(built_warehouse, "select count(*) from marts.fct_location_stays") == 10
    assert (
        _one(
            built_warehouse,
            "select count(*) from marts.fct_location_stays where encounter_key = 'E03'",
        )
        == 0
    )
    boarder = _one(
        built_warehouse, "select unit_id, stay_hours from marts.fct_location_stays where is_boarder"
    )
    assert boarder == ("ED1", 4.0)
    # the cancelled transfer of E08 leaves one stay in 301B until the discharge
    assert (
        _one(
            built_warehouse,
            "select bed_id from marts.fct_location_stays where encounter_key = 'E08'",
        )
        == "301B"
    )


def test_midnight_census(built_warehouse: Path) -> None:
    rows = dict(
        ((r[0], str(r[1])), r[2])
        for r in _query(
            built_warehouse,
            "select unit_id, census_date, midnight_census from marts.fct_midnight_census",
        )
    )
    assert rows == {
        ("ED1", "2026-03-01"): 1,
        ("ICU1", "2026-03-01"): 2,
        ("MS1", "2026-03-01"): 2,
        ("MS2", "2026-03-01"): 1,
        ("ED1", "2026-03-02"): 0,
        ("ICU1", "2026-03-02"): 1,
        ("MS1", "2026-03-02"): 1,
        ("MS2", "2026-03-02"): 0,
    }
    # staffed beds follow the bed_master snapshot of the date (MS1 bed 102B staffed from 2026-03-02)
    staffed = _query(
        built_warehouse,
        "select census_date, staffed_beds from marts.fct_midnight_census "
        "where unit_id = 'MS1' order by 1",
    )
    assert [r[1] for r in staffed] == [3, 4]


def test_hourly_census(built_warehouse: Path) -> None:
    def hour(unit: str, ts: str) -> tuple:
        return _one(
            built_warehouse,
            f"""
            select occupied_beds, staffed_beds, admissions, discharges,
                transfers_in, transfers_out, boarders
            from marts.fct_bed_census_hourly
            where unit_id = '{unit}' and census_hour = timestamp '{ts}'""",
        )

    assert hour("MS1", "2026-03-01 09:00:00") == (2, 3, 1, 0, 0, 0, 0)
    assert hour("MS1", "2026-03-01 14:00:00") == (1, 3, 0, 0, 0, 1, 0)
    assert hour("ICU1", "2026-03-01 14:00:00") == (2, 2, 0, 0, 1, 0, 0)
    assert hour("ED1", "2026-03-01 23:00:00") == (1, 2, 1, 0, 0, 0, 1)
    assert hour("ED1", "2026-03-02 03:00:00") == (0, 2, 0, 0, 0, 1, 0)
    assert hour("ICU1", "2026-03-02 16:00:00") == (1, 2, 0, 1, 0, 0, 0)
    # 4 units x 55 hours (2026-03-01 08:00 .. 2026-03-03 14:00): one row per unit per hour
    assert _one(built_warehouse, "select count(*) from marts.fct_bed_census_hourly") == 4 * 55


def test_inpatient_stays(built_warehouse: Path) -> None:
    los = dict(
        _query(built_warehouse, "select encounter_key, los_days from marts.fct_inpatient_stays")
    )
    assert los == {"E01": 1, "E02": 2, "E04": 1, "E05": 1, "E06": None, "E07": 1, "E08": 1}
    dbn = _one(
        built_warehouse,
        """
        select avg(case when is_discharged_before_noon then 1.0 else 0.0 end)
        from marts.fct_inpatient_stays where is_in_dbn_denominator""",
    )
    assert float(dbn) == pytest.approx(2 / 3)
    # A08 corrections apply: E01's service MED -> CAR and its expected discharge
    assert _one(
        built_warehouse,
        """select hospital_service, cast(expected_discharge_at as varchar)
        from marts.fct_inpatient_stays where encounter_key = 'E01'""",
    ) == ("CAR", "2026-03-02 11:00:00")


def test_ed_visits(built_warehouse: Path) -> None:
    assert _one(built_warehouse, "select count(*) from marts.fct_ed_visits") == 7
    assert (
        _one(built_warehouse, "select count(*) filter (where is_lwbs) from marts.fct_ed_visits")
        == 1
    )
    assert (
        _one(
            built_warehouse,
            "select median(ed_los_minutes) from marts.fct_ed_visits where is_op18_eligible",
        )
        == 180
    )
    ecat = _query(
        built_warehouse,
        "select ed_visit_key from marts.fct_ed_visits where is_ecat_numerator order by 1",
    )
    assert [r[0] for r in ecat] == ["V01", "V02", "V03", "V05"]
    assert (
        _one(
            built_warehouse,
            "select boarding_minutes from marts.fct_ed_visits where ed_visit_key = 'V01'",
        )
        == 300
    )
    # latest extract wins: V02 has its departure from the 2026-03-02 extract
    assert (
        _one(
            built_warehouse, "select esi_level from marts.fct_ed_visits where ed_visit_key = 'V02'"
        )
        == 3
    )


def test_appointments(built_warehouse: Path) -> None:
    rate = _one(
        built_warehouse,
        """
        select sum(case when is_no_show then 1 else 0 end) * 1.0
            / sum(case when is_in_no_show_denominator
            then 1 else 0 end) from marts.fct_appointments""",
    )
    assert float(rate) == pytest.approx(0.4)
    late = _query(
        built_warehouse,
        "select appointment_key from marts.fct_appointments where is_late_cancel order by 1",
    )
    assert [r[0] for r in late] == ["A04", "A06"]
    same_day = _query(
        built_warehouse,
        "select appointment_key from marts.fct_appointments where is_same_day_cancel",
    )
    assert [r[0] for r in same_day] == ["A06"]
    bands = dict(
        _query(
            built_warehouse, "select appointment_key, lead_time_band from marts.fct_appointments"
        )
    )
    assert bands["A02"] == "29d+" and bands["A09"] == "00-07d" and bands["A10"] == "08-14d"


def test_revenue(built_warehouse: Path) -> None:
    claims = {
        r[0]: r[1:]
        for r in _query(
            built_warehouse,
            """
        select account_key, is_clean_claim, is_initially_denied from marts.fct_claims""",
        )
    }
    assert claims == {
        "K01": (True, False),
        "K02": (False, True),
        "K03": (True, False),
        "K04": (False, True),
        "K05": (False, False),
    }
    denials = _query(
        built_warehouse,
        "select account_key, carc_group, denied_amount from marts.fct_claim_denials order by 1",
    )
    assert [(a, g, float(d)) for a, g, d in denials] == [
        ("K02", "denial_authorization", 500.0),
        ("K04", "denial_medical_necessity", 700.0),
    ]
    ar = _one(
        built_warehouse,
        """select net_ar_amount, avg_daily_revenue_amount, days_in_ar, dnfb_amount
        from marts.fct_ar_snapshots""",
    )
    assert tuple(float(x) for x in ar) == (2300.0, 39.44, 58.31, 900.0)


def test_data_quality_marts(built_warehouse: Path) -> None:
    fresh = _one(
        built_warehouse,
        """select files, source_rows, quarantined_rows, cast(last_extract_date as varchar)
        from marts.fct_feed_freshness where feed = 'adt' and facility_id = 'F1'""",
    )
    assert fresh == (2, 20, 1, "2026-03-02")
    assert _one(built_warehouse, 'select sum("rows") from marts.fct_quarantine_summary') == 2


def test_kpi_dictionary(built_warehouse: Path) -> None:
    kpis = dict(_query(built_warehouse, "select kpi_id, model from marts.dim_kpis"))
    assert kpis["midnight_census"] == "fct_midnight_census"
    assert kpis["no_show_rate"] == "fct_appointments"
    assert kpis["net_days_in_ar"] == "fct_ar_snapshots"
    assert (
        _one(built_warehouse, "select count(*) - count(distinct kpi_id) from marts.dim_kpis") == 0
    )
    assert (
        _one(
            built_warehouse,
            "select count(*) from marts.dim_kpis where source = '' or numerator = ''",
        )
        == 0
    )


def test_dbt_docs_generate(built_warehouse: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "docs.duckdb"
    shutil.copy(built_warehouse, warehouse)
    docs = run_dbt(["docs", "generate"], warehouse, tmp_path / "target")
    assert docs.returncode == 0, docs.stdout[-5000:]
    assert (tmp_path / "target" / "catalog.json").exists()


def test_fixture_columns_match_deidentify_output_schema() -> None:
    """The fixture's `deid.*` columns are exactly what de-identification writes."""
    profiles = pytest.importorskip("deidentify.profiles")
    contract_module = pytest.importorskip("data_contracts.contract")
    from tests.dbt.fixtures import deid_columns

    for table, contract in contract_module.load_contracts().items():
        assert deid_columns(table) == profiles.output_schema(contract), table
