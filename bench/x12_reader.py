"""X12 reader throughput: `python -m bench.x12_reader <landing> [--repeat 3]`.

Reads every `claims_837/*.x12` (as `claims`) and `remits_835/*.x12` (as `remits`) under the landing
folder with `read_x12` and prints records/s (CLM / CLP loops) per feed, by wall clock and by process
CPU time (the box is shared: CPU time moves less with other jobs' load). The best of `--repeat`
passes is reported; the first pass also pays for imports and the contract load.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from pipelines.lib.readers.x12 import read_x12

FEEDS = {"claims_837": "claims", "remits_835": "remits"}


def measure(files: list[Path], table: str, repeat: int) -> tuple[int, int, float, float]:
    """(records, bytes, best wall seconds, best CPU seconds) over `repeat` passes."""
    walls, cpus, records = [], [], 0
    for _ in range(repeat):
        wall, cpu, records = time.perf_counter(), time.process_time(), 0
        for path in files:
            records += read_x12(path, table).source_records
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return records, sum(p.stat().st_size for p in files), min(walls), min(cpus)


def main() -> None:
    """Print one line per feed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("landing", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for feed, table in FEEDS.items():
        files = sorted((args.landing / feed).glob("*.x12"))
        if not files:
            continue
        records, size, wall, cpu = measure(files, table, args.repeat)
        print(
            f"{feed}: {records:,} records, {size / 1e6:.1f} MB in {len(files)} files; "
            f"{records / wall:,.0f} records/s wall, {records / cpu:,.0f} records/s CPU"
        )


if __name__ == "__main__":
    main()
