"""Load landed extract files into the PHI zone: nothing lost, nothing loaded twice.

Each file goes through four steps, all set-based in DuckDB:

1. its reader (`pipelines/lib/readers/`) splits it into records: all-string columns named as in the
   contract, plus structural rejects (bad quoting, HL7 without MSH, broken X12 envelopes ...);
2. every column is cast to its contract type and checked against `required` and `allowed`; a row
   that fails is quarantined with a reason naming the column and the rule (never the value);
3. rows already loaded (same de-duplication key, or same record hash) are counted as duplicates;
4. the rest is appended to `phi.raw.<table>` with a monotonic `_raw_id`.

Files of one feed are read and loaded in batches (one DuckDB scan per batch of CSV or FHIR NDJSON
files, one cast/check/de-duplicate pass, one append), because per-file statements cost more than the
rows themselves when a year of daily extracts lands at once. HL7 and X12 files are parsed in worker
processes, batch k + 1 while batch k loads, with the same results in the same file order. Each
file's ledger row (`raw._ledger`) is written in its batch's transaction, so a crash never leaves
rows without their ledger entry; a file whose sha256 is already in the ledger is skipped, which
makes re-ingestion a no-op. The ledger and the quarantine summary (without raw records) are
mirrored to the warehouse `dq` schema.

"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import fsspec
import pyarrow as pa
import pyarrow.compute as pc

from data_contracts.contract import Column, Contract, contracts_for_feed, load_contracts
from pipelines.lib.readers.base import ReadResult
from pipelines.lib.readers.csv_extract import read_csv_extracts

log = logging.getLogger(__name__)

# Tables filled as children of another table's records: the ledger counts the parent's records only.
CHILD_TABLES = {"claim_lines": "claims", "remit_adjustments": "remits"}

FILE_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")
# `<FACILITY>_<YYYY-MM-DD>...`: the facility (or FHIR source) the file was named for.
FILE_FACILITY = re.compile(r"^(.+?)_\d{4}-\d{2}-\d{2}")

# The ledger and quarantine tables, defined once: the Arrow schema gives their DDL and carries a
# batch's rows in one insert (executemany ran a statement per row, seconds per year of files).
LEDGER_SCHEMA = pa.schema(
    [
        ("file_path", pa.string()),
        ("feed", pa.string()),
        ("facility_id", pa.string()),
        ("sha256", pa.string()),
        ("size_bytes", pa.int64()),
        ("received_at", pa.timestamp("us")),
        ("extract_date", pa.date32()),
        ("source_rows", pa.int64()),
        ("loaded_rows", pa.int64()),
        ("quarantined_rows", pa.int64()),
        ("duplicate_rows", pa.int64()),
        ("child_rows_loaded", pa.int64()),
        ("child_rows_quarantined", pa.int64()),
        ("schema_drift", pa.string()),
        ("status", pa.string()),
    ]
)
QUARANTINE_SCHEMA = pa.schema(
    [
        ("file_path", pa.string()),
        ("feed", pa.string()),
        ("table_name", pa.string()),
        ("source_line", pa.int64()),
        ("reason", pa.string()),
        ("raw_record", pa.string()),
        ("quarantined_at", pa.timestamp("us")),
    ]
)

_SQL_TYPES = {
    pa.string(): "varchar",
    pa.int64(): "bigint",
    pa.timestamp("us"): "timestamp",
    pa.date32(): "date",
}


def _create_table(name: str, schema: pa.Schema, primary_key: str | None = None) -> str:
    """`create table if not exists` with the Arrow schema's columns: one definition for both."""
    columns = [
        f"{f.name} {_SQL_TYPES[f.type]}{' primary key' if f.name == primary_key else ''}"
        for f in schema
    ]
    return f"create table if not exists {name} ({', '.join(columns)})"


LEDGER_DDL = _create_table("phi.raw._ledger", LEDGER_SCHEMA, primary_key="file_path")
QUARANTINE_DDL = _create_table("phi.raw._quarantine", QUARANTINE_SCHEMA)


