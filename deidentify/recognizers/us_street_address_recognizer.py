"""US street addresses (HIPAA: geographic subdivisions smaller than a state) as LOCATION."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern, PatternRecognizer

from deidentify.recognizers.us_address_terms import STATE_RE, STREET_SUFFIXES

_WORD = r"(?:[A-Z][a-zA-Z'\-]+|\d{1,3}(?:st|nd|rd|th)|[NSEW]\.?)"
_SUFFIX = r"(?:" + "|".join(STREET_SUFFIXES) + r")\.?"
_UNIT = (
    r"(?:Apt|Apartment|Suite|Ste|Unit|Rm|Room|Fl|Floor|Bldg|Building|Lot|Trlr|#)\.?\s*#?\s*"
    r"[A-Z0-9][A-Z0-9-]*"
)
_CITY = r"[A-Z][a-zA-Z'\-]+(?:\s+[A-Z][a-zA-Z'\-]+){0,2}"
_ZIP = r"\d{5}(?:-\d{4})?"


class UsStreetAddressRecognizer(PatternRecognizer):
    """Recognize street addresses, PO boxes, apartment numbers and "City, ST 12345".

    A street address is a house number, one to four capitalised words and a USPS suffix
    ("1420 Maple Grove Rd"), optionally followed by a unit ("Apt 4B") and "City, ST ZIP".
    All name parts are case-sensitive: "2 tabs daily" or "3 times per day" never match.
    Military mail ("PSC 1234, Box 5678, APO AE 09012") is a US address too.
    """

    COUNTRY_CODE = "us"
    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "Street address (strong)",
            r"(?-i:\b\d{1,6}[A-Z]?\s+(?:" + _WORD + r"\s+){1,4}" + _SUFFIX + r"(?![a-z])"
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
            r"(?-i:(?:\b(?:(?:PSC|CMR|Unit)\s+\d{1,5},?\s+Box\s+\d{1,5}|"
            r"(?:USS|USNS|USNV|USCGC)\s+[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)?)\s+)?"
            r"\b(?:APO|FPO|DPO)\s+(?:AA|AE|AP)\s+\d{5}(?:-\d{4})?\b)",
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
