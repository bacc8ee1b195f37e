"""Two adjacent proper nouns in no English dictionary ("Bolesław Kuźma"), as PERSON."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.tokens import Token

from deidentify.recognizers.clinical_terms import is_clinical_phrase
from deidentify.recognizers.english_words import english_words, is_english_word
from deidentify.recognizers.findings import PersonFinder, finding
from deidentify.recognizers.us_address_terms import STATE_NAMES


def _is_title_word(word: str) -> bool:
    """``Kuźma``: letters only, an upper-case one and then lower-case ones."""
    return len(word) >= 2 and word.isalpha() and word[0].isupper() and word[1:].islower()


class ForeignNamePairRecognizer(PersonFinder):
    """Recognize exactly two adjacent proper nouns neither of which is an English word.

    Why: a given name and a surname from outside the US census ("Bolesław Kuźma") with no cue
    around them are missed by NER when it has not seen them, but two capitalised words in a
    row that spaCy tags PROPN and that are in no English dictionary (the model's own lemma
    index) are, in running text, a person far more often than anything else. Precision gates:
    both words title-case, PROPN, not English, not clinical vocabulary, drugs or INN drug
    stems, not a US state; the pair stands alone (no capitalised word right before or after
    it: "Acme Widget Holdings" is a name of a firm or a heading).
    """

    SCORE = 0.5
    STATES: ClassVar[frozenset[str]] = frozenset(
        word.lower() for name in STATE_NAMES for word in name.split()
    )

    def load(self) -> None:
        """Read the English word list at start-up (about a second), not in the first analysis."""
        english_words()

    @classmethod
    def _is_foreign_proper_noun(cls, token: Token) -> bool:
        word = token.text
        return (
            token.pos_ == "PROPN"
            and _is_title_word(word)
            and word.lower() not in cls.STATES
            and not is_english_word(word)
            and not is_clinical_phrase(word)
        )

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Find the lone pairs of non-English proper nouns.

        Args:
            text: The text.
            entities: Requested entities (PERSON or nothing).
            nlp_artifacts: spaCy tokens with part-of-speech tags; without them nothing is found.

        Returns:
            One PERSON result per pair.
        """
        if nlp_artifacts is None or nlp_artifacts.tokens is None or "PERSON" not in entities:
            return []
        doc = nlp_artifacts.tokens
        results = []
        for i in range(len(doc) - 1):
            first, second = doc[i], doc[i + 1]
            # One space between two proper nouns: not across a line or a comma.
            if first.pos_ != "PROPN" or second.pos_ != "PROPN" or first.whitespace_ != " ":
                continue
            before = doc[i - 1].text if i > 0 else ""
            after = doc[i + 2].text if i + 2 < len(doc) else ""
            if before[:1].isupper() or after[:1].isupper():
                continue
            if self._is_foreign_proper_noun(first) and self._is_foreign_proper_noun(second):
                results.append(
                    finding(self, "PERSON", first.idx, second.idx + len(second.text), self.SCORE)
                )
        return results
