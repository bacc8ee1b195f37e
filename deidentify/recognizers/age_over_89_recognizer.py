"""Ages over 89 (HIPAA: must be aggregated into "90 or older") as AGE."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from presidio_analyzer import Pattern, PatternRecognizer

_AGE = r"(?:9\d|1[01]\d)"
# A birth cue: Safe Harbor keeps a year alone, except "all elements of dates (including year)
# indicative of" an age over 89 (45 CFR 164.514(b)(2)(i)(C)); after such a cue the year is one.
_BIRTH_CUE = r"(?:born(?:\s+in)?|date\s+of\s+birth|year\s+of\s+birth|d\.?o\.?b\.?|yob)"


class AgeOver89Recognizer(PatternRecognizer):
    """Recognize ages over 89, and birth years that make the age 90 or more.

    Ages 90-119 written as "92 y/o", "92yo", "95-year-old", "aged 95", "age: 91"; birth years
    after a birth cue ("born in 1931", "YOB: 1930"). Only the number is the span, so "92 y/o F"
    becomes "<AGE_90_PLUS> y/o F". Ages up to 89 are not PHI and are not matched; neither are
    temperatures ("98 F") or weights ("95 kg"). A birth year counts from the current year:
    later than this year minus 90, it is kept.
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
        Pattern(
            "Birth year after a birth cue (checked against today's year)",
            r"\b" + _BIRTH_CUE + r"\s*:?\s*\K(?:1[89]\d\d|20\d\d)\b(?![/.-]\d)",
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

    def invalidate_result(self, pattern_text: str) -> bool | None:
        """Drop a birth year that cannot make the age 90 or more (ages are 2-3 digits)."""
        if len(pattern_text) == 4:
            return int(pattern_text) > date.today().year - 90
        return None