def _insert_rows(
    con: duckdb.DuckDBPyConnection, table: str, schema: pa.Schema, rows: list[tuple]
) -> None:
    """Append rows (tuples in the table's column order) to `table` in one statement."""
    columns = list(zip(*rows, strict=True))
    data = pa.table(
        [pa.array(values, field.type) for values, field in zip(columns, schema, strict=True)],
        schema=schema,
    )
    con.register("_new_rows", data)
    try:
        con.execute(f"insert into {table} select * from _new_rows")
    finally:
        con.unregister("_new_rows")


@dataclass
class FileOutcome:
    """What happened to one landed file (counts only: safe for logs and Dagster metadata)."""

    file_path: str
    feed: str
    sha256: str
    size_bytes: int
    extract_date: date | None
    facility_id: str | None = None
    source_rows: int = 0
    loaded_rows: int = 0
    quarantined_rows: int = 0
    duplicate_rows: int = 0
    child_rows_loaded: int = 0
    child_rows_quarantined: int = 0
    schema_drift: str | None = None
    status: str = "loaded"

    @property
    def balanced(self) -> bool:
        """True when every source record is loaded, quarantined or counted as a duplicate."""
        return self.source_rows == self.loaded_rows + self.quarantined_rows + self.duplicate_rows


@dataclass(frozen=True)
class LandedFile:
    """A file in the landing location."""

    url: str  # as fsspec names it
    relative_path: str  # relative to the landing root, e.g. "adt/FAC_A_2026-01-01.hl7"
    feed: str
    # The extract day in the file name; else the day the file landed (its modification time). It is
    # the file's Dagster partition.
    extract_date: date | None = None


def read_landed_file(path: Path, feed: str) -> ReadResult:
    """Read one landed file of a structural feed (HL7, X12, FHIR); what a read worker runs."""
    [result] = read_landed_files([path], feed)
    return result


def read_landed_files(paths: list[Path], feed: str) -> list[ReadResult]:
    """Split landed files of one feed into contract tables with the reader of the feed's format."""
    contracts = contracts_for_feed(feed)
    if not contracts:
        raise ValueError(f"{paths[0].name}: no data contract for feed {feed!r}")
    parent = next(c for c in contracts if c.table not in CHILD_TABLES)
    fmt = parent.format
    if fmt == "csv":
        by_path = read_csv_extracts(paths, parent)
        return [by_path[p] for p in paths]
    # Imported on use: each structural reader pulls in its parser library.
    if fmt == "hl7v2":
        from pipelines.lib.readers.hl7v2 import read_hl7v2

        return [read_hl7v2(p, parent.table) for p in paths]
    if fmt.startswith("x12"):
        from pipelines.lib.readers.x12 import read_x12

        return [read_x12(p, parent.table) for p in paths]
    if fmt == "fhir_ndjson":
        from pipelines.lib.readers.fhir_ndjson_bulk import read_fhir_ndjson_files

        by_path = read_fhir_ndjson_files(paths)
        return [by_path[p] for p in paths]
    raise ValueError(f"{paths[0].name}: no reader for format {fmt!r}")


def sha256_of(path: Path) -> str:
    """Stream a file through sha256."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def extract_day(fs: fsspec.AbstractFileSystem, path: str) -> date | None:
    """A landed file's extract day: the date in its name, else the day it landed (UTC)."""
    match = FILE_DATE.search(Path(path).name)
    if match:
        return date.fromisoformat(match.group(1))
    try:
        return fs.modified(path).date()
    except (NotImplementedError, OSError, AttributeError):  # not every store keeps a time
        return None


def discover(
    landing_url: str,
    feeds: list[str] | None = None,
    *,
    extract_dates: tuple[date, date] | None = None,
) -> list[LandedFile]:
    """List landed files of the given feeds (all when None), sorted by path for a stable order.

    `extract_dates` (first, last; inclusive) keeps only the files of those days: a partition's run
    or a backfill touches its own files and no others.
    """
    fs, root = fsspec.core.url_to_fs(landing_url)
    root = root.rstrip("/")
    wanted = feeds or sorted({c.feed for c in load_contracts().values()})
    files = []
    for feed in wanted:
        globs = {c.landing_glob for c in contracts_for_feed(feed)}
        for pattern in sorted(globs):
            for found in sorted(fs.glob(f"{root}/{pattern}")):
                day = extract_day(fs, found)
                if extract_dates and not (day and extract_dates[0] <= day <= extract_dates[1]):
                    continue
                rel = found[len(root) + 1 :] if found.startswith(root) else found
                files.append(LandedFile(fs.unstrip_protocol(found), rel, feed, day))
    return files


