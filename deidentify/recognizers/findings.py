"""Building a recognizer's finding the way Presidio's later steps expect it."""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer, RecognizerResult


def finding(
    recognizer: EntityRecognizer, entity_type: str, start: int, end: int, score: float
) -> RecognizerResult:
    """A finding of ``recognizer``, carrying its name and id.

    Presidio's context step and de-duplication look findings up by recognizer id; a finding
    without it is dropped there. Pattern recognizers add both themselves; recognizers that
    build findings by hand (from spaCy tokens) use this.
    """
    return RecognizerResult(
        entity_type=entity_type,
        start=start,
        end=end,
        score=score,
        analysis_explanation=None,
        recognition_metadata={
            RecognizerResult.RECOGNIZER_NAME_KEY: recognizer.name,
            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: recognizer.id,
        },
    )


class PersonFinder(EntityRecognizer):
    """Base of the name recognizers that read spaCy's tokens and build their findings by hand.

    Each registers under its class name, reports PERSON only, and loads nothing unless it says
    so (the word lists are read on first use and cached).
    """

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_entities=["PERSON"],
            supported_language=supported_language,
            name=type(self).__name__,
        )

    def load(self) -> None:
        """Nothing to load by default."""
