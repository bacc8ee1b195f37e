"""Structural reader throughput: `python -m bench.readers [<landing>] [--repeat 3]`.

Reads every HL7 file (`adt/`, `siu/`) and X12 file (`claims_837/`, `remits_835/`) under the landing
folder with its reader and prints top-level records per second per feed (HL7 messages, X12 CLM / CLP
loops), by wall clock and by process CPU time (the box is shared: CPU time moves less with other
jobs' load). The best of `--repeat` passes is reported; the first pass also pays for imports and the
contract load.

FHIR NDJSON: the files in `<landing>/fhir/`, else (the synthetic generator writes none) a synthetic
Bulk export of `--fhir-resources` resources built in a temporary folder (`bench/fhir_ndjson.py`).
Prints resources/s for the DuckDB reader (`read_fhir_ndjson_files`, batched as ingest batches),
the per-line Python reference (`read_fhir_ndjson_lines`) and the ceiling, a bare DuckDB
`create table as select * from read_json(...)` of the same files, with the ratios new/ceiling and
new/reference.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pipelines.lib.readers.base import ReadResult
from pipelines.lib.readers.hl7v2 import read_hl7v2
from pipelines.lib.readers.x12 import read_x12

# feed folder -> (file pattern, reader, contract table)
FEEDS: dict[str, tuple[str, Callable[[Path, str], ReadResult], str]] = {
    "adt": ("*.hl7", read_hl7v2, "adt_events"),
    "siu": ("*.hl7", read_hl7v2, "siu_events"),
    "claims_837": ("*.x12", read_x12, "claims"),
    "remits_835": ("*.x12", read_x12, "remits"),
}


def timed(run: Callable[[], int], repeat: int) -> tuple[int, float, float]:
    """(records, best wall seconds, best CPU seconds) of `run` over `repeat` passes."""
    walls, cpus, records = [], [], 0
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        records = run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return records, min(walls), min(cpus)


def measure(
    files: list[Path], reader: Callable[[Path, str], ReadResult], table: str, repeat: int
) -> tuple[int, float, float]:
    """(records, best wall seconds, best CPU seconds) over `repeat` passes."""
    return timed(lambda: sum(reader(path, table).source_records for path in files), repeat)


def _batches(files: list[Path]) -> list[list[Path]]:
    """The files in the batches ingest reads together (BATCH_FILES files or BATCH_BYTES bytes)."""
    from pipelines.lib.ingest import BATCH_BYTES, BATCH_FILES

    batches: list[list[Path]] = [[]]
    size = 0
    for path in files:
        if len(batches[-1]) >= BATCH_FILES or size >= BATCH_BYTES:
            batches.append([])
            size = 0
        batches[-1].append(path)
        size += path.stat().st_size
    return batches


def fhir_rates(files: list[Path], repeat: int) -> dict[str, tuple[int, float, float]]:
    """Records, wall and CPU seconds for the DuckDB reader, the reference and the ceiling."""
    import duckdb

    from pipelines.lib.readers.fhir_ndjson import read_fhir_ndjson_lines
    from pipelines.lib.readers.fhir_ndjson_bulk import read_fhir_ndjson_files

    def new() -> int:
        return sum(
            result.source_records
            for batch in _batches(files)
            for result in read_fhir_ndjson_files(batch).values()
        )

    def reference() -> int:
        return sum(read_fhir_ndjson_lines(path).source_records for path in files)

    listing = ", ".join("'" + str(p).replace("'", "''") + "'" for p in files)

    def ceiling() -> int:
        con = duckdb.connect()
        try:
            con.execute(
                f"create table t as select * from read_json([{listing}], "
                "format = 'newline_delimited', union_by_name = true)"
            )
            return con.execute("select count(*) from t").fetchone()[0]
        finally:
            con.close()

    return {
        "duckdb": timed(new, repeat),
        "reference": timed(reference, repeat),
        "ceiling": timed(ceiling, repeat),
    }


def print_fhir(files: list[Path], repeat: int, source: str) -> None:
    """Print resources/s of the DuckDB reader, the reference and the ceiling, and the ratios."""
    size = sum(p.stat().st_size for p in files)
    rates = fhir_rates(files, repeat)
    records = rates["duckdb"][0]
    print(f"fhir ({source}): {records:,} resources, {size / 1e6:.1f} MB in {len(files)} files")
    for name, (records, wall, cpu) in rates.items():
        print(
            f"  {name:9s} {records / wall:>10,.0f} resources/s wall, "
            f"{records / cpu:>10,.0f} resources/s CPU"
        )
    new, ref, ceiling = rates["duckdb"], rates["reference"], rates["ceiling"]
    print(
        f"  duckdb/ceiling {ceiling[1] / new[1]:.2f}x wall, {ceiling[2] / new[2]:.2f}x CPU; "
        f"duckdb/reference {ref[1] / new[1]:.2f}x wall, {ref[2] / new[2]:.2f}x CPU"
    )


def main() -> None:
    """Print one line per feed found under the landing folder, then the FHIR NDJSON figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("landing", type=Path, nargs="?")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--fhir-resources", type=int, default=100_000)
    parser.add_argument("--fhir-files", type=int, default=20)
    args = parser.parse_args()
    if args.landing is not None:
        for feed, (pattern, reader, table) in FEEDS.items():
            files = sorted((args.landing / feed).glob(pattern))
            if not files:
                continue
            records, wall, cpu = measure(files, reader, table, args.repeat)
            size = sum(p.stat().st_size for p in files)
            print(
                f"{feed}: {records:,} records, {size / 1e6:.1f} MB in {len(files)} files; "
                f"{records / wall:,.0f} records/s wall, {records / cpu:,.0f} records/s CPU"
            )
    landed = sorted((args.landing / "fhir").glob("*.ndjson")) if args.landing else []
    if landed:
        print_fhir(landed, args.repeat, "landing")
        return
    from bench.fhir_ndjson import write_export

    with tempfile.TemporaryDirectory(prefix="bench-fhir-") as tmp:
        files = write_export(Path(tmp), args.fhir_resources, args.fhir_files)
        print_fhir(files, args.repeat, "synthetic")


if __name__ == "__main__":
    main()
