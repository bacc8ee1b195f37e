import pytest

from deidentify.recognizers import UsPhoneFaxRecognizer

RECOGNIZER = UsPhoneFaxRecognizer()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("call back at (617) 555-0123", ["(617) 555-0123"]),
        ("cell 617-555-0123 x204", ["617-555-0123 x204"]),
        ("ph 617.555.0123 ext. 44", ["617.555.0123 ext. 44"]),
        ("fax 401 667 0373", ["401 667 0373"]),
        ("fax: 6175550199", ["6175550199"]),
        ("reached at +1 617-555-0123", ["+1 617-555-0123"]),
        ("placeholder 123-456-7890", ["123-456-7890"]),
        ("cell 5403926876", ["5403926876"]),
        ("call 555-0123 after 5", ["555-0123"]),
        # negatives: SSN shape, ids, lab values, impossible area codes
        ("SSN 123-45-6789", []),
        ("MRN 1175550123", []),
        ("Plt 150 000 cells", []),
        ("phone 000-000-0000", []),
        ("HAR 6000001772 billed", []),
        ("QTc 438 ms, Cr 1.1", []),
    ],
)
def test_us_phone_fax_recognizer(found, text, expected):
    assert found(RECOGNIZER, text) == expected
