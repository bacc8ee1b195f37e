from datetime import date

import pytest

from deidentify.recognizers import AgeOver89Recognizer

RECOGNIZER = AgeOver89Recognizer()
# The earliest birth year that cannot make anyone 90 or older this year.
OLDEST_UNDER_90 = date.today().year - 89


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
        # birth years: 90 years back or more is PHI, later years are kept (Safe Harbor)
        (f"born in {OLDEST_UNDER_90 - 1}, lives alone", [str(OLDEST_UNDER_90 - 1)]),
        (f"YOB: {OLDEST_UNDER_90 - 10}", [str(OLDEST_UNDER_90 - 10)]),
        (f"date of birth {OLDEST_UNDER_90 - 5}", [str(OLDEST_UNDER_90 - 5)]),
        (f"born {OLDEST_UNDER_90}", []),
        (f"born in {OLDEST_UNDER_90 + 30}", []),
        (f"in {OLDEST_UNDER_90 - 20} she moved", []),  # no birth cue: a year alone
        (f"DOB {OLDEST_UNDER_90 - 3}-04-05", []),  # a full date: ClinicalDateRecognizer's
    ],
)
def test_age_over_89_recognizer(found, text, expected):
    assert found(RECOGNIZER, text) == expected
