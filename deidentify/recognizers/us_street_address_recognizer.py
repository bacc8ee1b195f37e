"""US street addresses (HIPAA: geographic subdivisions smaller than a state) as LOCATION."""

from __future__ import annotations

from typing import ClassVar

import regex as re
from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult

from deidentify.recognizers.caseless import CaselessRules, has_capitals
from deidentify.recognizers.clinical_terms import CLINICAL_WORDS, DRUGS
from deidentify.recognizers.us_address_terms import STATE_RE, STREET_SUFFIXES

_WORD = r"(?:[A-Z][a-zA-Z'\-]+|\d{1,3}(?:st|nd|rd|th)|[NSEW]\.?)"
_SUFFIX = r"(?:" + "|".join(STREET_SUFFIXES) + r")\.?"
_UNIT = (
    r"(?:Apt|Apartment|Suite|Ste|Unit|Rm|Room|Fl|Floor|Bldg|Building|Lot|Trlr|#)\.?\s*#?\s*"
    r"[A-Z0-9][A-Z0-9-]*"
)
_CITY = r"[A-Z][a-zA-Z'\-]+(?:\s+[A-Z][a-zA-Z'\-]+){0,2}"
_ZIP = r"\d{5}(?:-\d{4})?"

# A text without capitals gives the name no case to go on, so only the suffixes that are no
# everyday word after a count stand there ("2 hour drive", "6 minute walk", "3 way" are not
# streets), and counts of time or distance before them are rejected ("a 2 year road").
_CASELESS_STREET = Pattern(
    "Street address without capitals (medium)",
    r"\b(?:\d{1,6}[ \t]+)?\d{1,6}[ \t]+(?:(?:[^\W\d_][\p{L}'-]*|\d{1,3}(?:st|nd|rd|th))[ \t]+){1,3}"
    r"(?:street|avenue|road|boulevard|lane|terrace|crescent|parkway|highway)\b"
    r"(?:,?[ \t]+(?:(?:apt|apartment|suite|ste|unit)\.?[ \t]*#?|#)\d{1,5}[a-z]?\b)?",
    0.6,
)
_COUNT_WORDS = frozenset(
    "year years yr yrs month months week weeks day days hour hours hr hrs minute minutes min "
    "mins second seconds mile miles km block blocks lane lanes the a an of and to on at in for "
    "with by from per x".split()
)
_NOT_STREET = CLINICAL_WORDS | DRUGS | _COUNT_WORDS
_TOKEN_RE = re.compile(r"[^\W\d_]+")


def _is_count_phrase(pattern_text: str) -> bool:
    """Reject a caseless street whose words are counts or clinical words ("4 lane highway").

    Only the words between the house number and the suffix are checked: "lane" of "4 lane
    highway" is a count word there; the suffix "lane" of "22 cherry lane" is not checked.
    """
    street = _CASELESS_UNIT_RE.sub("", pattern_text)
    return any(w.lower() in _NOT_STREET for w in _TOKEN_RE.findall(street)[:-1])


_CASELESS_UNIT_RE = re.compile(r",?[ \t]+(?:apt|apartment|suite|ste|unit|#).*$", re.IGNORECASE)


class UsStreetAddressRecognizer(PatternRecognizer):
    """Recognize street addresses, PO boxes, apartment numbers and "City, ST 12345".

    A street address is a house number, one to four capitalised words and a USPS suffix
    ("1420 Maple Grove Rd"), optionally followed by a unit ("Apt 4B") and "City, ST ZIP".
    All name parts are case-sensitive: "2 tabs daily" or "3 times per day" never match. A text
    without capitals ("1418 ninth avenue suite 3") is read by a narrower rule: full suffix
    words only, and no clinical word or count of time or distance among the name words.
    Military mail ("PSC 1234, Box 5678, APO AE 09012") is a US address too.
    """

    COUNTRY_CODE = "us"
    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "Street address (strong)",
            # A digit run just before the house number is a building, unit or second house
            # number ("Unit 5, 12 ...", "12 14 Elm St" for 12-14): it belongs to the address.
            r"(?-i:\b(?:\d{1,6}[ \t]+)?\d{1,6}[A-Z]?\s+(?:"
            + _WORD
            + r"\s+){1,4}"
            + _SUFFIX
            + r"(?![a-z])"
            r"(?:\s+[NSEW]{1,2}\.?(?![a-z]))?"
            r"(?:,?\s+" + _UNIT + r")?"
            # "..., City, ST 12345", or just "..., City" before punctuation: the city is a
            # geographic subdivision smaller than a state too (45 CFR 164.514(b)(2)(i)(B)).
            r"(?:,?\s+" + _CITY + r",?\s+" + STATE_RE + r"(?:,?\s+" + _ZIP + r")?"
            r"|,\s*" + _CITY + r"(?=\s*[;.,)]|\s*$))?)",
            0.85,
        ),
        Pattern("PO Box (strong)", r"\bP\.?\s?O\.?\s+Box\s+\d{1,6}\b", 0.85),
        # Military and diplomatic mail (USPS Pub. 28, sec. 225): "PSC 1234, Box 5678 / APO AE
        # 09012", "Unit 2050 Box 4190 / DPO AP 96522", "USNS Comfort / FPO AA 34090".
        Pattern(
            "APO/FPO/DPO address (strong)",
            # The full shape (APO/FPO/DPO + AA/AE/AP + five digits) is distinctive enough to
            # match in any case: a writer without capitals types "psc 3391, box 77 / apo ae".
            r"(?:\b(?:(?:PSC|CMR|Unit)\s+\d{1,5},?\s+Box\s+\d{1,5}|"
            r"(?:USS|USNS|USNV|USCGC)\s+[^\W\d_][\w'-]*(?:[ \t]+[^\W\d_][\w'-]*)?)\s+)?"
            r"\b(?:APO|FPO|DPO)\s+(?:AA|AE|AP)\s+\d{5}(?:-\d{4})?\b",
            0.85,
        ),
        Pattern(
            "Apartment number (medium)",
            r"(?-i:\b(?:Apt|Apartment)\.?\s*#?\s*[0-9][A-Z0-9-]*\b)",
            0.6,
        ),
        Pattern(
            "City, ST ZIP (strong)",
            r"(?-i:\b" + _CITY + r",\s*" + STATE_RE + r"\.?,?\s+" + _ZIP + r"\b)",
            0.8,
        ),
    ]
    CONTEXT: ClassVar[list[str]] = ["address", "lives", "resides", "home", "street", "apt"]

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_entity="LOCATION",
            patterns=self.PATTERNS,
            context=self.CONTEXT,
            supported_language=supported_language,
            name="UsStreetAddressRecognizer",
        )
        self._caseless = CaselessRules(self, [_CASELESS_STREET], _is_count_phrase)

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: object = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """Find US addresses; in a text without capitals also "12 elm street" forms.

        Args:
            text: The text to analyse.
            entities: The entities asked for.
            nlp_artifacts: Passed on (context words).
            regex_flags: Regex flags, as for ``PatternRecognizer.analyze``.

        Returns:
            The findings.
        """
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        if has_capitals(text):
            return results
        return results + self._caseless.find(text, entities, nlp_artifacts, regex_flags)
