"""Ingest of FHIR Bulk NDJSON: every line loaded, quarantined or a duplicate, in any batching."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from pipelines.lib.duck import phi_connection
from pipelines.lib.ingest import ingest_feeds
from pipelines.lib.readers.fhir_ndjson import read_fhir_ndjson_lines
from tests.readers.fixtures import fhir_lines
from tests.readers.test_readers_fuzz import mutate, mutations

FIXTURE = ("\n".join(fhir_lines()) + "\n").encode()
TABLES = ["patients", "appointments", "fhir_encounters", "fhir_locations"]


def _write(landing: Path, name: str, data: bytes) -> Path:
    path = landing / "fhir" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _check_ledger(con, outcomes) -> None:
    """Each file balances on its own and the PHI zone holds exactly what the ledger says."""
    for outcome in outcomes:
        assert outcome.balanced and outcome.status == "loaded", outcome
    loaded = sum(
        con.execute(f"select count(*) from phi.raw.{t}").fetchone()[0]
        for t in TABLES
        if con.execute(
            "select count(*) from information_schema.tables "
            "where table_catalog = 'phi' and table_schema = 'raw' and table_name = ?",
            [t],
        ).fetchone()[0]
    )
    assert loaded == sum(o.loaded_rows for o in outcomes)
    quarantined = con.execute("select count(*) from phi.raw._quarantine").fetchone()[0]
    assert quarantined == sum(o.quarantined_rows for o in outcomes)


@pytest.mark.parametrize("batch_files", [1, 256])
def test_fhir_files_balance_however_they_are_batched(
    ops_env: Path, monkeypatch: pytest.MonkeyPatch, batch_files: int
) -> None:
    monkeypatch.setattr("pipelines.lib.ingest.BATCH_FILES", batch_files)
    landing = ops_env / "landing"
    paths = [
        _write(landing, "EXPORT_2026-03-02.ndjson", FIXTURE),
        # the same resources again: duplicates, except the rejected lines
        _write(landing, "EXPORT_2026-03-03.ndjson", FIXTURE.replace(b"\n", b"\r\n")),
        # a duplicate key (read by the reference) and a cp1252 line (the file is not UTF-8)
        _write(
            landing,
            "EXPORT_2026-03-04.ndjson",
            b'{"resourceType": "Location", "id": "l9", "id": "l10"}\n'
            b'{"resourceType": "Location", "id": "l11", "name": "Caf\xe9"}\n',
        ),
    ]
    con = phi_connection(with_warehouse=True)
    try:
        outcomes = ingest_feeds(con, str(landing), ["fhir"])
        _check_ledger(con, outcomes)
        for outcome, path in zip(outcomes, paths, strict=True):
            assert outcome.source_rows == read_fhir_ndjson_lines(path).source_records
        counts = [
            (o.source_rows, o.loaded_rows, o.quarantined_rows, o.duplicate_rows) for o in outcomes
        ]
        # Day 1: 9 records, 4 reader rejects; the appointments lack the required facility_id.
        assert counts[0][0] == 9 and counts[0][2] >= 4
        assert counts[1][0] == 9 and counts[1][3] == counts[0][1]
        assert counts[2] == (2, 2, 0, 0)
        names = con.execute(
            "select location_id, name from phi.raw.fhir_locations order by location_id"
        ).fetchall()
        assert ("l10", None) in names and ("l11", "Caf\u00e9") in names
    finally:
        con.close()


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
@given(ops=mutations(len(FIXTURE)))
def test_fuzzed_fhir_file_balances(ops_env: Path, ops: list[tuple]) -> None:
    landing = ops_env / "landing"
    shutil.rmtree(ops_env, ignore_errors=True)
    path = _write(landing, "EXPORT_2026-03-02.ndjson", mutate(FIXTURE, ops))
    con = phi_connection(with_warehouse=True)
    try:
        [outcome] = ingest_feeds(con, str(landing), ["fhir"])
        _check_ledger(con, [outcome])
        assert outcome.source_rows == read_fhir_ndjson_lines(path).source_records
    finally:
        con.close()


def test_fhir_batches_are_read_in_process() -> None:
    """DuckDB reads a FHIR batch in one scan; a worker per file would plan its queries per file."""
    from pipelines.lib import ingest

    with ingest._BatchReader("fhir", 4) as reader:
        assert reader.workers == 0
    with ingest._BatchReader("adt", 4) as reader:
        assert reader.workers == 4
