import pytest

from deidentify.engine import LANGUAGE, get_analyzer
from deidentify.recognizers import CensusNameRecognizer
from deidentify.recognizers.census_name_recognizer import first_names

RECOGNIZER = CensusNameRecognizer()


def found(text: str) -> list[str]:
    """Substrings reported, with the analyzer's own spaCy artifacts (tags drive the gates)."""
    artifacts = get_analyzer().nlp_engine.process_text(text, LANGUAGE)
    results = RECOGNIZER.analyze(text, ["PERSON"], artifacts)
    return [text[r.start : r.end] for r in sorted(results, key=lambda r: r.start)]


@pytest.mark.parametrize(
    "text, expected",
    [
        # a census first name and the proper nouns or initials after it
        ("Did you hear the Homer Vantassel recital last week?", ["Homer Vantassel"]),
        ("Please add Nora C Halvorsen to the visitor list", ["Nora C Halvorsen"]),
        ("Scott is a very patient man.", ["Scott"]),
        # in a text without a single capital, a lower-case census name that is no English word
        ("patricia called back", ["patricia"]),
        ("my son desmond has a fever", ["desmond"]),
        # negatives: months, titles, words tagged as verbs, headings, lower case in a text
        # with capitals, lower-case names that are English words or date shorthand
        ("Will follow up in May.", []),
        ("Miss Shah is here", []),
        ("Dr. Jane Doe evaluated", ["Jane Doe"]),
        ("The Princess Royal arrived today", []),
        ("patricia called back, Dr Ames aware", []),
        ("frank discussion with the family, hope to go home", []),
        ("seen jan 3, back wed", []),
        ("Rash x2 days, on Lasix", []),
    ],
)
def test_census_name_recognizer(text, expected):
    assert found(text) == expected


def test_without_nlp_artifacts_nothing_is_found():
    assert RECOGNIZER.analyze("Scott is here", ["PERSON"], None) == []


def test_census_lists_are_loaded_from_the_package():
    names = first_names()
    assert len(names) > 5000
    assert {"mary", "james", "scott"} <= names
