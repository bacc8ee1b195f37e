"""The NER false-positive filter of the engine, on invented findings."""

from __future__ import annotations

import pytest
from presidio_analyzer import RecognizerResult

from deidentify.engine import is_false_positive


def _ner(text: str, value: str, entity: str = "PERSON") -> RecognizerResult:
    start = text.index(value)
    return RecognizerResult(
        entity_type=entity,
        start=start,
        end=start + len(value),
        score=0.85,
        recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: "SpacyRecognizer"},
    )


@pytest.mark.parametrize(
    "text, value, entity, dropped",
    [
        # a text that uses capitals: a lower-case NER name or place is noise
        ("Pt is Tovah L., pt reports nausea.", "pt", "PERSON", True),
        ("Lives in Leeds, walks to the park daily.", "park", "LOCATION", True),
        # a text without capitals: NER has no case to go on, its names stand
        ("follow up w/ rosalind achterberg next week", "rosalind achterberg", "PERSON", False),
        ("visitors today: harriet and desmond", "harriet", "PERSON", False),
        # ... but not its places, nor clinical words or drugs tagged as names
        ("walked to the park daily", "park", "LOCATION", True),
        ("took lasix this morning", "lasix", "PERSON", True),
        ("chest pain since last night", "chest pain", "PERSON", True),
        # capitalised names are unaffected
        ("Seen by Rosalind Achterberg today.", "Rosalind Achterberg", "PERSON", False),
        # a lower-case weekday from NER is a date only after a day cue (WeekdayRecognizer)
        ("fell on friday at home", "friday", "DATE_TIME", False),
        ("no sunday dosing", "sunday", "DATE_TIME", True),
    ],
)
def test_is_false_positive_lower_case_ner(text, value, entity, dropped):
    assert is_false_positive(text, _ner(text, value, entity)) is dropped


@pytest.mark.parametrize(
    "text, value, dropped",
    [
        # dictionary words with no census name among them: a title, a common noun
        ("see Hollow Lanterns: ten bands of the decade", "Hollow Lanterns", True),
        ("she said it was sent by the Goblin", "Goblin", True),
        # a subject whose predicate noun is a work or a thing
        ("Quorvane is a 2009 Danish heist comedy directed by a friend", "Quorvane", True),
        ("Vantrel was a drug used for gout", "Vantrel", True),
        # an eponym before "angina"
        ("chest pain from Prinzmetal's angina at night", "Prinzmetal", True),
        # names stand: census names among the words, no article, a person noun after the thing
        ("see Hollow Baker: ten bands", "Hollow Baker", False),
        ("she said it was sent by Goblin", "Goblin", False),
        ("Quorvane was a film director in Oslo", "Quorvane", False),
        ("Quorvane is a 45-year-old man", "Quorvane", False),
    ],
)
def test_is_false_positive_common_words_and_things(text, value, dropped):
    assert is_false_positive(text, _ner(text, value)) is dropped


def test_context_enhancer_boosts_cued_findings_and_passes_the_others_through():
    """Only findings of recognizers with context words go through Presidio's enhancer."""
    from presidio_analyzer import Pattern, PatternRecognizer

    from deidentify.engine import get_analyzer

    analyzer = get_analyzer()
    text = "member number 123456789 seen with Okafor"
    cued = PatternRecognizer(
        supported_entity="ID", patterns=[Pattern("nine", r"\d{9}", 0.1)], context=["member"]
    )
    plain = PatternRecognizer(supported_entity="PERSON", deny_list=["Okafor"])
    results = [
        *cued.analyze(text, ["ID"]),
        *plain.analyze(text, ["PERSON"]),
    ]
    for result, recognizer in zip(results, (cued, plain), strict=True):
        result.recognition_metadata[RecognizerResult.RECOGNIZER_IDENTIFIER_KEY] = recognizer.id
    nlp_artifacts = analyzer.nlp_engine.process_text(text, "en")
    enhanced = analyzer.context_aware_enhancer.enhance_using_context(
        text, results, nlp_artifacts, [cued, plain]
    )
    by_type = {r.entity_type: r for r in enhanced}
    assert by_type["ID"].score == pytest.approx(0.45)  # 0.1 + 0.35 context factor
    assert by_type["PERSON"] is results[1]  # not copied, not changed
    assert by_type["PERSON"].score == 1.0
