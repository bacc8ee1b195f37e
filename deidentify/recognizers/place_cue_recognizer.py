"""Towns named after a residence or travel cue, or with their postal code, as LOCATION."""

from __future__ import annotations

import functools

import regex as re
from babel import Locale
from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult
from spacy.lang.en.stop_words import STOP_WORDS

from deidentify.recognizers.caseless import CaselessRules, has_capitals
from deidentify.recognizers.clinical_terms import CLINICAL_WORDS, DRUGS
from deidentify.recognizers.english_words import is_english_word
from deidentify.recognizers.us_address_terms import STATE_CODES, STATE_NAMES

# Lower-case particles inside place names ("Ponte da Ribeirinha", "Alphen aan den Rijn").
_PARTICLE = r"(?:de|da|do|dos|das|del|della|di|du|des|la|le|les|van|von|der|den|aan|am|an|af|sur)"
# A capitalised or upper-case word in any alphabet ("Ålvik", "BREKKVIK", "ΛΑΡΝΑΚΑ").
_CAP = r"\p{Lu}[\p{L}'’-]+"
_LOWER = r"\p{Ll}[\p{L}'’-]+"
# Up to four words, particles between them, and a district letter ("Frederiksværk Ø").
_PLACE = (
    r"(?-i:"
    + _CAP
    + r"(?:[ \t]+(?:"
    + _PARTICLE
    + r"[ \t]+)?"
    + _CAP
    + r"){0,3}(?:[ \t]+\p{Lu}(?![\p{L}\d'’-]))?)"
)
# In a text without capitals, before a postcode: up to three words ("vila nova de gaia").
_PLACE_CASELESS = (
    r"(?-i:" + _LOWER + r"(?:[ \t]+(?:" + _PARTICLE + r"[ \t]+)?" + _LOWER + r"){0,2})"
)
# National postal-code shapes (UPU address formats): PT "NNNN-NNN", PL "NN-NNN", JP
# "NNN-NNNN", SE/CZ/SK/GR "NNN NN", NL "NNNN AB", and the 4-5 digit codes of most countries.
_CODE = r"(?-i:\d{4}-\d{3}|\d{2}-\d{3}|\d{3}-\d{4}|\d{3}[ ]\d{2}|\d{4}[ ]?\p{Lu}{2}|\d{4,5})"
# After the code the sentence goes on with punctuation or a function word ("in Skjoldborg 7793 in
# its ..."), not with a unit ("in Heparin 5000 units").
_AFTER_CODE = (
    r"(?=[ \t]*(?:[,.;:!?)\n]|$)|[ \t]+(?:in|on|at|to|for|and|or|but|with|from|where|which|"
    r"that|since|until|this|the|a|an|is|was|were|has|had|before|after|during)\b)"
)
_END = r"(?![\p{L}\d'’-])"
# Verbs of residence and travel followed by "in"/"to"/"from" name a place.
_RESIDENCE = (
    r"\b(?:lives?|living|lived|resides?|residing|resided|moved|moving|relocated|relocating|"
    r"flew|flying|travell?ed|travell?ing|emigrated|immigrated|born|grew[ \t]+up|raised|"
    r"settled)[ \t]+(?:in|to|from)[ \t]+(?:the[ \t]+(?:city|town|village)[ \t]+of[ \t]+)?\K"
)
# Nouns that name a town: "home city X", "hometown X", "the town of X".
_TOWN_NOUN = (
    r"\b(?:home[ \t]*(?:city|town)|(?:city|town|village|municipality|borough)[ \t]+of)"
    r"[ \t]*:?[ \t]+\K"
)
# Care settings written as acronyms that are no English word ("lives in SNF", "moved to
# LTACH", "moved to CVICU"): never a town.
_CARE_SETTINGS = frozenset(
    "snf alf ltc ltach ltac irf ecf icf sicu micu cvicu cticu tcu nh ssu cdu obs".split()
)
_NOT_PLACES = (CLINICAL_WORDS | DRUGS | _CARE_SETTINGS) - {"us"}
_STATES = frozenset(code.lower() for code in STATE_CODES) | frozenset(
    name.lower() for name in STATE_NAMES
)
_WORD_RE = re.compile(r"[^\W\d_][\p{L}'’-]*")
_CODE_RE = re.compile(r"[ \t]+" + _CODE + r"$")
_PARTICLES = frozenset(_PARTICLE[3:-1].split("|"))


@functools.cache
def _countries() -> frozenset[str]:
    """English country and region names (CLDR, from babel, installed and read offline)."""
    return frozenset(name.casefold() for name in Locale("en").territories.values())


