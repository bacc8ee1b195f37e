"""Names in apposition to a noun that only denotes people ("founders: Ana and Bo"), as PERSON."""

from __future__ import annotations

from typing import ClassVar

import regex as re
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from deidentify.recognizers.census_name_recognizer import could_be_cued_name
from deidentify.recognizers.findings import PersonFinder, finding

# A capitalised word in any alphabet, with hyphenated or apostrophised parts ("Okafor-Lund").
_WORD = r"\p{Lu}\p{Ll}+(?:[-'’]\p{Lu}?\p{Ll}+)*"
_ITEM = _WORD + r"(?:[ \t]+" + _WORD + r")?"
_ITEM_RE = re.compile(r"(?-i:" + _ITEM + r")")
# "A", "A and B", "A, B and C", "A, B, & C": one or two words an item.
_LIST = _ITEM + r"(?:,[ \t]+" + _ITEM + r")*(?:,?[ \t]+(?:and|&)[ \t]+" + _ITEM + r")?"
_END = r"(?![\p{L}\d'’-])"

# Nouns that denote people only (English grammar: a proper noun in apposition to such a noun
# names the same referent: "the novelist Ama Okafor", "my sisters Ana and Bea"). Kept to roles
# no firm, place or product holds: not "members", "partners", "owners", "sponsors", "hosts".
# Lower case, as running text writes them: matching them in any case doubles the rule's cost.
PERSON_NOUNS = (
    r"(?:co-?founder|founder|author|co-?author|writer|novelist|poet|playwright|journalist|"
    r"singer|songwriter|singer-songwriter|musician|guitarist|drummer|bassist|pianist|violinist|"
    r"composer|vocalist|rapper|actor|actress|comedian|painter|sculptor|photographer|"
    r"bandmate|teammate|classmate|roommate|colleague|co-?worker|friend|neighbou?r|sibling|"
    r"sister|brother|son|daughter|cousin|twin|grandson|granddaughter|grandparent|parent|"
    r"uncle|aunt|niece|nephew|fiancée?|girlfriend|boyfriend|husband|wife|"
    r"engineer|lawyer|attorney|professor|teacher|student|coach|nurse|doctor|physician|"
    r"surgeon|therapist|caregiver|witness|employee|volunteer)"
)
# Plural ("founders", "wives", "children") before a list; the list may follow a colon, a comma,
# a dash or a verb that introduces its members.
PERSON_NOUNS_PLURAL = r"(?:" + PERSON_NOUNS + r"s|wives|children|grandchildren|kids|witnesses)"
_PLURAL_RE = re.compile(
    r"(?:\b"
    + PERSON_NOUNS_PLURAL
    + r")(?:[ \t]*[:,–—-][ \t]*|[ \t]+(?:are|were|include|included|including|named|called)"
    r"[ \t]+|[ \t]+)\K(?-i:" + _LIST + r")" + _END
)
# Singular: one name after the noun or a colon ("the singer Lior Ben-Ami", "Witness: Okafor").
_SINGULAR_RE = re.compile(
    r"\b" + PERSON_NOUNS + r"(?:[ \t]*:[ \t]*|[ \t]+)\K(?-i:" + _ITEM + r")" + _END
)
# Words for people that the census also lists as surnames ("Husband", "Nurse", "Judge"): as
# the subject or an item next to a person cue they are the role, not a name ("Husband is a
# retired engineer", "visitors: Son and Friend").
_ROLE_WORD_RE = re.compile(
    r"(?i)(?:"
    + PERSON_NOUNS
    + r"|"
    + PERSON_NOUNS_PLURAL
    + r"|man|woman|men|women|boy|girl|gentleman|lady|guy|person|people|kid|child|baby|"
    r"officer|driver|sheriff|deputy|judge|pastor|priest|bishop|chaplain|boss|guest|client|"
    r"staff|case|patient|resident|interpreter|mom|dad|mother|father|spouse|partner|"
    r"guardian|visitor|someone|somebody)"
)


