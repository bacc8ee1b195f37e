import pytest

from deidentify.recognizers import TitledPersonRecognizer

RECOGNIZER = TitledPersonRecognizer()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("seen by Mr. Smith today", ["Smith"]),
        ("Dr. Jane Doe evaluated", ["Jane Doe"]),
        ("pt's daughter Mary called", ["Mary"]),
        ("husband Keith at bedside", ["Keith"]),
        ("Patient: Smith, John.", ["Smith, John"]),
        ("Pt Flores, William called to cancel", ["Flores, William"]),
        ("signed Jane Doe, MD", ["Jane Doe"]),
        ("referencing Anna S., 34F", ["Anna S."]),
        ("Butler, Carol is a 24-year-old", ["Butler, Carol"]),
        # names in any alphabet's letters
        ("seen by Dr. Ólafur Þórhallsson", ["Ólafur Þórhallsson"]),
        ("pt's daughter Zoë called", ["Zoë"]),
        ("referencing Łucja W., 61F", ["Łucja W."]),
        # a courtesy title is the cue, never part of the subject's name
        ("Miss Fisher is a 60-year-old woman", ["Fisher"]),
        # negatives: drugs and clinical words after cues, eponyms without a title, lowercase
        ("per Tylenol protocol", []),
        ("pt Denies chest pain", []),
        ("Hx of Parkinson disease", []),
        ("Vitamin D. level low", []),
        ("daughter at bedside", []),
        ("son is here", []),
    ],
)
def test_titled_person_recognizer(found, text, expected):
    assert found(RECOGNIZER, text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("my name is Tovah Lindqvist", ["Tovah Lindqvist"]),
        ("last name? Okonkwo", ["Okonkwo"]),
        ("she goes by Birdie", ["Birdie"]),
        ("her kid Ansel has a fever", ["Ansel"]),
        # self-introductions in patient messages, whatever the case
        ("hi, my name is greta lindholm.", ["greta lindholm"]),
        ("everyone calls me vesna", ["vesna"]),
        ("my name is not important", []),
        # after "call me" an English function word is no name
        ("please call me when you are free", []),
        ("Call me after the scan", []),
        # the owner of a relative is a person; a relative owning one is not
        ("Jolanka's kid has a rash", ["Jolanka"]),
        ("Mother's sister called", []),
        ("Pt's daughter at bedside", []),
    ],
)
def test_name_cues(found, text, expected):
    assert found(RECOGNIZER, text) == expected
