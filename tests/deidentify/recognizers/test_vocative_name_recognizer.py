import pytest

from deidentify.recognizers import VocativeNameRecognizer

RECOGNIZER = VocativeNameRecognizer()


@pytest.mark.parametrize(
    "text, expected",
    [
        # a name opening a sentence, then a question or request to the addressee
        ("Odalys, can I reschedule to Friday?", ["Odalys"]),
        ("Thanks again. Brandvik, could you fax the form?", ["Brandvik"]),
        ('He left. "Oyelaran, you forgot your coat"', ["Oyelaran"]),
        ("Tamsin, thank you for the flowers", ["Tamsin"]),
        # a census first name that is also a word
        ("Ivy, are you coming?", ["Ivy"]),
        # one or two words after a greeting or thanks, closing the phrase
        ("Hi Odalys, the form is attached.", ["Odalys"]),
        ("Thank you, Tovah Brandvik!", ["Tovah Brandvik"]),
        ("good morning Oyelaran.", ["Oyelaran"]),
        # negatives after a greeting: words, titles, services, drugs
        ("Hi Team, the form is attached.", []),
        ("Dear Sir,", []),
        ("Thanks Pharmacy.", []),
        ("Thanks, Tylenol helped.", []),
        # negatives: English words, relations, roles, drugs, clinical words, chat shorthand
        ("Okay, can you send it?", []),
        ("Doctor, do you have a minute?", []),
        ("Mom, can you call me?", []),
        ("Tylenol, can I take it with food?", []),
        ("Mri, do I need to fast?", []),
        ("Btw, can you check?", []),
        # not addressed: a list or a clause about someone else
        ("Odalys, Tamsin and Ivy came.", []),
        ("Odalys, who lives nearby, came.", []),
        # not at a sentence start
        ("call Odalys, can you?", []),
    ],
)
def test_vocative_name_recognizer(found, text, expected):
    assert found(RECOGNIZER, text) == expected
