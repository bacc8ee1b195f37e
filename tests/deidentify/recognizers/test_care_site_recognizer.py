import pytest

from deidentify.recognizers import CareSiteRecognizer

RECOGNIZER = CareSiteRecognizer()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("pt seen at Lakeview on 3/2/2024", ["Lakeview"]),
        ("admitted to Ridgefield-Abbott yesterday", ["Ridgefield-Abbott"]),
        ("follow-up at QMCX, then home", ["QMCX"]),
        ("treated in Harlow Bay ER for sepsis", ["Harlow Bay ER"]),
        ("seen @ Fernwood Med. Center", ["Fernwood Med. Center"]),
        ("surgery at Mercer & Vale on Monday", ["Mercer & Vale"]),
        ("visited our Oakmont clinic last spring", ["Oakmont clinic"]),
        ("transferred from Pinecrest General", ["Pinecrest General"]),
        ("lives in Brookhaven with her son", ["Brookhaven"]),
        ("nursing student at the University of Kelmor", ["University of Kelmor"]),
        ("grew up in ÅLBORGHAVN, moved here from Ostrava", ["ÅLBORGHAVN", "Ostrava"]),
        ("originally from Łomża", ["Łomża"]),
        ("flew to Keflavik last week", ["Keflavik"]),
        ("Where: Hollin Ridge Country Club", ["Hollin Ridge Country Club"]),
        ("a daughter based in Tromsvik", ["Tromsvik"]),
        # negatives: titles, dates, departments, care settings, clinical vocabulary, drugs
        ("seen at Dr. Ames's office", []),
        ("admitted to ICU for DKA", []),
        ("discharged to SNF", []),
        ("seen at the ED, ESI 2", []),
        ("at Baseline, BP 120/80", []),
        ("at Monday's visit", []),
        ("arrived at March clinic day", []),
        ("switched at Lasix 40 mg", []),
        ("BMI at 31, living in fear", []),
        ("referred to Cardiology", []),
        ("pain is from GERD, SOB comes from COPD", []),
    ],
)
def test_care_site_recognizer(found, text, expected):
    assert found(RECOGNIZER, text) == expected
