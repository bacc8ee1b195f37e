import pytest

from deidentify.recognizers import IntlStreetRecognizer

RECOGNIZER = IntlStreetRecognizer()


@pytest.mark.parametrize(
    "text, expected",
    [
        # One word with a national street-type ending, then the house number.
        ("her sister lives on Bakkegårdsvej 41.", ["Bakkegårdsvej 41"]),
        (
            "Post goes to Lindenstraße 4 and Karl-Marx-Straße 12b",
            ["Lindenstraße 4", "Karl-Marx-Straße 12b"],
        ),
        ("office at Vuorikatu 17 Suite 3", ["Vuorikatu 17 Suite 3"]),
        ("we moved to Havikslaan 208 last year", ["Havikslaan 208"]),
        # A type word after the name.
        ("lakik: Kossuth Lajos utca 5", ["Kossuth Lajos utca 5"]),
        ("sent to Ilgaz Caddesi 27", ["Ilgaz Caddesi 27"]),
        # A type word before the name, the number after or (French use) before.
        ("He lives on Rua das Amendoeiras 1840.", ["Rua das Amendoeiras 1840"]),
        ("write to C/ Pintor Lozano 19", ["C/ Pintor Lozano 19"]),
        ("ul. Jaśminowa 7 m. 2", ["ul. Jaśminowa 7"]),
        # The town after a comma where the sentence ends belongs to the address.
        ("she is at 14 rue des Vignerons, Colmar", ["14 rue des Vignerons, Colmar"]),
        ("at Brinkerlaan 7, Oudekerk.", ["Brinkerlaan 7, Oudekerk"]),
        ("at Brinkerlaan 7, Oudekerk Sporthal is open", ["Brinkerlaan 7"]),
        ("drop it at 8 Av Hédi Nouira please", ["8 Av Hédi Nouira"]),
        # A building or second house number before the house number.
        ("meet at 3302 71 Rue Sainte-Odile", ["3302 71 Rue Sainte-Odile"]),
        ("see 7781 112 Hawthorn Close", ["7781 112 Hawthorn Close"]),
        # A text without capitals.
        ("send it to 88 rue de brabant, lille", ["88 rue de brabant"]),
        ("my address is avenida lusitânia 407 suite 9", ["avenida lusitânia 407 suite 9"]),
        ("enter on petőfi út 31. please", ["petőfi út 31."]),
        # negatives: English words with a type ending, "via"/"av" in clinical use, doses
        ("Brigade 2 arrived at the scene", []),
        ("Delegate 4 tasks to the aide", []),
        ("Viable 3 cells seen", []),
        ("Via IV 500 mL bolus", []),
        ("given via PEG 250 mL", []),
        ("3 Av Block on ECG", []),
        ("tolerated a 6 minute walk 200 m", []),
        ("Ondansetron 4 mg; close 2 wounds", []),
        ("close observation, ward 4 bed 2", []),
        ("route: via ng tube 30 ml", []),
    ],
)
def test_intl_street_recognizer(found, text, expected):
    assert found(RECOGNIZER, text) == expected
