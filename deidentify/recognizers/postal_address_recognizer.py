"""Non-US postal addresses (house number after the street, multi-line blocks) as LOCATION."""

from __future__ import annotations

from typing import ClassVar

import regex as re
from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult

from deidentify.recognizers.clinical_terms import CLINICAL_WORDS, DRUGS, EPONYMS

# A word of a street or place name in any script and case ("Erzsébet", "tér", "ul.", "Λ.").
_W = r"[^\W\d_][\w'’.-]*"
_NUM = r"\d{1,5}[A-Za-z]?\.?(?![\w-])"
_UNIT = (
    r"(?:Apt|Apartment|Suite|Ste|Unit|Flat|Fl|Floor|Box|P\.?[ \t]?O\.?[ \t]+Box)"
    r"\.?[ \t]*#?\d{1,5}\w?"
)
# "Via dei Tigli 42", "Rua das Flores 1208", "Rákóczi tér 7.", optionally after the
# house/plot number European generators and some countries put first ("3017 Koivukuja 12").
_STREET = r"(?:\d{1,6}[ \t]+)?(?:" + _W + r"[ \t]+){1,5}" + _NUM
# Quote marks opening a line of a forwarded or replied-to message ("> ", "| ", or "??? " where
# a mail client mangled a non-ASCII quote mark).
_QUOTE = r"[ \t]*(?:[>|│?][ \t]*){0,3}"
# A line of an address block: optional quote marks, then up to 60 characters.
_LINE = _QUOTE + r"[^\n]{0,60}"
# The last line of a block: a region or country and a postal code ("Sweden 41236").
# Polish codes are "NN-NNN" (UPU: Poland), the others 3-6 digits, some split ("123 45").
_LAST = _QUOTE + r"(?:[^\W\d_][^\n\d]{0,40}[ \t,]+)?(?:\d{2}-\d{3}|\d{3,6}(?:[ -]\d{2,4})?)[ \t]*$"
# Cues that introduce a residence in running text.
_CUE = (
    r"(?:address(?:[ \t]+is)?[ \t]*:?|(?:lives|living|live|resides|residing|reside|staying|"
    r"stays)[ \t]+(?:at|on)|(?:delivered|mailed|ship|shipped)[ \t]+to|"
    r"meet[ \t]+(?:you|me|us)[ \t]+at|drops?[ \t]+(?:\w+[ \t]+)?off[ \t]+at|corner[ \t]+of)"
)
# Two-letter clinical abbreviations that are also address words ("US", "NO" for Norway...).
_CLINICAL = (CLINICAL_WORDS | DRUGS | EPONYMS) - {"us", "or", "ms", "no"}
_NOT_NAMES = _CLINICAL - EPONYMS
_UNIT_RE = re.compile(r"\b(?:Apt|Apartment|Suite|Ste|Unit|Flat|Box)\b", re.IGNORECASE)
_TOKEN_RE = re.compile(r"[^\W\d_]+")
_DIGIT_LINE_RE = re.compile(r"(?m)^[^\n\d]*\d")
# The content of one line of a block, without indentation or e-mail quote marks.
_LINE_CONTENT_RE = re.compile(r"[^\s>|│?](?:[^\n]*[^\s])?")


class PostalAddressRecognizer(PatternRecognizer):
    """Recognize street addresses written the European way and multi-line address blocks.

    Why: UsStreetAddressRecognizer needs "number + name + USPS suffix" ("12 Elm St"); most of
    the world writes the house number after the street ("Via Roma 17", "Koivukuja 12") and
    lays a postal address out on several lines (street, unit, town, country + postcode), so a
    foreign patient's or relative's address survived. A bare "Word 17" is a dose or a score
    in clinical text ("Lasix 40"), so the street needs a residence cue ("lives at", "address:")
    or the block shape: a line with a house number followed by unit/town lines and a last line
    with a postcode, with a unit (Apt/Suite/Box) or at least three lines; addressee lines
    (capitalised words: the person, a company) just above the street line belong to it.
    Blocks and cue matches that contain clinical vocabulary or drug names are rejected.
    """

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "Multi-line address block (strong)",
            # Up to three addressee lines (person, company) of capitalised words first.
            r"(?m)(?:^" + _QUOTE + r"(?-i:[A-Z][\w'’.-]*(?:[ \t]+[A-Z][\w'’.-]*){1,3})[ \t]*\n"
            r"(?:"
            + _QUOTE
            + r"\n)?){0,3}"
            + _QUOTE
            + r"(?:\b(?:Apt|Apartment|Suite|Unit)\.?[ \t]+\d{1,5}[ \t]+)?(?<![\w.,/:-])"
            # A building or unit number may precede the house number ("7 12 Elm Road").
            r"(?:\d{1,6}[ \t]+)?\d{1,6}[A-Za-z]?[ \t]+[^\W\d_][^\n]{1,60}\n"
            r"(?:" + _LINE + r"\n){0,4}" + _LAST,
            0.75,
        ),
        Pattern(
            "Street + house number after a residence cue (strong)",
            r"\b" + _CUE + r"[ \t]*\K" + _STREET + r"(?:,?[ \t]+" + _UNIT + r")?"
            r"(?:,[ \t]*(?-i:[^\W\d_][\w'’-]*(?:[ \t]+[^\W\d_][\w'’-]*){0,2}))?",
            0.7,
        ),
    ]

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_entity="LOCATION",
            patterns=self.PATTERNS,
            context=[],
            supported_language=supported_language,
            name="PostalAddressRecognizer",
        )

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: object = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """Find addresses; a block gives one finding per line (indentation stays in the text).

        Args:
            text: The text to analyse.
            entities: The entities asked for.
            nlp_artifacts: Unused (pattern recognizer).
            regex_flags: Regex flags, as for ``PatternRecognizer.analyze``.

        Returns:
            The findings, block matches split at line breaks.
        """
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        split: list[RecognizerResult] = []
        for result in results:
            if "\n" not in text[result.start : result.end]:
                split.append(result)
                continue
            split.extend(
                RecognizerResult(
                    result.entity_type,
                    line.start(),
                    line.end(),
                    result.score,
                    result.analysis_explanation,
                    result.recognition_metadata,
                )
                for line in _LINE_CONTENT_RE.finditer(text, result.start, result.end)
            )
        return split

    def invalidate_result(self, pattern_text: str) -> bool:
        """Reject clinical text and blocks too weak to be an address.

        Args:
            pattern_text: The matched text.

        Returns:
            True when a word is clinical vocabulary or a drug, or when a block has neither a
            unit nor three lines.
        """
        # Addressee lines are a person or a company: an eponym there is a surname ("Johnson
        # Ltd"), so eponyms count only from the street line (the first with a digit) on.
        street = _DIGIT_LINE_RE.search(pattern_text)
        addressee = pattern_text[: street.start()] if street else ""
        words = {w.lower() for w in _TOKEN_RE.findall(pattern_text[len(addressee) :])}
        if words & _CLINICAL or {w.lower() for w in _TOKEN_RE.findall(addressee)} & _NOT_NAMES:
            return True
        lines = [line for line in pattern_text.splitlines() if line.strip(" \t>")]
        return 1 < len(lines) < 3 and not _UNIT_RE.search(pattern_text)
