"""Weekday names ("seen last Friday", "on Tuesday morning") as DATE_TIME."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern, PatternRecognizer

_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
# A lower-case weekday counts only after a word that makes it a day; "on" stays out of the span.
CUED_LOWER_WEEKDAY = (
    r"(?-i:\b(?:on[ \t]+\K|(?:last|next|this|past|coming)[ \t]+)" + _WEEKDAY.lower() + r"\b(?!s))"
)


class WeekdayRecognizer(PatternRecognizer):
    """Recognize a weekday name, with "last", "next", "this", "on" before it kept in the span.

    Why: a weekday is an element of a date (45 CFR 164.514(b)(2)(i)(C)): next to the note's
    own date, "seen last Friday" or "fell on Tuesday" gives the exact day of an encounter.
    Vaguer relative phrases ("last week", "2 days ago") are not dates and stay. Names are
    case-sensitive, so "sunday" in a lower-case product or the plural in "Mondays" (a
    schedule, not a date) do not match, except after a word that makes it a day ("on friday",
    "last monday"), as people write in texts typed without capitals.
    """

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "Weekday (medium)",
            r"(?-i:\b(?:(?:[Ll]ast|[Nn]ext|[Tt]his|[Pp]ast|[Cc]oming)[ \t]+)?"
            + _WEEKDAY
            + r"\b(?!s))",
            0.6,
        ),
        Pattern(
            "Lower-case weekday after a day cue (medium)",
            CUED_LOWER_WEEKDAY,
            0.6,
        ),
    ]

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_entity="DATE_TIME",
            patterns=self.PATTERNS,
            context=[],
            supported_language=supported_language,
            name="WeekdayRecognizer",
        )
