"""Clinical date formats (HIPAA: all elements of dates except the year) as DATE_TIME."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern, PatternRecognizer

from deidentify.recognizers.clinical_terms import VITALS_RE

# Month names stay case-sensitive ("May", "MAR") so that the verb "may" and "mar" never match.
_MONTH = (
    r"(?-i:(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?"
    r"|JAN|FEB|MAR|APR|MAY|JUNE?|JULY?|AUG|SEPT?|OCT|NOV|DEC)\.?)"
)
_DAY = r"(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?"
_TIME = r"(?:(?:\s+|T)(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?:\s?[AaPp]\.?[Mm]\.?)?)?"


class ClinicalDateRecognizer(PatternRecognizer):
    """Recognize the date formats found in notes and scheduler comments.

    Covers 01/02/2026, 1/2/26, 1-2-2026, 2026-01-02 (with an optional time), Jan 2 2026,
    January 2nd, 2026, 2 Jan 2026, 02-Jan-2026, Jan 2026 and month-day without a year
    ("March 5th").
    Month/day with slashes and no year ("on 3/4") needs a preceding cue because a bare "3/4"
    is a fraction or a ratio. A year alone is not PHI under Safe Harbor and is left alone.
    """

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "Numeric m/d/y (strong)",
            r"(?<![\d/.-])(?:0?[1-9]|1[0-2])([/.-])(?:0?[1-9]|[12]\d|3[01])\1(?:19|20)?\d{2}"
            + _TIME
            + r"(?![\d/])",
            0.85,
        ),
        Pattern(
            "ISO y-m-d (strong)",
            r"(?<![\d-])(?:18|19|20)\d{2}([-/.])(?:0?[1-9]|1[0-2])\1(?:0?[1-9]|[12]\d|3[01])"
            + _TIME
            + r"(?![\d-])",
            0.85,
        ),
        Pattern(
            "Month d, y (strong)",
            r"\b" + _MONTH + r"\s*" + _DAY + r"\b(?:,?\s*(?:19|20)\d{2}\b)?" + _TIME,
            0.8,
        ),
        Pattern(
            "d Month y (strong)",
            r"\b" + _DAY + r"\s+(?:of\s+)?" + _MONTH + r"(?:,?\s*(?:19|20)\d{2}\b)?",
            0.8,
        ),
        # The DD-Mon-YYYY form of Oracle-based clinical systems and lab reports ("17-Feb-2023",
        # "05/MAR/24"): the "d Month y" pattern above takes spaces only.
        Pattern(
            "d-Mon-y (strong)",
            r"(?<![\d/-])(?:0?[1-9]|[12]\d|3[01])([-/])"
            + _MONTH
            + r"\1(?:(?:19|20)\d{2}|\d{2})(?![\d/-])"
            + _TIME,
            0.85,
        ),
        Pattern("Month y (medium)", r"\b" + _MONTH + r",?\s+(?:19|20)\d{2}\b", 0.6),
        Pattern(
            "m/d after cue (medium)",
            r"\b(?:on|since|from|until|till|thru|through|dated|DOS|DOB|seen|admitted|"
            r"discharged|returned|last|next|scheduled|f/u|follow[- ]up)\s*:?\s*\K"
            r"(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01])(?![\d/])",
            0.6,
        ),
    ]
    CONTEXT: ClassVar[list[str]] = [
        "dob",
        "date",
        "born",
        "birth",
        "admitted",
        "discharged",
        "seen",
        "on",
        "dos",
    ]

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_entity="DATE_TIME",
            patterns=self.PATTERNS,
            context=self.CONTEXT,
            supported_language=supported_language,
            name="ClinicalDateRecognizer",
        )

    def invalidate_result(self, pattern_text: str) -> bool:
        """Reject blood-pressure readings that slipped through ("120/80").

        Args:
            pattern_text: The matched text.

        Returns:
            True when the match is a vital sign, not a date.
        """
        return bool(VITALS_RE.match(pattern_text)) and pattern_text.count("/") == 1
