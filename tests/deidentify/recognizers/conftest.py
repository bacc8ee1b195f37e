"""Helper shared by the table-driven recognizer tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from presidio_analyzer import PatternRecognizer


def _found(recognizer: PatternRecognizer, text: str) -> list[str]:
    """The matched substrings, in text order, above Presidio's default 0.4 threshold."""
    results = recognizer.analyze(text, recognizer.supported_entities, None)
    return [text[r.start : r.end] for r in sorted(results, key=lambda r: r.start) if r.score >= 0.4]


@pytest.fixture
def found() -> Callable[[PatternRecognizer, str], list[str]]:
    """``found(recognizer, text)`` -> the substrings the recognizer reports."""
    return _found
