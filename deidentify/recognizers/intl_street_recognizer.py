"""Streets marked by a non-US street-type word ("Vestergade 12", "12 rue Cler") as LOCATION."""

from __future__ import annotations

import re as stdlib_re

import regex as re
from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult

from deidentify.recognizers.caseless import CaselessRules, has_capitals
from deidentify.recognizers.clinical_terms import CLINICAL_WORDS, DRUGS
from deidentify.recognizers.english_words import is_english_word

# Street-type endings written as one word with the name (national naming conventions):
# Danish/Norwegian -vej/-veien/-vegen/-gade/-gata/-gate, Icelandic -gata/-vegur/-braut,
# Swedish -gatan/-vägen/-väg/-gränd, German -straße/-strasse/-weg/-gasse/-allee/-platz/-damm,
# Dutch -straat/-laan/-weg/-plein/-gracht/-kade/-dijk/-singel, Finnish -tie/-katu/-kuja/-polku.
_TYPE_SUFFIX = (
    r"(?:vej|veien|vegen|vegur|gade|gata|gaten|gate|gatan|vägen|väg|gränd|stræde|stræti|braut|"
    r"straße|strasse|weg|gasse|allee|platz|damm|straat|laan|plein|gracht|kade|dijk|singel|"
    r"tie|katu|kuja|polku)"
)
# Street-type words written after the name as a word of their own: Hungarian utca/út/tér/körút
# ("Kossuth utca 5"), Danish/Norwegian allé/plads/torv, Turkish caddesi/sokak ("Atatürk
# Caddesi 12").
_TYPE_AFTER = (
    r"(?:utca|u\.|út|útja|tér|körút|köz|sétány|allé|plads|plass|torv|caddesi|cad\.|sokak|sokağı|"
    r"sk\.)"
)
# Street-type words written before the name (Romance and Slavic conventions: "Rua das Flores
# 12", "ul. Lipowa 3", "12 rue de la Paix"). Lower-case forms are common ("rue", "ul.").
_PREFIX_ANY_CASE = (
    r"(?:rue|rua|rúa|avenida|avda\.|calle|carrer|passeig|paseo|plaça|praça|travessa|rambla|"
    r"viale|vicolo|piazza|piazzale|strada|calea|bulevardul|chemin|allée|impasse|ulica|ul\.|"
    r"aleja|trg)"
)
# Capitalised only: "Via", "Av", "Avenue", "Plaza", "Largo", "Corso" are English words or
# abbreviations in lower case ("via IV", "AV node"); "C/" is Spanish "calle".
_PREFIX_CAPITAL = r"(?:Via|Av\.?|Avenue|Plaza|Largo|Corso|Alameda|Estrada|Camino|Quai)"
# UK and Commonwealth street types that USPS Publication 28 does not list ("4 Alder Close",
# "9 Kings Mews"), and "Str." (Straße, Greek odós, Romanian strada).
_TYPE_UK = r"(?:Close|Mews|Rise|Parade|Esplanade|Quay|Wynd|Str\.)"
# Lower-case name particles ("Rua Dez de Março", "Rue des Lilas").
_PARTICLE = r"(?:de|del|della|dei|degli|di|da|das|do|dos|du|des|la|le|les|e|y|i|van|von|der)"
_WORD = r"[^\W\d_][\p{L}'’.-]*"
_CAP = r"\p{Lu}[\p{L}'’.-]*"
_UNIT_WORD = r"(?:Apt|Apartment|Suite|Ste|Unit|Flat)\b"
_UNIT = r"(?:,?[ \t]+" + _UNIT_WORD + r"\.?[ \t]*#?\d{1,5}[A-Za-z]?)"
_TOWN = (
    r"(?:,[ \t]*(?-i:\p{Lu}[\p{L}'’-]+(?:[ \t]+(?:\p{Lu}[\p{L}'’-]+|" + _PARTICLE + r"))"
    r"{0,2})(?=[ \t]*[;.,)]|[ \t]*$))?"
)
# A building or second house number may precede the house number ("14 22 rue Cler").
_LEAD = r"(?:\d{1,6}[ \t]+)?"
_HOUSE = r"\d{1,5}[A-Za-z]?(?![\w-])"
_START = r"(?<![\w.,/-])"
_CLINICAL = (CLINICAL_WORDS | DRUGS) - {"us", "or", "ms", "no"}
_TOKEN_RE = re.compile(r"[^\W\d_]+")
_AFTER_AV_RE = re.compile(r"(?-i:\bAv)\.?[ \t]+\K[^\W\d_]+")
_COMPOUND_RE = re.compile(r"[^\W\d_][\p{L}'’-]*" + _TYPE_SUFFIX + r"(?=[ \t]+\d)", re.IGNORECASE)
# Texts (lower-cased) without a type word skip the pattern scans: a type ending before a
# number, or a type word on its own. Literal alternations are several times faster in the
# standard library's engine on lower-cased text than with ``regex`` and IGNORECASE.
_PREFILTER_RE = stdlib_re.compile(
    _TYPE_SUFFIX
    + r"[ \t]+\d|c/|\b(?:"
    + "|".join((_TYPE_AFTER, _PREFIX_ANY_CASE, _PREFIX_CAPITAL.lower(), _TYPE_UK.lower()))
    + r")(?![^\W\d_])"
)


