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
        # lower case after a day cue (texts typed without capitals)
        ("she called on friday morning", ["friday"]),
        ("back since last monday", ["last monday"]),
        ("no sunday dosing on saturdays", []),
        ("on sundayx", []),
    ],
)
def test_weekday_recognizer(found, text, expected):
    assert found(RECOGNIZER, text) == expected
