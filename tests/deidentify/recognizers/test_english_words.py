import pytest

from deidentify.recognizers.english_words import english_words, is_english_word


@pytest.mark.parametrize(
    "word, expected",
    [
        ("lesson", True),
        ("Iceberg", True),
        ("allergies", True),
        ("Nurse's", True),
        ("Kowalczyk", False),
        ("Hallbersdóttir", False),
    ],
)
def test_is_english_word(word, expected):
    assert is_english_word(word) is expected


def test_word_list_comes_from_the_model_package():
    assert len(english_words()) > 80_000
