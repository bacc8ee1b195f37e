"""US ZIP codes (HIPAA allows only the first three digits) as ZIP."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern, PatternRecognizer

from deidentify.recognizers.us_address_terms import STATE_RE


class UsZipRecognizer(PatternRecognizer):
    """Recognize ZIP and ZIP+4 codes after a state or a "zip" cue.

    A bare five-digit number is a lab value or an order number far more often than a ZIP, so
    ZIP5 needs a state code before it ("MA 02115") or a cue word ("zip 02115"); ZIP+4 is
    distinctive enough on its own.
    """

    COUNTRY_CODE = "us"
    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "ZIP after state (strong)",
            r"\b" + STATE_RE + r"\.?,?\s{1,3}\K\d{5}(?:-\d{4})?\b",
            0.8,
        ),
        Pattern(
            "ZIP after cue (strong)",
            r"\b(?:zip|zipcode|zip\s+code|postal\s+code)\s*(?:code)?\s*(?:[:#]|is)?\s*\K"
            r"\d{5}(?:-\d{4})?\b",
            0.9,
        ),
        Pattern("ZIP+4 (medium)", r"(?<![\d-])\d{5}-\d{4}(?![\d-])", 0.5),
    ]
    CONTEXT: ClassVar[list[str]] = ["zip", "zipcode", "postal", "address"]

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_entity="ZIP",
            patterns=self.PATTERNS,
            context=self.CONTEXT,
            supported_language=supported_language,
            name="UsZipRecognizer",
        )
