"""A small, fully synthetic de-identified warehouse for dbt development and tests.

`build_deid_fixture(db_path)` creates the `deid.*` source tables (columns and types derived
from the data contracts after their de-identification action) and `dq.ingest_ledger` /
`dq.quarantine`, then loads a hand-written data set whose KPI values are computed by hand in
`tests/dbt/test_dbt_build.py`.
No value here is real: keys are invented surrogates (`P01`, `E01`, ...).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import yaml

from pipelines.lib.duck import open_encrypted

REPO = Path(__file__).resolve().parents[2]
CONTRACTS_DIR = REPO / "data_contracts" / "contracts"
DBT_PROJECT = REPO / "dbt_project"
DBT = Path(sys.executable).parent / "dbt"
# The fixture warehouses are encrypted like the real one, with this key: `run_dbt` hands it to dbt
# as OPS_WAREHOUSE_KEY, which wins over any key file (no key file in a home folder is touched).
FIXTURE_KEY = "fixture-warehouse-key-not-a-secret"

META_COLUMNS = [
    ("_raw_id", "bigint"),
    ("_source_file", "varchar"),
    ("_source_line", "bigint"),
    ("_extract_date", "date"),
]

LEDGER_COLUMNS = [
    ("file_path", "varchar"),
    ("feed", "varchar"),
    ("facility_id", "varchar"),
    ("sha256", "varchar"),
    ("size_bytes", "bigint"),
    ("received_at", "timestamp"),
    ("extract_date", "date"),
    ("source_rows", "bigint"),
    ("loaded_rows", "bigint"),
    ("quarantined_rows", "bigint"),
    ("duplicate_rows", "bigint"),
    ("status", "varchar"),
]

QUARANTINE_COLUMNS = [
    ("file_path", "varchar"),
    ("feed", "varchar"),
    ("table_name", "varchar"),
    ("source_line", "bigint"),
    ("reason", "varchar"),
    ("quarantined_at", "timestamp"),
]


def deid_columns(table: str) -> list[tuple[str, str]]:
    """Columns of `deid.<table>`: contract columns after de-identification, plus lineage."""
    contract = yaml.safe_load((CONTRACTS_DIR / f"{table}.yml").read_text())
    out: list[tuple[str, str]] = []
    for col in contract["columns"]:
        action = col["deid"]
        if action == "drop":
            continue
        if action == "birth_date":
            # deidentify.profiles.output_schema: birth year plus the Safe Harbor age flag
            out += [("birth_year", "integer"), ("is_age_90_plus", "boolean")]
            continue
        out.append((col.get("deid_as", col["name"]), col["type"]))
    return out + META_COLUMNS


# --------------------------------------------------------------------------------------------------
# Data. Facilities F1 (North General, units ED1/MS1/ICU1) and F2 (South Community, unit MS2).
# --------------------------------------------------------------------------------------------------


def _beds() -> list[dict[str, Any]]:
    layout = [
        (
            "F1",
            "North General Hospital",
            "ED1",
            "Emergency Department",
            "ED",
            "ED",
            ["ED01", "ED02"],
        ),
        (
            "F1",
            "North General Hospital",
            "MS1",
            "Med-Surg 3 West",
            "MEDSURG",
            "R1",
            ["101A", "101B"],
        ),
        (
            "F1",
            "North General Hospital",
            "MS1",
            "Med-Surg 3 West",
            "MEDSURG",
            "R2",
            ["102A", "102B"],
        ),
        ("F1", "North General Hospital", "ICU1", "Medical ICU", "ICU", "R3", ["201A", "201B"]),
        ("F2", "South Community Hospital", "MS2", "Med-Surg 2", "MEDSURG", "R4", ["301A", "301B"]),
    ]
    rows = []
    for snapshot in ("2026-03-01", "2026-03-02"):
        for fac, fac_name, unit, unit_name, unit_type, room, beds in layout:
            for bed in beds:
                # MS1 bed 102B is not staffed on 2026-03-01 and staffed again on 2026-03-02.
                staffed = not (bed == "102B" and snapshot == "2026-03-01")
                rows.append(
                    {
                        "snapshot_date": snapshot,
                        "facility_id": fac,
                        "facility_name": fac_name,
                        "unit_id": unit,
                        "unit_name": unit_name,
                        "unit_type": unit_type,
                        "room_id": room,
                        "bed_id": bed,
                        "bed_status": "U",
                        "is_staffed": staffed,
                        "is_licensed": True,
                        "_extract_date": snapshot,
                    }
                )
    return rows


# (msg id, trigger, encounter, patient, facility, class, service, unit, bed, effective_at,
#  extract date, extra) -- recorded_at = sent_at = effective_at unless overridden in extra.
_ADT = [
    # E01: admit MS1/101A; A08 corrects the service MED -> CAR and sets the EDD; discharged 10:30.
    (
        "M01",
        "A01",
        "E01",
        "P01",
        "F1",
        "I",
        "MED",
        "MS1",
        "101A",
        "2026-03-01 08:00",
        "2026-03-01",
        {},
    ),
    (
        "M02",
        "A08",
        "E01",
        "P01",
        "F1",
        "I",
        "CAR",
        None,
        None,
        "2026-03-01 08:30",
        "2026-03-01",
        {"expected_discharge_at": "2026-03-02 11:00"},
    ),
    (
        "M03",
        "A03",
        "E01",
        "P01",
        "F1",
        "I",
        None,
        "MS1",
        "101A",
        "2026-03-02 10:30",
        "2026-03-02",
        {"discharge_disposition": "01"},
    ),
    # E02: admit MS1/101B, transfer to ICU1/201A (late-arriving message), expires 2026-03-03 15:00
    (
        "M04",
        "A01",
        "E02",
        "P02",
        "F1",
        "I",
        "MED",
        "MS1",
        "101B",
        "2026-03-01 09:00",
        "2026-03-01",
        {},
    ),
    (
        "M05",
        "A02",
        "E02",
        "P02",
        "F1",
        "I",
        "MED",
        "ICU1",
        "201A",
        "2026-03-01 14:00",
        "2026-03-03",
        {"prior_unit_id": "MS1", "prior_bed_id": "101B", "recorded_at": "2026-03-03 06:00"},
    ),
    (
        "M06",
        "A03",
        "E02",
        "P02",
        "F1",
        "I",
        None,
        "ICU1",
        "201A",
        "2026-03-03 15:00",
        "2026-03-03",
        {"discharge_disposition": "20"},
    ),
    # E03: admit cancelled by A11.
    (
        "M07",
        "A01",
        "E03",
        "P03",
        "F1",
        "I",
        "MED",
        "MS1",
        "102A",
        "2026-03-01 10:00",
        "2026-03-01",
        {},
    ),
    (
        "M08",
        "A11",
        "E03",
        "P03",
        "F1",
        "I",
        "MED",
        "MS1",
        "102A",
        "2026-03-01 10:30",
        "2026-03-01",
        {},
    ),
    # E04: ICU admit, discharge at 09:00 cancelled by A13, real discharge at 16:00.
    (
        "M09",
        "A01",
        "E04",
        "P04",
        "F1",
        "I",
        "MED",
        "ICU1",
        "201B",
        "2026-03-01 11:00",
        "2026-03-01",
        {},
    ),
    (
        "M10",
        "A03",
        "E04",
        "P04",
        "F1",
        "I",
        None,
        "ICU1",
        "201B",
        "2026-03-02 09:00",
        "2026-03-02",
        {"discharge_disposition": "01"},
    ),
    (
        "M11",
        "A13",
        "E04",
        "P04",
        "F1",
        "I",
        None,
        "ICU1",
        "201B",
        "2026-03-02 09:30",
        "2026-03-02",
        {},
    ),
    (
        "M12",
        "A03",
        "E04",
        "P04",
        "F1",
        "I",
        None,
        "ICU1",
        "201B",
        "2026-03-02 16:00",
        "2026-03-02",
        {"discharge_disposition": "06"},
    ),
    # E05 (F2): same-day stay, left against medical advice at 11:00.
    (
        "M13",
        "A01",
        "E05",
        "P05",
        "F2",
        "I",
        "MED",
        "MS2",
        "301A",
        "2026-03-02 07:00",
        "2026-03-02",
        {},
    ),
    (
        "M14",
        "A03",
        "E05",
        "P05",
        "F2",
        "I",
        None,
        "MS2",
        "301A",
        "2026-03-02 11:00",
        "2026-03-02",
        {"discharge_disposition": "07"},
    ),
    # E06: ED registration, class change to inpatient in the ED (boarder), moved to MS1/102A.
    (
        "M15",
        "A04",
        "E06",
        "P06",
        "F1",
        "E",
        "EM",
        "ED1",
        "ED01",
        "2026-03-01 20:00",
        "2026-03-01",
        {},
    ),
    (
        "M16",
        "A06",
        "E06",
        "P06",
        "F1",
        "I",
        "MED",
        "ED1",
        "ED01",
        "2026-03-01 23:00",
        "2026-03-02",
        {},
    ),
    (
        "M17",
        "A02",
        "E06",
        "P06",
        "F1",
        "I",
        "MED",
        "MS1",
        "102A",
        "2026-03-02 03:00",
        "2026-03-02",
        {"prior_unit_id": "ED1", "prior_bed_id": "ED01"},
    ),
    # E07: observation (class O, service OBS) in MS1/102B.
    (
        "M18",
        "A04",
        "E07",
        "P07",
        "F1",
        "O",
        "OBS",
        "MS1",
        "102B",
        "2026-03-01 18:00",
        "2026-03-01",
        {},
    ),
    (
        "M19",
        "A03",
        "E07",
        "P07",
        "F1",
        "O",
        "OBS",
        "MS1",
        "102B",
        "2026-03-02 12:00",
        "2026-03-02",
        {"discharge_disposition": "01"},
    ),
    # E08 (F2): transfer 301B -> 301A cancelled by A12, discharged 06:00 from 301B.
    (
        "M20",
        "A01",
        "E08",
        "P08",
        "F2",
        "I",
        "MED",
        "MS2",
        "301B",
        "2026-03-01 12:00",
        "2026-03-01",
        {},
    ),
    (
        "M21",
        "A02",
        "E08",
        "P08",
        "F2",
        "I",
        "MED",
        "MS2",
        "301A",
        "2026-03-01 15:00",
        "2026-03-01",
        {"prior_unit_id": "MS2", "prior_bed_id": "301B"},
    ),
    (
        "M22",
        "A12",
        "E08",
        "P08",
        "F2",
        "I",
        "MED",
        "MS2",
        "301B",
        "2026-03-01 15:10",
        "2026-03-01",
        {},
    ),
    (
        "M23",
        "A03",
        "E08",
        "P08",
        "F2",
        "I",
        None,
        "MS2",
        "301B",
        "2026-03-02 06:00",
        "2026-03-02",
        {"discharge_disposition": "01"},
    ),
]


def _adt() -> list[dict[str, Any]]:
    rooms = {
        "101A": "R1",
        "101B": "R1",
        "102A": "R2",
        "102B": "R2",
        "201A": "R3",
        "201B": "R3",
        "301A": "R4",
        "301B": "R4",
        "ED01": "ED",
        "ED02": "ED",
    }
    rows = []
    for i, (msg, trig, enc, pat, fac, cls, svc, unit, bed, eff, extract, extra) in enumerate(
        _ADT, 1
    ):
        row = {
            "message_control_id": msg,
            "sent_at": extra.get("recorded_at", eff),
            "trigger_event": trig,
            "recorded_at": extra.get("recorded_at", eff),
            "effective_at": eff,
            "patient_key": pat,
            "birth_year": 1950 + i,
            "sex": "F" if i % 2 else "M",
            "zip": "021",
            "account_key": "K" + enc[1:],
            "encounter_key": enc,
            "patient_class": cls,
            "facility_id": fac,
            "unit_id": unit,
            "room_id": rooms.get(bed) if bed else None,
            "bed_id": bed,
            "prior_unit_id": extra.get("prior_unit_id"),
            "prior_bed_id": extra.get("prior_bed_id"),
            "hospital_service": svc,
            "attending_provider": "Dr Synthetic",
            "discharge_disposition": extra.get("discharge_disposition"),
            "expected_discharge_at": extra.get("expected_discharge_at"),
            "_extract_date": extract,
        }
        rows.append(row)
    return rows


def _ed_visits() -> list[dict[str, Any]]:
    cols = [
        "ed_visit_key",
        "encounter_key",
        "patient_key",
        "arrival_at",
        "triage_at",
        "esi_level",
        "roomed_at",
        "first_provider_at",
        "decision_to_admit_at",
        "departure_at",
        "disposition",
        "_extract_date",
    ]
    data = [
        # V01 admitted (E06): boarding 22:00 -> 03:00 = 300 min > 4 h.
        (
            "V01",
            "E06",
            "P06",
            "2026-03-01 19:30",
            "2026-03-01 19:40",
            2,
            "2026-03-01 20:00",
            "2026-03-01 20:10",
            "2026-03-01 22:00",
            "2026-03-02 03:00",
            "admitted",
            "2026-03-02",
        ),
        # V02 discharged: an older extract row without departure, superseded by the 2026-03-02 row.
        (
            "V02",
            None,
            "P09",
            "2026-03-01 08:00",
            "2026-03-01 08:05",
            4,
            None,
            None,
            None,
            None,
            "discharged",
            "2026-03-01",
        ),
        (
            "V02",
            None,
            "P09",
            "2026-03-01 08:00",
            "2026-03-01 08:05",
            3,
            "2026-03-01 09:30",
            "2026-03-01 09:45",
            None,
            "2026-03-01 11:00",
            "discharged",
            "2026-03-02",
        ),
        # V03 left without being seen.
        (
            "V03",
            None,
            "P10",
            "2026-03-01 10:00",
            "2026-03-01 10:10",
            4,
            None,
            None,
            None,
            "2026-03-01 12:00",
            "lwbs",
            "2026-03-02",
        ),
        # V04 left against medical advice.
        (
            "V04",
            None,
            "P11",
            "2026-03-01 12:00",
            "2026-03-01 12:05",
            3,
            "2026-03-01 12:20",
            "2026-03-01 12:30",
            None,
            "2026-03-01 13:00",
            "ama",
            "2026-03-02",
        ),
        # V05 transferred out after 9 h (ED LOS > 8 h).
        (
            "V05",
            None,
            "P12",
            "2026-03-01 14:00",
            "2026-03-01 14:02",
            2,
            "2026-03-01 14:10",
            "2026-03-01 14:15",
            None,
            "2026-03-01 23:00",
            "transferred",
            "2026-03-02",
        ),
        # V06 expired in the ED.
        (
            "V06",
            None,
            "P13",
            "2026-03-01 16:00",
            "2026-03-01 16:00",
            1,
            "2026-03-01 16:01",
            "2026-03-01 16:02",
            None,
            "2026-03-01 17:00",
            "expired",
            "2026-03-02",
        ),
        # V07 discharged, departure undocumented.
        (
            "V07",
            None,
            "P14",
            "2026-03-01 18:00",
            "2026-03-01 18:05",
            5,
            "2026-03-01 18:10",
            "2026-03-01 18:20",
            None,
            None,
            "discharged",
            "2026-03-02",
        ),
    ]
    rows = []
    for values in data:
        row = dict(zip(cols, values, strict=True))
        row.update(
            {
                "facility_id": "F1",
                "arrival_mode": "walk_in",
                "chief_complaint": "<REDACTED>",
                "provider_name": "Dr Triage",
            }
        )
        rows.append(row)
    return rows


def _appointments() -> list[dict[str, Any]]:
    cols = [
        "appointment_key",
        "booked_at",
        "slot_start_at",
        "status",
        "cancelled_at",
        "_extract_date",
    ]
    data = [
        ("A01", "2026-03-01 09:00", "2026-03-10 09:00", "completed", None, "2026-03-11"),  # lead 9
        (
            "A02",
            "2026-02-01 09:00",
            "2026-03-10 10:00",
            "scheduled",
            None,
            "2026-03-09",
        ),  # superseded
        ("A02", "2026-02-01 09:00", "2026-03-10 10:00", "no_show", None, "2026-03-11"),  # lead 37
        ("A03", "2026-03-09 15:00", "2026-03-10 11:00", "arrived", None, "2026-03-11"),  # lead 1
        (
            "A04",
            "2026-03-01 10:00",
            "2026-03-10 13:00",
            "cancelled",
            "2026-03-09 14:00",
            "2026-03-11",
        ),
        (
            "A05",
            "2026-03-01 10:00",
            "2026-03-10 14:00",
            "cancelled",
            "2026-03-05 10:00",
            "2026-03-11",
        ),
        (
            "A06",
            "2026-03-01 10:00",
            "2026-03-10 15:00",
            "cancelled",
            "2026-03-10 07:00",
            "2026-03-11",
        ),
        (
            "A07",
            "2026-03-01 10:00",
            "2026-03-10 16:00",
            "cancelled",
            "2026-03-09 16:00",
            "2026-03-11",
        ),
        ("A08", "2026-02-05 10:00", "2026-03-20 09:00", "scheduled", None, "2026-03-11"),  # lead 43
        ("A09", "2026-03-03 10:00", "2026-03-10 08:00", "no_show", None, "2026-03-11"),  # lead 7
        ("A10", "2026-02-24 09:00", "2026-03-10 09:30", "completed", None, "2026-03-11"),  # lead 14
    ]
    rows = []
    for i, values in enumerate(data, 1):
        row = dict(zip(cols, values, strict=True))
        start = row["slot_start_at"]
        row.update(
            {
                "patient_key": f"P{20 + i}",
                "facility_id": "F1",
                "department_id": "D1",
                "department_name": "Cardiology Clinic",
                "provider_id": "PR1",
                "provider_name": "Dr Heart",
                "visit_type": "FOLLOW_UP",
                "is_new_patient": False,
                "slot_end_at": start[:11] + f"{int(start[11:13]) + 1:02d}" + start[13:],
                "status_changed_at": row["cancelled_at"] or start,
                "cancel_initiator": "patient" if row["cancelled_at"] else None,
                "cancel_reason": "SCHEDULE_CONFLICT" if row["cancelled_at"] else None,
            }
        )
        rows.append(row)
    return rows


def _claims() -> list[dict[str, Any]]:
    cols = [
        "interchange_control_number",
        "account_key",
        "claim_frequency_code",
        "submitted_at",
        "payer_id",
        "total_charge_amount",
    ]
    data = [
        ("I100", "K01", "1", "2026-03-05 10:00", "PAY1", 1000),  # clean
        ("I100", "K02", "1", "2026-03-05 10:00", "PAY1", 500),  # denied (auth), replaced
        ("I101", "K03", "1", "2026-03-06 10:00", "PAY2", 300),  # paid 0, deductible: clean
        ("I101", "K04", "1", "2026-03-06 10:00", "PAY2", 700),  # paid 0, CO-50: denied
        ("I102", "K05", "1", "2026-03-07 10:00", "PAY1", 400),  # not yet remitted
        ("I103", "K02", "7", "2026-03-18 10:00", "PAY1", 500),  # replacement of K02
    ]
    rows = []
    for values in data:
        row = dict(zip(cols, values, strict=True))
        row.update(
            {
                "claim_type": "institutional",
                "facility_id": "F1",
                "payer_name": row["payer_id"],
                "member_key": "MB" + row["account_key"],
                "facility_type_code": "11",
                "line_count": 1,
                "_extract_date": row["submitted_at"][:10],
            }
        )
        rows.append(row)
    return rows


def _claim_lines(claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "interchange_control_number": c["interchange_control_number"],
            "account_key": c["account_key"],
            "claim_frequency_code": c["claim_frequency_code"],
            "line_number": 1,
            "revenue_code": "0120",
            "line_charge_amount": c["total_charge_amount"],
            "units": 1,
            "_extract_date": c["_extract_date"],
        }
        for c in claims
    ]


def _remits() -> list[dict[str, Any]]:
    cols = [
        "interchange_control_number",
        "payment_date",
        "payer_id",
        "clp_sequence",
        "account_key",
        "claim_status_code",
        "total_charge_amount",
        "paid_amount",
        "patient_responsibility_amount",
    ]
    data = [
        ("R200", "2026-03-15", "PAY1", 1, "K01", "1", 1000, 800, 0),
        ("R201", "2026-03-16", "PAY1", 1, "K02", "4", 500, 0, 0),
        ("R202", "2026-03-17", "PAY2", 1, "K03", "1", 300, 0, 300),
        ("R202", "2026-03-17", "PAY2", 2, "K04", "1", 700, 0, 0),
        ("R203", "2026-03-25", "PAY1", 1, "K02", "1", 500, 450, 0),
    ]
    rows = []
    for values in data:
        row = dict(zip(cols, values, strict=True))
        row.update(
            {
                "facility_id": "F1",
                "payer_claim_control_number": "PCN" + row["account_key"],
                "_extract_date": row["payment_date"],
            }
        )
        rows.append(row)
    return rows


def _remit_adjustments() -> list[dict[str, Any]]:
    cols = [
        "interchange_control_number",
        "clp_sequence",
        "adjustment_sequence",
        "account_key",
        "level",
        "group_code",
        "reason_code",
        "amount",
        "_extract_date",
    ]
    data = [
        ("R200", 1, 1, "K01", "claim", "CO", "45", 200, "2026-03-15"),
        ("R201", 1, 1, "K02", "claim", "CO", "197", 500, "2026-03-16"),
        ("R202", 1, 1, "K03", "claim", "PR", "1", 300, "2026-03-17"),
        ("R202", 2, 1, "K04", "claim", "CO", "50", 700, "2026-03-17"),
        ("R202", 0, 1, None, "provider", "WO", None, -25, "2026-03-17"),
        ("R203", 1, 1, "K02", "claim", "CO", "45", 50, "2026-03-25"),
    ]
    return [dict(zip(cols, values, strict=True)) for values in data]


def _ar_aging() -> list[dict[str, Any]]:
    cols = [
        "account_key",
        "discharge_date",
        "is_final_billed",
        "total_charge_amount",
        "balance_amount",
    ]
    data = [
        ("K01", "2026-03-02", True, 1000, 0),
        ("K02", "2026-03-02", True, 500, 0),
        ("K03", "2026-03-03", True, 300, 300),
        ("K04", "2026-03-03", True, 700, 700),
        ("K05", "2026-03-04", True, 400, 400),
        ("K06", "2026-03-28", False, 900, 900),  # discharged, not final billed (DNFB)
    ]
    rows = []
    for values in data:
        row = dict(zip(cols, values, strict=True))
        row.update(
            {
                "snapshot_date": "2026-03-31",
                "facility_id": "F1",
                "payer_id": "PAY1",
                "_extract_date": "2026-03-31",
            }
        )
        rows.append(row)
    return rows


def _patients() -> list[dict[str, Any]]:
    return [
        {
            "patient_key": "P01",
            "birth_year": 1960,
            "sex": "F",
            "state": "MA",
            "zip": "021",
            "_extract_date": "2026-03-01",
        },
        {
            "patient_key": "P01",
            "birth_year": 1960,
            "sex": "F",
            "state": "MA",
            "zip": "022",
            "_extract_date": "2026-03-02",
        },
        {
            "patient_key": "P02",
            "birth_year": 1945,
            "sex": "M",
            "state": "MA",
            "zip": "000",
            "_extract_date": "2026-03-01",
        },
    ]


def _notes() -> list[dict[str, Any]]:
    return [
        {
            "note_id": "N1",
            "encounter_key": "E01",
            "patient_key": "P01",
            "facility_id": "F1",
            "note_type": "progress",
            "written_at": "2026-03-01 12:00",
            "note_text": "Stable. <PERSON>.",
            "_extract_date": "2026-03-01",
        }
    ]


def _siu_events() -> list[dict[str, Any]]:
    return [
        {
            "message_control_id": "S1",
            "trigger_event": "S12",
            "sent_at": "2026-03-01 09:00",
            "appointment_key": "A01",
            "patient_key": "P21",
            "slot_start_at": "2026-03-10 09:00",
            "duration_minutes": 60,
            "visit_type": "FOLLOW_UP",
            "filler_status": "Booked",
            "facility_id": "F1",
            "department_id": "D1",
            "provider_id": "PR1",
            "_extract_date": "2026-03-01",
        }
    ]


def _ledger() -> list[dict[str, Any]]:
    cols = [
        "file_path",
        "feed",
        "received_at",
        "extract_date",
        "source_rows",
        "loaded_rows",
        "quarantined_rows",
        "duplicate_rows",
    ]
    data = [
        ("adt/F1_2026-03-01.hl7", "adt", "2026-03-02 01:00", "2026-03-01", 9, 9, 0, 0),
        ("adt/F1_2026-03-02.hl7", "adt", "2026-03-03 01:00", "2026-03-02", 11, 10, 1, 0),
        ("adt/F2_2026-03-02.hl7", "adt", "2026-03-03 01:05", "2026-03-02", 6, 6, 0, 0),
        (
            "appointments/F1_2026-03-11.csv",
            "appointments",
            "2026-03-12 02:00",
            "2026-03-11",
            12,
            10,
            1,
            1,
        ),
    ]
    rows = []
    for values in data:
        row = dict(zip(cols, values, strict=True))
        facility = row["file_path"].split("/")[-1].split("_")[0]
        row.update(
            {"facility_id": facility, "sha256": "0" * 64, "size_bytes": 1000, "status": "loaded"}
        )
        rows.append(row)
    return rows


def _quarantine() -> list[dict[str, Any]]:
    return [
        {
            "file_path": "adt/F1_2026-03-02.hl7",
            "feed": "adt",
            "table_name": "adt_events",
            "source_line": 7,
            "reason": "effective_at: not a timestamp",
            "quarantined_at": "2026-03-03 01:00",
        },
        {
            "file_path": "appointments/F1_2026-03-11.csv",
            "feed": "appointments",
            "table_name": "appointments",
            "source_line": 4,
            "reason": "status: not in allowed values",
            "quarantined_at": "2026-03-12 02:00",
        },
    ]


def _insert(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: list[tuple[str, str]],
    rows: list[dict[str, Any]],
) -> None:
    ddl = ", ".join(f'"{name}" {typ}' for name, typ in columns)
    con.execute(f"create or replace table {table} ({ddl})")
    names = [name for name, _ in columns]
    placeholders = ", ".join("?" for _ in names)
    for raw_id, row in enumerate(rows, 1):
        values = dict(row)
        if "_raw_id" in names:
            schema_table = table.split(".")[-1]
            values.setdefault("_raw_id", raw_id)
            values.setdefault(
                "_source_file", f"{schema_table}/fixture_{values.get('_extract_date')}"
            )
            values.setdefault("_source_line", raw_id)
        unknown = set(values) - set(names)
        if unknown:
            raise KeyError(f"{table}: unknown fixture columns {sorted(unknown)}")
        con.execute(f"insert into {table} values ({placeholders})", [values.get(n) for n in names])


def run_dbt(args: list[str], warehouse: Path, target_dir: Path) -> subprocess.CompletedProcess[str]:
    """Run dbt on `warehouse` with its artifacts and logs in `target_dir` (not the project's)."""
    env = {
        **os.environ,
        "OPS_WAREHOUSE_PATH": str(warehouse),
        "OPS_WAREHOUSE_KEY": FIXTURE_KEY,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    command = [
        str(DBT),
        *args,
        "--project-dir",
        str(DBT_PROJECT),
        "--profiles-dir",
        str(DBT_PROJECT),
        "--target-path",
        str(target_dir),
        "--log-path",
        str(target_dir / "logs"),
    ]
    return subprocess.run(
        command, env=env, capture_output=True, text=True, check=False, timeout=600
    )


def open_fixture(db_path: str | Path, *, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """A connection to a fixture warehouse (encrypted with FIXTURE_KEY; catalog `wh`, in use)."""
    return open_encrypted(Path(db_path), FIXTURE_KEY, alias="wh", read_only=read_only)


def build_deid_fixture(db_path: str | Path) -> Path:
    """Create the `deid.*` and `dq.*` dbt sources with the synthetic data in a fresh DuckDB file."""
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    if db_path.exists():
        db_path.unlink()
    claims = _claims()
    tables = {
        "patients": _patients(),
        "bed_master": _beds(),
        "adt_events": _adt(),
        "ed_visits": _ed_visits(),
        "notes": _notes(),
        "appointments": _appointments(),
        "siu_events": _siu_events(),
        "claims": claims,
        "claim_lines": _claim_lines(claims),
        "remits": _remits(),
        "remit_adjustments": _remit_adjustments(),
        "ar_aging": _ar_aging(),
    }
    con = open_fixture(db_path, read_only=False)
    try:
        con.execute("create schema deid")
        con.execute("create schema dq")
        for table, rows in tables.items():
            _insert(con, f"deid.{table}", deid_columns(table), rows)
        _insert(con, "dq.ingest_ledger", LEDGER_COLUMNS, _ledger())
        _insert(con, "dq.quarantine", QUARANTINE_COLUMNS, _quarantine())
    finally:
        con.close()
    return db_path


if __name__ == "__main__":  # pragma: no cover - developer convenience
    import sys

    print(
        build_deid_fixture(sys.argv[1] if len(sys.argv) > 1 else "/tmp/hospital_ops_fixture.duckdb")
    )
