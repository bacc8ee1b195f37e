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
        # taking up an art or a study
        ("Adaeze began writing at twelve", ["Adaeze"]),
        # the giver and the recipient of a giving verb before a possessive
        ("Oyelaran had given Brandvik his keys", ["Oyelaran", "Brandvik"]),
        ("we sent Tamsin her forms", ["Tamsin"]),
        # a text without capitals: only the giving shape, on lower-case words
        ("ebele had given tamsin her keys", ["ebele", "tamsin"]),
        ("ebele said she was fine", []),
        ("i told ppl their times", []),
        ("we told mom her results", []),
        # negatives: services, roles, relations, drugs, English words, function words
        ("Cardiology said to hold heparin", []),
        ("Pharmacy asked about the dose", []),
        ("Security said no visitors", []),
        ("Mom said he fell", []),
        ("Tylenol is from home supply", []),
        ("She said Yes.", []),
        ("Patient says pain is better", []),
        ("Pt started writing again", []),
        ("Nurse gave Lasix his dose", []),
        ("Cardiology asked Mom her name", []),
    ],
)
def test_human_verb_name_recognizer(found, text, expected):
    assert found(RECOGNIZER, text) == expected
