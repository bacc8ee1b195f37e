import pytest

from deidentify.recognizers import UsMemberIdRecognizer

RECOGNIZER = UsMemberIdRecognizer()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("member ID BCB136916205", ["BCB136916205"]),
        ("ins ID MCA612839708, copay", ["MCA612839708"]),
        ("subscriber XYZ123456789", ["XYZ123456789"]),
        ("Insurance#: HBP-817302", ["HBP-817302"]),
        ("Medicaid # 123456789012", ["123456789012"]),
        ("MBI 1EG4TE5MK73 on card", ["1EG4TE5MK73"]),
        # negatives: plan names, dosages, words after the cue
        ("Plan B12 supplementation", []),
        ("insurance pending, member unknown", []),
        ("Metformin 1000 mg BID", []),
        ("group therapy 2x weekly", []),
    ],
)
def test_us_member_id_recognizer(found, text, expected):
    assert found(RECOGNIZER, text) == expected
