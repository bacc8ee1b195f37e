"""A tiny published copy (schema `marts`) with hand-computable weekly figures for two facilities.

Weeks: last week 2026-03-02..03-08, this week 2026-03-09..03-15 (WEEK_ENDING, a Sunday).
Only the columns the reports read are created (docs/architecture.md, "Marts the dashboards read").

FAC_A ("North General") expected figures, this week / last week:
- ED visits 20 / 16; median door-to-provider 30 / 25 min; LWBS 2/20 = 10.0% / 4/16 = 25.0%
- admissions 12 / 15 (3 observation stays excluded); discharges 13 / 20;
  before noon 6 of 12 eligible (one death excluded) = 50.0% / 5 of 20 = 25.0%
- midnight census 20 / 18 per day (MS + ICU, 30 staffed beds): occupancy 66.7% / 60.0%
- peak hourly occupancy 27/30 = 90.0% / 18/30 = 60.0%
- boarders 12 (13 stays, 2 h each = 26 h) / 3 (below the threshold: suppressed)
- no-shows 8/40 = 20.0% / 5/40 = 12.5%; late cancels 12 / 11; same-day cancels 11 / 2 (suppressed)
- initial denial rate 10/50 = 20.0% / 12/40 = 30.0%
- CARC groups this week: Authorization 12 ($1,200) / 15 ($1,500), Eligibility 11 ($550) / 4,
  Coding 3 ($90) / none
- days in A/R 42.5 (latest snapshot of the week) / 47.0
- the department named `<script>alert(1)</script>` has 10 appointments this week (suppressed).

FAC_B ("South Community") is a decoy with distinctive values (A/R days 88.8, department
"Dermatology-B", CARC group "B-only group") that must never appear in FAC_A's pack.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from pipelines.lib.duck import published_connection

WEEK_ENDING = date(2026, 3, 15)
THIS_MONDAY = date(2026, 3, 9)
LAST_MONDAY = date(2026, 3, 2)
SCRIPT_NAME = "<script>alert(1)</script>"

_DDL = """
create schema marts;
create table marts.dim_facilities (facility_id varchar, facility_name varchar);
create table marts.fct_ed_visits (
    ed_visit_key varchar, facility_id varchar, arrival_at timestamp, arrival_date date,
    provider_name varchar, door_to_provider_minutes double, is_lwbs boolean);
create table marts.fct_inpatient_stays (
    encounter_key varchar, facility_id varchar, admit_at timestamp, discharge_at timestamp,
    admit_date date, discharge_date date, is_discharged boolean, is_discharged_before_noon boolean,
    is_in_dbn_denominator boolean, is_observation boolean);
create table marts.fct_midnight_census (
    facility_id varchar, unit_id varchar, census_date date, midnight_census integer,
    staffed_beds integer);
create table marts.fct_bed_census_hourly (
    facility_id varchar, unit_id varchar, census_hour timestamp, occupied_beds integer,
    staffed_beds integer, boarders integer);
create table marts.fct_location_stays (
    location_stay_id varchar, encounter_key varchar, facility_id varchar, unit_id varchar,
    started_at timestamp, stay_hours double, is_boarder boolean);
create table marts.fct_appointments (
    appointment_key varchar, facility_id varchar, department_id varchar, department_name varchar,
    provider_name varchar, appointment_date date, is_no_show boolean,
    is_in_no_show_denominator boolean, is_cancelled boolean, is_late_cancel boolean,
    is_same_day_cancel boolean);
create table marts.fct_claims (
    account_key varchar, facility_id varchar, submitted_date date, first_remit_status varchar,
    is_initially_denied boolean);
create table marts.fct_claim_denials (
    account_key varchar, facility_id varchar, carc_group varchar, denied_amount double,
    payment_date date);
