"""Nightly CSV extracts, read by DuckDB's CSV reader (no Python row loop).

The dialect is fixed (comma, `"` quote and escape, header row, UTF-8) instead of sniffed: sniffing a
damaged file guesses a different dialect and silently mis-splits it. Every column is read as text;
casting to the contract types happens in `pipelines/lib/ingest.py`. Records DuckDB cannot split (bad
quoting, too many or too few columns, invalid UTF-8) come back from `store_rejects` with their line
and become `Reject`s.

"""

from __future__ import annotations

import codecs
import csv
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from data_contracts.contract import Contract
from pipelines.lib.readers.base import ReadResult, Reject, decode_text, read_bytes, row_hash

ERROR_REASONS = {
    "TOO MANY COLUMNS": "more fields than the header ({detail}); check for an unquoted comma",
    "MISSING COLUMNS": "fewer fields than the header ({detail}); check for a truncated line",
    "UNQUOTED VALUE": "badly quoted field (a quote opened but not closed or followed by text); "
    "the record runs to the next valid quote",
    "INVALID ENCODING": "invalid UTF-8 bytes; re-export the extract as UTF-8",
    "LINE SIZE OVER MAXIMUM": "line longer than the maximum line size",
    "CAST": "field could not be read ({detail})",
}


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _header(path: Path) -> list[str]:
    """The header's column names (BOM stripped, lower-cased, trimmed)."""
    with path.open("rb") as fh:
        first = fh.readline()
    if first.startswith(codecs.BOM_UTF8):
        first = first[len(codecs.BOM_UTF8) :]
    text = first.decode("utf-8", errors="replace").rstrip("\r\n")
    return [name.strip().strip('"').strip().lower() for name in text.split(",")]


def read_csv_extract(path: Path, contract: Contract) -> ReadResult:
    """Read one CSV extract into all-string columns named as in its header, plus rejects."""
    return read_csv_extracts([path], contract)[path]


def read_csv_extracts(paths: list[Path], contract: Contract) -> dict[Path, ReadResult]:
    """Read CSV extracts of one feed, one DuckDB scan per distinct header, each file its result.

    Scanning many files at once is what makes ingest keep up with a bare `read_csv`: per-file scans
    pay DuckDB's setup once per file (thousands of files a year per feed).
    """
    results: dict[Path, ReadResult] = {}
    by_header: dict[tuple[str, ...], list[Path]] = {}
    for path in paths:
        header = _header(path)
        if not any(header) or len(set(header)) != len(header):
            results[path] = _unusable_header(path, contract)
        else:
            by_header.setdefault(tuple(header), []).append(path)
    for header, group in by_header.items():
        try:
            results.update(_read_with_duckdb(group, contract, list(header)))
        except duckdb.Error:
            for path in group:
                results[path] = _read_one_damaged(path, contract, list(header))
    return {path: results[path] for path in paths}


def _unusable_header(path: Path, contract: Contract) -> ReadResult:
    """Without a usable header no record can be mapped: quarantine every line, keep nothing back."""
    reason = "header line is empty or names a column twice; the first line must name each column"
    lines = decode_text(read_bytes(path)).splitlines()[1:]
    rejects = [
        Reject(contract.table, number, line, reason)
        for number, line in enumerate(lines, start=2)
        if line.strip()
    ]
    return ReadResult(path.name, len(rejects), {}, rejects)


def _read_one_damaged(path: Path, contract: Contract, header: list[str]) -> ReadResult:
    """A file that failed a group scan: alone through DuckDB, else the standard library."""
    try:
        return _read_with_duckdb([path], contract, header)[path]
    except duckdb.Error:
        # DuckDB's strict parser gives up on some damaged files (e.g. mixed line endings); the
        # standard library's reader is slower but splits anything, so the file still yields rows and
        # rejects.
        return _read_with_python(path, contract, header)


def _reject_reason(error_list: str) -> str:
    reasons = []
    for item in error_list.split(chr(30)):
        kind, _, message = item.partition("|")
        detail = message.split(":", 1)[-1].strip() if "Expected" in message else kind.lower()
        template = ERROR_REASONS.get(kind, kind.lower() + " ({detail})")
        reasons.append(template.format(detail=detail))
    return "; ".join(dict.fromkeys(reasons))


