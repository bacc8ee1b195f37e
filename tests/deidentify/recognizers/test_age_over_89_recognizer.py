import pytest

from deidentify.recognizers import AgeOver89Recognizer

RECOGNIZER = AgeOver89Recognizer()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("92 y/o F with fall", ["92"]),
        ("pt 96 yo", ["96"]),
        ("a 95-year-old man", ["95"]),
        ("aged 95, lives alone", ["95"]),
        ("age 101", ["101"]),
        ("age: 91", ["91"]),
        # negatives: ages up to 89, temperatures, weights, saturations
        ("89 y/o M", []),
        ("45-year-old woman", []),
        ("Temp 98 F, SpO2 96%", []),
        ("weight 95 kg", []),
        ("aged 95 kg bag", []),
    ],
)
def test_age_over_89_recognizer(found, text, expected):
    assert found(RECOGNIZER, text) == expected
