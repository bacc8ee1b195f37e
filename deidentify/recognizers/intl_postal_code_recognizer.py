"""Postal codes outside the US (UK, Canada, EU 4-6 digit codes) as ZIP."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern, PatternRecognizer

# UK: "SW1A 1AA", "M1 1AE"; Canada: "K1A 0B1". Both are distinctive (letter-digit mixes that
# no dose, lab value or clinical abbreviation takes), so they count on their own.
_UK = r"[A-Z]{1,2}\d[A-Z\d]?[ \t]?\d[ABD-HJLNP-UW-Z]{2}"
_CA = r"[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z][ \t]?\d[ABCEGHJ-NPRSTV-Z]\d"
# After a cue anything postal-shaped: "394 13" (SE), "53-320" (PL), "3610-114" (PT),
# "7412 SL" (NL), "880" (IS), "1098" (DK/CH/AT...).
_AFTER_CUE = (
    r"(?:" + _UK + r"|" + _CA + r"|\d{2}-\d{3}|\d{3,6}(?:[ -]\d{2,4})?(?:[ \t][A-Z]{2}(?![\w]))?)"
)


class IntlPostalCodeRecognizer(PatternRecognizer):
    """Recognize non-US postal codes: UK and Canadian shapes anywhere, any shape after a cue.

    Why: UsZipRecognizer only knows five-digit ZIPs after a state, so a foreign patient's
    postcode ("ZIP: 394 13", "postcode SW1A 1AA", "K1A 0B1") survived. A bare four-digit
    number is a lab value or a year far more often than a postcode, so digit-only codes need a
    "zip"/"postcode"/"postal code" cue; the UK and Canadian letter-digit shapes stand alone.
    """

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "Postal code after a cue (strong)",
            r"\b(?:zip|zipcode|zip[ \t]+code|postal[ \t]+code|postcode|post[ \t]+code|"
            r"postleitzahl|plz)[ \t]*(?:code)?[ \t]*(?:[:#]|is)?[ \t]*\K(?-i:" + _AFTER_CUE + r")"
            r"(?![\w-])",
            0.85,
        ),
        Pattern("UK postcode (medium)", r"(?-i:(?<![\w-])" + _UK + r"(?![\w-]))", 0.5),
        Pattern("Canadian postal code (medium)", r"(?-i:(?<![\w-])" + _CA + r"(?![\w-]))", 0.5),
    ]

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_entity="ZIP",
            patterns=self.PATTERNS,
            context=[],
            supported_language=supported_language,
            name="IntlPostalCodeRecognizer",
        )