@contextmanager
def local_copy(url: str) -> Iterator[Path]:
    """Yield a local path for a landed file, copied first when it is remote (s3, sftp ...)."""
    fs, path = fsspec.core.url_to_fs(url)
    if fs.protocol in ("file", ("file", "local")) or "file" in fs.protocol:
        yield Path(path)
        return
    with tempfile.TemporaryDirectory(prefix="ops-landing-") as tmp:
        local = Path(tmp) / Path(path).name
        with fs.open(path, "rb") as src, local.open("wb") as dst:
            shutil.copyfileobj(src, dst)
        yield local


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _cast_expr(col: Column) -> str:
    """SQL casting the string column to its contract type; NULL when it does not parse."""
    src = _ident(col.name)
    if col.type == "varchar":
        return src
    if col.type == "boolean":
        # Extracts say Y/N; also accept true/false/1/0.
        return (
            f"case upper(trim({src})) when 'Y' then true when 'N' then false "
            f"else try_cast(trim({src}) as boolean) end"
        )
    return f"try_cast(trim({src}) as {col.type})"


def _literal(value: object, col: Column) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float) and col.type not in ("varchar",):
        return str(value)
    return _sql_str(str(value))


def _checks(col: Column) -> list[str]:
    """SQL expressions yielding a reason string when the row breaks a contract rule, else NULL."""
    src, typed = _ident(col.name), f"typed_{col.name}"
    checks = []
    if col.type != "varchar":
        checks.append(
            f"case when {src} is not null and trim({src}) <> '' and {_ident(typed)} is null "
            f"then '{col.name}: not a valid {col.type}' end"
        )
    if col.required:
        checks.append(
            f"case when {src} is null or trim({src}) = '' "
            f"then '{col.name}: required value missing' end"
        )
    if col.allowed:
        values = ", ".join(_literal(v, col) for v in col.allowed)
        checks.append(
            f"case when {_ident(typed)} is not null and {_ident(typed)} not in ({values}) "
            f"then '{col.name}: value outside the {len(col.allowed)} allowed values' end"
        )
    return checks


def ensure_raw_table(con: duckdb.DuckDBPyConnection, contract: Contract) -> None:
    """Create `phi.raw.<table>` from the contract when it does not exist yet."""
    cols = ",\n    ".join(f"{_ident(c.name)} {c.type}" for c in contract.columns)
    con.execute("create schema if not exists phi.raw")
    con.execute(
        f"""
        create table if not exists phi.raw.{_ident(contract.table)} (
            _raw_id bigint,
            {cols},
            _source_file varchar,
            _source_line bigint,
            _extract_date date,
            _row_hash varchar
        )
        """
    )


@dataclass
class TableLoad:
    """Row counts of one table of one file."""

    loaded: int = 0
    quarantined: int = 0
    duplicates: int = 0


def _batch_rows(contract: Contract, rows: pa.Table, landed: LandedFile, order: int) -> pa.Table:
    """One file's rows of one table, shaped for a batch: contract columns plus file columns."""
    facility = FILE_FACILITY.match(Path(landed.relative_path).name)
    present = set(rows.column_names)
    if facility and "facility_id" in present:
        # Feeds such as FHIR Appointment carry no facility: the file name says which one sent it.
        index = rows.column_names.index("facility_id")
        column = rows.column(index)
        if column.null_count:
            rows = rows.set_column(index, "facility_id", pc.fill_null(column, facility.group(1)))
    n = rows.num_rows
    columns = {
        name: rows.column(name) if name in present else pa.nulls(n, pa.string())
        for name in contract.column_names
    }
    columns["_row_hash"] = rows.column("_row_hash")
    columns["_source_line"] = rows.column("_source_line")
    # Constant columns made in Arrow: a Python list of n items per column cost more than the rest.
    columns["_source_file"] = pa.repeat(pa.scalar(landed.relative_path, pa.string()), n)
    columns["_extract_date"] = pa.repeat(pa.scalar(landed.extract_date, pa.date32()), n)
    columns["_file_order"] = pa.repeat(pa.scalar(order, pa.int64()), n)
    return pa.table(columns)


