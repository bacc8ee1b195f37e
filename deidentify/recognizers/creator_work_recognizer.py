"""The maker named beside a novel, song or film ("the Okafor novel", "song by Lund"), as PERSON."""

from __future__ import annotations

import regex as re
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.lang.en.stop_words import STOP_WORDS

from deidentify.recognizers.clinical_terms import EPONYMS, is_clinical_phrase
from deidentify.recognizers.english_words import is_english_word
from deidentify.recognizers.findings import PersonFinder, finding

_WORD = r"\p{Lu}\p{Ll}+(?:[-'’]\p{Lu}?\p{Ll}+)*"
_ITEM = _WORD + r"(?:[ \t]+" + _WORD + r")?"
# Works of literature, music, film and art: in English a proper noun attributive to them, or
# after "by", is their author ("the Tolstoy novel", "a song by Ella"). None is a clinical
# noun, so eponyms of tests and devices ("the Foley catheter", "the Apgar score") never
# match; "score", "record", "version" and "play" are left out, being as often other things.
_WORKS = (
    r"(?:novel|novels|novella|book|books|memoir|memoirs|biography|autobiography|poem|poems|"
    r"song|songs|album|albums|ballad|ballads|recording|recordings|rendition|cover|remix|"
    r"symphony|sonata|concerto|opera|film|films|movie|movies|documentary|painting|paintings|"
    r"portrait|sculpture|essay|essays|lyrics)"
)
_DETERMINER = r"(?:the|a|an|this|that|another|his|her|their|my|our|your)"
_ATTRIBUTIVE_RE = re.compile(
    r"(?i:\b" + _DETERMINER + r"[ \t]+)\K(?-i:" + _ITEM + r")(?=[ \t]+(?i:" + _WORKS + r")\b)"
)
_BY_RE = re.compile(r"(?i:\b" + _WORKS + r"[ \t]+by[ \t]+)\K(?-i:" + _ITEM + r")(?![\p{L}\d'’-])")
_CUES_RE = re.compile(r"(?i)\b" + _WORKS + r"\b")


class CreatorWorkRecognizer(PersonFinder):
    """Recognize the author named before or after a work ("the Okafor novel", "song by Lund").

    Why: a surname used attributively before "novel", "album" or "film", or after "song by",
    names the person who made it, and NER either misses it or finds an eponym ("Levine")
    that the clinical filter then drops. Precision: the nouns are works of art only (no
    clinical noun follows an eponym here); a word of the name must be no English word and
    no clinical vocabulary, unless spaCy's NER itself tagged it PERSON (the cue then settles
    NER's guess: "the Levine novel"), since English words in that slot are mostly
    adjectives and holidays ("the French film", "the Christmas song").
    """

    # Above NER's 0.85, so that Presidio keeps this finding rather than NER's identical one,
    # which the clinical filter drops when the surname is an eponym.
    SCORE = 0.9

    @staticmethod
    def _is_name_word(word: str, ner_person: bool) -> bool:
        lower = word.lower()
        if lower in STOP_WORDS or (is_clinical_phrase(word) and lower not in EPONYMS):
            return False
        return ner_person or not (is_english_word(word) or lower in EPONYMS)

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Find the names attributive to a work or after "<work> by".

        Args:
            text: The text.
            entities: Requested entities (PERSON or nothing).
            nlp_artifacts: spaCy's entities; an English word passes only inside an NER PERSON.

        Returns:
            One PERSON result per name.
        """
        if "PERSON" not in entities or not _CUES_RE.search(text):
            return []
        persons = []
        if nlp_artifacts is not None and nlp_artifacts.entities:
            persons = [
                (e.start_char, e.end_char) for e in nlp_artifacts.entities if e.label_ == "PERSON"
            ]
        results = []
        for pattern in (_ATTRIBUTIVE_RE, _BY_RE):
            for match in pattern.finditer(text):
                ner_person = any(s <= match.start() and match.end() <= e for s, e in persons)
                if all(self._is_name_word(w, ner_person) for w in match.group().split()):
                    results.append(finding(self, "PERSON", match.start(), match.end(), self.SCORE))
        return results
