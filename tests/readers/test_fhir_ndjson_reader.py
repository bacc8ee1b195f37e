"""FHIR NDJSON readers: exact mapping of Patient, Appointment, Encounter, Location; rejects.

Each test runs against the DuckDB reader (`read_fhir_ndjson`) and the per-line reference
(`read_fhir_ndjson_lines`); `test_fhir_ndjson_bulk.py` holds the two equal on everything else.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pipelines.lib.readers.base import ReadResult
from pipelines.lib.readers.fhir_ndjson import (
    FHIR_ENCOUNTER_COLUMNS,
    FHIR_LOCATION_COLUMNS,
    fhir_datetime,
    read_fhir_ndjson_lines,
)
from pipelines.lib.readers.fhir_ndjson_bulk import read_fhir_ndjson
from tests.readers.fixtures import fhir_lines
from tests.readers.helpers import check_ledger, check_shape, write


@pytest.fixture(params=[read_fhir_ndjson, read_fhir_ndjson_lines], ids=["duckdb", "reference"])
def reader(request: pytest.FixtureRequest) -> Callable[[Path], ReadResult]:
    return request.param


def _read(reader, tmp_path: Path, lines: list[str], newline: str = "\n"):
    result = reader(write(tmp_path, "export.ndjson", newline.join(lines) + newline))
    check_shape(result)
    check_ledger(result)
    return result


def _rows(result, table: str) -> list[dict]:
    rows = result.tables[table].to_pylist()
    for row in rows:
        assert len(row.pop("_row_hash")) == 64
    return rows


def test_every_resource_type_is_mapped_exactly(reader, tmp_path: Path) -> None:
    result = _read(reader, tmp_path, fhir_lines())
    assert result.source_records == 9  # the blank line is not a record
    assert {t: v.num_rows for t, v in result.tables.items()} == {
        "patients": 1,
        "appointments": 2,
        "fhir_encounters": 1,
        "fhir_locations": 1,
    }
    assert _rows(result, "patients") == [
        {
            "mrn": "MRN900",
            "first_name": "Alex",
            "last_name": "Testperson",
            "birth_date": "1990-04-05",
            "sex": "F",
            "address_line": "12 Elm St, Apt 3",
            "city": "Anytown",
            "state": "MA",
            "zip": "02139",
            "phone": "555-0101",
            "email": "alex@example.org",
            "ssn": "999-11-2222",
            "member_id": None,
            "payer_id": None,
            "_source_line": 1,
        }
    ]
    empty = dict.fromkeys(["facility_id", "is_new_patient", "cancel_initiator", "checked_in_at"])
    assert _rows(result, "appointments") == [
        {
            **empty,
            "appointment_id": "a1",
            "mrn": "p1",  # no identifier on the participant: the Patient reference id
            "department_id": "clinic2",
            "department_name": "Cardiology Clinic",
            "provider_id": "dr7",
            "provider_name": "Dr Heart",
            "visit_type": "FOLLOWUP",
            "booked_at": "2026-02-20 09:15:00",
            "slot_start_at": "2026-03-10 09:00:00",
            "slot_end_at": "2026-03-10 09:30:00",
            "status": "no_show",
            "status_changed_at": "2026-03-10 10:00:00",
            "cancelled_at": None,
            "cancel_reason": None,
            "comment": None,
            "_source_line": 5,
        },
        {
            **empty,
            "appointment_id": "a2",
            "mrn": "MRN901",
            "department_id": None,
            "department_name": None,
            "provider_id": None,
            "provider_name": None,
            "visit_type": None,
            "booked_at": "2026-02-21 00:00:00",
            "slot_start_at": "2026-03-11 14:00:00",
            "slot_end_at": "2026-03-11 14:20:00",
            "status": "cancelled",
            "status_changed_at": "2026-03-05 16:00:00",
            "cancelled_at": "2026-03-05 16:00:00",
            "cancel_reason": "pat",
            "comment": None,
            "_source_line": 6,
        },
    ]
    assert list(result.tables["fhir_encounters"].schema.names[:-2]) == FHIR_ENCOUNTER_COLUMNS
    assert _rows(result, "fhir_encounters") == [
        {
            "encounter_id": "e1",
            "patient_reference": "Patient/p1",
            "class_code": "IMP",
            "status": "finished",
            "period_start": "2026-03-01 08:00:00",
            "period_end": "2026-03-04 11:30:00",
            "location_reference": "Location/bed1",
            "service_type": "MED",
            "discharge_disposition": "home",
            "_source_line": 2,
        }
    ]
    assert list(result.tables["fhir_locations"].schema.names[:-2]) == FHIR_LOCATION_COLUMNS
    assert _rows(result, "fhir_locations") == [
        {
            "location_id": "bed1",
            "name": "4W-401-A",
            "physical_type": "bd",
            "operational_status": "O",
            "part_of_reference": "Location/room401",
            "_source_line": 4,
        }
    ]
    assert [(r.source_line, r.table, r.reason) for r in result.rejects] == [
        (7, None, "line is not valid JSON"),
        (8, None, "resource has no resourceType"),
        (
            9,
            None,
            "resourceType Observation is not read "
            "(only Patient, Encounter, Location and Appointment are)",
        ),
        (10, None, "line is not a JSON object (one resource per line)"),
    ]


def test_crlf_bom_and_cp1252_lines(reader, tmp_path: Path) -> None:
    lines = fhir_lines()[:2]
    data = b"\xef\xbb\xbf" + "\r\n".join(lines).encode() + b"\r\n"
    data += b'{"resourceType": "Location", "id": "l2", "name": "Caf\xe9 wing"}\r\n'
    result = reader(write(tmp_path, "x.ndjson", data))
    check_ledger(result)
    assert result.rejects == []
    assert result.tables["fhir_locations"].column("name").to_pylist() == ["Caf\u00e9 wing"]
    assert result.tables["patients"].column("mrn").to_pylist() == ["MRN900"]


def test_odd_structures_do_not_crash(reader, tmp_path: Path) -> None:
    lines = [
        '{"resourceType": "Patient", "id": 7, "name": "x", "identifier": 5, "gender": "robot"}',
        '{"resourceType": "Appointment", "participant": [null, 3, {"actor": []}], "status": 1}',
        '{"resourceType": "Encounter", "period": [], "class": [{"code": "EMER"}]}',
    ]
    result = _read(reader, tmp_path, lines)
    assert result.rejects == []
    patient = result.tables["patients"].to_pylist()[0]
    assert (patient["mrn"], patient["sex"], patient["last_name"]) == ("7", "robot", None)
    assert result.tables["appointments"].column("status").to_pylist() == ["1"]


def test_fhir_datetime() -> None:
    assert fhir_datetime("2026-03-01T08:00:00-05:00") == "2026-03-01 08:00:00"
    assert fhir_datetime("2026-03-01T08:00:00.123Z") == "2026-03-01 08:00:00"
    assert fhir_datetime("2026-03-01T08:00Z") == "2026-03-01 08:00:00"
    assert fhir_datetime("2026-03-01") == "2026-03-01 00:00:00"
    assert fhir_datetime("2026-03") == "2026-03"
    assert fhir_datetime(None) is None
