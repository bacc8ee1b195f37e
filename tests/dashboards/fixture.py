"""A small published copy (`marts.*` as in docs/architecture.md) with hand-computable numbers.

Two facilities, two weeks of activity ending Saturday 2026-03-14. "This week" is 03-08..03-14 and
"last week" 03-01..03-07. The expected values in `EXPECTED` are worked out by hand in the comments.
One ED and clinic provider is named `<img src=x onerror=alert(1)>` to prove names render as text.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb

from pipelines.lib.duck import published_connection

END = date(2026, 3, 14)
XSS_NAME = "<img src=x onerror=alert(1)>"
FAC_A, FAC_B = "FAC_A", "FAC_B"
FAC_B_ONLY_PROVIDER = "Dr Beta Bravo"

# Hand-computed (see the data below).
EXPECTED = {
    # ED (whole range 03-01..03-14). FAC_A d2p [10,20,30,40,50] -> 30; OP-18 LOS
    # [120,240,300] -> 240; boarding [60,120] -> 90; LWBS 1/6. FAC_B d2p [100,200,400] -> 200;
    # LOS [500,600] -> 550; boarding [400]; LWBS 1/4. Both: d2p median of 8 values
    # (40+50)/2 = 45; LOS 300; boarding 120; LWBS 2/10.
    "ed": {
        FAC_A: {"visits": 6, "d2p": 30, "los": 240, "boarding": 90, "lwbs": 1 / 6},
        FAC_B: {"visits": 4, "d2p": 200, "los": 550, "boarding": 400, "lwbs": 1 / 4},
        None: {"visits": 10, "d2p": 45, "los": 300, "boarding": 120, "lwbs": 2 / 10},
    },
    # Overview this week / last week.
    "overview": {
        FAC_A: {
            "ed_visits": (4, 2),
            "admissions": (3, 1),
            "discharges": (3, 0),
            "occupancy_rate": (8 / 14, 6 / 14),
            "no_show_rate": (2 / 8, 1 / 5),
            "denial_rate": (1 / 3, 0 / 2),
        },
        FAC_B: {
            "ed_visits": (3, 1),
            "admissions": (1, 1),
            "discharges": (1, 1),
            "occupancy_rate": (10 / 20, 10 / 20),
            "no_show_rate": (2 / 5, 0 / 2),
            "denial_rate": (1 / 2, 1 / 1),
        },
        None: {
            "ed_visits": (7, 3),
            "admissions": (4, 2),
            "discharges": (4, 1),
            "occupancy_rate": (18 / 34, 16 / 34),
            "no_show_rate": (4 / 13, 1 / 7),
            "denial_rate": (2 / 5, 1 / 3),
        },
    },
    # Bed utilization over 03-01..03-14: FAC_A occupied bed-hours 168*4 + 168*6 (MED) + 336*2 (ICU)
    # = 2352 of 336*14 = 4704 staffed -> 50%; peak 7+2 = 9; midnight 6 then 8 -> mean 7.
    "beds": {
        FAC_A: {"occupancy": 0.5, "peak": 9, "midnight_mean": 7.0, "before_noon": 2 / 3},
        FAC_B: {"occupancy": 0.5, "peak": 10, "midnight_mean": 10.0, "before_noon": 1 / 2},
    },
    # No-shows over the range: FAC_A 3 of 13 in the denominator, FAC_B 2 of 7.
    "no_shows": {FAC_A: 3 / 13, FAC_B: 2 / 7, None: 5 / 20},
    # Days in A/R at 03-14: A 5000/100, B 7000/200, both 12000/300.
    "days_in_ar": {FAC_A: 50.0, FAC_B: 35.0, None: 40.0},
    # Quarantined share of source rows: A 14/1200, B 20/800, both 34/2000.
    "quarantined_share": {FAC_A: 14 / 1200, FAC_B: 20 / 800, None: 34 / 2000},
}


def _d(day: int) -> date:
    return date(2026, 3, day)


def _ts(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute)


def build(path: Path) -> Path:
    """Write the fixture published copy to `path` and return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    con = published_connection(path=path, read_only=False)
    try:
        _create(con)
    finally:
        con.close()
    return path


