"""Ages over 89 (HIPAA: must be aggregated into "90 or older") as AGE."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern, PatternRecognizer

_AGE = r"(?:9\d|1[01]\d)"


class AgeOver89Recognizer(PatternRecognizer):
    """Recognize ages 90-119 written as "92 y/o", "92yo", "95-year-old", "aged 95", "age: 91".

    Only the number is the span, so "92 y/o F" becomes "<AGE_90_PLUS> y/o F". Ages up to 89 are
    not PHI and are not matched; neither are temperatures ("98 F") or weights ("95 kg").
    """

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "Age before years-old marker (strong)",
            r"\b" + _AGE + r"(?=\s*-?\s*(?:y/?o\b|yo\b|y\.o\.|yrs?\b|years?\b|year-old|yr-old))",
            0.85,
        ),
        Pattern(
            "Age after cue (strong)",
            r"\b(?:aged?|age\s*:|age\s+of|ages)\s*\K" + _AGE + r"\b(?!\s*(?:kg|lb|%|mg))",
            0.85,
        ),
    ]
    CONTEXT: ClassVar[list[str]] = ["age", "aged", "year", "old", "yo"]

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_entity="AGE",
            patterns=self.PATTERNS,
            context=self.CONTEXT,
            supported_language=supported_language,
            name="AgeOver89Recognizer",
        )
