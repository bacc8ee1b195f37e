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
        # Military mail in a text without capitals.
        ("send it to psc 4471, box 902\napo ae 09388", ["psc 4471, box 902\napo ae 09388"]),
        ("to uscgc tidewater fpo aa 34077?", ["uscgc tidewater fpo aa 34077"]),
        # A building or second house number before the house number belongs to the address.
        ("she is at 4410 218 Quarry Hill Rd now", ["4410 218 Quarry Hill Rd"]),
        # A text without capitals: full suffix words only.
        ("send it to 5108 nine elms avenue suite 40", ["5108 nine elms avenue suite 40"]),
        ("lives at 22 cherry lane apt 4", ["22 cherry lane apt 4"]),
        ("lives at 907 quarry hill road #6, dunmore", ["907 quarry hill road #6"]),
        ("he has a 2 year road to recovery", []),
        ("4 lane highway crash, ejected", []),
        ("walked 3 blocks down the street", []),
        ("6 minute walk test 300 m, 2 hour drive home", []),
        ("took 2 tabs lasix road trip", []),
        # negatives: doses, counts, hospital units, vitals
        ("2 tabs daily by mouth", []),
        ("3 times per day", []),
        ("transfer to Unit 4B", []),
        ("BP 132/84, HR 88", []),
        ("Insulin glargine 18 units at bedtime", []),
        ("apo a1 120 mg/dl, box 3", []),
        ("given 2 12 Lead ECG Strips", []),
    ],
)
def test_us_street_address_recognizer(found, text, expected):
    assert found(RECOGNIZER, text) == expected
