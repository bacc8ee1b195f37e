"""One demo run shared by the synthetic-generator tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipelines.synthetic import GenerationSummary, generate


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GenerationSummary]:
    """Two weeks of the demo scale around the March DST change, so the change is covered."""
    out = tmp_path_factory.mktemp("synthetic") / "landing"
    summary = generate(out, "demo", 14, 7, date(2026, 3, 1))
    return out, summary
