"""The CSV reader splits every public Synthea CSV with no loss (skips when ../shared is absent)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from data_contracts.contract import load_contracts
from pipelines.lib.readers.csv_extract import read_csv_extract

pytestmark = pytest.mark.realdata


def synthea_csvs(realdata: Path) -> list[Path]:
    return sorted(realdata.glob("synthea-csv-dbt-synthea/*.csv")) + sorted(
        realdata.glob("synthea-2024-run/csv/**/*.csv")
    )


def test_every_synthea_csv_is_read_record_for_record(realdata: Path) -> None:
    files = synthea_csvs(realdata)
    assert files, "no Synthea CSV found under realdata"
    # Any contract will do: the reader splits records structurally; casting comes later.
    contract = load_contracts()["patients"]
    for path in files:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            expected = sum(1 for _ in csv.reader(fh)) - 1
        result = read_csv_extract(path, contract)
        rows = sum(t.num_rows for t in result.tables.values())
        assert result.rejects == [], path.name
        assert rows == expected == result.source_records, path.name
