"""FHIR R4 Bulk Data NDJSON -> `patients`, `appointments`, `fhir_encounters`, `fhir_locations`.

One resource per line; `resourceType` decides the table, so a file may mix types. This module holds
the mapping rules and the per-line reader, `read_fhir_ndjson_lines`: each line is parsed on its own
(orjson when installed, else the standard library), so that one bad line becomes one Reject with its
line number. It is the reference: ingest reads with `read_fhir_ndjson_files`
(`fhir_ndjson_bulk.py`: DuckDB, no Python loop over good lines), which hands this reader the lines
and files it cannot decide exactly; `tests/readers/test_fhir_ndjson_bulk.py` holds the two equal.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa

from pipelines.lib.readers.base import (
    ReadResult,
    Reject,
    build_table,
    contract_columns,
    decode_text,
    read_bytes,
    row_hash,
)

# orjson is several times faster; the standard library keeps the reader working without it.
try:
    import orjson

    _loads: Callable[[str], Any] = orjson.loads
    _JSON_ERRORS: tuple[type[Exception], ...] = (orjson.JSONDecodeError, ValueError)
except ImportError:  # pragma: no cover - depends on the environment
    import json

    _loads = json.loads
    _JSON_ERRORS = (ValueError,)

# Tables this reader fills that have no contract yet (the lead writes them from these column lists).
FHIR_ENCOUNTER_COLUMNS = [
    "encounter_id",
    "patient_reference",
    "class_code",
    "status",
    "period_start",
    "period_end",
    "location_reference",
    "service_type",
    "discharge_disposition",
]
FHIR_LOCATION_COLUMNS = [
    "location_id",
    "name",
    "physical_type",
    "operational_status",
    "part_of_reference",
]
TABLE_FOR_TYPE = {
    "Patient": "patients",
    "Appointment": "appointments",
    "Encounter": "fhir_encounters",
    "Location": "fhir_locations",
}
READ_TYPES = "only Patient, Encounter, Location and Appointment are"
NO_RESOURCE_TYPE = "resource has no resourceType"
SEX = {"female": "F", "male": "M", "unknown": "U", "other": "O"}
APPOINTMENT_STATUS = {
    "booked": "scheduled",
    "arrived": "arrived",
    "checked-in": "arrived",
    "fulfilled": "completed",
    "noshow": "no_show",
    "cancelled": "cancelled",
}
_FHIR_DATETIME = re.compile(
    r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?$"
)


def table_columns(table: str) -> list[str]:
    """The columns of a table this reader fills, in contract order."""
    if table == "fhir_encounters":
        return FHIR_ENCOUNTER_COLUMNS
    if table == "fhir_locations":
        return FHIR_LOCATION_COLUMNS
    return list(contract_columns(table))


def _list(value: Any) -> list:
    """A FHIR array as a list (a lone object counts as a one-item array; anything else as empty)."""
    if isinstance(value, list):
        return value
    return [value] if isinstance(value, dict) else []


def _obj(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str | None:
    """A scalar as a string (None for objects, arrays and empty strings)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value) or None
    return None


def _code(concept: Any) -> str | None:
    """A CodeableConcept's (or Coding's) first code, else its text."""
    concept = _obj(concept)
    if "code" in concept:
        return _str(concept.get("code"))
    for coding in _list(concept.get("coding")):
        code = _str(_obj(coding).get("code"))
        if code:
            return code
    return _str(concept.get("text"))


def fhir_datetime(value: Any) -> str | None:
    """FHIR dateTime/instant -> `YYYY-MM-DD HH:MM:SS`, local time as sent (offset dropped).

    A date-only value becomes midnight; anything else is returned unchanged for the casting step to
    judge.
    """
    text = _str(value)
    if text is None:
        return None
    match = _FHIR_DATETIME.match(text)
    if match:
        day, time = match.groups()
        return f"{day} {time if len(time) == 8 else time + ':00'}"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return f"{text} 00:00:00"
    return text


def _identifier(resource: dict, type_code: str) -> str | None:
    for ident in _list(resource.get("identifier")):
        ident = _obj(ident)
        codes = {_str(_obj(c).get("code")) for c in _list(_obj(ident.get("type")).get("coding"))}
        if type_code in codes:
            return _str(ident.get("value"))
    return None


