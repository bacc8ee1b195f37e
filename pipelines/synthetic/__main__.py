"""CLI: `python -m pipelines.synthetic --scale demo --days 30 --seed 7 --out data/landing`."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from pipelines.synthetic.config import SCALES
from pipelines.synthetic.generator import generate


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, generate, print a one-line summary per feed."""
    ap = argparse.ArgumentParser(prog="python -m pipelines.synthetic", description=__doc__)
    ap.add_argument("--scale", choices=sorted(SCALES), default="demo")
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=Path("data/landing"))
    ap.add_argument("--start", type=date.fromisoformat, default=date(2026, 1, 1))
    ap.add_argument(
        "--mess",
        type=float,
        default=0.02,
        help="rate of HL7 mess (cancels, late, duplicates); 0 = off",
    )
    ap.add_argument("--no-progress", action="store_true")
    args = ap.parse_args(argv)
    summary = generate(
        args.out,
        args.scale,
        args.days,
        args.seed,
        args.start,
        args.mess,
        progress=not args.no_progress,
    )
    for feed, n in sorted(summary.rows.items()):
        print(f"{feed:14s} {n:>10,d}")
    print(f"{'files':14s} {summary.files:>10,d}\n{'phi_spans':14s} {summary.phi_spans:>10,d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
