"""Benchmark entry point for the harness (never called by the tests)."""

from __future__ import annotations

import tempfile
import time
from datetime import date
from pathlib import Path


def time_generation(
    scale: str, days: int, seed: int = 7, out: Path | None = None
) -> tuple[float, dict[str, int]]:
    """Generate `days` of `scale` and return (wall seconds, rows per feed).

    Args:
        scale: demo, clinic, hospital or system.
        days: extract days to generate.
        seed: random seed.
        out: landing folder; a temporary folder (deleted afterwards) when None.

    Returns:
        Elapsed seconds and the summary's row counts.
    """
    from pipelines.synthetic.generator import generate

    with tempfile.TemporaryDirectory() as tmp:
        target = Path(out) if out else Path(tmp) / "landing"
        t0 = time.perf_counter()
        summary = generate(target, scale, days, seed, date(2026, 1, 1))
        return time.perf_counter() - t0, dict(summary.rows)
