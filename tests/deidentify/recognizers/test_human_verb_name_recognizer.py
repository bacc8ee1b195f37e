import pytest

from deidentify.recognizers import HumanVerbNameRecognizer

RECOGNIZER = HumanVerbNameRecognizer()


@pytest.mark.parametrize(
    "text, expected",
    [
        # one or two capitalised words before a verb only people do
        ("Ingrid said she would come", ["Ingrid"]),
        ("Nkechi Okonjo lives with her aunt", ["Nkechi Okonjo"]),
        ("Kasimir is from Gdynia", ["Kasimir"]),
        ("Yesterday Odalys explained the plan", ["Odalys"]),
        # an English word that is also a census first name
        ("Ivy shouted for help", ["Ivy"]),
        # after a speech verb, closing the clause
        ('"Not today," says Saarinen-aho.', ["Saarinen-aho"]),
        # negatives: services, roles, relations, drugs, English words, function words
        ("Cardiology said to hold heparin", []),
        ("Pharmacy asked about the dose", []),
        ("Security said no visitors", []),
        ("Mom said he fell", []),
        ("Tylenol is from home supply", []),
        ("She said Yes.", []),
        ("Patient says pain is better", []),
    ],
)
def test_human_verb_name_recognizer(found, text, expected):
    assert found(RECOGNIZER, text) == expected
