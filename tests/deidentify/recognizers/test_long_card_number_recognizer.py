"""Table-driven tests for LongCardNumberRecognizer (invented numbers, check digits computed)."""

from __future__ import annotations

import pytest

from deidentify.recognizers import LongCardNumberRecognizer
from deidentify.recognizers.long_card_number_recognizer import luhn_valid

RECOGNIZER = LongCardNumberRecognizer()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("card number is 4523910765281432074 thanks", ["4523910765281432074"]),  # 19 digits
        ("paid with 621405837619027351.", ["621405837619027351"]),  # 18 digits
        ("card 4523 9107 6528 1432 074 on file", ["4523 9107 6528 1432 074"]),
        ("card 4523-9107-6528-1432-074 on file", ["4523-9107-6528-1432-074"]),
        # negatives: check digit wrong, issuer digit outside 2-6, too short or too long,
        # part of a longer hyphenated id
        ("card number is 4523910765281432075", []),
        ("tracking 9523910765281432074", []),
        ("card 40001234123412348", []),  # 17 digits: Presidio's CreditCardRecognizer
        ("run 45239107652814320740", []),
        ("ref ACC-4523910765281432074", []),
    ],
)
def test_long_card_number_recognizer(found, text, expected):
    assert found(RECOGNIZER, text) == expected


@pytest.mark.parametrize(
    "digits, valid",
    [("79927398713", True), ("79927398710", False), ("4523910765281432074", True), ("0", True)],
)
def test_luhn(digits, valid):
    # 79927398713 is the textbook worked example of the Luhn check
    assert luhn_valid(digits) is valid
