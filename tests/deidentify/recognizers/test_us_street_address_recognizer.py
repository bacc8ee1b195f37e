import pytest

from deidentify.recognizers import UsStreetAddressRecognizer

RECOGNIZER = UsStreetAddressRecognizer()


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "lives at 1420 Maple Grove Rd, Apt 4B, Springfield, MA 01103.",
            ["1420 Maple Grove Rd, Apt 4B, Springfield, MA 01103"],
        ),
        # The city after a street address is redacted with it (smaller than a state).
        ("lives at 4871 Mill Avenue, Fall River", ["4871 Mill Avenue, Fall River"]),
        ("lives at 12 Oak St, Framingham. Lasix 40 mg", ["12 Oak St, Framingham"]),
        ("482 Marrow Village Suite 31", ["482 Marrow Village Suite 31"]),
        ("PO Box 1234", ["PO Box 1234"]),
        ("moved to Apt 12C", ["Apt 12C"]),
        ("from Dayton, OH 45402 originally", ["Dayton, OH 45402"]),
        ("son: PSC 1234, Box 5678\nAPO AE 09012", ["PSC 1234, Box 5678\nAPO AE 09012"]),
        ("USNS Mercy FPO AP 96677", ["USNS Mercy FPO AP 96677"]),
        # negatives: doses, counts, hospital units, vitals
        ("2 tabs daily by mouth", []),
        ("3 times per day", []),
        ("transfer to Unit 4B", []),
        ("BP 132/84, HR 88", []),
        ("Insulin glargine 18 units at bedtime", []),
    ],
)
def test_us_street_address_recognizer(found, text, expected):
    assert found(RECOGNIZER, text) == expected
