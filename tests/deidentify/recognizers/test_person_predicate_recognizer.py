import pytest

from deidentify.recognizers import PersonPredicateRecognizer

RECOGNIZER = PersonPredicateRecognizer()


@pytest.mark.parametrize(
    "text, expected",
    [
        # the subject of a copula whose predicate noun denotes people
        ("Oyelaran is a retired nurse.", ["Oyelaran"]),
        ("Brandvik and Kussmaul were structural engineers.", ["Brandvik", "Kussmaul"]),
        ("Tamsin Oduya was a 45-year-old woman who fell.", ["Tamsin Oduya"]),
        # an English word that is a common census surname, after a rejected first word
        ("Yesterday Thatcher was the attorney on call", ["Thatcher"]),
        # a predicate adjective of character or civil state, in either order
        ("Vantrel is very stubborn", ["Vantrel"]),
        ("Why is Oduya so arrogant?", ["Oduya"]),
        ("Ashdown was divorced in May", ["Ashdown"]),
        # negatives: adjectives said of things too, "kind of"
        ("Vantrel is very reliable", []),
        ("Vantrel is kind of slow", []),
        ("Paris is so beautiful", []),
        # negatives: the noun modifies another noun, a function word among the modifiers,
        # a predicate that is not a person, clinical and function words as subjects
        ("Vantrel is a nurse staffing agency", []),
        ("Vantrel is a tool for nurses", []),
        ("Lasix is a diuretic.", []),
        ("Pt is a 45 yo male", []),
        ("This is a friend.", []),
        ("Monday was a teacher workday", []),
        ("Christmas is a time for children", []),
        # a role or relation word is no name, though the census lists it as a surname
        ("Husband is a retired engineer.", []),
        ("Case is a 45-year-old man", []),
    ],
)
def test_person_predicate_recognizer(found, text, expected):
    assert found(RECOGNIZER, text) == expected
