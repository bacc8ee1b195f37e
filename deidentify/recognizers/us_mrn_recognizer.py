"""Medical record numbers (MRN) in free text."""

from __future__ import annotations

from typing import ClassVar

import regex as re
from presidio_analyzer import Pattern, PatternRecognizer

_ISO_DATE = re.compile(r"#?(?:19|20)\d{2}-\d{1,2}-\d{1,2}")


class UsMrnRecognizer(PatternRecognizer):
    """Recognize medical record numbers.

    Two shapes cover hospital MRNs: a prefixed alphanumeric id ("MRN00001234", "MR-1234567") that
    is unambiguous on its own, and a 5-10 digit number (optionally with a short letter prefix)
    right after an MRN cue ("MRN: 880417", "medical record # 12345678", "chart no. 4455667").
    Bare digit runs are left alone: without the cue they are lab values or order numbers.
    """

    COUNTRY_CODE = "us"
    # Variable-length look-behind works because Presidio matches with the `regex` module.
    _CUE = (
        r"(?:\bMRN|\bMR\s*#|\bMR\s+(?:no|num(?:ber)?)\.?|\bmed(?:ical)?\.?\s*rec(?:ord)?s?"
        r"(?:\s*(?:number|num|no\.?|#))?|\bchart\s*(?:number|num|no\.?|#)|\bpatient\s+id"
        r"|\bpt\.?\s+id|\bhospital\s+(?:number|no\.?|#|id)|\bEMR|\bEHR|\brecord\s*(?:number|no\.?|#))"
    )
    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern("MRN prefixed id (strong)", r"\bMRN[-_#]?\d{4,12}\b", 0.9),
        Pattern(
            "MRN after cue (strong)",
            # Hospitals format MRNs freely ("880417", "113-46-702", "UCSF-80417", "12345XJ"):
            # after the cue, any letters/digits/hyphens token with at least four digits.
            r"(?:" + _CUE + r")(?:'s)?\s*(?:[:#=]{1,2}|is|of)?\s*#?\s*\K"
            r"(?=(?:[A-Z-]*\d){4})[A-Z0-9][A-Z0-9-]{3,24}\b",
            0.9,
        ),
    ]
    CONTEXT: ClassVar[list[str]] = [
        "mrn",
        "medical record",
        "record number",
        "chart",
        "patient id",
    ]

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_entity="MRN",
            patterns=self.PATTERNS,
            context=self.CONTEXT,
            supported_language=supported_language,
            name="UsMrnRecognizer",
        )

    def invalidate_result(self, pattern_text: str) -> bool:
        """Reject dates that follow a record cue ("chart 2023-01-02" is a date, not an MRN).

        Args:
            pattern_text: The matched text.

        Returns:
            True when the match looks like an ISO date.
        """
        return bool(_ISO_DATE.fullmatch(pattern_text))
