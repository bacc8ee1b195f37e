"""Patient account, visit/encounter (FIN, HAR) and claim numbers in free text."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern, PatternRecognizer


class UsAccountNumberRecognizer(PatternRecognizer):
    """Recognize account-like identifiers that follow an account/visit/claim cue.

    Hospital billing ids have no fixed shape (FIN, HAR, CSN, visit and claim numbers are 6-15
    digits with optional letter prefixes), so the cue word is required. Prefixed ids used by
    common extracts ("ACCT-00012345", "V00012345", "ENC123456", "CLM0001234") match on their own.
    """

    COUNTRY_CODE = "us"
    _CUE = (
        r"(?:\baccount|\bacct|\bacc|\bvisit|\bencounter|\benc|\bFIN|\bHAR|\bCSN|\bclaim"
        r"|\binvoice|\bbilling|\bcase|\bcertificate|\blicen[cs]e|\bserial|\bdevice"
        r"|\b(?:unique\s+)?ID|\bidentifier|\breference|\bref\.?|\bconfirmation|\border|\bcode"
        r"|\bcard|\bcc|\bIBAN|\bbank|\broute|\blicense\s+plate|\bplate|\bVIN)"
    )
    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "Prefixed account id (strong)",
            r"\b(?:ACCT|ACC|FIN|HAR|CSN|ENC|VN|VIS|CLM|CLAIM|INV)[-_#]?\d{5,15}\b",
            0.85,
        ),
        Pattern(
            "Visit number with V prefix (medium)",
            r"(?-i:\bV\d{6,12}\b)",
            0.6,
        ),
        Pattern(
            "Id after account cue (strong)",
            r"(?:"
            + _CUE
            + r")(?:\s*(?:number|num|no\.?|#|id|code))?\s*(?:[:#=]{1,2}|is)?\s*(?:#\s*)?\K"
            + r"(?=[A-Z0-9-]*\d[A-Z0-9-]*\b)[A-Z0-9][A-Z0-9-]{4,19}\b",
            0.8,
        ),
    ]
    CONTEXT: ClassVar[list[str]] = [
        "account",
        "acct",
        "visit",
        "encounter",
        "fin",
        "claim",
        "id",
        "number",
    ]

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_entity="ACCOUNT_NUMBER",
            patterns=self.PATTERNS,
            context=self.CONTEXT,
            supported_language=supported_language,
            name="UsAccountNumberRecognizer",
        )

    def invalidate_result(self, pattern_text: str) -> bool:
        """Reject pure words and short numbers (the look-ahead already wants one digit).

        Args:
            pattern_text: The matched text.

        Returns:
            True when the match is too short to be an identifier.
        """
        digits = sum(c.isdigit() for c in pattern_text)
        return digits < 4
