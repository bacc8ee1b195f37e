import pytest

from deidentify.recognizers import CreatorWorkRecognizer

RECOGNIZER = CreatorWorkRecognizer()


@pytest.mark.parametrize(
    "text, expected",
    [
        # a name attributive to a work of art
        ("we read the Oyelaran novel in class", ["Oyelaran"]),
        ("her Tamsin Brandvik album came out", ["Tamsin Brandvik"]),
        ("that Nwachukwu painting hangs upstairs", ["Nwachukwu"]),
        # a name after "<work> by"
        ("a ballad by Vanbrugge played twice", ["Vanbrugge"]),
        # negatives: adjectives and holidays, eponyms of tests, clinical nouns, drugs
        ("the French film was long", []),
        ("the Christmas song again", []),
        ("the Foley catheter was changed", []),
        ("the Apgar score was 9", []),
        ("the Tylenol book from pharmacy", []),
        ("the Glasgow novel", []),
        # an eponym or English surname counts only where NER tagged it PERSON (no NER here)
        ("that Kussmaul painting hangs upstairs", []),
    ],
)
def test_creator_work_recognizer(found, text, expected):
    assert found(RECOGNIZER, text) == expected
