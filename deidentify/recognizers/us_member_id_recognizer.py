"""Health plan member / subscriber / beneficiary ids (HIPAA identifier I) in free text."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern, PatternRecognizer


class UsMemberIdRecognizer(PatternRecognizer):
    """Recognize insurance member ids.

    Commercial member ids are 6-20 letters and digits (often a 3-letter prefix, "XYZ123456789");
    they need a member/subscriber/policy/insurance cue. The Medicare Beneficiary Identifier (MBI)
    has a fixed 11-character grammar (CMS) and matches on its own.
    """

    COUNTRY_CODE = "us"
    _CUE = (
        r"(?:\bmember|\bmbr|\bsubscriber|\bsubscr|\bpolicy|\bpolicyholder|\binsurance"
        r"|\bins\.?|\bplan|\bbeneficiary|\bmedicaid|\bmedicare|\bhealth\s+plan|\bcoverage"
        r"|\bgroup|\bHICN|\bMBI|\bHBN|\bBCBS|\bAetna|\bCigna|\bHumana|\bUHC)"
    )
    # MBI: position 1 digit 1-9, 2/5/8/9 letters excluding S L O I B Z, 3/6 alphanumeric.
    _MBI_LETTER = "[AC-HJKMNP-RT-Y]"
    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "Medicare MBI (strong)",
            rf"(?-i:\b[1-9]{_MBI_LETTER}[{_MBI_LETTER[1:-1]}0-9]\d{_MBI_LETTER}"
            rf"[{_MBI_LETTER[1:-1]}0-9]\d{_MBI_LETTER}{{2}}\d{{2}}\b)",
            0.85,
        ),
        Pattern(
            "Id after member cue (strong)",
            r"(?:"
            + _CUE
            + r")(?:\s*(?:id|number|num|no\.?|#|identifier))*\s*(?:[:#=]{1,2}|is)?\s*\K"
            + r"(?=[A-Z0-9-]*\d[A-Z0-9-]*\b)[A-Z0-9][A-Z0-9-]{4,19}\b",
            0.85,
        ),
        Pattern(
            "Prefixed member id (medium)",
            r"(?-i:\b(?:MBR|MEM|MID|SUB|POL|HMO|PPO|EPO|HBP)[-_]?\d{6,15}\b)",
            0.7,
        ),
    ]
    CONTEXT: ClassVar[list[str]] = [
        "member",
        "subscriber",
        "policy",
        "insurance",
        "medicaid",
        "medicare",
        "plan",
    ]

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_entity="MEMBER_ID",
            patterns=self.PATTERNS,
            context=self.CONTEXT,
            supported_language=supported_language,
            name="UsMemberIdRecognizer",
        )

    def invalidate_result(self, pattern_text: str) -> bool:
        """Reject ids with fewer than 3 digits ("Plan B12" is not a member id).

        Args:
            pattern_text: The matched text.

        Returns:
            True when the match has too few digits to be a member id.
        """
        return sum(c.isdigit() for c in pattern_text) < 3