def _load_table(
    con: duckdb.DuckDBPyConnection, contract: Contract, rows: pa.Table, feed: str, now: datetime
) -> dict[str, TableLoad]:
    """Cast, check, de-duplicate and append one table's rows of a batch; quarantine the failures.

    Returns the counts per source file. A record that repeats within the batch counts as a duplicate
    of its first occurrence (in file order, then line order), as if the files came one at a time.
    """
    ensure_raw_table(con, contract)
    con.register("_incoming", rows)
    typed = ", ".join(f"{_cast_expr(c)} as {_ident('typed_' + c.name)}" for c in contract.columns)
    checks = [chk for c in contract.columns for chk in _checks(c)]
    reasons = (
        f"list_filter([{', '.join(checks)}]::varchar[], r -> r is not null)" if checks else "[]"
    )
    con.execute(
        f"""
        create or replace temp table _checked as
        with typed as (select *, {typed} from _incoming)
        select *, {reasons} as _reasons from typed
        """
    )
    con.unregister("_incoming")

    table = _ident(contract.table)
    key_cols = list(contract.dedupe_key or [])
    key = [f"typed_{k}" for k in key_cols] if key_cols else ["_row_hash"]
    raw_key = key_cols or ["_row_hash"]
    partition = ", ".join(_ident(k) for k in key)
    match = " and ".join(
        f"r.{_ident(rk)} is not distinct from c.{_ident(k)}"
        for rk, k in zip(raw_key, key, strict=True)
    )
    # The first occurrence of each key is ranked on the key columns and row ids alone, not on whole
    # rows. `_row` (the row's position in the batch as the reader emitted it) breaks ties between
    # rows of one line, such as the adjustments of one CAS segment. `_fresh` holds row ids only:
    # the rows stay in `_checked` (a second copy of every column cost more than the ranking).
    con.execute(
        f"""
        create or replace temp table _fresh as
        select _row from (
            select rowid as _row, {partition},
                row_number() over (
                    partition by {partition} order by _file_order, _source_line, rowid
                ) as _dup_rank
            from _checked where len(_reasons) = 0
        ) c
        where _dup_rank = 1
          and not exists (select 1 from phi.raw.{table} r where {match})
        """
    )
    counts: dict[str, TableLoad] = {}
    for source_file, ok, bad in con.execute(
        "select _source_file, count(*) filter (where len(_reasons) = 0), "
        "count(*) filter (where len(_reasons) > 0) from _checked group by _source_file"
    ).fetchall():
        counts[source_file] = TableLoad(quarantined=bad, duplicates=ok)
    for source_file, fresh in con.execute(
        "select _source_file, count(*) from _checked where rowid in (select _row from _fresh) "
        "group by _source_file"
    ).fetchall():
        counts[source_file].loaded = fresh
        counts[source_file].duplicates -= fresh

    select_cols = ", ".join(f"{_ident('typed_' + c)} as {_ident(c)}" for c in contract.column_names)
    con.execute(
        f"""
        insert into phi.raw.{table}
        select (select coalesce(max(_raw_id), 0) from phi.raw.{table})
                   + row_number() over (order by _file_order, _source_line, rowid) as _raw_id,
               {select_cols},
               _source_file, _source_line, _extract_date, _row_hash
        from _checked where rowid in (select _row from _fresh)
        """
    )
    # The raw record as JSON, built for the quarantined rows only: most batches have none.
    raw_json = (
        "to_json({" + ", ".join(f"{_sql_str(c)}: {_ident(c)}" for c in contract.column_names) + "})"
    )
    con.execute(
        f"""
        insert into phi.raw._quarantine
        select _source_file, ?, ?, _source_line, array_to_string(_reasons, '; '),
               {raw_json}::varchar, ?
        from _checked where len(_reasons) > 0
        """,
        [feed, contract.table, now],
    )
    return counts


