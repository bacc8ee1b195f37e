"""The subject or speaker of a verb only people do ("Ingrid said", "asked Tovah."), as PERSON."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from deidentify.recognizers.caseless import CaselessRules, has_capitals
from deidentify.recognizers.census_name_recognizer import could_be_given_name

# A capitalised word in any alphabet, hyphenated parts in either case ("Saarinen-aho").
_WORD = r"\p{Lu}\p{Ll}+(?:-\p{L}\p{Ll}+)*"
# Speech, thought and residence: things people do, not drugs, devices or services.
_VERB = (
    r"(?:said|says|told|tells|asked|asks|replied|replies|shouted|shouts|yelled|screamed|"
    r"whispered|explained|explains|laughed|smiled|insisted|apologi[sz]ed|lives|lived|resides|"
    r"resided|grew up|was born|is from|was from|comes from|came from|moved to|"
    # Taking up an art or a study is something people do ("Adaeze began writing at twelve").
    r"(?:began|begins|started|starts|took up|takes up)[ \t]+(?:writing|singing|acting|"
    r"painting|dancing|teaching|composing|drawing|performing|studying))"
)
_LOWER_WORD = r"\p{Ll}{2,}(?:-\p{Ll}+)*"
_START = r"(?<![\p{L}\d'’.-])"
# Verbs of giving and telling whose first object, before a possessive, is the person who
# receives ("gave Ingrid her keys", "had sent Tovah his address"): English double-object
# construction, where the indirect object is a recipient.
_GIVE = (
    r"(?:gave|given|give|gives|giving|told|tell|tells|telling|sent|send|sends|showed|shown|"
    r"show|shows|handed|hands|hand|lent|lend|lends|owed|owes|owe|promised|promises|offered|"
    r"offers|wished|wishes|bought|buys|brought|brings|asked|asks)"
)
_POSSESSIVE = r"(?:his|her|their|my|your|our)"


def _patterns(word: str) -> list[Pattern]:
    """The rule's patterns, with ``word`` as the regex of one name word."""
    return [
        # One and two words separately: a rejected first word ("Yesterday Ingrid said")
        # must not hide the name after it.
        Pattern(
            "Name before a human verb (medium)",
            r"(?-i:" + _START + word + r")(?=[ \t]+" + _VERB + r"\b)",
            0.6,
        ),
        Pattern(
            "Two-word name before a human verb (medium)",
            r"(?-i:" + _START + word + r"[ \t]+" + word + r")(?=[ \t]+" + _VERB + r"\b)",
            0.6,
        ),
        Pattern(
            "Recipient of a giving verb before a possessive (medium)",
            r"\b" + _GIVE + r"[ \t]+\K(?-i:" + word + r")(?=[ \t]+" + _POSSESSIVE + r"\b)",
            0.6,
        ),
        Pattern(
            # "Ingrid had given Tovah her keys": the giver of a person is a person too.
            "Giver to a recipient before a possessive (medium)",
            r"(?-i:"
            + _START
            + word
            + r")(?=[ \t]+(?:(?:had|has|have)[ \t]+)?"
            + _GIVE
            + r"[ \t]+(?-i:"
            + word
            + r")[ \t]+"
            + _POSSESSIVE
            + r"\b)",
            0.6,
        ),
        Pattern(
            "Name after a speech verb, closing a clause (medium)",
            r"\b(?:said|says|asked|asks|replied|explained|wrote|added)[ \t]+\K(?-i:"
            + word
            + r")(?=[.,;:!?\"”]|$)",
            0.6,
        ),
    ]


class HumanVerbNameRecognizer(PatternRecognizer):
    """Recognize a capitalised word that speaks, thinks, gives or lives somewhere.

    Why: a name with no title, relation or census first name in it ("Ingrid said she would
    come", "asked Oyelaran.", "Tovah is from Haifa", "Adaeze began writing") is invisible to
    the other rules, but the verb tells that it is a person. Shapes: one or two capitalised
    words right before such a verb; one capitalised word after "said"/"asked"/... closing a
    clause (a quote's attribution); the giver and the recipient of a double-object giving
    verb before a possessive ("Ingrid had given Tovah her keys"). In a text without capitals
    only the giving shape runs, on lower-case words: it is the one whose cue (verb, word,
    possessive) leaves no room for chat shorthand ("he said ok", "ppl said"). Precision: the
    words are case-sensitive and none may be an English function word, clinical vocabulary,
    a drug or a title ("Cardiology said", "Pharmacy asked" stay); an English dictionary word
    counts only if it is also a census first name ("Ivy said" is a person, "Security said"
    is not).
    """

    PATTERNS: ClassVar[list[Pattern]] = _patterns(_WORD)
    # A writer who never uses capitals ("ebele had given ingrid his keys") marks no name by
    # case; in such a text the giving shape applies to lower-case words.
    CASELESS_PATTERNS: ClassVar[list[Pattern]] = [
        p for p in _patterns(_LOWER_WORD) if p.name.startswith(("Recipient", "Giver"))
    ]
    # Not names although capitalised: months, weekdays, titles, relations, roles; and chat
    # shorthand for people ("told ppl their times"), which no English word list holds.
    NOT_NAMES: ClassVar[frozenset[str]] = frozenset(
        """
        january february march april may june july august september october november december
        monday tuesday wednesday thursday friday saturday sunday today tonight yesterday
        mr mrs ms miss mx dr doctor nurse sister brother father mother mom dad wife husband son
        daughter family staff everyone someone he she they we i you it who
        ppl ur ya yall bro sis fam ok okay lol pls plz thx
        """.split()
    )

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_entity="PERSON",
            patterns=self.PATTERNS,
            context=[],
            supported_language=supported_language,
            name="HumanVerbNameRecognizer",
        )
        self._caseless = CaselessRules(self, self.CASELESS_PATTERNS)

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """Match the case-sensitive patterns, or the lower-case ones in a text without capitals.

        Args:
            text: The text.
            entities: Requested entities.
            nlp_artifacts: Not used by the patterns.
            regex_flags: Passed on to Presidio.

        Returns:
            The PERSON results.
        """
        if not has_capitals(text):
            return self._caseless.find(text, entities, nlp_artifacts, regex_flags)
        return super().analyze(text, entities, nlp_artifacts, regex_flags)

    @classmethod
    def _is_name_word(cls, word: str) -> bool:
        return word.lower() not in cls.NOT_NAMES and could_be_given_name(word)

    def invalidate_result(self, pattern_text: str) -> bool:
        """Reject a match unless every word passes the name test.

        Args:
            pattern_text: One or two capitalised words.

        Returns:
            True when the match is not a name.
        """
        return not all(self._is_name_word(word) for word in pattern_text.split())
