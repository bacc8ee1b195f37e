"""Nightly CSV extracts, read by DuckDB's CSV reader (no Python row loop).

The dialect is fixed (comma, `"` quote and escape, header row, UTF-8) instead of sniffed: sniffing a
damaged file guesses a different dialect and silently mis-splits it. Every column is read as text;
casting to the contract types happens in `pipelines/lib/ingest.py`. Records DuckDB cannot split (bad
quoting, too many or too few columns, invalid UTF-8) come back from `store_rejects` with their line
and become `Reject`s.

"""

from __future__ import annotations

import codecs
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from data_contracts.contract import Contract
from pipelines.lib.readers.base import ReadResult, Reject

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


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


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
        raw = path.read_bytes()[:2000].decode("utf-8", errors="replace")
        reason = "missing or duplicated header names; the first line must name every column once"
        return ReadResult(path.name, 1, {}, [Reject(contract.table, 1, raw, reason)])
    con = duckdb.connect()
    columns = "{" + ", ".join(f"{_sql_str(h)}: 'VARCHAR'" for h in header) + "}"
    concat = ", ".join(f"coalesce({_ident(h)}, '')" for h in header)
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