def is_role_word(word: str) -> bool:
    """Tell whether ``word`` (any case) is a noun for a person, a role or a relation.

    Args:
        word: One word.

    Returns:
        True for "Husband", "nurses", "Judge", "Case", ...
    """
    return _ROLE_WORD_RE.fullmatch(word) is not None


# A former role is a person's: "ex-Senator Okafor", "ex-Beatle Ringo" (the "ex-" prefix forms
# nouns of former office, membership or relation; an adjective after it, "ex-Soviet Union",
# leaves an English word that the name test rejects).
_EX_ROLE_RE = re.compile(r"(?<![\p{L}\d])(?i:ex)-\p{Lu}\p{Ll}+[ \t]+\K(?-i:" + _ITEM + r")" + _END)
# A courtesy title written in lower case in chat and e-mail ("join accounts with ms. Lindqvist").
# Not after a number ("QTc 438 ms. Chest"); "dr" not after a capitalised word, where it is
# "Drive" ("Birch dr. Springfield").
_LOWER_TITLE_RE = re.compile(
    r"(?<!\d[ \t]{0,3})(?<![\p{L}\d.])(?-i:mrs|ms|miss|mr|(?<!\p{Lu}\p{Ll}*[ \t]+)dr)\.?[ \t]+"
    r"\K(?-i:" + _ITEM + r")" + _END
)


class PersonNounAppositionRecognizer(PersonFinder):
    """Recognize names after a noun or a title that denotes people.

    Why: NER misses a surname it has not seen even where the text says it is a person: a
    list after a plural role noun ("our three founders: Okonta, Okafor and Lund", "his
    sisters Ana and Bea"), a name after a singular one ("the novelist Ama Okafor"), after a
    former role ("ex-Senator Lindqvist") or after a courtesy title typed in lower case ("ms.
    Quintavalle"). English apposition makes the proper noun name the same person.

    Precision: the nouns are roles only people hold; each name word must pass
    :func:`could_be_cued_name` (no function word, drug or clinical word; an English word only
    as a census first name or common surname), so "friends: Monday and Tuesday" or
    "nurse Station" stay text. The score is above NER's 0.85 so that an eponym surname NER
    also found ("Levine"), whose NER finding the clinical filter drops, survives Presidio's
    de-duplication.
    """

    SCORE = 0.9
    PATTERNS: ClassVar[tuple[re.Pattern, ...]] = (
        _PLURAL_RE,
        _SINGULAR_RE,
        _EX_ROLE_RE,
        _LOWER_TITLE_RE,
    )

    # Parts of speech a name is never tagged with: a capitalised verb or adverb after "ms."
    # starts a sentence ("hx of ms. Went home"), and "went" is no lemma of the English list.
    NOT_NAME_POS: ClassVar[frozenset[str]] = frozenset(
        "VERB AUX ADV ADP PRON DET CCONJ SCONJ PART INTJ NUM".split()
    )

    @classmethod
    def _is_name(cls, item: str) -> bool:
        return all(not is_role_word(word) and could_be_cued_name(word) for word in item.split())

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Find the names that follow a person noun, a former role or a lower-case title.

        Args:
            text: The text.
            entities: Requested entities (PERSON or nothing).
            nlp_artifacts: spaCy tokens; a name tagged as a verb, adverb or function word is
                dropped. Without them only the word tests apply.

        Returns:
            One PERSON result per name (each item of a list on its own).
        """
        if "PERSON" not in entities:
            return []
        spans: set[tuple[int, int]] = set()
        for pattern in self.PATTERNS:
            for match in pattern.finditer(text):
                for item in _ITEM_RE.finditer(text, match.start(), match.end()):
                    if self._is_name(item.group()):
                        spans.add((item.start(), item.end()))
        if spans and nlp_artifacts is not None and nlp_artifacts.tokens is not None:
            pos = {token.idx: token.pos_ for token in nlp_artifacts.tokens}
            spans = {span for span in spans if pos.get(span[0]) not in self.NOT_NAME_POS}
        return [finding(self, "PERSON", start, end, self.SCORE) for start, end in sorted(spans)]
