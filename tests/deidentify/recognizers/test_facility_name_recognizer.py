import pytest

from deidentify.recognizers import FacilityNameRecognizer

RECOGNIZER = FacilityNameRecognizer()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("treated at Methodist Hospital on", ["Methodist Hospital"]),
        ("seen at Elm Clinic", ["Elm Clinic"]),
        ("at St. Vincent's last year", ["St. Vincent's"]),
        ("from Mt. Sinai", ["Mt. Sinai"]),
        ("UCLA Medical Center follow-up", ["UCLA Medical Center"]),
        # negatives: departments and generic nouns
        ("follow up in Cardiology Clinic", []),
        ("discharged from the Hospital", []),
        ("Pediatric Clinic visit", []),
    ],
)
def test_facility_name_recognizer(found, text, expected):
    assert found(RECOGNIZER, text) == expected
