"""Names written with a middle initial ("Marta K Lindqvist", "Ólafur T. Ragnarsson"), as PERSON."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.lang.en.stop_words import STOP_WORDS

from deidentify.recognizers.census_name_recognizer import first_names
from deidentify.recognizers.clinical_terms import CLINICAL_WORDS, DRUGS, is_clinical_phrase
from deidentify.recognizers.english_words import is_english_word

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
        Pattern(
            # Only in texts without a capital (see analyze): "ilse m vandamme".
            "First, middle initial, last in lower case (medium)",
            r"(?-i:(?<![\p{L}\d'’-])\p{Ll}{2,}[ \t]+\p{Ll}\.?[ \t]+\p{Ll}{2,})(?![\p{L}\d])",
            0.6,
        ),
    ]
    # Chat shorthand letters ("came w wife", "how r u"), articles and the pronoun: a lone
    # lower-case letter that is one of these is a word, not an initial.
    LOWER_CASE_WORD_LETTERS: ClassVar[frozenset[str]] = frozenset("a i o e u r n y b c w x".split())
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

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """Find the names; lower-case ones only where the writer uses no capitals at all.

        Args:
            text: The text.
            entities: Requested entities.
            nlp_artifacts: Unused (pattern recognizer).
            regex_flags: Presidio's regex flags.

        Returns:
            PERSON results.
        """
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        if any(c.isupper() for c in text):
            results = [r for r in results if not text[r.start : r.end].islower()]
        return results

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
        if pattern_text.islower() and (
            words[1].rstrip(".") in self.LOWER_CASE_WORD_LETTERS
            or not all(w in first_names() or not is_english_word(w) for w in (first, last))
        ):
            # Lower case gives no evidence: both words must be names, not English words.
            return True
        if first in self.LABEL_WORDS or first in STOP_WORDS or last in STOP_WORDS:
            return True
        return is_clinical_phrase(first) or last in CLINICAL_WORDS or last in DRUGS
