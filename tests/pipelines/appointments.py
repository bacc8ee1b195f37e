"""A hand-made scheduling extract (synthetic values only) for the ingest tests."""

from __future__ import annotations

from pathlib import Path

HEADER = (
    "appointment_id,mrn,facility_id,department_id,department_name,provider_id,provider_name,"
    "visit_type,is_new_patient,booked_at,slot_start_at,slot_end_at,status,status_changed_at,"
    "cancelled_at,cancel_reason,cancel_initiator,checked_in_at,comment"
)


def row(appt: str, status: str = "completed", slot: str = "2026-03-02 09:00:00") -> str:
    """One appointment line; the id also makes the MRN."""
    return (
        f"{appt},MRN900{appt},FAC_A,D1,Cardiology,P1,Dr Test,FOLLOWUP,N,2026-02-01 10:00:00,"
        f"{slot},2026-03-02 09:30:00,{status},2026-03-02 09:35:00,,,,2026-03-02 08:55:00,"
    )


def write_extract(landing: Path, day: str, lines: list[str]) -> Path:
    """Write `appointments/FAC_A_<day>.csv` with the header and the given lines."""
    folder = landing / "appointments"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"FAC_A_{day}.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n")
    return path
