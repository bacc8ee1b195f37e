import pytest

from deidentify.recognizers import UsMrnRecognizer

RECOGNIZER = UsMrnRecognizer()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("MRN 00123456 on file", ["00123456"]),
        ("(MRN: 880417)", ["880417"]),
        ("pt MRN00001234 seen", ["MRN00001234"]),
        ("med rec #10000322; fax", ["10000322"]),
        ("medical record number 4455667", ["4455667"]),
        ("chart no. 12345678", ["12345678"]),
        ("MRN: 113-46-702", ["113-46-702"]),
        ("MRN: UCSF-80417", ["UCSF-80417"]),
        ("His MRN is 004-918273.", ["004-918273"]),
        # negatives: bare numbers, vitals, doses, short ids, dates after a record cue
        ("Lipase 12345678 U/L", []),
        ("BP 120/80, ESI 3, HR 88", []),
        ("MRN pending", []),
        ("MRN 123", []),
        ("chart 2023-01-02 reviewed", []),
    ],
)
def test_us_mrn_recognizer(found, text, expected):
    assert found(RECOGNIZER, text) == expected
