"""US telephone and fax numbers, with extensions, as PHONE_NUMBER."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern, PatternRecognizer


class UsPhoneFaxRecognizer(PatternRecognizer):
    """Recognize US (NANP) phone and fax numbers.

    Presidio's PhoneRecognizer (libphonenumbers) scores plain numbers 0.4 and misses extensions
    and bare 10-digit runs after "fax:"; this recognizer adds the formats clinicians type:
    (617) 555-0123, 617-555-0123 x204, 617.555.0123, +1 617 555 0123, "fax 6175550123",
    "call 555-0123". The whole number, extension included, is one span.
    """

    COUNTRY_CODE = "us"
    _EXT = r"(?:\s*(?:x|ext\.?|extension|#)\s*\d{1,6})?"
    _CUE = r"(?:phone|ph|tel|telephone|cell|mobile|fax|facsimile|pager|beeper|call|contact|#)"
    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "NANP with separators (strong)",
            r"(?<![\w-])(?:(?:\+?1|001)[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}"
            + _EXT
            + r"(?![\w-])",
            0.7,
        ),
        Pattern(
            "Bare 10-digit NANP number (medium)",
            # Area code and exchange both start 2-9 (NANP), which most 10-digit ids do not.
            r"(?<![\w-])[2-9]\d{2}[2-9]\d{6}(?![\w-])",
            0.5,
        ),
        Pattern(
            "10 digits after phone/fax cue (strong)",
            r"\b" + _CUE + r"\s*(?:number|no\.?|#)?\s*[:#]?\s*\K(?:\+?1)?\d{10}" + _EXT + r"\b",
            0.8,
        ),
        Pattern(
            "7-digit local after phone/fax cue (medium)",
            r"\b" + _CUE + r"\s*(?:number|no\.?|#)?\s*[:#]?\s*\K\d{3}[-.]\d{4}" + _EXT + r"\b",
            0.6,
        ),
    ]
    CONTEXT: ClassVar[list[str]] = [
        "phone",
        "telephone",
        "tel",
        "cell",
        "mobile",
        "fax",
        "call",
        "contact",
        "pager",
    ]

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_entity="PHONE_NUMBER",
            patterns=self.PATTERNS,
            context=self.CONTEXT,
            supported_language=supported_language,
            name="UsPhoneFaxRecognizer",
        )

    def invalidate_result(self, pattern_text: str) -> bool:
        """Reject runs of one repeated digit ("000-000-0000").

        Placeholder numbers such as 123-456-7890 are kept on purpose: whatever is written as a
        phone number in a note is redacted, valid NANP or not.

        Args:
            pattern_text: The matched text.

        Returns:
            True when the number is a filler run.
        """
        digits = "".join(c for c in pattern_text.split("x")[0] if c.isdigit())
        return len(set(digits)) == 1
