import pytest

from deidentify.recognizers import UsAccountNumberRecognizer

RECOGNIZER = UsAccountNumberRecognizer()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("acct 6000001772 billed", ["6000001772"]),
        ("account #6000001772.", ["6000001772"]),
        ("HAR 6000000490", ["6000000490"]),
        ("FIN: 20260101-77", ["20260101-77"]),
        ("ref. code: EM-7391", ["EM-7391"]),
        ("claim ACCT-00012345 denied", ["ACCT-00012345"]),
        ("visit V00012345 closed", ["V00012345"]),
        # negatives: words after cues, too few digits, plain counts
        ("account of events per family", []),
        ("visit 2 of 3", []),
        ("claim denied CO-45", []),
        ("Ceftriaxone 1 g IV q24h day 3 of 5", []),
    ],
)
def test_us_account_number_recognizer(found, text, expected):
    assert found(RECOGNIZER, text) == expected
