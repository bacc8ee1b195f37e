import pytest

from deidentify.recognizers import IntlPhoneRecognizer

RECOGNIZER = IntlPhoneRecognizer()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("daughter in Leeds +44 7700 900123", ["+44 7700 900123"]),
        ("son: +46 (0)8 555 012 34", ["+46 (0)8 555 012 34"]),
        ("+33 1 23 45 67 89 ext 12", ["+33 1 23 45 67 89 ext 12"]),
        ("Mobile: 0612 34 56 78", ["0612 34 56 78"]),
        ("Tel.: 030.12.34.56.78", ["030.12.34.56.78"]),
        ("phone:\n0299 5550123", ["0299 5550123"]),
        ("please call me on 8765 4321", ["8765 4321"]),
        ("(08) 5550 1234 office", ["(08) 5550 1234"]),
        ("0201 555 0123-Fax", ["0201 555 0123"]),
        ("no text came to my registered 0417 66 20 93 yet", ["0417 66 20 93"]),
        ("sent to his registered 0733-4419027.", ["0733-4419027"]),
        # negatives: lab values, doses, dates, scores, filler runs, +/- findings
        ("2+ pitting edema, +1 reflexes", []),
        ("WBC 12.5 Hgb 9.8 plt 250 000", []),
        ("Lasix 40 mg 2 tabs 20 180 days", []),
        ("phone: 0000 000 000", []),
        ("cell count 1200 2300", []),
        ("call back in 2 weeks", []),
        ("number of episodes 3", []),
        ("registered 1200 mL output overnight", []),
        ("registered nurse 2 on the unit", []),
    ],
)
def test_intl_phone_recognizer(found, text, expected):
    assert found(RECOGNIZER, text) == expected
