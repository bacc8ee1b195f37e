"""Ingest of CSV extracts: every row loaded, quarantined or counted as a duplicate."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.lib.duck import phi_connection
from pipelines.lib.ingest import discover, ingest_feeds
from tests.pipelines.appointments import row, write_extract


@pytest.fixture
def landing(ops_env: Path) -> Path:
    lines = [
        row("1"),  # line 2: good
        row("2", status="no_show"),  # line 3: good
        row("3", status="lost"),  # line 4: status outside the allowed values
        row("4", slot="next tuesday"),  # line 5: slot_start_at not a timestamp
        row("1"),  # line 6: exact duplicate of line 2
        row("5") + ",extra",  # line 7: too many fields
        row("6"),  # line 8: good
    ]
    write_extract(ops_env / "landing", "2026-03-02", lines)
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
    write_extract(landing, "2026-03-03", [row("1"), row("7")])
    outcomes = {o.file_path: o for o in ingest_feeds(con, str(landing), ["appointments"])}
    new = outcomes["appointments/FAC_A_2026-03-03.csv"]
    assert (new.source_rows, new.loaded_rows, new.duplicate_rows) == (2, 1, 1)


def test_discover_lists_feed_files_relative_to_landing(landing: Path) -> None:
    [found] = discover(str(landing), ["appointments"])
    assert found.relative_path == "appointments/FAC_A_2026-03-02.csv"
    assert found.feed == "appointments"


@pytest.mark.parametrize("batch_files", [1, 256])
def test_files_loaded_together_balance_each_on_its_own(
    ops_env: Path, monkeypatch: pytest.MonkeyPatch, batch_files: int
) -> None:
    # One batch of both files, or one batch each: the counts must not depend on the batching.
    monkeypatch.setattr("pipelines.lib.ingest.BATCH_FILES", batch_files)
    landing = ops_env / "landing"
    write_extract(landing, "2026-03-02", [row("1"), row("2"), row("3", status="lost")])
    # The next day repeats appointment 2 and brings 4: one batch, yet counted as if one at a time.
    write_extract(landing, "2026-03-03", [row("2"), row("4")])
    con = phi_connection(with_warehouse=True)
    outcomes = ingest_feeds(con, str(landing), ["appointments"])
    counts = [
        (o.file_path, o.source_rows, o.loaded_rows, o.quarantined_rows, o.duplicate_rows)
        for o in outcomes
    ]
    assert counts == [
        ("appointments/FAC_A_2026-03-02.csv", 3, 2, 1, 0),
        ("appointments/FAC_A_2026-03-03.csv", 2, 1, 0, 1),
    ]
    loaded = con.execute(
        "select _raw_id, appointment_id, _source_file, _source_line, _extract_date::varchar "
        "from phi.raw.appointments order by _raw_id"
    ).fetchall()
    assert loaded == [
        (1, "1", "appointments/FAC_A_2026-03-02.csv", 2, "2026-03-02"),
        (2, "2", "appointments/FAC_A_2026-03-02.csv", 3, "2026-03-02"),
        (3, "4", "appointments/FAC_A_2026-03-03.csv", 3, "2026-03-03"),
    ]
    quarantined = con.execute("select file_path, source_line from phi.raw._quarantine").fetchall()
    assert quarantined == [("appointments/FAC_A_2026-03-02.csv", 4)]