def _patterns(caseless: bool) -> list[Pattern]:
    """The patterns for a text that uses capitals, or for one that does not.

    In a text without capitals every word is lower case, so the case tests are dropped and
    the prefixes that are English words in lower case ("via", "av", "plaza") are left out.
    """

    def cased(pattern: str) -> str:
        return r"(?:" + pattern + r")" if caseless else r"(?-i:" + pattern + r")"

    prefix_any = r"(?i:" + _PREFIX_ANY_CASE + r")"
    prefix = (
        prefix_any + r"[ \t]+"
        if caseless
        else r"(?:(?:" + prefix_any + r"|" + cased(_PREFIX_CAPITAL) + r")[ \t]+|(?-i:C/)[ \t]*)"
    )
    # The name after a prefix: capitalised words and particles ("des Tanneurs", "Lia Mourato").
    # Particles are bounded and are never name words themselves: without capitals a word
    # could be read either way, and "de la de la ..." would backtrack for seconds.
    not_word = r"(?!(?:" + _UNIT_WORD + r"|" + _PARTICLE + r"[ \t]))"
    name = cased(
        r"(?:"
        + _PARTICLE
        + r"[ \t]+|[dl]['’]){0,3}"
        + not_word
        + _WORD
        + r"(?:[ \t]+(?:"
        + _PARTICLE
        + r"[ \t]+|[dl]['’]){0,3}"
        + not_word
        + _CAP
        + r"){0,4}"
    )
    # An optional unit, then (where capitals mark it) the town after a comma when the sentence
    # ends there ("Rue des Tanneurs 12, Noordwijk."), as UsStreetAddressRecognizer does.
    end = _UNIT + r"?" + ("" if caseless else _TOWN)
    return [
        Pattern(
            "Name with a street-type ending + house number (medium)",
            _START
            + _LEAD
            + cased(r"(?<![\w-])\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)*-?")
            + r"(?i:"
            + _TYPE_SUFFIX
            + r")[ \t]+"
            + _HOUSE
            + end,
            0.65,
        ),
        Pattern(
            "Name + street-type word + house number (medium)",
            _START
            + _LEAD
            # Two name words ("Kossuth Lajos utca") only where capitals mark them.
            + cased(r"(?<![\w-])" + _CAP + (r"" if caseless else r"(?:[ \t]+" + _CAP + r")?"))
            + r"[ \t]+(?i:"
            + _TYPE_AFTER
            + r")[ \t]+"
            + _HOUSE
            + r"\.?"
            + end,
            0.65,
        ),
        Pattern(
            "Street-type prefix + name + house number (medium)",
            _START + _LEAD + r"(?<![\w-])" + prefix + name + r"[ \t]+" + _HOUSE + end,
            0.65,
        ),
        Pattern(
            "House number + street-type prefix + name (medium)",
            _START + _LEAD + _HOUSE + r",?[ \t]+" + prefix + name + end,
            0.65,
        ),
        Pattern(
            "House number + name + UK street type (medium)",
            _START
            + _LEAD
            + _HOUSE
            + r"[ \t]+"
            + cased(r"(?:" + _CAP + r"[ \t]+){1,3}" + _TYPE_UK)
            + r"(?![\p{L}])"
            + end,
            0.65,
        ),
    ]


def _is_invalid(pattern_text: str) -> bool:
    """Reject clinical vocabulary and English words that end like a street type ("Brigade")."""
    if {w.lower() for w in _TOKEN_RE.findall(pattern_text)} & _CLINICAL:
        return True
    # "Av" is also the atrioventricular "AV" written in mixed case ("2 Av Block"): after it
    # the street name must not be an English word ("Av Habib Bourguiba" stands).
    after_av = _AFTER_AV_RE.search(pattern_text)
    if after_av and is_english_word(after_av.group()):
        return True
    compound = _COMPOUND_RE.search(pattern_text)
    return bool(compound) and is_english_word(compound.group().split("-")[-1])


class IntlStreetRecognizer(PatternRecognizer):
    """Recognize street addresses that carry a non-US street-type word.

    Why: UsStreetAddressRecognizer knows USPS suffixes after the name ("12 Birchwood St") and
    PostalAddressRecognizer takes "Name 12" only after a residence cue, because a bare
    "Word 12" is a dose or a score in clinical text. Most of the world marks a street with a
    type word that no clinical phrase uses, so the type word is the cue:

    - one word ending in a national type ("Vestergade 12", "Lindenstraße 4", "Kaivokatu 8");
    - a type word after the name ("Kossuth utca 5", "Atatürk Caddesi 12");
    - a type word before the name, with the house number after ("Rua das Flores 210",
      "ul. Lipowa 3") or, in French and Maghrebi use, before ("12 rue de la Paix");
    - UK street types that USPS does not list ("4 Alder Close").

    A digit run just before the house number (building or second house number) is kept.
    In a text without capitals the same rules run without their case tests, minus the
    prefixes that are lower-case English words ("via", "av"). Matches with clinical words,
    and one-word names that are English words ("Brigade 2", "Delegate 4"), are rejected.
    """

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_entity="LOCATION",
            patterns=_patterns(caseless=False),
            context=[],
            supported_language=supported_language,
            name="IntlStreetRecognizer",
        )
        self._caseless = CaselessRules(self, _patterns(caseless=True))

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: object = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """Find street addresses; texts without a type word are skipped at once.

        Args:
            text: The text to analyse.
            entities: The entities asked for.
            nlp_artifacts: Unused (pattern recognizer).
            regex_flags: Regex flags, as for ``PatternRecognizer.analyze``.

        Returns:
            The findings.
        """
        if not _PREFILTER_RE.search(text.lower()):
            return []
        if has_capitals(text):
            return super().analyze(text, entities, nlp_artifacts, regex_flags)
        return self._caseless.find(text, entities, nlp_artifacts, regex_flags)

    def invalidate_result(self, pattern_text: str) -> bool:
        """Reject clinical words and English words that only look like street names.

        Args:
            pattern_text: The matched text.

        Returns:
            True when a word is clinical vocabulary or a drug, or the one-word name with a
            type ending is an English word.
        """
        return _is_invalid(pattern_text)
