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
    header = _header(path)
    if not any(header) or len(set(header)) != len(header):
        # Without a usable header no record can be mapped: quarantine every line, keep nothing back.
        reason = (
            "header line is empty or names a column twice; the first line must name each column"
        )
        lines = decode_text(read_bytes(path)).splitlines()[1:]
        rejects = [
            Reject(contract.table, number, line, reason)
            for number, line in enumerate(lines, start=2)
            if line.strip()
        ]
        return ReadResult(path.name, len(rejects), {}, rejects)
    try:
        return _read_with_duckdb(path, contract, header)
    except duckdb.Error:
        # DuckDB's strict parser gives up on some damaged files (e.g. mixed line endings); the
        # standard library's reader is slower but splits anything, so the file still yields rows and
        # rejects.
        return _read_with_python(path, contract, header)


def _read_with_duckdb(path: Path, contract: Contract, header: list[str]) -> ReadResult:
    con = duckdb.connect()
    # Positional names inside SQL: header text is untrusted and must never reach an identifier.
    positional = [f"c{i}" for i in range(len(header))]
    columns = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in positional) + "}"
    concat = ", ".join(f"coalesce({c}, '')" for c in positional)
    rows = con.sql(
        f"""
        select *, sha256(concat_ws(chr(31), {concat})) as _row_hash
        from read_csv({_sql_str(str(path))}, header = true, auto_detect = false,
                      columns = {columns},
                      delim = ',', quote = '"', escape = '"', strict_mode = true,
                      encoding = 'utf-8', store_rejects = true,
                      rejects_table = 'rejects', rejects_scan = 'reject_scans')
        """
    ).arrow()
    if isinstance(rows, pa.RecordBatchReader):
        rows = rows.read_all()
    rows = rows.rename_columns([*header, "_row_hash"])
    errors = con.sql(
        """
        select line, min(csv_line) as csv_line,
               string_agg(error_type || '|' || coalesce(error_message, ''), chr(30)) as errors
        from rejects group by line order by line
        """
    ).fetchall()
    rejects = []
    for line, csv_line, error_list in errors:
        reasons = []
        for item in error_list.split(chr(30)):
            kind, _, message = item.partition("|")
            detail = message.split(":", 1)[-1].strip() if "Expected" in message else kind.lower()
            template = ERROR_REASONS.get(kind, kind.lower() + " ({detail})")
            reasons.append(template.format(detail=detail))
        rejects.append(
            Reject(contract.table, int(line), csv_line or "", "; ".join(dict.fromkeys(reasons)))
        )
    con.close()

    # DuckDB gives reject lines but not the line of each good row: number the good rows by the lines
    # that are left, which is exact unless a good row spans several lines (a quoted newline).
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