def _schema_drift(result: ReadResult, contracts: dict[str, Contract]) -> str | None:
    notes = []
    for table, rows in result.tables.items():
        contract = contracts.get(table)
        if contract is None:
            continue
        names, expected = rows.column_names, contract.column_names
        known, present = set(expected), set(names)
        extra = [c for c in names if not c.startswith("_") and c not in known]
        missing = [c for c in expected if c not in present]
        if extra:
            notes.append(f"{table}: columns not in the contract, not loaded: {', '.join(extra)}")
        if missing:
            notes.append(f"{table}: contract columns absent from the file: {', '.join(missing)}")
    return "; ".join(notes) or None


# Files read and loaded in one transaction: a feed's first load (a year of daily files) is split so
# that memory stays bounded, while each batch still pays per-statement costs once. The byte bound
# matters for HL7 and X12, whose readers hold Python strings per field (10-20x the file size).
BATCH_FILES = 256
BATCH_BYTES = 48 << 20


# Structural readers (HL7, X12, FHIR) are pure Python and CPU-bound: above this many bytes in a
# batch they run in worker processes, one file per task, while this process loads the previous
# batch into DuckDB (which has a single writer: loading stays here). Below it a pool's start-up
# costs more than it saves (a daily increment is a file or two per feed). Workers start the
# `forkserver` way, so a program that ingests must guard its entry point with
# `if __name__ == "__main__":` (its main module is imported in each worker).
PARALLEL_MIN_BYTES = 4 << 20
READ_WORKERS = os.cpu_count() or 1


class _BatchReader:
    """Reads the batches of one feed: CSV and NDJSON in this process, HL7 and X12 in a worker pool.

    `submit` starts reading a batch and returns a function that yields the batch's results in file
    order. A reader's exception is raised from that function for its file, as the serial reader
    would raise it; a worker that dies (killed, out of memory) breaks the pool, and every file it
    had not returned is then read in this process, so that no file is ever silently dropped.
    """

    def __init__(self, feed: str, workers: int) -> None:
        self.feed = feed
        contracts = contracts_for_feed(feed)
        # CSV and FHIR NDJSON are one DuckDB scan per batch (DuckDB's threads); HL7 and X12 are
        # parsed in Python, a file per worker.
        structural = bool(contracts) and contracts[0].format not in ("csv", "fhir_ndjson")
        # A daemonic process (some executors run steps in one) may not start children.
        daemon = multiprocessing.current_process().daemon
        self.workers = workers if structural and workers > 1 and not daemon else 0
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> _BatchReader:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            # Futures of a batch that was never loaded (an earlier batch failed) are dropped.
            self.pool.shutdown(wait=True, cancel_futures=True)

    def submit(self, paths: list[Path], size_bytes: int) -> Callable[[], list[ReadResult]]:
        """Start reading a batch; the returned function waits for its results, in file order."""
        if self.workers and (self.pool is not None or size_bytes >= PARALLEL_MIN_BYTES):
            if self.pool is None:
                self.pool = ProcessPoolExecutor(self.workers, mp_context=_worker_context())
            try:
                futures = [self.pool.submit(read_landed_file, path, self.feed) for path in paths]
            except BrokenProcessPool:
                self._broken()
            else:
                return lambda: [
                    self._result(f, path) for f, path in zip(futures, paths, strict=True)
                ]
        return lambda: read_landed_files(paths, self.feed)

    def _result(self, future: Future, path: Path) -> ReadResult:
        try:
            return future.result()
        except BrokenProcessPool:
            self._broken()
            return read_landed_file(path, self.feed)

    def _broken(self) -> None:
        if self.workers:
            log.warning("a read worker died: the rest of the feed is read in the ingest process")
        self.workers = 0


