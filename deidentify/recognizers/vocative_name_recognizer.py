"""A name addressed at the start of a sentence ("Ingrid, can you call me back?"), as PERSON."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern, PatternRecognizer

from deidentify.recognizers.census_name_recognizer import could_be_given_name

_WORD = r"\p{Lu}\p{Ll}+(?:-\p{Lu}?\p{Ll}+)*"
# The start of a line or of a sentence (after ".", "!" or "?" and any closing quote).
_SENTENCE_START = r"(?:^|(?<=[.!?…][\"”’')]*[ \t]+))[ \t>\"“'‘]*\K"
# What a speaker says to the person addressed: a question to them, a request for their
# permission, "please", thanks, or a clause about "you" (English vocative: the addressee
# is named and then spoken to in the second person).
_ADDRESSED = (
    r"(?:(?:can|could|may|would|will|shall)[ \t]+(?:I|you|we)|"
    r"(?:do|did|are|were|have|had|will|would|won't|don't|can't)[ \t]+you|"
    r"please|thank[ \t]+you|thanks|you|you're|you've|you'll|your|I'm[ \t]+sorry|"
    r"I[ \t]+need[ \t]+you|I[ \t]+love[ \t]+you|I[ \t]+miss[ \t]+you)"
)
# Greetings and thanks that name the addressee next ("Hi Odalys,", "Thanks, Tovah!").
_GREETING = (
    r"(?:hi|hello|hey|dear|good[ \t]+(?:morning|afternoon|evening)|thanks|thank[ \t]+you|"
    r"bye|goodbye|cheers|see[ \t]+you(?:[ \t]+(?:soon|later|tomorrow))?)"
)


class VocativeNameRecognizer(PatternRecognizer):
    """Recognize a capitalised word addressed: opening a sentence, or after a greeting.

    Why: in messages and transcripts people are named as they are spoken to ("Odalys, can I
    speak to your manager?", "Tovah, you left your keys", "Hi Odalys,"), with nothing else
    around the name that NER or the other rules could go by. Shapes: the first word of a
    line or sentence, a comma, then a question or a request to the addressee (can/could I
    or you, do/are you, please, thank you, a clause with "you"); one or two words after a
    greeting or thanks that close the phrase ("Hi Odalys,", "Thank you, Tovah Brandvik!").
    Precision: every word must pass the shared given-name test (no English, function or
    clinical word unless a census first name: "Okay, can you", "Doctor, do you", "Tylenol,
    can I", "Hi Team," stay) and must not be a title, chat shorthand or an interjection that
    no dictionary lists ("Btw, can you", "Hmm, you", "Dear Sir").
    """

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "Name addressed at a sentence start (medium)",
            r"(?-i:" + _SENTENCE_START + _WORD + r")(?=,[ \t]+(?-i:" + _ADDRESSED + r")\b)",
            0.6,
        ),
        Pattern(
            "Name after a greeting or thanks (medium)",
            r"\b" + _GREETING + r",?[ \t]+\K(?-i:" + _WORD + r"(?:[ \t]+" + _WORD + r")?)"
            r"(?=[ \t]*(?:[,.!:;\n]|$))",
            0.6,
        ),
    ]
    # Interjections, greetings and chat shorthand: openers of a sentence, not names.
    NOT_NAMES: ClassVar[frozenset[str]] = frozenset(
        """
        btw lol lmao tbh imo imho jk omg fyi idk smh ty thx pls plz np ok okay hmm hmmm umm
        uhm uhh uh um ah oh hey hi hiya heya hello yo ya yeah yep yup nope nah haha hehe wow
        aww ugh oops sir madam maam ma'am doc mr mrs ms miss dr mom dad sis bro guys folks
        """.split()
    )

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_entity="PERSON",
            patterns=self.PATTERNS,
            context=[],
            supported_language=supported_language,
            name="VocativeNameRecognizer",
        )

    def invalidate_result(self, pattern_text: str) -> bool:
        """Reject words, interjections, titles and clinical vocabulary.

        Args:
            pattern_text: One or two capitalised words.

        Returns:
            True when the match is not a name.
        """
        return not all(
            word.lower() not in self.NOT_NAMES and could_be_given_name(word)
            for word in pattern_text.split()
        )