def _read_with_duckdb(
    paths: list[Path], contract: Contract, header: list[str]
) -> dict[Path, ReadResult]:
    con = duckdb.connect()
    try:
        # Positional names inside SQL: header text is untrusted and must never reach an identifier.
        positional = [f"c{i}" for i in range(len(header))]
        columns = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in positional) + "}"
        concat = ", ".join(f"coalesce({c}, '')" for c in positional)
        listing = ", ".join(_sql_str(str(p)) for p in paths)
        # Insertion order keeps each file's rows together and in line order, which the slicing and
        # line numbering below rely on (checked, not assumed).
        rows = con.sql(
            f"""
            select {", ".join(positional)},
                   sha256(concat_ws(chr(31), {concat})) as _row_hash, filename
            from read_csv([{listing}], header = true, auto_detect = false,
                          columns = {columns}, filename = true,
                          delim = ',', quote = '"', escape = '"', strict_mode = true,
                          encoding = 'utf-8', store_rejects = true,
                          rejects_table = 'rejects', rejects_scan = 'reject_scans')
            """
        ).arrow()
        if isinstance(rows, pa.RecordBatchReader):
            rows = rows.read_all()
        errors = con.sql(
            """
            select s.file_path, r.line, min(r.csv_line) as csv_line,
                   string_agg(r.error_type || '|' || coalesce(r.error_message, ''), chr(30))
            from rejects r join reject_scans s using (scan_id, file_id)
            group by s.file_path, r.line order by s.file_path, r.line
            """
        ).fetchall()
    finally:
        con.close()
    rows = rows.rename_columns([*header, "_row_hash", "_filename"])
    names = pc.dictionary_encode(rows.column("_filename")).combine_chunks()
    position = {str(p): i for i, p in enumerate(paths)}
    lookup = np.array([position[n] for n in names.dictionary.to_pylist()], dtype=np.int64)
    file_of = lookup[names.indices.to_numpy(zero_copy_only=False)]
    rows = rows.drop_columns(["_filename"])
    if np.any(np.diff(file_of) < 0):
        raise duckdb.InvalidInputException("rows of the files came back interleaved")
    counts = np.bincount(file_of, minlength=len(paths))
    rejects_of: dict[str, list[Reject]] = {}
    for file_path, line, csv_line, error_list in errors:
        rejects_of.setdefault(file_path, []).append(
            Reject(contract.table, int(line), csv_line or "", _reject_reason(error_list))
        )
    results = {}
    offset = 0
    for index, path in enumerate(paths):
        count = int(counts[index])
        part = rows.slice(offset, count)
        offset += count
        rejects = rejects_of.get(str(path), [])
        results[path] = _number_lines(path, contract, part, rejects)
    return results


def _number_lines(
    path: Path, contract: Contract, rows: pa.Table, rejects: list[Reject]
) -> ReadResult:
    """Attach each good row's line: DuckDB reports the lines of rejects but not of good rows.

    The good rows take the lines that are left, which is exact unless a good row spans several lines
    (a quoted newline).
    """
    reject_lines = np.array(sorted({r.source_line for r in rejects}), dtype=np.int64)
    total = rows.num_rows + len(reject_lines)
    all_lines = np.arange(2, total + 2, dtype=np.int64)
    good_lines = all_lines[~np.isin(all_lines, reject_lines)][: rows.num_rows]
    if len(good_lines) < rows.num_rows:  # reject lines beyond the count: fall back to a plain count
        good_lines = np.arange(2, rows.num_rows + 2, dtype=np.int64)
    rows = rows.append_column("_source_line", pa.array(good_lines, pa.int64()))
    return ReadResult(path.name, total, {contract.table: rows}, rejects)


def _read_with_python(path: Path, contract: Contract, header: list[str]) -> ReadResult:
    """Fallback reader: one record per physical line, every structural problem a reject."""
    text = decode_text(read_bytes(path))
    lines = text.splitlines()
    width = len(header)
    good: list[list[str | None]] = []
    good_lines: list[int] = []
    hashes: list[str] = []
    rejects: list[Reject] = []
    for number, line in enumerate(lines[1:], start=2):
        try:
            [fields] = list(csv.reader([line], strict=True))
        except (csv.Error, ValueError):
            rejects.append(Reject(contract.table, number, line, "badly quoted field"))
            continue
        if len(fields) != width:
            kind = "more" if len(fields) > width else "fewer"
            reason = f"{kind} fields than the header (expected {width}, found {len(fields)})"
            rejects.append(Reject(contract.table, number, line, reason))
            continue
        good.append([f if f != "" else None for f in fields])
        good_lines.append(number)
        hashes.append(row_hash(line))
    columns = {name: pa.array([r[i] for r in good], pa.string()) for i, name in enumerate(header)}
    columns["_row_hash"] = pa.array(hashes, pa.string())
    columns["_source_line"] = pa.array(good_lines, pa.int64())
    table = pa.table(columns)
    return ReadResult(path.name, len(good) + len(rejects), {contract.table: table}, rejects)