def _create(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema marts")
    con.execute("create table marts.dim_facilities (facility_id varchar, facility_name varchar)")
    con.executemany(
        "insert into marts.dim_facilities values (?, ?)",
        [(FAC_A, "North General"), (FAC_B, "South Community")],
    )
    con.execute(
        "create table marts.dim_units (facility_id varchar, unit_id varchar, unit_name varchar, "
        "unit_type varchar, staffed_beds integer)"
    )
    units = [
        (FAC_A, "MED", "Medicine", "med_surg", 10),
        (FAC_A, "ICU", "Intensive care", "icu", 4),
        (FAC_B, "SURG", "Surgery", "med_surg", 20),
    ]
    con.executemany("insert into marts.dim_units values (?, ?, ?, ?, ?)", units)

    # --- ED visits ---
    con.execute(
        """create table marts.fct_ed_visits (
            ed_visit_key varchar, facility_id varchar, arrival_at timestamp, arrival_date date,
            arrival_hour integer, arrival_weekday integer, esi_level integer, disposition varchar,
            provider_name varchar, door_to_triage_minutes double, door_to_room_minutes double,
            door_to_provider_minutes double, ed_los_minutes double, boarding_minutes double,
            is_lwbs boolean, is_op18_eligible boolean, is_ecat_numerator boolean)"""
    )
    ed = [
        # key, fac, day, hour, provider, d2p, los, boarding, lwbs, op18
        ("A1", FAC_A, 9, 8, "Dr Alpha", 10, 120, None, False, True),
        ("A2", FAC_A, 10, 9, XSS_NAME, 20, 200, 60, False, False),
        ("A3", FAC_A, 11, 10, "Dr Alpha", 30, 240, None, False, True),
        ("A4", FAC_A, 12, 22, "Dr Alpha", None, 90, None, True, False),
        ("A5", FAC_A, 2, 8, "Dr Alpha", 40, 300, None, False, True),
        ("A6", FAC_A, 3, 14, XSS_NAME, 50, 100, 120, False, False),
        ("B1", FAC_B, 9, 11, FAC_B_ONLY_PROVIDER, 100, 500, None, False, True),
        ("B2", FAC_B, 13, 12, FAC_B_ONLY_PROVIDER, 200, 600, 400, False, True),
        ("B3", FAC_B, 14, 13, FAC_B_ONLY_PROVIDER, None, 700, None, True, False),
        ("B4", FAC_B, 4, 15, FAC_B_ONLY_PROVIDER, 400, 800, None, False, False),
    ]
    for key, fac, day, hour, prov, d2p, los, board, lwbs, op18 in ed:
        at = _ts(day, hour)
        con.execute(
            "insert into marts.fct_ed_visits values "
            "(?, ?, ?, ?, ?, ?, 3, ?, ?, 5, 8, ?, ?, ?, ?, ?, false)",
            [
                key,
                fac,
                at,
                at.date(),
                hour,
                at.isoweekday(),
                "admitted" if board else ("lwbs" if lwbs else "discharged"),
                prov,
                d2p,
                los,
                board,
                lwbs,
                op18,
            ],
        )

    # --- inpatient stays ---
    con.execute(
        """create table marts.fct_inpatient_stays (
            encounter_key varchar, patient_key varchar, facility_id varchar,
            hospital_service varchar, admit_at timestamp, discharge_at timestamp, admit_date date,
            discharge_date date, los_days integer, is_discharged boolean,
            is_discharged_before_noon boolean, discharge_disposition varchar,
            expected_discharge_at timestamp, is_observation boolean)"""
    )
    stays = [
        ("I1", FAC_A, _ts(9, 10), _ts(11, 11), False),
        ("I2", FAC_A, _ts(10, 15), _ts(12, 14), False),
        ("I3", FAC_A, _ts(3, 9), _ts(9, 10), False),
        ("I4", FAC_A, _ts(12, 20), None, False),
        ("I5", FAC_A, _ts(10, 8), _ts(10, 20), True),
        ("J1", FAC_B, _ts(9, 6), _ts(13, 16), False),
        ("J2", FAC_B, _ts(2, 12), _ts(5, 9), False),
    ]
    for key, fac, admit, discharge, obs in stays:
        con.execute(
            "insert into marts.fct_inpatient_stays values "
            "(?, ?, ?, 'MED', ?, ?, ?, ?, ?, ?, ?, '01', null, ?)",
            [
                key,
                "P" + key,
                fac,
                admit,
                discharge,
                admit.date(),
                discharge.date() if discharge else None,
                max(1, (discharge.date() - admit.date()).days) if discharge else None,
                discharge is not None,
                bool(discharge and discharge.hour < 12),
                obs,
            ],
        )

    # --- hourly census: FAC_A MED 4 occupied last week, 5 (0-11h) / 7 (12-23h) this week; ICU 2;
    # FAC_B SURG 10 of 20 throughout ---
    con.execute(
        """create table marts.fct_bed_census_hourly (
            facility_id varchar, unit_id varchar, unit_type varchar, census_hour timestamp,
            occupied_beds integer, staffed_beds integer, occupancy_rate double, admissions integer,
            discharges integer, transfers_in integer, transfers_out integer, boarders integer)"""
    )
    # Generated in SQL: 14 days x 24 hours x 3 units.
    con.execute(
        """
        insert into marts.fct_bed_census_hourly
        with hours as (
            select unnest(generate_series(timestamp '2026-03-01', timestamp '2026-03-14 23:00:00',
                                          interval 1 hour)) as census_hour
        ),
        units as (
            select * from (values ('FAC_A', 'MED', 'med_surg', 10), ('FAC_A', 'ICU', 'icu', 4),
                                  ('FAC_B', 'SURG', 'med_surg', 20)) u(facility_id, unit_id,
                                                                         unit_type, staffed)
        ),
        occ as (
            select u.facility_id, u.unit_id, u.unit_type, h.census_hour, u.staffed,
                   case
                       when u.unit_id = 'ICU' then 2
                       when u.unit_id = 'SURG' then 10
                       when cast(h.census_hour as date) < date '2026-03-08' then 4
                       when hour(h.census_hour) < 12 then 5
                       else 7
                   end as occupied
            from hours h cross join units u
        )
        select facility_id, unit_id, unit_type, census_hour, occupied, staffed,
               occupied / staffed, 0, 0, 0, 0, 0
        from occ
        """
    )
    con.execute(
        """create table marts.fct_midnight_census (facility_id varchar, unit_id varchar,
            census_date date, midnight_census integer, staffed_beds integer)"""
    )
    rows = []
    for day in range(1, 15):
        rows.append((FAC_A, "MED", _d(day), 6 if day >= 8 else 4, 10))
        rows.append((FAC_A, "ICU", _d(day), 2, 4))
        rows.append((FAC_B, "SURG", _d(day), 10, 20))
    con.executemany("insert into marts.fct_midnight_census values (?, ?, ?, ?, ?)", rows)

    # --- appointments ---
    con.execute(
        """create table marts.fct_appointments (
            appointment_key varchar, patient_key varchar, facility_id varchar,
            department_id varchar, department_name varchar, provider_id varchar,
            provider_name varchar, visit_type varchar, appointment_date date,
            appointment_weekday integer, slot_start_at timestamp, booked_at timestamp,
            lead_time_days integer, lead_time_band varchar, status varchar, is_no_show boolean,
            is_in_no_show_denominator boolean, is_cancelled boolean, is_late_cancel boolean,
            is_same_day_cancel boolean)"""
    )
    # (fac, dept, dept name, provider id, provider name, day, status) per appointment.
    appts: list[tuple[str, str, str, str, str, int, str]] = []
    card = (FAC_A, "CARD", "Cardiology")
    orth = (FAC_B, "ORTH", "Orthopedics")
    # FAC_A this week: 6 fulfilled + 2 no-shows (denominator 8), 1 late same-day cancel,
    # 1 early cancel. Last week: 4 fulfilled + 1 no-show.
    for i, status in enumerate(["fulfilled"] * 6 + ["noshow"] * 2 + ["late_cancel", "cancelled"]):
        prov = ("PA1", XSS_NAME) if i % 2 else ("PA2", "Dr Alpha")
        appts.append((*card, *prov, 9 + i % 5, status))
    for i, status in enumerate(["fulfilled"] * 4 + ["noshow"]):
        appts.append((*card, "PA2", "Dr Alpha", 2 + i, status))
    # FAC_B this week: 3 fulfilled + 2 no-shows; last week 2 fulfilled.
    for i, status in enumerate(["fulfilled"] * 3 + ["noshow"] * 2):
        appts.append((*orth, "PB1", FAC_B_ONLY_PROVIDER, 9 + i, status))
    appts.extend((*orth, "PB1", FAC_B_ONLY_PROVIDER, 3 + i, "fulfilled") for i in range(2))
    for n, (fac, dept, dname, pid, pname, day, status) in enumerate(appts):
        slot = _ts(day, 9)
        lead = 3 if n % 3 else 35
        con.execute(
            "insert into marts.fct_appointments values "
            "(?, ?, ?, ?, ?, ?, ?, 'follow_up', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                f"APPT{n}",
                f"PAT{n}",
                fac,
                dept,
                dname,
                pid,
                pname,
                slot.date(),
                slot.isoweekday(),
                slot,
                slot - timedelta(days=lead),
                lead,
                "0-7d" if lead <= 7 else ">28d",
                status,
                status == "noshow",
                status in ("fulfilled", "noshow"),
                status in ("late_cancel", "cancelled"),
                status == "late_cancel",
                status == "late_cancel",
            ],
        )

    # --- claims and denials ---
    con.execute(
        """create table marts.fct_claims (account_key varchar, facility_id varchar,
            payer_id varchar, claim_type varchar, submitted_date date,
            total_charge_amount decimal(12,2), paid_amount decimal(12,2),
            first_remit_status varchar, is_initially_denied boolean, is_clean_claim boolean)"""
    )
    claims = [
        # key, fac, payer, day, remit status, denied
        ("A-C1", FAC_A, "PAYER1", 9, "paid", False),
        ("A-C2", FAC_A, "PAYER1", 10, "paid", False),
        ("A-C3", FAC_A, "PAYER2", 11, "denied", True),
        ("A-C4", FAC_A, "PAYER2", 12, None, False),
        ("A-C5", FAC_A, "PAYER1", 2, "paid", False),
        ("A-C6", FAC_A, "PAYER2", 3, "paid", False),
        ("B-C1", FAC_B, "PAYER1", 9, "denied", True),
        ("B-C2", FAC_B, "PAYER2", 10, "paid", False),
        ("B-C3", FAC_B, "PAYER2", 4, "denied", True),
    ]
    for key, fac, payer, day, remit, denied in claims:
        con.execute(
            "insert into marts.fct_claims values (?, ?, ?, 'institutional', ?, 1000, ?, ?, ?, ?)",
            [key, fac, payer, _d(day), 0 if denied else 800, remit, denied, not denied],
        )
    con.execute(
        """create table marts.fct_claim_denials (account_key varchar, facility_id varchar,
            payer_id varchar, carc_group varchar, reason_code varchar,
            denied_amount decimal(12,2), payment_date date)"""
    )
    con.executemany(
        "insert into marts.fct_claim_denials values (?, ?, ?, ?, ?, ?, ?)",
        [
            ("A-C3", FAC_A, "PAYER2", "CO", "97", 100, _d(12)),
            ("B-C1", FAC_B, "PAYER1", "PR", "1", 250, _d(13)),
            ("B-C3", FAC_B, "PAYER2", "CO", "16", 75, _d(6)),
        ],
    )
    con.execute(
        """create table marts.fct_ar_snapshots (facility_id varchar, snapshot_date date,
            net_ar_amount decimal(14,2), avg_daily_revenue_amount decimal(14,2),
            days_in_ar double, dnfb_amount decimal(14,2))"""
    )
    con.executemany(
        "insert into marts.fct_ar_snapshots values (?, ?, ?, ?, ?, ?)",
        [
            (FAC_A, _d(7), 4500, 100, 45.0, 300),
            (FAC_A, _d(14), 5000, 100, 50.0, 350),
            (FAC_B, _d(7), 6000, 200, 30.0, 500),
            (FAC_B, _d(14), 7000, 200, 35.0, 550),
        ],
    )

    # --- data quality ---
    con.execute(
        """create table marts.fct_feed_freshness (feed varchar, facility_id varchar,
            last_extract_date date, last_received_at timestamp, files integer,
            source_rows bigint, loaded_rows bigint, quarantined_rows bigint,
            duplicate_rows bigint)"""
    )
    con.executemany(
        "insert into marts.fct_feed_freshness values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            ("adt", FAC_A, _d(14), _ts(14, 23), 14, 1000, 990, 10, 0),
            ("appointments", FAC_A, _d(13), _ts(13, 23), 13, 200, 196, 4, 0),
            ("adt", FAC_B, _d(14), _ts(14, 22), 14, 500, 480, 20, 0),
            ("appointments", FAC_B, _d(14), _ts(14, 22), 14, 300, 300, 0, 0),
        ],
    )
    con.execute(
        """create table marts.fct_quarantine_summary (feed varchar, table_name varchar,
            reason varchar, rows bigint, last_seen_at timestamp)"""
    )
    con.executemany(
        "insert into marts.fct_quarantine_summary values (?, ?, ?, ?, ?)",
        [
            ("adt", "adt_events", "PV1-3: required value missing", 30, _ts(14, 23)),
            ("appointments", "appointments", "slot_start_at: not a timestamp", 4, _ts(13, 23)),
        ],
    )

    # --- marts the pages do not read yet, created so the fixture matches the contract ---
    con.execute(
        """create table marts.fct_adt_events (adt_event_id varchar, encounter_key varchar,
            patient_key varchar, facility_id varchar, trigger_event varchar, event_type varchar,
            effective_at timestamp, recorded_at timestamp, patient_class varchar,
            unit_id varchar, room_id varchar, bed_id varchar, is_voided boolean,
            is_late_arriving boolean)"""
    )
    con.execute(
        """create table marts.fct_location_stays (location_stay_id varchar,
            encounter_key varchar, patient_key varchar, facility_id varchar, unit_id varchar,
            unit_type varchar, room_id varchar, bed_id varchar, patient_class varchar,
            started_at timestamp, ended_at timestamp, stay_hours double, is_boarder boolean)"""
    )
    con.execute(
        """create table marts.dim_kpis (kpi_id varchar, kpi_name varchar, numerator varchar,
            denominator varchar, exclusions varchar, source varchar, model varchar)"""
    )
    con.execute(
        "insert into marts.dim_kpis values ('no_show_rate', 'No-show rate', 'no-shows', "
        "'arrived + completed + no-show', 'early cancels', 'kpis.md', 'fct_appointments')"
    )
