import pytest

from deidentify.recognizers import UsZipRecognizer

RECOGNIZER = UsZipRecognizer()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("zip 03101", ["03101"]),
        ("my zip code is 35872", ["35872"]),
        ("Springfield, MA 01103", ["01103"]),
        ("Boston MA 02115-1234", ["02115-1234"]),
        ("mailing 02115-1234", ["02115-1234"]),
        # negatives: lab values, order numbers, lowercase words that are state codes
        ("WBC 12000, plt 25000", []),
        ("order 55123 placed", []),
        ("pain in 12345 places", []),
    ],
)
def test_us_zip_recognizer(found, text, expected):
    assert found(RECOGNIZER, text) == expected