def _reference_id(reference: Any, resource_type: str) -> str | None:
    """`Patient/123` -> `123` (None when the reference points elsewhere)."""
    ref = _str(_obj(reference).get("reference"))
    if ref and ref.startswith(resource_type + "/"):
        return ref.split("/", 1)[1] or None
    return None


def _patient(r: dict) -> dict[str, str | None]:
    names = [_obj(n) for n in _list(r.get("name"))]
    name = next((n for n in names if n.get("use") == "official"), names[0] if names else {})
    given = [g for g in _list_of_str(name.get("given"))]
    addresses = [_obj(a) for a in _list(r.get("address"))]
    address = next(
        (a for a in addresses if a.get("use") == "home"), addresses[0] if addresses else {}
    )
    telecom = [_obj(t) for t in _list(r.get("telecom"))]
    phone = next((_str(t.get("value")) for t in telecom if t.get("system") == "phone"), None)
    email = next((_str(t.get("value")) for t in telecom if t.get("system") == "email"), None)
    gender = _str(r.get("gender"))
    return {
        "mrn": _identifier(r, "MR") or _str(r.get("id")),
        "first_name": given[0] if given else None,
        "last_name": _str(name.get("family")),
        "birth_date": _str(r.get("birthDate")),
        "sex": SEX.get(gender, gender) if gender else None,
        "address_line": ", ".join(_list_of_str(address.get("line"))) or None,
        "city": _str(address.get("city")),
        "state": _str(address.get("state")),
        "zip": _str(address.get("postalCode")),
        "phone": phone,
        "email": email,
        "ssn": _identifier(r, "SS"),
        "member_id": None,
        "payer_id": None,
    }


