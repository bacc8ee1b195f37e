"""Shared helpers for the reader tests: shape and ledger checks, the realdata path."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest

from pipelines.lib.readers.base import ReadResult

# ../shared/realdata next to the repository: public sample files, read in place, never copied.
REALDATA = Path(__file__).resolve().parents[2].parent / "shared" / "realdata"
CHILD_TABLES = {"claim_lines", "remit_adjustments"}


def needs_realdata() -> pytest.MarkDecorator:
    """Skip a test when the public sample folder is not there."""
    return pytest.mark.skipif(not REALDATA.is_dir(), reason=f"{REALDATA} not present")


def write(directory: Path, name: str, content: str | bytes) -> Path:
    """Write a fixture file (text is written as UTF-8 with its line endings untouched)."""
    path = directory / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def check_shape(result: ReadResult) -> None:
    """Every table: all-string contract columns, `_source_line` int64, `_row_hash` sha256 hex."""
    for table in result.tables.values():
        for name, typ in zip(table.schema.names, table.schema.types, strict=True):
            if name == "_source_line":
                assert typ == pa.int64()
            else:
                assert typ == pa.string(), name
        for digest in table.column("_row_hash").to_pylist():
            assert len(digest) == 64 and int(digest, 16) >= 0
        for line in table.column("_source_line").to_pylist():
            assert line >= 1


def check_ledger(result: ReadResult) -> None:
    """source_records == records that produced parent rows + top-level rejects."""
    parents = [t for name, t in result.tables.items() if name not in CHILD_TABLES]
    emitted = sum(t.num_rows for t in parents)
    top_rejects = [r for r in result.rejects if r.table not in CHILD_TABLES]
    assert result.source_records == emitted + len(top_rejects), (
        result.source_records,
        emitted,
        len(top_rejects),
    )
    for reject in result.rejects:
        assert reject.source_line >= 1
        assert reject.reason


def synthea_bundle_lines(bundles: list[Path]) -> list[str]:
    """Synthea FHIR bundles flattened to Bulk-style NDJSON lines (one entry resource per line)."""
    return [
        json.dumps(entry["resource"])
        for bundle in bundles
        for entry in json.loads(bundle.read_text(encoding="utf-8")).get("entry", [])
        if "resource" in entry
    ]
