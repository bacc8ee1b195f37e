"""Surnames recognisable by their shape ("Guðrún Ásgeirsdóttir", "Kowalczyk", "Anna van Dijk")."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern, PatternRecognizer
from spacy.lang.en.stop_words import STOP_WORDS

from deidentify.recognizers.census_name_recognizer import could_be_given_name
from deidentify.recognizers.clinical_terms import is_clinical_phrase
from deidentify.recognizers.english_words import is_english_word
from deidentify.recognizers.us_address_terms import STATE_NAMES

# A capitalised word in any alphabet ("Csilla", "Þórhallsson", "Smith-Jones").
_WORD = r"\p{Lu}\p{Ll}+(?:-\p{Lu}?\p{Ll}+)*"
# Endings that mark a surname or patronymic in the languages that use them and make no
# English word: Nordic -dóttir/-sson/-sen/-berg/-ström/-qvist, Finnish -nen, Slavic -ović/-ić,
# -wicz, -ski/-ska, -enko, -chuk, -ovich/-ovna, -ova/-eva/-yev; Romanian -escu/-eanu; Greek
# -poulos/-opoulou/-akis (not -idis: "Salmonella Enteritidis"); Georgian -shvili/-dze;
# Armenian -yan; Turkish -oğlu; Lithuanian -auskas/-aitė/-ienė. English dictionary words are
# rejected afterwards.
_SUFFIX = (
    r"(?:d[oó]ttir|sson|sen|berg|str[oö]m|[qk]vist|quist|gren|[aeioöuyä]nen|"
    r"ovi[cć]|evi[cć]|vić|wicz|icz|ski|ska|sky|skiy|skaya|cki|cka|enko|chuk|czyk|"
    r"[eo]vich|[eo]vna|[oe]va|yev|yeva|escu|eanu|poulos|opoulou|akis|shvili|dze|"
    r"yan|o[gğ]lu|auskas|ait[eė]|ien[eė])"
)
# Gaelic prefixes mark a surname too ("McAllister", "Mcbride", "O'Rourke").
_SURNAME = (
    r"(?:\p{Lu}\p{Ll}+" + _SUFFIX + r"|Mc\p{Lu}?\p{Ll}{2,}|O['’]\p{Lu}\p{Ll}+)(?:-\p{Lu}\p{Ll}+)?"
)
# Name particles written in lower case between a given name and a surname.
_PARTICLE = (
    r"(?:van der|van den|van de|von der|von dem|de la|de los|de las|van|von|ten|ter|de|del|"
    r"della|di|da|dos|das|du|le|la|bin|ibn|al|el)"
)
_END = r"(?=['’]s(?!\p{L})|(?![\p{L}\d'’-]))"
_START = r"(?<![\p{L}\d'’-])"


class SurnameShapeRecognizer(PatternRecognizer):
    """Recognize surnames by their ending, and given names joined to a surname by a particle.

    Why: NER and the US census list miss names from outside the US when no cue stands next to
    them ("a talk by Guðrún Ásgeirsdóttir", "the Kowalczyk report"), but many naming
    traditions mark the surname itself: patronymics (-dóttir, -sson, -ovich), Slavic and Baltic
    endings (-ović, -wicz, -ski, -enko, -auskas), Romanian -escu, Greek -poulos, Finnish -nen.
    A capitalised word with such an ending is a surname unless it is an English dictionary
    word (the spaCy model's lemma index: "Lesson", "Iceberg", "Linen", "Nebraska"), clinical
    vocabulary or an eponym ("Nissen" fundoplication), or a US state. The capitalised word
    before it is its given name when it is not an English word (or is a census first name:
    "Ivy Lindqvist"). A lower-case particle between two capitalised words ("Anna van Dijk",
    "Willa ten Broek") joins a given name to a surname under the same test on the given name.
    """

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "Given name and shaped surname (medium)",
            r"(?-i:" + _START + _WORD + r"[ \t]+" + _SURNAME + _END + r")",
            0.65,
        ),
        Pattern(
            "Given name, particle, surname (medium)",
            r"(?-i:" + _START + _WORD + r"[ \t]+" + _PARTICLE + r"[ \t]+" + _WORD + _END + r")",
            0.6,
        ),
        # Alone, not before another capitalised word: "McKinnon Pain Scale", "Lindberg Award"
        # are titles and eponyms.
        Pattern(
            "Shaped surname alone (weak)",
            r"(?-i:" + _START + _SURNAME + _END + r"(?![ \t]+\p{Lu}))",
            0.5,
        ),
    ]
    STATES: ClassVar[frozenset[str]] = frozenset(name.lower() for name in STATE_NAMES)

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_entity="PERSON",
            patterns=self.PATTERNS,
            context=[],
            supported_language=supported_language,
            name="SurnameShapeRecognizer",
        )

    @classmethod
    def _is_surname(cls, word: str) -> bool:
        return not (word.lower() in cls.STATES or is_english_word(word) or is_clinical_phrase(word))

    def invalidate_result(self, pattern_text: str) -> bool:
        """Reject English words, clinical words, eponyms, states and non-name first words.

        Args:
            pattern_text: The matched text: a surname, a given name and a surname, or a given
                name, a particle and a surname.

        Returns:
            True when the match is not a name.
        """
        words = pattern_text.split()
        given, surname = words[:-1], words[-1]
        if given and not could_be_given_name(given[0]):
            return True
        if len(words) > 2:
            # "Anna van Dijk": the surname may be any word that is no common or clinical one.
            return is_clinical_phrase(surname) or surname.lower() in STOP_WORDS
        return not self._is_surname(surname)