create table marts.fct_ar_snapshots (facility_id varchar, snapshot_date date, days_in_ar double);
"""


def _at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, datetime.min.time()) + timedelta(hours=hour)


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple[Any, ...]]) -> None:
    # One multi-row VALUES statement: DuckDB's executemany runs row by row and is slow.
    if rows:
        row = "(" + ", ".join("?" * len(rows[0])) + ")"
        params = [value for r in rows for value in r]
        con.execute(f"insert into marts.{table} values {', '.join([row] * len(rows))}", params)


def _ed(fac: str, monday: date, n: int, d2p: list[float], lwbs: int, tag: str) -> list[tuple]:
    rows = []
    for i in range(n):
        day = monday + timedelta(days=i % 7)
        rows.append(
            (f"{fac}-{tag}-ed{i}", fac, _at(day), day, SCRIPT_NAME, d2p[i], i < lwbs),
        )
    return rows


def make_published(path: Path) -> Path:
    """Write the fixture published copy to `path` and return it."""
    con = published_connection(path=path, read_only=False)
    con.execute(_DDL)
    _insert(con, "dim_facilities", [("FAC_A", "North General"), ("FAC_B", "South Community")])

    # ED: FAC_A this week 10 x 20 min + 10 x 40 min (median 30), 2 LWBS; last week 16 x 25, 4 LWBS.
    ed = _ed("FAC_A", THIS_MONDAY, 20, [20.0] * 10 + [40.0] * 10, 2, "tw")
    ed += _ed("FAC_A", LAST_MONDAY, 16, [25.0] * 16, 4, "lw")
    ed += _ed("FAC_B", THIS_MONDAY, 33, [15.0] * 33, 0, "tw")
    ed += _ed("FAC_B", LAST_MONDAY, 30, [15.0] * 30, 0, "lw")
    # Visits are spread over the 7 days (i % 7), so both weeks include their Sunday.
    _insert(con, "fct_ed_visits", ed)

    stays: list[tuple] = []
    old = date(2026, 2, 1)

    def stay(key, admit, discharge=None, before_noon=False, eligible=True, obs=False):
        stays.append(
            (
                key,
                "FAC_A",
                _at(admit),
                _at(discharge, 10 if before_noon else 15) if discharge else None,
                admit,
                discharge,
                discharge is not None,
                before_noon,
                discharge is not None and eligible and not obs,
                obs,
            )
        )

    for i in range(12):
        stay(f"a-tw{i}", THIS_MONDAY + timedelta(days=i % 7))
    for i in range(3):
        stay(f"obs-tw{i}", THIS_MONDAY, obs=True)
    for i in range(15):
        stay(f"a-lw{i}", LAST_MONDAY + timedelta(days=i % 7))
    # This week: 13 discharges, one death (not eligible), 6 of the 12 eligible before noon.
    for i in range(13):
        stay(
            f"d-tw{i}",
            old,
            THIS_MONDAY + timedelta(days=i % 7),
            before_noon=i < 6,
            eligible=i != 12,
        )
    for i in range(20):
        stay(f"d-lw{i}", old, LAST_MONDAY + timedelta(days=i % 7), before_noon=i < 5)
    _insert(con, "fct_inpatient_stays", stays)

    census = []
    for d in range(7):
        census += [
            ("FAC_A", "MS", THIS_MONDAY + timedelta(days=d), 15, 20),
            ("FAC_A", "ICU", THIS_MONDAY + timedelta(days=d), 5, 10),
            ("FAC_A", "MS", LAST_MONDAY + timedelta(days=d), 12, 20),
            ("FAC_A", "ICU", LAST_MONDAY + timedelta(days=d), 6, 10),
            ("FAC_B", "MED", THIS_MONDAY + timedelta(days=d), 40, 50),
        ]
    _insert(con, "fct_midnight_census", census)

    hourly = []
    for h in range(0, 24, 6):
        for monday, ms, icu in ((THIS_MONDAY, 10, 5), (LAST_MONDAY, 12, 6)):
            hourly += [
                ("FAC_A", "MS", _at(monday, h), ms, 20, 0),
                ("FAC_A", "ICU", _at(monday, h), icu, 10, 0),
            ]
    hourly += [
        ("FAC_A", "MS", _at(THIS_MONDAY + timedelta(days=2), 14), 19, 20, 0),
        ("FAC_A", "ICU", _at(THIS_MONDAY + timedelta(days=2), 14), 8, 10, 0),
        ("FAC_B", "MED", _at(THIS_MONDAY, 14), 49, 50, 0),
    ]
    _insert(con, "fct_bed_census_hourly", hourly)

    location = [
        (
            f"ls-tw{i}",
            f"b-tw{i % 12}",
            "FAC_A",
            "ED",
            _at(THIS_MONDAY + timedelta(days=i % 7)),
            2.0,
            True,
        )
        for i in range(13)
    ]
    location += [
        (f"ls-lw{i}", f"b-lw{i}", "FAC_A", "ED", _at(LAST_MONDAY), 2.0, True) for i in range(3)
    ]
    location += [("ls-nb", "nb", "FAC_A", "MS", _at(THIS_MONDAY), 30.0, False)]
    _insert(con, "fct_location_stays", location)

    appts: list[tuple] = []

    def appt(fac, dept_id, dept, day, n, no_shows, tag, *, late=False, same_day=0):
        for i in range(n):
            cancelled = late
            appts.append(
                (
                    f"{fac}-{tag}-{dept_id}-{i}",
                    fac,
                    dept_id,
                    dept,
                    "Dr X",
                    day,
                    not cancelled and i < no_shows,
                    not cancelled,
                    cancelled,
                    late,
                    late and i < same_day,
                )
            )

    appt("FAC_A", "CARD", "Cardiology", THIS_MONDAY, 30, 6, "tw")
    appt("FAC_A", "XSS", SCRIPT_NAME, THIS_MONDAY, 10, 2, "tw")
    appt("FAC_A", "CARD", "Cardiology", LAST_MONDAY, 25, 5, "lw")
    appt("FAC_A", "XSS", SCRIPT_NAME, LAST_MONDAY, 15, 0, "lw")
    appt("FAC_A", "CARD", "Cardiology", THIS_MONDAY, 12, 0, "tw-lc", late=True, same_day=11)
    appt("FAC_A", "CARD", "Cardiology", LAST_MONDAY, 11, 0, "lw-lc", late=True, same_day=2)
    appt("FAC_B", "DERM", "Dermatology-B", THIS_MONDAY, 50, 25, "tw")
    _insert(con, "fct_appointments", appts)

    claims = []
    for i in range(55):
        remitted = i < 50
        claims.append(
            (
                f"c-tw{i}",
                "FAC_A",
                THIS_MONDAY,
                "DENIED" if i < 10 else "PAID" if remitted else None,
                remitted and i < 10,
            )
        )
    claims += [
        (f"c-lw{i}", "FAC_A", LAST_MONDAY, "DENIED" if i < 12 else "PAID", i < 12)
        for i in range(40)
    ]
    claims += [(f"c-b{i}", "FAC_B", THIS_MONDAY, "DENIED", True) for i in range(20)]
    _insert(con, "fct_claims", claims)

    denials = []
    for group, n, amount, day, tag in (
        ("Authorization", 12, 100.0, THIS_MONDAY, "tw"),
        ("Eligibility", 11, 50.0, THIS_MONDAY, "tw"),
        ("Coding", 3, 30.0, THIS_MONDAY, "tw"),
        ("Authorization", 15, 100.0, LAST_MONDAY, "lw"),
        ("Eligibility", 4, 50.0, LAST_MONDAY, "lw"),
    ):
        denials += [(f"{tag}-{group}-{i}", "FAC_A", group, amount, day) for i in range(n)]
    # One account with two adjustment rows in the same group counts once.
    denials.append(("tw-Authorization-0", "FAC_A", "Authorization", 0.0, THIS_MONDAY))
    denials += [(f"b{i}", "FAC_B", "B-only group", 999.0, THIS_MONDAY) for i in range(20)]
    _insert(con, "fct_claim_denials", denials)

    _insert(
        con,
        "fct_ar_snapshots",
        [
            ("FAC_A", date(2026, 3, 8), 47.0),
            ("FAC_A", date(2026, 3, 10), 45.0),
            ("FAC_A", date(2026, 3, 15), 42.5),
            ("FAC_B", date(2026, 3, 15), 88.8),
        ],
    )
    con.close()
    return path
