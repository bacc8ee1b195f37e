"""Structural feeds read in worker processes load exactly what the in-process reader loads."""

from __future__ import annotations

import contextlib
import logging
import os
from concurrent.futures.process import BrokenProcessPool
from dataclasses import astuple, replace
from datetime import date, datetime
from pathlib import Path

import pytest

from pipelines.lib import ingest
from pipelines.lib.duck import phi_connection
from pipelines.lib.ingest import FileOutcome, discover, ingest_files
from pipelines.lib.settings import get_settings
from tests.readers.fixtures import REMITS_835, adt_message, hl7_file, x12_interchange

NOW = datetime(2026, 3, 10, 6, 0)
ORU_REASON = "message type ORU^A01 is not an ADT message"
ORU_LINE = 22  # PID line, four messages of five lines, then the ORU message
TABLES = ("adt_events", "remits", "remit_adjustments", "_quarantine", "_ledger")


@pytest.fixture
def landing(ops_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Five ADT and three 835 files: rejects, a message repeated across files, several batches."""
    root = ops_env / "landing"
    (root / "adt").mkdir(parents=True)
    (root / "remits_835").mkdir(parents=True)
    for day in range(1, 6):
        messages = [["PID|1||MRN1"]]  # before any MSH: rejected by the reader, quarantined
        messages += [adt_message(f"C{day}{n}", family=f"FAM{day}{n}") for n in range(3)]
        messages.append(adt_message("C10"))  # the first file's first message, again: a duplicate
        messages.append(adt_message(f"X{day}", message_type="ORU"))  # not an ADT message
        (root / "adt" / f"FAC_A_2026-03-0{day}.hl7").write_text(hl7_file(*messages))
    for day in range(1, 4):
        icn = f"00000000{day}"
        text = x12_interchange([REMITS_835], code="835", version="005010X221A1", icn=icn)
        (root / "remits_835" / f"FAC_A_2026-03-0{day}.x12").write_text(text)
    # Every batch goes to the workers, and each feed comes in several batches, so that reading a
    # batch overlaps loading the one before.
    monkeypatch.setattr(ingest, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(ingest, "BATCH_FILES", 2)
    return root


def _ingest(landing: Path, phi_db: Path, workers: int) -> tuple[list[FileOutcome], dict]:
    settings = replace(get_settings(), phi_db_path=phi_db)
    con = phi_connection(settings)
    try:
        threads = con.execute("select current_setting('threads')").fetchone()
        outcomes = []
        for feed in ("adt", "remits_835"):
            outcomes += ingest_files(con, discover(str(landing), [feed]), now=NOW, workers=workers)
        # The load runs on one DuckDB thread beside the workers; the caller's setting comes back.
        assert con.execute("select current_setting('threads')").fetchone() == threads
        tables = {
            t: con.execute(f"select * from phi.raw.{t} order by all").fetchall() for t in TABLES
        }
    finally:
        con.close()
    return outcomes, tables


def test_worker_processes_load_what_the_serial_reader_loads(
    landing: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    serial_outcomes, serial = _ingest(landing, tmp_path / "serial.duckdb", workers=1)
    with caplog.at_level(logging.WARNING):
        parallel_outcomes, parallel = _ingest(landing, tmp_path / "parallel.duckdb", workers=2)
    # The workers really read the files: had they died, the ingest process would have read them
    # all the same and every comparison below would pass.
    assert "a read worker died" not in caplog.text

    assert [astuple(o) for o in parallel_outcomes] == [astuple(o) for o in serial_outcomes]
    assert parallel == serial
    # The fixture exercises what could go wrong: every file, rejects, duplicates, child rows.
    assert len(parallel["_ledger"]) == 8
    adt = [o for o in parallel_outcomes if o.feed == "adt"]
    counts = [(o.source_rows, o.loaded_rows, o.quarantined_rows, o.duplicate_rows) for o in adt]
    assert counts == [(6, 3, 2, 1)] * 5
    assert all(o.balanced and o.status == "loaded" for o in parallel_outcomes)
    assert len(parallel["remit_adjustments"]) > 0
    # The readers' rejects reach the quarantine with file, line, reason and time (one insert per
    # batch): the text before the first MSH, and the ORU message.
    rejects = [(q[0], q[2], q[3], q[4], q[6]) for q in parallel["_quarantine"]]
    assert rejects[:2] == [
        ("adt/FAC_A_2026-03-01.hl7", "adt_events", 1, "HL7 message without MSH segment", NOW),
        ("adt/FAC_A_2026-03-01.hl7", "adt_events", ORU_LINE, ORU_REASON, NOW),
    ]
    assert len(rejects) == 10
    assert {q[5] for q in parallel["_quarantine"] if q[3] == 1} == {"PID|1||MRN1\r"}
    assert {(row[5], row[6]) for row in parallel["_ledger"]} == {
        (NOW, date(2026, 3, day)) for day in range(1, 6)
    } | {(NOW, date(2026, 3, day)) for day in range(1, 4)}


def test_a_file_a_worker_cannot_read_raises_for_that_file(landing: Path) -> None:
    files = sorted((landing / "adt").glob("*.hl7"))
    missing = landing / "adt" / "FAC_A_2026-03-09.hl7"
    with ingest._BatchReader("adt", workers=2) as reader:
        read = reader.submit([files[0], missing, files[1]], size_bytes=1 << 30)
        with pytest.raises(OSError, match=r"FAC_A_2026-03-09\.hl7: cannot read the file"):
            read()


def test_a_worker_that_dies_leaves_its_files_to_the_ingest_process(landing: Path) -> None:
    files = sorted((landing / "adt").glob("*.hl7"))
    expected = ingest.read_landed_files(files, "adt")
    with ingest._BatchReader("adt", workers=2) as reader:
        first = reader.submit(files[:1], size_bytes=1 << 30)()  # the pool is up
        # A worker exits as if killed (out of memory). Wait until the pool has seen it: a batch
        # submitted while the pool is still tearing down its workers made the test hang once on a
        # loaded machine (CPython's pool, not ours). The batch then meets a broken pool.
        with contextlib.suppress(BrokenProcessPool):
            reader.pool.submit(os._exit, 1).exception(timeout=60)
        results = reader.submit(files, size_bytes=1 << 30)()
        assert reader.workers == 0  # later batches are read in this process
        again = reader.submit(files, size_bytes=1 << 30)()
    assert first[0].source_records == expected[0].source_records
    for got in (results, again):
        assert [r.source_records for r in got] == [r.source_records for r in expected]
        assert [r.rejects for r in got] == [r.rejects for r in expected]
        for mine, theirs in zip(got, expected, strict=True):
            assert mine.tables.keys() == theirs.tables.keys()
            assert all(mine.tables[t].equals(theirs.tables[t]) for t in theirs.tables)
