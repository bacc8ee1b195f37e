import pytest

from deidentify.recognizers import WeekdayRecognizer

RECOGNIZER = WeekdayRecognizer()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("seen in clinic last Friday", ["last Friday"]),
        ("fell on Tuesday morning", ["Tuesday"]),
        ("f/u next Monday", ["next Monday"]),
        # negatives: schedules, lower case, vaguer relative phrases
        ("dialysis Mondays and Thursdays", []),
        ("seen last week, 2 days ago", []),
        ("no sunday dosing", []),
    ],
)
def test_weekday_recognizer(found, text, expected):
    assert found(RECOGNIZER, text) == expected
