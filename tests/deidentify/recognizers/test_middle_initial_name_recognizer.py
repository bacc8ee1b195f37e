import pytest

from deidentify.recognizers import MiddleInitialNameRecognizer

RECOGNIZER = MiddleInitialNameRecognizer()


@pytest.mark.parametrize(
    "text, expected",
    [
        # a middle initial between two capitalised words, any alphabet, with or without a stop
        ("Signed: Marta K Lindqvist", ["Marta K Lindqvist"]),
        ("Contact Ólafur T. Þórhallsson at home", ["Ólafur T. Þórhallsson"]),
        ("Csilla P Farkas-Nagy lives nearby", ["Csilla P Farkas-Nagy"]),
        # an eponym is a surname in the last place
        ("Referred by Jane K Wilson", ["Jane K Wilson"]),
        # in a text without a single capital the shape stands in lower case too
        ("signed: birgit k halloran", ["birgit k halloran"]),
        # negatives: a label with a letter, an eponym or a clinical word first, lower case in a
        # text with capitals, English words or chat letters in lower case, two initials, a
        # drug last
        ("Vitamin D Level pending", []),
        ("Hepatitis B Surface antigen negative", []),
        ("Group A Strep screen", []),
        ("Epstein B Virus titre", []),
        ("Chest X Ray clear", []),
        ("Plan A Then discharge", []),
        ("birgit k halloran saw Dr Ames", []),
        ("came w wife, pain x days", []),
        ("chest pain d dimer pending", []),
        ("J K Rowling", []),
        ("Given IV Lasix", []),
        ("Started Amy J Lasix", []),
    ],
)
def test_middle_initial_name_recognizer(found, text, expected):
    assert found(RECOGNIZER, text) == expected
