"""Social security numbers after an explicit "SSN" cue, placeholders included, as US_SSN."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern, PatternRecognizer


class UsSsnCueRecognizer(PatternRecognizer):
    """Recognize any nine-digit SSN written right after "SSN", "SS#" or "social security".

    Presidio's UsSsnRecognizer rejects never-issued and published sample numbers
    ("123-45-6789", "000-..", "666-..") to protect precision on general text. In a note,
    whatever follows "SSN:" is meant as one, and test or placeholder values copied from
    upstream systems must still be removed, so this recognizer does not validate.
    """

    COUNTRY_CODE = "us"
    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "Nine digits after SSN cue (strong)",
            r"\b(?:SSN|SS\s*#|SS\s+(?:no|num(?:ber)?)\.?|social(?:\s+security)?(?:\s+(?:number|"
            r"num|no\.?|#))?|soc\s+sec(?:\s*#)?)\s*(?:[:#=]{1,2}|is|of)?\s*\K"
            r"\d{3}([- .]?)\d{2}\1\d{4}\b",
            0.9,
        ),
    ]
    CONTEXT: ClassVar[list[str]] = ["ssn", "social security"]

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_entity="US_SSN",
            patterns=self.PATTERNS,
            context=self.CONTEXT,
            supported_language=supported_language,
            name="UsSsnCueRecognizer",
        )
