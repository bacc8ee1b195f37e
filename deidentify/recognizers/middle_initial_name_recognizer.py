"""Names written with a middle initial ("Marta K Lindqvist", "Ólafur T. Ragnarsson"), as PERSON."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern, PatternRecognizer
from spacy.lang.en.stop_words import STOP_WORDS

from deidentify.recognizers.clinical_terms import CLINICAL_WORDS, DRUGS, is_clinical_phrase

# A capitalised word in any alphabet ("Csilla", "Þórhallsson", "O'Neil", "Smith-Jones").
_WORD = r"\p{Lu}\p{Ll}+(?:[-']\p{Lu}?\p{Ll}+)*"


class MiddleInitialNameRecognizer(PatternRecognizer):
    """Recognize a capitalised word, a capital initial and a capitalised word.

    Why: NER and the census list miss given names from outside the US ("Csilla P Farkas"), but
    a lone capital letter between two capitalised words is how forms, signatures and address
    blocks write a middle initial, whatever the origin of the name. English has few other
    phrases of that shape, and they are labels followed by a letter ("Vitamin D Level",
    "Hepatitis B Surface", "Group A Strep", "Factor V Leiden"), rejected by their first
    word; clinical vocabulary, drugs and eponyms are rejected on any word.
    """

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "First, middle initial, last (medium)",
            r"(?-i:(?<![\p{L}\d'’-])"
            + _WORD
            + r"[ \t]+\p{Lu}\.?[ \t]+"
            + _WORD
            + r")(?![\p{L}\d])",
            0.6,
        ),
    ]
    # Words that name a thing by a letter after them: the letter is a label, not an initial.
    LABEL_WORDS: ClassVar[frozenset[str]] = frozenset(
        """
        vitamin hepatitis type group class stage grade part phase factor level section
        appendix figure table schedule plan exhibit room bed unit building wing floor zone
        block lot category option form lane gate site cluster tier strep influenza flu
        plate panel lead chapter step bay pod suite ward team
        """.split()
    )

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_entity="PERSON",
            patterns=self.PATTERNS,
            context=[],
            supported_language=supported_language,
            name="MiddleInitialNameRecognizer",
        )

    def invalidate_result(self, pattern_text: str) -> bool:
        """Reject labels with a letter, function words, clinical words and drugs.

        An eponym is rejected as the first word ("Epstein B Virus") but not as the last: it
        is a surname there ("Jane K Wilson").

        Args:
            pattern_text: The matched text.

        Returns:
            True when the match is not a name.
        """
        words = pattern_text.split()
        first, last = words[0].lower(), words[-1].lower()
        if first in self.LABEL_WORDS or first in STOP_WORDS or last in STOP_WORDS:
            return True
        return is_clinical_phrase(first) or last in CLINICAL_WORDS or last in DRUGS
