import pytest

from deidentify.engine import LANGUAGE, get_analyzer
from deidentify.recognizers import ForeignNamePairRecognizer

RECOGNIZER = ForeignNamePairRecognizer()


def found(text: str) -> list[str]:
    """Substrings reported, with the analyzer's own spaCy artifacts (PROPN tags gate them)."""
    artifacts = get_analyzer().nlp_engine.process_text(text, LANGUAGE)
    results = RECOGNIZER.analyze(text, ["PERSON"], artifacts)
    return [text[r.start : r.end] for r in sorted(results, key=lambda r: r.start)]


@pytest.mark.parametrize(
    "text, expected",
    [
        # two adjacent proper nouns in no English dictionary
        ("Maybe it is filed under Bolesław Kuźma", ["Bolesław Kuźma"]),
        ("Have you met Tamsin Ouko before?", ["Tamsin Ouko"]),
        # negatives: an English word in the pair, a drug, a run of three capitalised words,
        # a state, a single word
        ("Seen at Boston Children's yesterday", []),
        ("Started Eliquis Januvia today", []),
        ("Have you met Tamsin Ouko Dunmore before?", []),
        ("Moved from Nebraska Kasimir", []),
        ("Have you met Ouko?", []),
    ],
)
def test_foreign_name_pair_recognizer(text, expected):
    assert found(text) == expected


def test_without_nlp_artifacts_nothing_is_found():
    assert RECOGNIZER.analyze("Bolesław Kuźma", ["PERSON"], None) == []
