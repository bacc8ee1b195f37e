"""HL7 reader throughput: `python -m bench.hl7_reader <landing> [--repeat 3]`.

Reads every `adt/*.hl7` (as `adt_events`) and `siu/*.hl7` (as `siu_events`) under the landing folder
with `read_hl7v2` and prints messages/s per feed, by wall clock and by process CPU time (the box is
shared: CPU time moves less with other jobs' load). The best of `--repeat` passes is reported; the
first pass also pays for imports and the contract load.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from pipelines.lib.readers.hl7v2 import read_hl7v2

FEEDS = {"adt": "adt_events", "siu": "siu_events"}


def measure(files: list[Path], table: str, repeat: int) -> tuple[int, float, float]:
    """(messages, best wall seconds, best CPU seconds) over `repeat` passes."""
    walls, cpus, messages = [], [], 0
    for _ in range(repeat):
        wall, cpu, messages = time.perf_counter(), time.process_time(), 0
        for path in files:
            messages += read_hl7v2(path, table).source_records
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return messages, min(walls), min(cpus)


def main() -> None:
    """Print one line per feed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("landing", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for feed, table in FEEDS.items():
        files = sorted((args.landing / feed).glob("*.hl7"))
        if not files:
            continue
        messages, wall, cpu = measure(files, table, args.repeat)
        print(
            f"{feed}: {messages:,} messages in {len(files)} files; "
            f"{messages / wall:,.0f} messages/s wall, {messages / cpu:,.0f} messages/s CPU"
        )


if __name__ == "__main__":
    main()