def _country_line() -> str:
    """A line holding only a country name, in any case ("Austria", "UNITED KINGDOM")."""
    names = sorted(Locale("en").territories.values(), key=len, reverse=True)
    return r"(?=[ \t]*\n[ \t>|]*(?i:" + "|".join(re.escape(n) for n in names) + r")[ \t]*(?:\n|$))"


def _patterns(caseless: bool) -> list[Pattern]:
    place = _PLACE_CASELESS if caseless else _PLACE
    # One word after a residence verb in a text without capitals ("flew to skagaströnd on
    # monday": "on monday" is no part of it).
    one_word = (r"(?-i:" + _LOWER + r")") if caseless else _PLACE
    return [
        Pattern(
            "Town + postal code after in/from/near (medium)",
            r"\b(?:in|from|near)[ \t]+\K" + place + r"[ \t]+" + _CODE + _AFTER_CODE,
            0.6,
        ),
        # Above NER's 0.85: Presidio keeps one of two identical findings, and NER's lower-case
        # place ("lives in brekkestø") is dropped as noise later (engine.is_false_positive).
        Pattern(
            "Town after a residence or travel verb (strong)", _RESIDENCE + one_word + _END, 0.9
        ),
        Pattern("Town after home city / town of (strong)", _TOWN_NOUN + one_word + _END, 0.9),
        # A postal address ends with the locality line and then the country line (UPU address
        # formats): a line of one to three name words right above a country line is the town.
        Pattern(
            "Town line above a country line (medium)",
            r"(?m)^[ \t>|]*\K" + one_word + _END + _country_line(),
            0.6,
        ),
    ]


def _is_invalid(pattern_text: str) -> bool:
    """Reject English words, clinical words, care settings, states, countries and years."""
    code = _CODE_RE.search(pattern_text)
    if code:
        digits = code.group().strip()
        if len(digits) == 4 and digits.isdigit() and 1900 <= int(digits) <= 2099:
            return True  # "in Bergen 2019": a year, not a postcode
        pattern_text = pattern_text[: code.start()]
    words = [w for w in _WORD_RE.findall(pattern_text) if w.lower() not in _PARTICLES]
    lower = [w.lower() for w in words]
    if not words or any(w in STOP_WORDS or w in _NOT_PLACES for w in lower):
        return True
    place = " ".join(lower)
    if place in _STATES or place in _countries():
        return True
    # Upper-case words of three letters or fewer are acronyms ("ED", "ICU"), not towns.
    if any(w.isupper() and len(w) < 4 for w in words if len(w) > 1):
        return True
    significant = [w for w in words if len(w) > 1]
    return not significant or all(is_english_word(w) for w in significant)


class PlaceCueRecognizer(PatternRecognizer):
    """Recognize a town named by its context: a residence or travel verb, or its postcode.

    Why: spaCy NER finds well-known places but misses small towns, towns written in capitals
    ("BREKKVIK") or in a text without capitals ("my friend lives in brekkestø"), and Safe Harbor
    removes every geographic subdivision smaller than a state. Three contexts mark a town:

    - a postal code of a national shape right after "in/from/near <Town>" ("in Skjoldborg 7793",
      "in Vila Nova de Cerveira 4920-275"), as a postal address ends;
    - a residence or travel verb with "in/to/from" ("lives in", "moved to", "flew to");
    - a noun that names a town ("home city", "hometown", "the town of");
    - the line right above a country line, where a postal address names its locality.

    The town must not be English words only ("moved to Assisted Living"), clinical words,
    care-setting acronyms ("lives in SNF") or upper-case words of three letters ("in ED"),
    a US state (Safe Harbor keeps states) or a country; a four-digit "code" that is a year
    ("in Bergen 2019") does not count.
    """

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_entity="LOCATION",
            patterns=_patterns(caseless=False),
            context=[],
            supported_language=supported_language,
            name="PlaceCueRecognizer",
        )
        self._caseless = CaselessRules(self, _patterns(caseless=True))

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: object = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """Find towns, with the caseless rules in a text without capitals.

        Args:
            text: The text to analyse.
            entities: The entities asked for.
            nlp_artifacts: Unused (pattern recognizer).
            regex_flags: Regex flags, as for ``PatternRecognizer.analyze``.

        Returns:
            The findings.
        """
        if has_capitals(text):
            return super().analyze(text, entities, nlp_artifacts, regex_flags)
        return self._caseless.find(text, entities, nlp_artifacts, regex_flags)

    def invalidate_result(self, pattern_text: str) -> bool:
        """Reject places that are English or clinical words, states, countries or years.

        Args:
            pattern_text: The matched town, with its postal code when there is one.

        Returns:
            True when the match is not a town.
        """
        return _is_invalid(pattern_text)
