"""Payment card numbers of 18 or 19 digits (HIPAA identifier J, account numbers) as CREDIT_CARD."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern, PatternRecognizer


def luhn_valid(digits: str) -> bool:
    """The ISO/IEC 7812-1 check digit (Luhn mod 10) of a digit string holds."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


class LongCardNumberRecognizer(PatternRecognizer):
    """Recognize 18- and 19-digit card numbers that pass the Luhn check.

    Why: ISO/IEC 7812 card numbers run up to 19 digits (Visa, Maestro, Discover and UnionPay
    issue 19-digit cards), but Presidio's CreditCardRecognizer pattern stops at 17. The
    number must start with an issuer digit 2-6 (ISO/IEC 7812 major industry identifiers for
    banking and finance) and pass the Luhn check, so a random 18-19 digit run (an accession or
    tracking number) matches only one time in ten; those are unique identifiers anyway.
    Digits may be grouped in fours by spaces or hyphens, as cards print them.
    """

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "18-19 digit card number (strong once the Luhn check holds)",
            r"(?<![\d-])[2-6]\d{17,18}(?![\d-])"
            r"|(?<![\d-])[2-6]\d{3}(?:[ -]\d{4}){3}[ -]\d{2,3}(?![\d-])",
            0.3,
        ),
    ]

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_entity="CREDIT_CARD",
            patterns=self.PATTERNS,
            context=[],
            supported_language=supported_language,
            name="LongCardNumberRecognizer",
        )

    def validate_result(self, pattern_text: str) -> bool:
        """Keep only numbers whose check digit holds (the score is then raised to 1.0)."""
        return luhn_valid("".join(c for c in pattern_text if c.isdigit()))
