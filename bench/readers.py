"""Structural reader throughput: `python -m bench.readers <landing> [--repeat 3]`.

Reads every HL7 file (`adt/`, `siu/`) and X12 file (`claims_837/`, `remits_835/`) under the landing
folder with its reader and prints top-level records per second per feed (HL7 messages, X12 CLM / CLP
loops), by wall clock and by process CPU time (the box is shared: CPU time moves less with other
jobs' load). The best of `--repeat` passes is reported; the first pass also pays for imports and the
contract load.
"""

from __future__ import annotations

import argparse
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


def measure(
    files: list[Path], reader: Callable[[Path, str], ReadResult], table: str, repeat: int
) -> tuple[int, float, float]:
    """(records, best wall seconds, best CPU seconds) over `repeat` passes."""
    walls, cpus, records = [], [], 0
    for _ in range(repeat):
        wall, cpu, records = time.perf_counter(), time.process_time(), 0
        for path in files:
            records += reader(path, table).source_records
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return records, min(walls), min(cpus)


def main() -> None:
    """Print one line per feed found under the landing folder."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("landing", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
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


if __name__ == "__main__":
    main()
