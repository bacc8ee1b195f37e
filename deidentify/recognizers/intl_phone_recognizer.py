"""Non-US telephone numbers (E.164 and national digit groupings) as PHONE_NUMBER."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern, PatternRecognizer

# National numbers are written in groups of 2-5 digits separated by a space, dot or hyphen,
# optionally with an area code in parentheses: "0491 55 20 17", "(08) 5550 1234",
# "03.93.92.16.85", "0378 5559876", "079 5550 4411".
_GROUPS = r"(?:\(\d{1,5}\)[ .-]?)?\d{2,12}(?:[ .-]\d{2,8}){0,4}"
_EXT = r"(?:[ \t]*(?:x|ext\.?|extension)[ \t]*\d{1,6})?"
# Words that announce a telephone number before it ...
_CUE_BEFORE = (
    r"(?:phone|telephone|tel|mobile|cell|cellphone|fax|facsimile|desk|landline|whatsapp|"
    r"(?:call|reach|text|ring|contact)(?:[ \t]+(?:me|us|him|her|them))?[ \t]+(?:on|at)|"
    r"answering[ \t]+at|messages[ \t]+to|number|"
    # "my registered 0491 55 20 17": a customer's number on file, with the noun left out
    # (banks and shops say "your registered mobile"); the 7-15 digit test still applies.
    r"registered)"
)
# ... or label it right after ("416 55 017 office", "(37) 788-063-Fax").
_CUE_AFTER = r"(?:office|fax|mobile|cell|home|work|desk|direct)\b"


class IntlPhoneRecognizer(PatternRecognizer):
    """Recognize telephone numbers in international and non-US national formats.

    Why: UsPhoneFaxRecognizer only knows NANP shapes (3-3-4), so a patient's or relative's
    foreign number ("+44 7700 900123", "+46 (0)8 555 012 34", "0491 55 20 17") stayed in the
    text. Presidio's PhoneRecognizer (libphonenumber) would find them, but it parses every
    digit run in lab-heavy notes and is too slow to run on all texts (see conf/analyzer.yaml).
    Here a leading "+" country code is enough on its own; a national grouping needs a phone
    cue before ("Mobile:", "call me on") or a label after ("... fax"). Lab values and doses
    carry no such cue; 7-15 digits are required and filler runs ("0000 000") are rejected.
    """

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "E.164 / international with + (strong)",
            r"(?<![\w+])\+\d{1,3}(?:[ .-]?\(0\))?(?:[ .-]?\(?\d{1,5}\)?){1,6}" + _EXT + r"(?![\w])",
            0.7,
        ),
        Pattern(
            "National grouping after a phone cue (strong)",
            r"\b" + _CUE_BEFORE + r"\.?[ \t]*(?:number|no\.?|#)?[ \t]*[:#]?\s{0,3}\K"
            r"(?<![\w.])" + _GROUPS + _EXT + r"(?![\w.-]*\d)",
            0.7,
        ),
        Pattern(
            "National grouping before a phone label (medium)",
            r"(?<![\w.+-])" + _GROUPS + _EXT + r"(?=[ \t]*-?[ \t]*" + _CUE_AFTER + r")",
            0.6,
        ),
    ]

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_entity="PHONE_NUMBER",
            patterns=self.PATTERNS,
            context=[],
            supported_language=supported_language,
            name="IntlPhoneRecognizer",
        )

    def invalidate_result(self, pattern_text: str) -> bool:
        """Reject runs too short or too long for a phone number, and filler digits.

        Args:
            pattern_text: The matched text.

        Returns:
            True when the digits (extension excluded) are not 7-15 or all the same.
        """
        number = pattern_text.lower().split("x")[0].split("ext")[0]
        digits = [c for c in number if c.isdigit()]
        return not 7 <= len(digits) <= 15 or len(set(digits)) == 1
