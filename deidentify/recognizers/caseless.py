"""Rules for texts written without a single capital, run on behalf of a parent recognizer.

Patients who type in lower case mark no name, street or town by case, so several recognizers keep
a second, lower-case set of patterns for such texts. This is their one home: the sub-recognizer,
the test for "no capitals", and the id fix that keeps its findings alive.
"""

from __future__ import annotations

from collections.abc import Callable

import regex as re
from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult

_UPPER_RE = re.compile(r"\p{Lu}")


def has_capitals(text: str) -> bool:
    """Tell whether the writer uses capitals anywhere in ``text``."""
    return _UPPER_RE.search(text) is not None


class CaselessRules(PatternRecognizer):
    """Lower-case patterns of a parent recognizer, for texts without capitals.

    Presidio's context step keeps only findings whose recognizer id it knows (the registered
    parent's), so :meth:`find` stamps the parent's id on every finding; without it, every
    lower-case finding was silently dropped.
    """

    def __init__(
        self,
        parent: PatternRecognizer,
        patterns: list[Pattern],
        invalidate: Callable[[str], bool | None] | None = None,
    ) -> None:
        """Build the rules for ``parent``.

        Args:
            parent: The registered recognizer these rules belong to.
            patterns: The lower-case patterns.
            invalidate: ``invalidate_result`` for these matches (default: the parent's).
        """
        super().__init__(
            supported_entity=parent.supported_entities[0],
            patterns=patterns,
            context=[],
            supported_language=parent.supported_language,
            name=parent.name,
        )
        self._parent_id = parent.id
        self._invalidate = invalidate or parent.invalidate_result

    def invalidate_result(self, pattern_text: str) -> bool | None:
        """The parent's rejection rule (or the one given)."""
        return self._invalidate(pattern_text)

    def find(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: object = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """Run the lower-case patterns and report the findings under the parent's id."""
        results = self.analyze(text, entities, nlp_artifacts, regex_flags)
        key = RecognizerResult.RECOGNIZER_IDENTIFIER_KEY
        for result in results:
            result.recognition_metadata[key] = self._parent_id
        return results
