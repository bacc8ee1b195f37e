import pytest

from deidentify.recognizers import SurnameShapeRecognizer

RECOGNIZER = SurnameShapeRecognizer()


@pytest.mark.parametrize(
    "text, expected",
    [
        # a surname by its ending, with the given name before it when that is a name
        ("A talk by Guðrún Hallbersdóttir today", ["Guðrún Hallbersdóttir"]),
        ("Seen with Radomir Vukašinović", ["Radomir Vukašinović"]),
        ("Producer Halvard Brennsson agreed", ["Halvard Brennsson"]),
        ("Ivy Papadopoulou will visit", ["Ivy Papadopoulou"]),
        ("the Kowalczyk report", ["Kowalczyk"]),
        ("Teodora Ionescu's bag", ["Teodora Ionescu"]),
        ("Kowalczyk-Nowak called", ["Kowalczyk-Nowak"]),
        ("though McAllister disagreed", ["McAllister"]),
        # a given name, a lower-case particle and a surname
        ("Contact Anna van Dijk at home", ["Anna van Dijk"]),
        ("Willa ten Broek will come", ["Willa ten Broek"]),
        # negatives: English words with those endings, states, eponyms and clinical words,
        # an English word before a particle, a surname-shaped word heading a title
        ("Lesson learned about the Iceberg", []),
        ("Linen changed, moved to Nebraska", []),
        ("Nissen fundoplication in 2019", []),
        ("Tour de France on TV", []),
        ("Hospital de la Merced", []),
        ("McKinnon Pain Questionnaire done", []),
        ("Kowalczyks", []),
        ("Stool grew Salmonella Enteritidis", []),
    ],
)
def test_surname_shape_recognizer(found, text, expected):
    assert found(RECOGNIZER, text) == expected