def _worker_context() -> multiprocessing.context.BaseContext:
    """Workers fork from a fresh server process, never from this one (DuckDB's threads run here).

    The server imports the readers once, and with them pandas, which pyarrow imports on its first
    `pa.array`: each worker would otherwise pay for those imports itself.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(
        [
            "pipelines.lib.readers.hl7v2",
            "pipelines.lib.readers.x12",
            "pipelines.lib.ingest",
            "pandas",
        ]
    )
    return context


def _ensure_zone(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists phi.raw")
    con.execute(LEDGER_DDL)
    con.execute(QUARANTINE_DDL)


def ingest_files(
    con: duckdb.DuckDBPyConnection,
    files: list[LandedFile],
    *,
    now: datetime | None = None,
    workers: int | None = None,
) -> list[FileOutcome]:
    """Ingest landed files (all of one feed) into the PHI zone; files already loaded are skipped.

    `workers` is the number of read worker processes for structural feeds (default
    `READ_WORKERS`; 1 reads every file in this process). Batch k + 1 is read while batch k loads.
    """
    now = now or datetime.now().replace(microsecond=0)
    _ensure_zone(con)
    known = {sha for (sha,) in con.execute("select sha256 from phi.raw._ledger").fetchall()}
    outcomes: list[FileOutcome] = []
    if not files:
        return outcomes
    # Exits in reverse: the pool stops before the local copies of remote files are removed.
    with ExitStack() as copies, _BatchReader(files[0].feed, workers or READ_WORKERS) as reader:
        previous = None
        for batch, batch_copies in _batches(files, known, outcomes):
            copies.push(batch_copies)
            size = sum(outcome.size_bytes for _, _, outcome in batch)
            read = reader.submit([path for _, path, _ in batch], size)
            if previous is not None:
                with _threads(con, 1 if reader.pool else None):
                    _load_batch(con, *previous[:2], now)
                previous[2].close()
            previous = (batch, read, batch_copies)
        if previous is not None:
            with _threads(con, 1 if reader.pool else None):
                _load_batch(con, *previous[:2], now)
    for outcome in outcomes:
        if outcome.status == "unbalanced":
            log.error("ledger does not balance for %s: %s", outcome.file_path, asdict(outcome))
    return outcomes


@contextmanager
def _threads(con: duckdb.DuckDBPyConnection, threads: int | None) -> Iterator[None]:
    """Run with DuckDB limited to `threads` threads (None: unchanged), then restore the setting.

    While read workers keep every core busy, DuckDB's own threads only contend with them: on two
    cores a second DuckDB thread doubled the CPU time of the load statements and made them slower.
    """
    if threads is None:
        yield
        return
    before = con.execute("select current_setting('threads')").fetchone()[0]
    con.execute(f"set threads = {int(threads)}")
    try:
        yield
    finally:
        con.execute(f"set threads = {int(before)}")


def _batches(
    files: list[LandedFile], known: set[str], outcomes: list[FileOutcome]
) -> Iterator[tuple[list[tuple[LandedFile, Path, FileOutcome]], ExitStack]]:
    """Group the files not yet loaded into batches, noting every file's outcome in `outcomes`.

    Each batch comes with the ExitStack holding its local copies of remote files.
    """
    pending = iter(files)
    exhausted = False
    while not exhausted:
        copies = ExitStack()
        batch, batch_bytes = [], 0
        for landed in pending:
            path = copies.enter_context(local_copy(landed.url))
            facility = FILE_FACILITY.match(Path(landed.relative_path).name)
            outcome = FileOutcome(
                landed.relative_path,
                landed.feed,
                sha256_of(path),
                path.stat().st_size,
                landed.extract_date,
                facility.group(1) if facility else None,
            )
            outcomes.append(outcome)
            if outcome.sha256 in known:
                outcome.status = "skipped_already_loaded"
                continue
            known.add(outcome.sha256)
            batch.append((landed, path, outcome))
            batch_bytes += outcome.size_bytes
            if len(batch) >= BATCH_FILES or batch_bytes >= BATCH_BYTES:
                break
        else:
            exhausted = True
        if batch:
            yield batch, copies
        else:
            copies.close()


def _load_batch(
    con: duckdb.DuckDBPyConnection,
    batch: list[tuple[LandedFile, Path, FileOutcome]],
    read: Callable[[], list[ReadResult]],
    now: datetime,
) -> None:
    """Load a batch of one feed's files with their ledger rows in one transaction.

    `read` returns the files' read results (see `_BatchReader.submit`).
    """
    feed = batch[0][0].feed
    contracts = load_contracts()
    for contract in contracts_for_feed(feed):
        ensure_raw_table(con, contract)
    results = read()
    parts: dict[str, list[pa.Table]] = {}
    rejects: list[tuple] = []
    for order, ((landed, _, outcome), result) in enumerate(zip(batch, results, strict=True)):
        outcome.schema_drift = _schema_drift(result, contracts)
        outcome.source_rows = result.source_records
        outcome.quarantined_rows = sum(1 for r in result.rejects if r.table not in CHILD_TABLES)
        for table, rows in result.tables.items():
            if table not in contracts:
                raise ValueError(f"{landed.relative_path}: reader produced unknown table {table!r}")
            parts.setdefault(table, []).append(_batch_rows(contracts[table], rows, landed, order))
        rejects += [
            (landed.relative_path, feed, r.table, r.source_line, r.reason, r.raw, now)
            for r in result.rejects
        ]
    by_file = {outcome.file_path: outcome for _, _, outcome in batch}
    con.execute("begin transaction")
    try:
        if rejects:
            _insert_rows(con, "phi.raw._quarantine", QUARANTINE_SCHEMA, rejects)
        for table, tables in parts.items():
            counts = _load_table(con, contracts[table], pa.concat_tables(tables), feed, now)
            for source_file, load in counts.items():
                outcome = by_file[source_file]
                if table in CHILD_TABLES:
                    outcome.child_rows_loaded += load.loaded
                    outcome.child_rows_quarantined += load.quarantined
                else:
                    outcome.loaded_rows += load.loaded
                    outcome.quarantined_rows += load.quarantined
                    outcome.duplicate_rows += load.duplicates
        for outcome in by_file.values():
            outcome.status = "loaded" if outcome.balanced else "unbalanced"
        _insert_rows(
            con,
            "phi.raw._ledger",
            LEDGER_SCHEMA,
            [
                (
                    o.file_path,
                    o.feed,
                    o.facility_id,
                    o.sha256,
                    o.size_bytes,
                    now,
                    o.extract_date,
                    o.source_rows,
                    o.loaded_rows,
                    o.quarantined_rows,
                    o.duplicate_rows,
                    o.child_rows_loaded,
                    o.child_rows_quarantined,
                    o.schema_drift,
                    o.status,
                )
                for o in by_file.values()
            ],
        )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def mirror_to_warehouse(con: duckdb.DuckDBPyConnection) -> None:
    """Copy the ledger and quarantine summary (never raw records) to the warehouse `dq` schema."""
    _ensure_zone(con)
    con.execute("create schema if not exists wh.dq")
    con.execute(
        "create or replace table wh.dq.ingest_ledger as "
        "select * exclude (status), status from phi.raw._ledger order by file_path"
    )
    con.execute(
        "create or replace table wh.dq.quarantine as "
        "select file_path, feed, table_name, source_line, reason, quarantined_at "
        "from phi.raw._quarantine order by file_path, table_name, source_line"
    )


def ingest_feeds(
    con: duckdb.DuckDBPyConnection,
    landing_url: str,
    feeds: list[str] | None = None,
    *,
    extract_dates: tuple[date, date] | None = None,
) -> list[FileOutcome]:
    """Ingest the new files of the given feeds (and days); mirror the ledger to the warehouse."""
    files = discover(landing_url, feeds, extract_dates=extract_dates)
    outcomes = []
    for feed in dict.fromkeys(f.feed for f in files):
        outcomes += ingest_files(con, [f for f in files if f.feed == feed])
    mirror_to_warehouse(con)
    return outcomes


def summarize(outcomes: list[FileOutcome]) -> dict[str, int]:
    """Totals over files, for logs and Dagster metadata (counts only)."""
    loaded = [o for o in outcomes if o.status != "skipped_already_loaded"]
    return {
        "files_seen": len(outcomes),
        "files_loaded": len(loaded),
        "files_skipped": len(outcomes) - len(loaded),
        "files_unbalanced": sum(1 for o in loaded if not o.balanced),
        "source_rows": sum(o.source_rows for o in loaded),
        "loaded_rows": sum(o.loaded_rows for o in loaded),
        "quarantined_rows": sum(o.quarantined_rows for o in loaded),
        "duplicate_rows": sum(o.duplicate_rows for o in loaded),
        "child_rows_loaded": sum(o.child_rows_loaded for o in loaded),
        "child_rows_quarantined": sum(o.child_rows_quarantined for o in loaded),
    }


def outcome_json(outcome: FileOutcome) -> str:
    """A JSON line for a file's outcome (no PHI: paths and counts)."""
    return json.dumps(asdict(outcome), default=str)
