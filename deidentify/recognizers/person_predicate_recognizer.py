"""The subject of "is a nurse", "were engineers" ("Okafor and Lund were engineers"), as PERSON."""

from __future__ import annotations

from typing import ClassVar

import regex as re
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.lang.en.stop_words import STOP_WORDS

from deidentify.recognizers.census_name_recognizer import could_be_cued_name
from deidentify.recognizers.findings import PersonFinder, finding
from deidentify.recognizers.person_noun_apposition_recognizer import (
    PERSON_NOUNS,
    PERSON_NOUNS_PLURAL,
    is_role_word,
)

_WORD = r"\p{Lu}\p{Ll}+(?:[-'’]\p{Lu}?\p{Ll}+)*"
_ITEM = _WORD + r"(?:[ \t]+" + _WORD + r")?"
_ITEM_RE = re.compile(r"(?-i:" + _ITEM + r")")
_START = r"(?<![\p{L}\d'’.-])"
# Nouns for people by sex and age, beside the roles and relations of the apposition rule.
_HUMAN = (
    r"(?:man|woman|boy|girl|gentleman|lady|guy|person|kid|child|baby|infant|teenager|male|"
    r"female)"
)
_HUMANS = r"(?:men|women|boys|girls|gentlemen|ladies|guys|people|persons|babies|teenagers)"
# "A is (a) <noun>", "A and B were <nouns>": a predicate noun denotes the subject (English
# copular clause), so a noun only people are makes the subject a person. Up to two modifiers
# may stand before the noun ("a retired nurse", "structural engineers", "a 45-year-old
# woman"); the noun must end the phrase, not modify another noun ("a nurse staffing agency").
_PREDICATE_RE = re.compile(
    r"(?-i:"
    + _START
    + r"(?P<subject>"
    + _ITEM
    + r"(?:(?:,[ \t]+"
    + _ITEM
    + r")*,?[ \t]+(?:and|&)[ \t]+"
    + _ITEM
    + r")?))[ \t]+(?:is|was|are|were)[ \t]+(?:(?:a|an|the|my|our|his|her|their|not|also|still|"
    r"now|once)[ \t]+)*(?P<modifiers>(?:[\p{Ll}\d][\p{Ll}\d-]*[ \t]+){0,2})(?i:"
    + PERSON_NOUNS
    + r"|"
    + PERSON_NOUNS_PLURAL
    + r"|"
    + _HUMAN
    + r"|"
    + _HUMANS
    + r")(?![\p{L}\d-])(?=[ \t]*(?:[.,;:!?)\"”]|$|(?:who|whom|and|or|at|in|with|from|for|of|by|"
    r"on|to|since|but|until|before|after|when|while|because)\b))"
)
# Adjectives of character and of civil state, said of people and not of places, products or
# findings: not "nice", "beautiful", "busy", "reliable", "safe", "stable" or "anxious", which
# describe cars, towns, tests and patients' states as readily.
_PERSON_ADJECTIVES = (
    r"(?:honest|dishonest|generous|polite|impolite|rude|shy|loyal|brave|clever|intelligent|"
    r"lazy|stubborn|talented|caring|thoughtful|cheerful|grumpy|arrogant|humble|selfish|"
    r"jealous|impulsive|moody|naive|handsome|pregnant|married|divorced|widowed|unemployed|"
    r"impatient|hardworking|hard-working|outgoing|introverted|extroverted|ambitious|"
    r"sarcastic|bossy|kind(?![ \t]+of\b))"
)
_INTENSIFIERS = (
    r"(?:(?:so|very|too|really|quite|always|usually|not|also|still|such|extremely)[ \t]+)*"
)
# "Okafor is so stubborn", and the question order "Why is Okafor so stubborn?".
_ADJECTIVE_RES = (
    re.compile(
        r"(?-i:"
        + _START
        + r"(?P<subject>"
        + _ITEM
        + r"(?:[ \t]+(?:and|&)[ \t]+"
        + _ITEM
        + r")?))[ \t]+(?:is|was|are|were)[ \t]+"
        + _INTENSIFIERS
        + _PERSON_ADJECTIVES
        + r"(?![\p{L}\d-])"
    ),
    re.compile(
        r"\b(?i:is|was|are|were)[ \t]+(?-i:(?P<subject>"
        + _ITEM
        + r"))[ \t]+"
        + _INTENSIFIERS
        + _PERSON_ADJECTIVES
        + r"(?![\p{L}\d-])"
    ),
)
_CUES_RE = re.compile(r"\b(?:is|was|are|were)\b")


class PersonPredicateRecognizer(PersonFinder):
    """Recognize the capitalised subject of a copula whose predicate denotes people.

    Why: a surname with no other cue is still a person when the sentence says what the person
    is ("Okafor is a retired nurse", "Marwick and Lund were structural engineers", "Dunmore was
    a 45-year-old man"). The nouns are roles, relations, occupations and words for men,
    women and children (those of :mod:`person_noun_apposition_recognizer` plus man, woman,
    child, ...), never a firm's or a drug's ("supplier", "member", "diuretic"). Precision:
    the predicate noun must close its phrase ("a nurse staffing agency" is an agency), the
    modifiers before it are no function words ("a drug for nurses" has none), and every
    subject word must pass :func:`could_be_cued_name` (no function, drug or clinical word;
    an English word only as a census first name or common surname). In a two-word item the
    first word may fail alone ("Yesterday Okafor was a nurse" keeps "Okafor"). The same goes
    for a predicate adjective of character or civil state ("Okafor is so stubborn", "Why is
    Lund so stubborn?", "Dunmore was married"); adjectives also said of places, products or
    test results ("beautiful", "busy", "reliable", "stable") are left out.
    """

    # Above NER's 0.85, so that Presidio keeps this finding rather than NER's identical one,
    # which the clinical filter drops when the surname is an eponym ("Wilson is a nurse").
    SCORE = 0.9
    # Titles and roles that can stand as a subject ("Doctor is a ..."); calendar words are
    # refused by could_be_cued_name.
    NOT_NAMES: ClassVar[frozenset[str]] = frozenset(
        "mr mrs ms miss mx dr doctor nurse patient".split()
    )

    @classmethod
    def _is_name_word(cls, word: str) -> bool:
        return (
            word.lower() not in cls.NOT_NAMES
            and not is_role_word(word)
            and could_be_cued_name(word)
        )

    def _names(self, text: str, match: re.Match) -> list[tuple[int, int]]:
        modifiers = match.groupdict().get("modifiers") or ""
        if any(word in STOP_WORDS for word in modifiers.split()):
            return []
        spans = []
        for item in _ITEM_RE.finditer(text, match.start("subject"), match.end("subject")):
            words = item.group().split()
            if all(self._is_name_word(w) for w in words):
                spans.append((item.start(), item.end()))
            elif len(words) == 2 and self._is_name_word(words[1]):
                spans.append((item.end() - len(words[1]), item.end()))
        return spans

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Find the subjects of copular clauses whose predicate noun denotes people.

        Args:
            text: The text.
            entities: Requested entities (PERSON or nothing).
            nlp_artifacts: Not used.

        Returns:
            One PERSON result per name of the subject.
        """
        if "PERSON" not in entities or not _CUES_RE.search(text):
            return []
        return [
            finding(self, "PERSON", start, end, self.SCORE)
            for pattern in (_PREDICATE_RE, *_ADJECTIVE_RES)
            for match in pattern.finditer(text)
            for start, end in self._names(text, match)
        ]
