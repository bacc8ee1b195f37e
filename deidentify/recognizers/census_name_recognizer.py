"""Names that start with a US census first name ("Homer Vantassel", "Scott J Reyes"), as PERSON."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import ClassVar

import names
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.lang.en.stop_words import STOP_WORDS

from deidentify.recognizers.clinical_terms import EPONYMS, is_clinical_phrase
from deidentify.recognizers.english_words import is_english_word
from deidentify.recognizers.findings import PersonFinder, finding


@functools.cache
def first_names() -> frozenset[str]:
    """Lower-cased first names of the 1990 US census (``names`` package, 5,163 names).

    The lists ship inside the pinned ``names`` wheel, so nothing is fetched at run time.
    """
    found: set[str] = set()
    for key in ("first:male", "first:female"):
        with Path(names.FILES[key]).open(encoding="ascii") as handle:
            found.update(line.split(maxsplit=1)[0].lower() for line in handle if line.strip())
    return frozenset(found)


# A surname counts as common when at least 1 in 100,000 people of the 1990 census bore it (the
# list's frequency column, in percent, is at least 0.001): about 18,800 names.
_COMMON_SURNAME_PERCENT = 0.001


@functools.cache
def common_surnames() -> frozenset[str]:
    """Lower-cased common surnames of the 1990 US census (``names`` package, see above).

    Rare entries of the full list (88,799 names) are ordinary words ("Union", "Novel"); the
    common ones are names first ("Fowler", "Chandler", "Levine"), though some are words too
    ("White", "Street"), so the list is only used where a cue says a person is named.
    """
    found: set[str] = set()
    with Path(names.FILES["last"]).open(encoding="ascii") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) >= 2 and float(parts[1]) >= _COMMON_SURNAME_PERCENT:
                found.add(parts[0].lower())
    return frozenset(found)


# Months, weekdays, holidays and days relative to today, some of which the census lists as
# surnames ("Christmas").
_CALENDAR_WORDS = frozenset(
    """
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday christmas easter thanksgiving
    halloween hanukkah passover ramadan today tonight tomorrow yesterday
    """.split()
)


def could_be_cued_name(word: str) -> bool:
    """Tell whether ``word`` may be a name where a cue says a person is named.

    After a person noun, a courtesy title or before "novel" a capitalised word is a name
    unless it is a function word, a calendar word ("May", "Christmas", "Today"), a drug or clinical
    vocabulary. An English dictionary word passes only as a census first name or a common
    census surname ("the Fowler novel", "founders: Ivy and Sexton"); eponyms pass too, since
    beside such a cue they are surnames.

    Args:
        word: One word, any case.

    Returns:
        True when the word may be a name.
    """
    lower = word.lower()
    if lower in STOP_WORDS or lower in _CALENDAR_WORDS:
        return False
    if is_clinical_phrase(word) and lower not in EPONYMS:
        return False
    return lower in first_names() or lower in common_surnames() or not is_english_word(word)


def _is_title_word(word: str) -> bool:
    """``Anna``, ``Szabó``: letters only, an upper-case one and then lower-case ones."""
    return word.isalpha() and word[0].isupper() and word[1:].islower()


def could_be_given_name(word: str) -> bool:
    """Tell whether ``word`` may be a given name: a census first name, or no English word at all.

    Stop words and clinical vocabulary never are. The name rules that look at a word's shape
    (surname endings, human verbs) share this test, so they agree on what a given name is.

    Args:
        word: One word, any case.

    Returns:
        True when the word may be a given name.
    """
    lower = word.lower()
    if lower in STOP_WORDS or is_clinical_phrase(word):
        return False
    return lower in first_names() or not is_english_word(word)


class CensusNameRecognizer(PersonFinder):
    """Recognize a proper noun that is a census first name, with the proper nouns after it.

    Why: spaCy's small and medium models miss names that have no cue around them
    ("Scott is a very patient man", "the Homer Vantassel recital"); a patient's given name
    is the most common identifier in free text. The list is the 1990 US census first names
    (MIT-licensed ``names`` package), so it covers US patients far better than others.

    Precision gates, because many first names are also words ("Will", "May", "Grant",
    "Bill", "Hope"): the token must be title-case and tagged a proper noun by spaCy (the
    tagger runs anyway), at least three letters, and not a month, a weekday, a drug or
    clinical vocabulary. The span then takes up to two following proper nouns or initials
    ("Nora C Halvorsen"). A lone first name scores lower than a first + last name.
    """

    NOT_NAMES: ClassVar[frozenset[str]] = frozenset(
        """
        january february march april may june july august september october november december
        monday tuesday wednesday thursday friday saturday sunday
        miss mister madam sister brother father mother doctor nurse pastor saint sir lady lord
        king queen prince princess baby
        """.split()
    )
    # Month and weekday abbreviations written in lower case, which are census names too.
    SHORTHAND: ClassVar[frozenset[str]] = frozenset(
        """
        jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur fri sat sun
        """.split()
    )
    SCORE_FULL = 0.7
    SCORE_FIRST_ONLY = 0.5
    MAX_FOLLOWING = 2

    def load(self) -> None:
        """Read the census lists once (the recognizer registry calls this at start-up)."""
        first_names()

    @classmethod
    def _is_caseless_name(cls, word: str) -> bool:
        """A lower-case census name in a text without capitals, if it is no English word.

        Writers who never capitalise ("ask gunnhild to call") give neither case nor a
        reliable PROPN tag; a census name that is also a word ("frank", "hope", "will") or a
        shorthand ("jan", "wed") stays text.
        """
        return (
            word.isalpha()
            and word.islower()
            and word not in STOP_WORDS
            and word not in cls.SHORTHAND
            and not is_english_word(word)
        )

    @classmethod
    def _rejected(cls, word: str) -> bool:
        return word.lower() in cls.NOT_NAMES or is_clinical_phrase(word)

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Find census first names and the proper nouns that follow them.

        Args:
            text: The text.
            entities: Requested entities (PERSON or nothing).
            nlp_artifacts: spaCy tokens with part-of-speech tags; without them nothing is found.

        Returns:
            One PERSON result per name.
        """
        if nlp_artifacts is None or nlp_artifacts.tokens is None or "PERSON" not in entities:
            return []
        known = first_names()
        doc = nlp_artifacts.tokens
        results = []
        caseless = not any(c.isupper() for c in text)
        i, n = 0, len(doc)
        while i < n:
            token = doc[i]
            word = token.text
            # Cheap tests first: most tokens are neither title-case proper nouns nor, in a
            # text without capitals, census names.
            if not (
                len(word) >= 3
                and ((token.pos_ == "PROPN" and _is_title_word(word)) or caseless)
                and word.lower() in known
                and not self._rejected(word)
                and (not caseless or self._is_caseless_name(word))
            ):
                i += 1
                continue
            end = i + 1
            while end < n and end - i <= self.MAX_FOLLOWING:
                nxt = doc[end]
                initial = len(nxt.text.rstrip(".")) == 1 and nxt.text[0].isupper()
                proper = nxt.pos_ == "PROPN" and _is_title_word(nxt.text)
                if initial or (proper and not self._rejected(nxt.text)):
                    end += 1
                    continue
                break
            # A trailing initial belongs to the next sentence or a list ("Anna S." is
            # TitledPersonRecognizer's), so the span ends on a word.
            while end - 1 > i and len(doc[end - 1].text.rstrip(".")) == 1:
                end -= 1
            # A lone first name inside a run of capitalised words is a title or a heading
            # ("Truly Madly", "Princess Royal"), not a person.
            if end - i == 1 and i > 0 and doc[i - 1].text[:1].isupper():
                i = end
                continue
            span = doc[i:end]
            score = self.SCORE_FULL if end - i > 1 else self.SCORE_FIRST_ONLY
            results.append(finding(self, "PERSON", span.start_char, span.end_char, score))
            i = end
        return results
