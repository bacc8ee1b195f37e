"""Free-text redaction: every PHI finding becomes a typed tag such as ``<PERSON>``.

``redact_batch`` is what the de-identification run calls for the ``free_text`` columns (notes,
chief complaints, scheduler comments). It analyses each distinct text once (chief complaints
repeat a lot), pipes them through spaCy in batches with one cached analyzer, and never logs
text or findings.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import regex as re
from presidio_analyzer import BatchAnalyzerEngine, RecognizerResult
from spacy.lang.en.stop_words import STOP_WORDS

from deidentify.engine import (
    ENTITIES,
    ENTITY_TAGS,
    LANGUAGE,
    TAG_PRIORITY,
    get_analyzer,
    is_false_positive,
)
from deidentify.recognizers.census_name_recognizer import first_names
from deidentify.recognizers.clinical_terms import EPONYMS, is_clinical_phrase
from deidentify.recognizers.english_words import is_english_word

logger = logging.getLogger(__name__)


@dataclass(frozen=True, order=True)
class Span:
    """One redacted region of a text.

    Attributes:
        start: Offset of the first character.
        end: Offset after the last character.
        tag: The typed tag, without brackets ("PERSON", "MRN", ...).
        score: The highest recognizer score among the merged findings.
    """

    start: int
    end: int
    tag: str
    score: float


def _tag_rank(tag: str) -> int:
    return TAG_PRIORITY.index(tag) if tag in TAG_PRIORITY else len(TAG_PRIORITY)


def _cut_name_at_line_break(text: str, result: RecognizerResult) -> None:
    """End a PERSON finding at its first line break (and a lower-case one at a clause end).

    NER runs a signature block together ("Tomas Brandvold", "Scale Works", "Unit 5" on three
    lines as one PERSON); a name never spans lines, and the words of the next lines ("Scale",
    "Unit") would make the whole finding look clinical and be dropped.
    """
    if result.entity_type != "PERSON":
        return
    newline = text.find("\n", result.start, result.end)
    if newline > result.start and text[result.start : newline].strip():
        result.end = len(text[:newline].rstrip())
    # Without capitals NER also runs names into the next clause ("joaquin. harriet stays
    # tonight"): a lower-case name ends at a comma, colon or full stop (an initial's stop
    # excepted: "eric g. moss").
    if not any(c.isupper() for c in text[result.start : result.end]):
        stop = _CLAUSE_END_RE.search(text, result.start, result.end)
        if stop and stop.start() > result.start:
            result.end = stop.start()


_CLAUSE_END_RE = re.compile(r"(?:[,;:!?\"]|(?<!(?<![\p{L}])\p{L})\.)(?=\s|$)")


def _merge(text: str, results: Sequence[RecognizerResult]) -> list[Span]:
    """Drop false positives and merge overlapping findings into disjoint spans.

    Overlaps are unioned (a ZIP inside an address, a name inside a longer NER span) so that no
    character of any finding survives; the union takes the tag of its best finding.
    """
    for result in results:
        _cut_name_at_line_break(text, result)
    kept = sorted(
        (r for r in results if r.entity_type in ENTITY_TAGS and not is_false_positive(text, r)),
        key=lambda r: (r.start, -r.end),
    )
    groups: list[list[RecognizerResult]] = []
    group_end = -1
    for result in kept:
        if groups and result.start < group_end:
            groups[-1].append(result)
            group_end = max(group_end, result.end)
        else:
            groups.append([result])
            group_end = result.end
    spans = []
    for group in groups:
        best = min(
            group,
            key=lambda r: (
                -round(r.score, 3),
                _tag_rank(ENTITY_TAGS[r.entity_type]),
                -(r.end - r.start),
            ),
        )
        spans.append(
            Span(
                start=min(r.start for r in group),
                end=max(r.end for r in group),
                tag=ENTITY_TAGS[best.entity_type],
                score=best.score,
            )
        )
    spans = _name_contact_block(text, _propagate_speakers(text, spans))
    return _propagate_names(text, _propagate_lists(text, spans))


# A word of a found name that is worth looking for elsewhere in the same text.
_NAME_WORD_RE = re.compile(r"[^\W\d_][\w'’-]*")
_NOT_NAME_WORDS = frozenset("the and von van der den del della los las".split())


# "A, B and C" / "A and B": capitalised one- or two-word items joined by commas and "and"/"or".
_ITEM = r"\p{Lu}[\p{L}'’-]+(?:[ \t]\p{Lu}[\p{L}'’-]+)?"
_LIST_RE = re.compile(
    r"(?<![\w'’-])"
    + _ITEM
    + r"(?:,[ \t]+"
    + _ITEM
    + r")*,?[ \t]+(?:and|or|&)[ \t]+"
    + _ITEM
    + r"(?![\w'’-])"
)
_LIST_ITEM_RE = re.compile(_ITEM)
# The same in a text without capitals: one-word items ("pamela, donna and brian"), since two
# lower-case words are as often a phrase as a name.
_CASELESS_ITEM = r"\p{Ll}[\p{Ll}'’-]+"
_CASELESS_LIST_RE = re.compile(
    r"(?<![\w'’-])"
    + _CASELESS_ITEM
    + r"(?:,[ \t]+"
    + _CASELESS_ITEM
    + r")*,?[ \t]+(?:and|or|&)[ \t]+"
    + _CASELESS_ITEM
    + r"(?![\w'’-])"
)
_CASELESS_LIST_ITEM_RE = re.compile(_CASELESS_ITEM)


def _is_caseless(text: str) -> bool:
    """A text without a single capital: its writer does not mark names by case."""
    return not any(c.isupper() for c in text)


def _is_surname(item: str) -> bool:
    """An eponym on its own ("Graves", "Wilson"): in a list of names it is a surname."""
    return item.lower() in EPONYMS


def _propagate_lists(text: str, spans: list[Span]) -> list[Span]:
    """Give every item of a list of names the PERSON tag when one of them is a PERSON.

    NER finds some names of "Sheila, Donna, Hleb and Shane" and misses the rarer ones; items
    of one list are the same kind of thing. Items that are clinical vocabulary or drug names
    are never added ("Lasix and Maria" keeps "Lasix"), except eponyms, which beside a name
    are surnames ("Okafor, Graves and Whitlock"); nor, in a text without capitals,
    English function words ("adam, eve and the dog" keeps "and the").
    """
    if not any(s.tag == "PERSON" for s in spans):
        return spans
    caseless = _is_caseless(text)
    list_re, item_re = (
        (_CASELESS_LIST_RE, _CASELESS_LIST_ITEM_RE) if caseless else (_LIST_RE, _LIST_ITEM_RE)
    )
    extra = []
    for found in list_re.finditer(text):
        items = [
            item
            for item in item_re.finditer(text, found.start(), found.end())
            if not (caseless and item.group() in STOP_WORDS)
        ]
        hits = [s for s in spans if s.tag == "PERSON" and found.start() <= s.start < found.end()]
        if not hits:
            continue
        extra.extend(
            Span(item.start(), item.end(), "PERSON", 0.6)
            for item in items
            if not any(s.start < item.end() and item.start() < s.end for s in spans)
            and (not is_clinical_phrase(item.group()) or _is_surname(item.group()))
        )
    return sorted(spans + extra) if extra else spans


def _is_name_word(word: str) -> bool:
    """A word that can be a name on its own: no function word, clinical or English word.

    English dictionary words pass only as census first names ("Ivy", "Frank"); section
    headers and roles ("Plan", "Nurse", "Allergies") do not.
    """
    lower = word.lower()
    if lower in STOP_WORDS or is_clinical_phrase(word):
        return False
    return lower in first_names() or not is_english_word(word)


def _overlaps_any(start: int, end: int, spans: Sequence[Span]) -> bool:
    return any(s.start < end and start < s.end for s in spans)


# A speaker label opening a line of a transcript or chat ("Ingrid: I told you"), one or two
# capitalised words, after optional quote marks.
_SPEAKER_RE = re.compile(r"(?m)^[ \t>]*\K\p{Lu}[\p{L}'’-]+(?:[ \t]\p{Lu}[\p{L}'’-]+)?(?=:[ \t])")


def _propagate_speakers(text: str, spans: list[Span]) -> list[Span]:
    """Give the other speaker labels of a dialogue the PERSON tag when one label is a PERSON.

    "Maria: ...", "Sigrún: ...", "Ivy: ..." on consecutive lines are the same kind of
    thing; NER finds the common names and misses the rest. Labels must pass
    :func:`_is_name_word` word by word, so note sections ("Plan:", "HPI:", "Nurse:") stay.
    """
    labels = list(_SPEAKER_RE.finditer(text))
    if len(labels) < 2:
        return spans
    persons = [s for s in spans if s.tag == "PERSON"]
    if not any(_overlaps_any(m.start(), m.end(), persons) for m in labels):
        return spans
    extra = [
        Span(m.start(), m.end(), "PERSON", 0.6)
        for m in labels
        if not _overlaps_any(m.start(), m.end(), spans)
        and all(_is_name_word(word) for word in m.group().split())
    ]
    return sorted(spans + extra) if extra else spans


# The first line of a text, two or three name words (initials allowed), after quote marks.
_FIRST_LINE_NAME_RE = re.compile(
    r"\A[\s>]*\K[\p{L}'’-]{2,}(?:[ \t]+(?:\p{L}\.?|[\p{L}'’-]{2,})){1,2}(?=[ \t]*(?:\n|\Z))"
)
_CONTACT_TAGS = frozenset({"ADDRESS", "PHONE", "EMAIL"})
_CONTACT_WINDOW = 300  # characters after the name line in which the contact details start


def _name_contact_block(text: str, spans: list[Span]) -> list[Span]:
    """Tag the name line heading a contact block (signature, business card) as PERSON.

    "Ingrid Halvorsen / Acme Ltd / 12 Harbour Road / Mobile: ..." opens with the person the
    block belongs to. The first line of the text is taken when it is two or three name words
    (case as the text writes it: lower case only in a text without capitals), none a function,
    clinical or English word unless a census first name, and an address, phone or e-mail was
    found within the next few lines. Headings ("Discharge Summary", "Chest Pain") fail the
    word test.
    """
    match = _FIRST_LINE_NAME_RE.search(text)
    if not match or _overlaps_any(match.start(), match.end(), spans):
        return spans
    words = [w for w in match.group().split() if len(w.rstrip(".")) > 1]
    caseless = _is_caseless(text)
    if not all(
        (w[0].isupper() or caseless) and not w.isupper() and _is_name_word(w) for w in words
    ):
        return spans
    if not any(
        s.tag in _CONTACT_TAGS and match.end() < s.start <= match.end() + _CONTACT_WINDOW
        for s in spans
    ):
        return spans
    return sorted([*spans, Span(match.start(), match.end(), "PERSON", 0.6)])


def _propagate_names(text: str, spans: list[Span]) -> list[Span]:
    """Redact the other mentions of a name found once in the same text.

    Recognizers and NER find a name where its context is clear ("Dr. Jane Okafor", "my name is
    Jane Okafor") and miss the bare later mentions ("... Okafor agreed", "Jane called back").
    Every capitalised word of a PERSON finding (three letters or more, not clinical vocabulary)
    is searched for as a whole word; mentions not already covered become PERSON spans. In a
    text without capitals, lower-case words count too (not English function words).
    """
    caseless = _is_caseless(text)
    found = (
        match.group().removesuffix("'s").removesuffix("’s")
        for span in spans
        if span.tag == "PERSON"
        for match in _NAME_WORD_RE.finditer(text, span.start, span.end)
    )
    words = {
        word
        for word in found
        if len(word) >= 3
        and (word[0].isupper() or (caseless and word not in STOP_WORDS))
        and word.lower() not in _NOT_NAME_WORDS
        and not is_clinical_phrase(word)
    }
    if not words:
        return spans
    extra = []
    for match in _NAME_WORD_RE.finditer(text):
        word = match.group().removesuffix("'s").removesuffix("’s")
        end = match.start() + len(word)
        if word in words and not any(s.start < end and match.start() < s.end for s in spans):
            extra.append(Span(match.start(), end, "PERSON", 0.6))
    return sorted(spans + extra) if extra else spans


def analyze_batch(
    texts: Sequence[str | None], *, n_process: int = 1, batch_size: int = 64
) -> list[list[Span]]:
    """Find the PHI spans in each text.

    Args:
        texts: Texts to analyse; ``None`` and empty strings give no spans.
        n_process: spaCy worker processes (``nlp.pipe``); 1 is fastest below a few thousand
            texts because each worker loads its own model copy.
        batch_size: Texts per spaCy batch.

    Returns:
        One list of disjoint, sorted spans per input text.
    """
    unique = list(dict.fromkeys(t for t in texts if t and t.strip()))
    by_text: dict[str, list[Span]] = {}
    if unique:
        batch_engine = BatchAnalyzerEngine(analyzer_engine=get_analyzer())
        results = batch_engine.analyze_iterator(
            unique,
            language=LANGUAGE,
            batch_size=batch_size,
            n_process=n_process,
            entities=ENTITIES,
        )
        by_text = {text: _merge(text, found) for text, found in zip(unique, results, strict=True)}
    logger.debug("analysed %d texts (%d distinct)", len(texts), len(unique))
    return [by_text.get(t, []) if t else [] for t in texts]


def redact(text: str, spans: Sequence[Span]) -> str:
    """Replace each span of ``text`` with its ``<TAG>``.

    Args:
        text: The original text.
        spans: Disjoint spans, as returned by :func:`analyze_batch`.

    Returns:
        The redacted text.
    """
    parts = []
    cursor = 0
    for span in sorted(spans):
        parts.append(text[cursor : span.start])
        parts.append(f"<{span.tag}>")
        cursor = span.end
    parts.append(text[cursor:])
    return "".join(parts)


def redact_batch(
    texts: list[str | None], *, n_process: int = 1, batch_size: int = 64
) -> list[str | None]:
    """Redact PHI in a batch of free texts with typed tags.

    Args:
        texts: Texts to redact; ``None`` and empty/blank strings are returned unchanged.
        n_process: spaCy worker processes, see :func:`analyze_batch`.
        batch_size: Texts per spaCy batch.

    Returns:
        The redacted texts, in input order.
    """
    all_spans = analyze_batch(texts, n_process=n_process, batch_size=batch_size)
    cache: dict[str, str] = {}
    redacted: list[str | None] = []
    for text, spans in zip(texts, all_spans, strict=True):
        if not text:
            redacted.append(text)
            continue
        if text not in cache:
            cache[text] = redact(text, spans)
        redacted.append(cache[text])
    return redacted
