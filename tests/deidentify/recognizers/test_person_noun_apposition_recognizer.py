import pytest

from deidentify.recognizers import PersonNounAppositionRecognizer

RECOGNIZER = PersonNounAppositionRecognizer()


@pytest.mark.parametrize(
    "text, expected",
    [
        # a list after a plural person noun: every item, eponym surnames included
        (
            "the shop was started by its founders: Okonta, Kussmaul and Brandvik.",
            ["Okonta", "Kussmaul", "Brandvik"],
        ),
        ("her sisters Yelena and Maritza Oduya flew in", ["Yelena", "Maritza Oduya"]),
        ("the witnesses were Tamsin and Oduya", ["Tamsin", "Oduya"]),
        # a name after a singular person noun
        ("a ballad by the novelist Ebele Nwachukwu", ["Ebele Nwachukwu"]),
        ("witness: Gerolt Vanbrugge", ["Gerolt Vanbrugge"]),
        # a former role
        ("the tour by ex-Senator Pellegrini ended", ["Pellegrini"]),
        # a courtesy title typed in lower case
        ("please transfer it to ms. Valdisere", ["Valdisere"]),
        ("ask for mrs Oyelaran at the desk", ["Oyelaran"]),
        # negatives: English words, weekdays, clinical words, drugs, units, street abbreviations
        ("friends: Monday and Tuesday", []),
        ("the kids Christmas party", []),
        ("the ex-Soviet Union states", []),
        ("nurse Station 4 called", []),
        ("sisters Tylenol and Lasix", []),
        ("QTc 438 ms. Chest x-ray clear", []),
        ("14 Birch dr. Springfield", []),
        ("members: Aetna and Cigna", []),
        # role and relation words, though the census lists them as surnames
        ("friends: Husband and Nurse", []),
    ],
)
def test_person_noun_apposition_recognizer(found, text, expected):
    assert found(RECOGNIZER, text) == expected
