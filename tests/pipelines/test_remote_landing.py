"""A landing location that is not a local folder (s3://, sftp://, ...) goes through fsspec.

fsspec's in-memory filesystem stands in for the remote store here: it is a real fsspec
implementation that is not "file", so ingest takes the same path as for s3 or sftp (listing
through fsspec, each file copied locally for its batch only) without a server.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import fsspec
import pytest

from pipelines.lib.duck import phi_connection
from pipelines.lib.ingest import discover, ingest_feeds
from tests.pipelines.appointments import row, write_extract

ROOT = "memory://remote-landing"


@pytest.fixture
def remote(ops_env: Path, tmp_path: Path) -> Iterator[str]:
    """Two appointment extracts written locally, then uploaded to the in-memory store."""
    local = tmp_path / "upload"
    write_extract(local, "2026-03-02", [row("1"), row("2", status="lost"), row("1")])
    write_extract(local, "2026-03-03", [row("3"), row("4") + ",extra"])
    fs = fsspec.filesystem("memory")
    for path in sorted(local.glob("appointments/*.csv")):
        fs.pipe(f"{ROOT}/appointments/{path.name}", path.read_bytes())
    yield ROOT
    fs.rm(ROOT, recursive=True)


def test_remote_files_are_listed_with_their_extract_day(remote: str) -> None:
    found = discover(remote, ["appointments"])
    assert [(f.relative_path, f.extract_date.isoformat()) for f in found] == [
        ("appointments/FAC_A_2026-03-02.csv", "2026-03-02"),
        ("appointments/FAC_A_2026-03-03.csv", "2026-03-03"),
    ]
    assert all(f.url.startswith("memory://") for f in found)


def test_remote_files_load_quarantine_and_count_like_local_ones(remote: str) -> None:
    con = phi_connection(with_warehouse=True)
    outcomes = {o.file_path: o for o in ingest_feeds(con, remote, ["appointments"])}

    first = outcomes["appointments/FAC_A_2026-03-02.csv"]
    second = outcomes["appointments/FAC_A_2026-03-03.csv"]
    # line 2 good, line 3 bad status, line 4 duplicate of line 2
    assert (first.source_rows, first.loaded_rows, first.quarantined_rows, first.duplicate_rows) == (
        3,
        1,
        1,
        1,
    )
    # line 2 good, line 3 one field too many
    assert (second.source_rows, second.loaded_rows, second.quarantined_rows) == (2, 1, 1)
    assert first.balanced and second.balanced
    loaded = con.execute(
        "select appointment_id, _source_line from phi.raw.appointments order by 1"
    ).fetchall()
    assert loaded == [("1", 2), ("3", 2)]
    quarantined = con.execute(
        "select file_path, source_line from wh.dq.quarantine order by file_path, source_line"
    ).fetchall()
    assert quarantined == [
        ("appointments/FAC_A_2026-03-02.csv", 3),
        ("appointments/FAC_A_2026-03-03.csv", 3),
    ]


def test_a_second_run_on_the_remote_store_loads_nothing(remote: str) -> None:
    con = phi_connection(with_warehouse=True)
    ingest_feeds(con, remote, ["appointments"])
    again = ingest_feeds(con, remote, ["appointments"])
    assert {o.status for o in again} == {"skipped_already_loaded"}
    assert con.execute("select count(*) from phi.raw.appointments").fetchone()[0] == 2
    assert con.execute("select count(*) from wh.dq.ingest_ledger").fetchone()[0] == 2
