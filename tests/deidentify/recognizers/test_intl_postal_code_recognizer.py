import pytest

from deidentify.recognizers import IntlPostalCodeRecognizer

RECOGNIZER = IntlPostalCodeRecognizer()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("postcode SW1A 1AA", ["SW1A 1AA"]),
        ("moved to Leeds LS6 2QB last year", ["LS6 2QB"]),
        ("Ottawa ON K1A 0B1", ["K1A 0B1"]),
        ("ZIP: 123 45", ["123 45"]),
        ("postal code is 4410", ["4410"]),
        ("zip 12-345", ["12-345"]),
        ("Postcode: 1011 AB", ["1011 AB"]),
        # negatives: bare numbers, doses, vitamins, vertebrae, clinical abbreviations
        ("B12 1MG daily", []),
        ("L4 5 disc, C5 6 fusion", []),
        ("WBC 4410, 1999 surgery", []),
        ("T2 DM, G2P1, HbA1c 7.2", []),
    ],
)
def test_intl_postal_code_recognizer(found, text, expected):
    assert found(RECOGNIZER, text) == expected
