import pytest

from deidentify.recognizers import PlaceCueRecognizer

RECOGNIZER = PlaceCueRecognizer()


@pytest.mark.parametrize(
    "text, expected",
    [
        # A town with the postal code of a national shape after it.
        ("she works for a bakery in Skjoldborg 7793 in the summer", ["Skjoldborg 7793"]),
        ("a shop in KVINNHERAD 5457, run by her uncle", ["KVINNHERAD 5457"]),
        ("opened an office in Frederiksværk Ø 3300 in May", ["Frederiksværk Ø 3300"]),
        ("a farm near Ponte da Ribeirinha 4730-118.", ["Ponte da Ribeirinha 4730-118"]),
        ("he came from Gnojnik 32-864 with his son", ["Gnojnik 32-864"]),
        ("letters from Västra Örnäs 437 91 and more", ["Västra Örnäs 437 91"]),
        ("a mill near quinta do mourelo 6270 and a farm", ["quinta do mourelo 6270"]),
        # A residence or travel verb, or a noun that names a town.
        ("her brother lives in Kvalsund and visits monthly", ["Kvalsund"]),
        ("my aunt lives in brekkestø", ["brekkestø"]),
        ("we flew to skagaströnd on monday", ["skagaströnd"]),
        ("They moved to ÅRDALSTANGEN in May.", ["ÅRDALSTANGEN"]),
        ("the band's home city VELIKO TARNOVO: fans", ["VELIKO TARNOVO"]),
        ("born in the town of Mörbylånga", ["Mörbylånga"]),
        # The locality line right above the country line of a postal address.
        ("Ilse Marbach\n\nKLEVSTAD\nUnited Kingdom", ["KLEVSTAD"]),
        ("Tove Aasland\n> Holmvik\n> NORWAY", ["Holmvik"]),
        ("joran velde\n\nbrekkestø\nnorway", ["brekkestø"]),
        ("Travel History\nMexico", []),
        ("Recent travel\nIndia\nno fever", []),
        # negatives: care settings, clinical units, English words, states, countries, years
        ("lives in SNF since March", []),
        ("moved to ICU 2 days ago", []),
        ("moved to LTACH on day 9", []),
        ("lives in Assisted Living with wife", []),
        ("lives in snf, ambulates with walker", []),
        ("moved to rehab", []),
        ("in ED 1234.", []),
        ("started in March 2020 and stopped", []),
        ("moved to Ohio for work", []),
        ("flew to Canada last week", []),
        ("recently traveled from Mexico", []),
        ("in Heparin 5000 units", []),
        ("in Skjoldborg 2019 the clinic opened", []),
        ("in NICU 1200 g at birth", []),
        ("lives in Group Home", []),
    ],
)
def test_place_cue_recognizer(found, text, expected):
    assert found(RECOGNIZER, text) == expected
