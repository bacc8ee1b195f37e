import pytest

from deidentify.recognizers import UsSsnCueRecognizer

RECOGNIZER = UsSsnCueRecognizer()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("(SSN: 123-45-6789)", ["123-45-6789"]),
        ("SS# 078051120", ["078051120"]),
        ("social 999-33-2827", ["999-33-2827"]),
        ("social security number is 123 45 6789", ["123 45 6789"]),
        # negatives: no cue, mixed separators, phone numbers
        ("ID 123-45-6789", []),
        ("SSN 123-45 6789", []),
        ("SSN on file, call 617-555-0123", []),
    ],
)
def test_us_ssn_cue_recognizer(found, text, expected):
    assert found(RECOGNIZER, text) == expected
