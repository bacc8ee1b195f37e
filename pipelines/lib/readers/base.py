"""The interface every reader returns, and the helpers the structural readers share.

A reader splits one landed file into records and returns them as all-string columns named as in the
contract; `pipelines/lib/ingest.py` casts, quarantines, de-duplicates and loads them. Readers never
raise on bad content: a record they cannot read becomes a `Reject` (raw text + an actionable reason
that never contains a field value), so the ledger invariant `source_records == parent records
emitted + top-level rejects` holds for every file.
"""

from __future__ import annotations

import codecs
import gc
import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache, lru_cache
from pathlib import Path

import pyarrow as pa

from data_contracts.contract import load_contracts


@dataclass(frozen=True)
class Reject:
    """A record the reader could not turn into rows."""

    table: str | None  # contract table the record was meant for, None if unknown
    source_line: int  # 1-based line in the file where the record starts
    raw: str  # the raw record text (PHI: it only ever goes to the encrypted PHI zone)
    reason: str  # a reason a person can act on, naming file/segment/field/rule, NEVER a field value


@dataclass
class ReadResult:
    """What a reader found in one file."""

    source_file: str
    # Top-level records seen: HL7 messages, X12 claims (CLM) / claim payments (CLP), NDJSON lines.
    source_records: int
    # Contract table -> rows; every contract column (pa.string(), None for empty), plus
    # `_source_line`
    # (int64) and `_row_hash` (sha256 hex of the raw record text).
    tables: dict[str, pa.Table]
    rejects: list[Reject] = field(default_factory=list)


def read_bytes(path: Path) -> bytes:
    """Read a landed file: an I/O error (named with the file) is all a reader lets escape."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise OSError(f"{Path(path).name}: cannot read the file ({exc.strerror or exc})") from exc


def decode_text(data: bytes) -> str:
    """Decode a file's bytes without ever failing.

    UTF-8 first (a leading BOM is dropped). When the file is not valid UTF-8 the fallback is applied
    per line, so one mis-encoded record (typically cp1252 from a Windows interface engine) does not
    change how the other records decode: cp1252 first, latin-1 last (latin-1 maps every byte, so it
    cannot fail).
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # keepends so that \r, \r\n and \n survive exactly: the readers count lines themselves.
    return "".join(decode_record(line) for line in data.splitlines(keepends=True))


def decode_record(data: bytes) -> str:
    """Decode one record's bytes: UTF-8, else cp1252, else latin-1."""
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def row_hash(raw: str) -> str:
    """sha256 hex of a raw record's text (the de-duplication key of last resort)."""
    return hashlib.sha256(raw.encode("utf-8", errors="surrogatepass")).hexdigest()


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a file is read; switch it back on if it was on.

    A structural reader keeps every record's strings, lists and dicts alive until the tables are
    built: millions of young objects that the collector would traverse again and again (half of
    the read time of an HL7 or X12 file). The readers make no reference cycles worth collecting.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


@cache
def contract_columns(table: str) -> tuple[str, ...]:
    """The contract's column names for `table`, in contract order.

    Cached: readers ask once per file, and parsing every contract's YAML costs more than reading a
    small file's records. A contract change takes effect in a new process.
    """
    return tuple(load_contracts()[table].column_names)


def build_table(
    columns: Sequence[str],
    rows: Iterable[dict[str, str | None]],
    lines: Sequence[int],
    hashes: Sequence[str],
) -> pa.Table:
    """Build an all-string table: every contract column plus `_source_line` and `_row_hash`.

    Empty strings become None so that "not sent" and "sent empty" look the same to the casting step.
    """
    rows = list(rows)
    data: dict[str, pa.Array] = {}
    for col in columns:
        data[col] = pa.array([(r.get(col) or None) for r in rows], type=pa.string())
    data["_source_line"] = pa.array(list(lines), type=pa.int64())
    data["_row_hash"] = pa.array(list(hashes), type=pa.string())
    return pa.table(data)


_HL7_TS = re.compile(
    r"^(\d{4})(\d{2})(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:\.\d{1,4})?)?)?)?([+-]\d{4})?$"
)


@lru_cache(maxsize=4096)
def _is_date(digits: str) -> bool:
    """Whether 8 ASCII digits `YYYYMMDD` name a real day (cached: a feed repeats few dates)."""
    try:
        date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return False
    return True


def hl7_timestamp(value: str | None) -> str | None:
    """HL7 TS/DTM `YYYYMMDD[HH[MM[SS[.S]]]][+/-ZZZZ]` -> `YYYY-MM-DD HH:MM:SS` (local time as sent).

    The UTC offset is dropped: every timestamp in the warehouse is local facility time. Fractions of
    a second are dropped too. A value that is not a valid timestamp (including one with less than
    day precision) is returned unchanged so that the casting step quarantines it with a reason.
    """
    if not value:
        return None
    value = value.strip()
    # strftime, the regex and datetime cost more than all other fields of an HL7 message together,
    # so the usual shapes are formatted from their validated digits: the same text, except that
    # strftime pads no year below 1000 and prints ASCII for other digits (`\d` matches them), so
    # those keep strftime.
    plain = value.isascii() and value[:1] != "0"
    if plain and len(value) in (8, 10, 12, 14) and value.isdigit():
        hh, mm, ss = value[8:10] or "00", value[10:12] or "00", value[12:14] or "00"
        if hh < "24" and mm < "60" and ss < "60" and _is_date(value[:8]):
            return f"{value[:4]}-{value[4:6]}-{value[6:8]} {hh}:{mm}:{ss}"
        return value
    match = _HL7_TS.match(value)
    if not match:
        return value
    y, mo, d, h, mi, s, _offset = match.groups()
    try:
        ts = datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0))
    except ValueError:
        return value
    if plain:
        return f"{y}-{mo}-{d} {h or '00'}:{mi or '00'}:{s or '00'}"
    return ts.strftime("%Y-%m-%d %H:%M:%S")


def hl7_date(value: str | None) -> str | None:
    """HL7 DT/TS -> `YYYY-MM-DD` (the date part); invalid values are returned unchanged."""
    if not value:
        return None
    value = value.strip()
    if len(value) in (8, 10, 12, 14) and value.isascii() and value.isdigit():
        # The common shape, read by slicing (see hl7_timestamp); isoformat pads the year too.
        return f"{value[:4]}-{value[4:6]}-{value[6:8]}" if _is_date(value[:8]) else value
    match = _HL7_TS.match(value)
    if not match:
        return value
    y, mo, d = match.group(1, 2, 3)
    try:
        return date(int(y), int(mo), int(d)).isoformat()
    except ValueError:
        return value
