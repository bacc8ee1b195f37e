"""Ingest of CSV extracts: every row loaded, quarantined or counted as a duplicate."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.lib.duck import phi_connection
from pipelines.lib.ingest import discover, ingest_feeds

HEADER = (
    "appointment_id,mrn,facility_id,department_id,department_name,provider_id,provider_name,"
    "visit_type,is_new_patient,booked_at,slot_start_at,slot_end_at,status,status_changed_at,"
    "cancelled_at,cancel_reason,cancel_initiator,checked_in_at,comment"
)


def row(appt: str, status: str = "completed", slot: str = "2026-03-02 09:00:00") -> str:
    return (
        f"{appt},MRN900{appt},FAC_A,D1,Cardiology,P1,Dr Test,FOLLOWUP,N,2026-02-01 10:00:00,"
        f"{slot},2026-03-02 09:30:00,{status},2026-03-02 09:35:00,,,,2026-03-02 08:55:00,"
    )


@pytest.fixture
def landing(ops_env: Path) -> Path:
    folder = ops_env / "landing" / "appointments"
    folder.mkdir(parents=True)
    lines = [
        HEADER,
        row("1"),  # line 2: good
        row("2", status="no_show"),  # line 3: good
        row("3", status="lost"),  # line 4: status outside the allowed values
        row("4", slot="next tuesday"),  # line 5: slot_start_at not a timestamp
        row("1"),  # line 6: exact duplicate of line 2
        row("5") + ",extra",  # line 7: too many fields
        row("6"),  # line 8: good
    ]
    (folder / "FAC_A_2026-03-02.csv").write_text("\n".join(lines) + "\n")
    return ops_env / "landing"


def test_every_row_is_loaded_quarantined_or_a_duplicate(landing: Path) -> None:
    con = phi_connection(with_warehouse=True)
    [outcome] = ingest_feeds(con, str(landing), ["appointments"])

    assert outcome.extract_date.isoformat() == "2026-03-02"
    assert (outcome.source_rows, outcome.loaded_rows) == (7, 3)
    assert (outcome.quarantined_rows, outcome.duplicate_rows) == (3, 1)
    assert outcome.balanced and outcome.status == "loaded"

    loaded = con.execute(
        "select appointment_id, _source_line from phi.raw.appointments order by 1"
    ).fetchall()
    assert loaded == [("1", 2), ("2", 3), ("6", 8)]
    reasons = con.execute(
        "select source_line, reason from wh.dq.quarantine order by source_line"
    ).fetchall()
    assert reasons[0] == (4, "status: value outside the 5 allowed values")
    assert reasons[1] == (5, "slot_start_at: not a valid timestamp")
    assert reasons[2][0] == 7 and reasons[2][1].startswith("more fields than the header")
    # The warehouse copy of the quarantine never carries the raw record (it holds PHI).
    columns = [c[0] for c in con.execute("describe wh.dq.quarantine").fetchall()]
    assert "raw_record" not in columns
    ledger = con.execute(
        "select source_rows, loaded_rows, quarantined_rows, duplicate_rows from wh.dq.ingest_ledger"
    ).fetchall()
    assert ledger == [(7, 3, 3, 1)]


def test_reingesting_the_same_file_changes_nothing(landing: Path) -> None:
    con = phi_connection(with_warehouse=True)
    ingest_feeds(con, str(landing), ["appointments"])
    before = con.execute("select count(*) from phi.raw.appointments").fetchone()[0]
    [again] = ingest_feeds(con, str(landing), ["appointments"])
    assert again.status == "skipped_already_loaded"
    assert con.execute("select count(*) from phi.raw.appointments").fetchone()[0] == before
    assert con.execute("select count(*) from wh.dq.ingest_ledger").fetchone()[0] == 1


def test_a_row_seen_in_an_earlier_file_counts_as_duplicate(landing: Path) -> None:
    con = phi_connection(with_warehouse=True)
    ingest_feeds(con, str(landing), ["appointments"])
    later = landing / "appointments" / "FAC_A_2026-03-03.csv"
    later.write_text("\n".join([HEADER, row("1"), row("7")]) + "\n")
    outcomes = {o.file_path: o for o in ingest_feeds(con, str(landing), ["appointments"])}
    new = outcomes["appointments/FAC_A_2026-03-03.csv"]
    assert (new.source_rows, new.loaded_rows, new.duplicate_rows) == (2, 1, 1)


def test_discover_lists_feed_files_relative_to_landing(landing: Path) -> None:
    [found] = discover(str(landing), ["appointments"])
    assert found.relative_path == "appointments/FAC_A_2026-03-02.csv"
    assert found.feed == "appointments"
