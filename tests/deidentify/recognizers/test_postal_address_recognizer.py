import pytest

from deidentify.recognizers import PostalAddressRecognizer

RECOGNIZER = PostalAddressRecognizer()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("she lives at Via Castello 12, Lugana", ["Via Castello 12, Lugana"]),
        ("address: 77 Kalliolantie 5 Apt. 3", ["77 Kalliolantie 5 Apt. 3"]),
        ("son lives on Rua das Flores 210", ["Rua das Flores 210"]),
        (
            "Mail to:\n 41 Brenngasse 9\n Apt. 12\n Tarnow\n Austria 40123",
            ["41 Brenngasse 9", "Apt. 12", "Tarnow", "Austria 40123"],
        ),
        (
            "> 812 Vestergade 3\n> Odby\n> Denmark 8812",
            ["812 Vestergade 3", "Odby", "Denmark 8812"],
        ),
        (
            "| 9 Kaivokatu 4\n| Suite 8\n| Lahtela\n| Finland 15140",
            ["9 Kaivokatu 4", "Suite 8", "Lahtela", "Finland 15140"],
        ),
        # A building number before the house number; a Polish "NN-NNN" postcode last.
        (
            "Invoice to:\n 8812 14 Osiedle Lipowe 3\n Apt. 9\n Kartowo\n 61-893",
            ["8812 14 Osiedle Lipowe 3", "Apt. 9", "Kartowo", "61-893"],
        ),
        # An eponym in an addressee line is a surname; in the street lines it is clinical.
        (
            "| Marta Hollin\n| Parkinson Freight Ltd\n| 31 Tammikatu 8\n"
            "| Suite 2\n| Oulun\n| Finland 90120",
            [
                "Marta Hollin",
                "Parkinson Freight Ltd",
                "31 Tammikatu 8",
                "Suite 2",
                "Oulun",
                "Finland 90120",
            ],
        ),
        ("Plan\n12 Parkinson 40\nApt 3\nrecheck 1200", []),
        # negatives: medication lists, vitals and doses, clinical "lives at home"
        ("Meds:\n1 Lasix 40 mg\n2 Heparin 5000 units\nAspirin 81", []),
        ("2 tabs Tylenol 500\nrecheck BMP 1200", []),
        ("lives at home with wife 2 daughters", []),
        ("BP 120/80\nHR 88\nTemp 37.2 C\nSpO2 98", []),
        ("12 Lead ECG\nQTc 440", []),
    ],
)
def test_postal_address_recognizer(found, text, expected):
    assert found(RECOGNIZER, text) == expected
