"""The subject or speaker of a verb only people do ("Ingrid said", "asked Tovah."), as PERSON."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern, PatternRecognizer

from deidentify.recognizers.census_name_recognizer import could_be_given_name

# A capitalised word in any alphabet, hyphenated parts in either case ("Saarinen-aho").
_WORD = r"\p{Lu}\p{Ll}+(?:-\p{L}\p{Ll}+)*"
# Speech, thought and residence: things people do, not drugs, devices or services.
_VERB = (
    r"(?:said|says|told|tells|asked|asks|replied|replies|shouted|shouts|yelled|screamed|"
    r"whispered|explained|explains|laughed|smiled|insisted|apologi[sz]ed|lives|lived|resides|"
    r"resided|grew up|was born|is from|was from|comes from|came from|moved to)"
)
_START = r"(?<![\p{L}\d'’.-])"


class HumanVerbNameRecognizer(PatternRecognizer):
    """Recognize a capitalised word that speaks, thinks or lives somewhere.

    Why: a name with no title, relation or census first name in it ("Ingrid said she would
    come", "asked Oyelaran.", "Tovah is from Haifa") is invisible to the other rules, but the
    verb tells that it is a person. Shapes: one or two capitalised words right before such a
    verb, and one capitalised word after "said"/"asked"/... closing a clause (a quote's
    attribution). Precision: the words are case-sensitive and none may be an English
    function word, clinical vocabulary, a drug or a title ("Cardiology said", "Pharmacy
    asked" stay); an English dictionary word counts only if it is also a census first name
    ("Ivy said" is a person, "Security said" is not).
    """

    PATTERNS: ClassVar[list[Pattern]] = [
        # One and two words separately: a rejected first word ("Yesterday Ingrid said")
        # must not hide the name after it.
        Pattern(
            "Name before a human verb (medium)",
            r"(?-i:" + _START + _WORD + r")(?=[ \t]+" + _VERB + r"\b)",
            0.6,
        ),
        Pattern(
            "Two-word name before a human verb (medium)",
            r"(?-i:" + _START + _WORD + r"[ \t]+" + _WORD + r")(?=[ \t]+" + _VERB + r"\b)",
            0.6,
        ),
        Pattern(
            "Name after a speech verb, closing a clause (medium)",
            r"\b(?:said|says|asked|asks|replied|explained|wrote|added)[ \t]+\K(?-i:"
            + _WORD
            + r")(?=[.,;:!?\"”]|$)",
            0.6,
        ),
    ]
    # Not names although capitalised: months, weekdays, titles, relations, roles.
    NOT_NAMES: ClassVar[frozenset[str]] = frozenset(
        """
        january february march april may june july august september october november december
        monday tuesday wednesday thursday friday saturday sunday today tonight yesterday
        mr mrs ms miss mx dr doctor nurse sister brother father mother mom dad wife husband son
        daughter family staff everyone someone he she they we i you it who
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