def _list_of_str(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [s for s in (_str(v) for v in value) if s] if isinstance(value, list) else []


def _appointment(r: dict) -> dict[str, str | None]:
    mrn = provider_id = provider_name = department_id = department_name = None
    for participant in _list(r.get("participant")):
        actor = _obj(_obj(participant).get("actor"))
        ref = _str(actor.get("reference")) or ""
        if ref.startswith("Patient/") and mrn is None:
            mrn = _str(_obj(actor.get("identifier")).get("value")) or _reference_id(
                actor, "Patient"
            )
        elif ref.startswith("Practitioner/") and provider_id is None:
            provider_id, provider_name = (
                _reference_id(actor, "Practitioner"),
                _str(actor.get("display")),
            )
        elif ref.startswith("Location/") and department_id is None:
            department_id, department_name = (
                _reference_id(actor, "Location"),
                _str(actor.get("display")),
            )
    status = _str(r.get("status"))
    last_updated = fhir_datetime(_obj(r.get("meta")).get("lastUpdated"))
    return {
        "appointment_id": _str(r.get("id")),
        "mrn": mrn,
        "facility_id": None,
        "department_id": department_id,
        "department_name": department_name,
        "provider_id": provider_id,
        "provider_name": provider_name,
        "visit_type": _code(r.get("appointmentType")),
        "is_new_patient": None,
        "booked_at": fhir_datetime(r.get("created")),
        "slot_start_at": fhir_datetime(r.get("start")),
        "slot_end_at": fhir_datetime(r.get("end")),
        # Unmapped statuses (proposed, pending, waitlist, entered-in-error) pass through so that the
        # casting step quarantines them against the contract's allowed list.
        "status": APPOINTMENT_STATUS.get(status, status) if status else None,
        "status_changed_at": last_updated,
        "cancelled_at": last_updated if status == "cancelled" else None,
        "cancel_reason": _code(r.get("cancelationReason")),
        "cancel_initiator": None,
        "checked_in_at": None,
        "comment": _str(r.get("comment")),
    }


def _encounter(r: dict) -> dict[str, str | None]:
    period = _obj(r.get("period"))
    locations = [_obj(x) for x in _list(r.get("location"))]
    service = r.get("serviceType")
    return {
        "encounter_id": _str(r.get("id")),
        "patient_reference": _str(_obj(r.get("subject")).get("reference")),
        "class_code": _code(r.get("class")),
        "status": _str(r.get("status")),
        "period_start": fhir_datetime(period.get("start")),
        "period_end": fhir_datetime(period.get("end")),
        "location_reference": (
            _str(_obj(locations[0].get("location")).get("reference")) if locations else None
        ),
        "service_type": _code(service[0] if isinstance(service, list) and service else service),
        "discharge_disposition": _code(_obj(r.get("hospitalization")).get("dischargeDisposition")),
    }


def _location(r: dict) -> dict[str, str | None]:
    return {
        "location_id": _str(r.get("id")),
        "name": _str(r.get("name")),
        "physical_type": _code(r.get("physicalType")),
        "operational_status": _code(r.get("operationalStatus")),
        "part_of_reference": _str(_obj(r.get("partOf")).get("reference")),
    }


MAPPERS: dict[str, Callable[[dict], dict[str, str | None]]] = {
    "patients": _patient,
    "appointments": _appointment,
    "fhir_encounters": _encounter,
    "fhir_locations": _location,
}


def read_line(number: int, line: str) -> tuple[str, dict[str, str | None], str] | Reject | None:
    """Read one NDJSON line: `(table, row, raw)`, a Reject, or None for a blank line (no record).

    `raw` is the line without surrounding whitespace: the text that is hashed or quarantined.
    """
    raw = line.strip()
    if not raw:
        return None
    try:
        resource = _loads(raw)
    except _JSON_ERRORS:
        return Reject(None, number, raw, "line is not valid JSON")
    if not isinstance(resource, dict):
        return Reject(None, number, raw, "line is not a JSON object (one resource per line)")
    resource_type = resource.get("resourceType")
    if not isinstance(resource_type, str) or not resource_type:
        return Reject(None, number, raw, NO_RESOURCE_TYPE)
    table = TABLE_FOR_TYPE.get(resource_type)
    if table is None:
        # The type name is a FHIR code, not patient data; an odd one is not echoed back.
        shown = resource_type if resource_type.isalpha() and len(resource_type) <= 64 else ""
        return Reject(None, number, raw, not_read_reason(shown))
    try:
        return table, MAPPERS[table](resource), raw
    except Exception as exc:  # an odd structure must not stop the file
        reason = f"{resource_type} resource has an unexpected structure ({type(exc).__name__})"
        return Reject(table, number, raw, reason)


def not_read_reason(shown: str) -> str:
    """The reason for a resource type this reader does not read (`shown` may be empty)."""
    return f"resourceType {shown} is not read ({READ_TYPES})".replace("  ", " ")


class LineCollector:
    """Rows and rejects of numbered lines, in the order given; `result()` builds the ReadResult."""

    def __init__(self) -> None:
        self.rows: dict[str, tuple[list, list, list]] = {t: ([], [], []) for t in MAPPERS}
        self.rejects: list[Reject] = []
        self.records = 0

    def add(self, number: int, line: str) -> None:
        """Read one line (see `read_line`) and keep what it gave."""
        read = read_line(number, line)
        if read is None:
            return
        self.records += 1
        if isinstance(read, Reject):
            self.rejects.append(read)
            return
        table, row, raw = read
        rows, lines, hashes = self.rows[table]
        rows.append(row)
        lines.append(number)
        hashes.append(row_hash(raw))

    def tables(self) -> dict[str, pa.Table]:
        """Every table (possibly empty), contract columns plus `_source_line` and `_row_hash`."""
        return {
            table: build_table(table_columns(table), rows, lines, hashes)
            for table, (rows, lines, hashes) in self.rows.items()
        }


def read_fhir_ndjson_lines(path: Path) -> ReadResult:
    """Read a FHIR Bulk Data NDJSON file line by line in Python: the reference reader.

    `read_fhir_ndjson` (DuckDB, `fhir_ndjson_bulk.py`) returns the same result faster and falls back
    to this reader for the lines and files it does not handle itself.

    Args:
        path: the landed `.ndjson` file.

    Returns:
        One row per resource line in the table its resourceType maps to; every table is present,
        even when empty. Blank lines are not records. A line that is not a JSON object, has no
        resourceType or has another resourceType is a Reject.

    Raises:
        OSError: the file cannot be read.
    """
    path = Path(path)
    text = decode_text(read_bytes(path))
    collector = LineCollector()
    for number, line in enumerate(text.split("\n"), start=1):
        collector.add(number, line)
    return ReadResult(path.name, collector.records, collector.tables(), collector.rejects)
