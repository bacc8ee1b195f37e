"""Evaluation metrics on a hand-labelled set, the corpus loaders, and the CLI."""

from __future__ import annotations

import json
from datetime import date

import pytest

from deidentify import evaluate as ev
from deidentify.evaluate import NEUTRAL, YEAR, Example, GoldSpan
from deidentify.text import Span

# Four invented texts; the expected figures below are computed by hand.
EXAMPLES = [
    Example(
        "Mr. Smith called 617-555-0123.", [GoldSpan(4, 9, "PERSON"), GoldSpan(17, 29, "PHONE")]
    ),
    Example("Seen 01/02/2026 by Ann.", [GoldSpan(5, 15, "DATE"), GoldSpan(19, 22, "PERSON")]),
    Example("Works at Acme.", [GoldSpan(9, 13, NEUTRAL)]),
    Example("Call 555-0199 now", [GoldSpan(5, 13, "PHONE")]),
]
PREDICTIONS = [
    [Span(4, 9, "PERSON", 0.85), Span(17, 29, "PHONE", 0.7)],  # both exact
    [
        Span(0, 4, "PERSON", 0.85),
        Span(5, 15, "DATE", 0.85),
    ],  # "Seen" is a false positive, Ann missed
    [Span(9, 13, "ADDRESS", 0.6)],  # inside a neutral label: neither hit nor false positive
    [Span(5, 9, "PHONE", 0.6)],  # partial: the span counts, 4 of 8 characters
]


def test_score_overall_by_hand():
    overall = ev.score(EXAMPLES, PREDICTIONS)["overall"]
    # gold spans 5, found 4; gold chars 5+12+10+3+8 = 38, covered 5+12+10+4 = 31
    assert overall["gold_spans"] == 5
    assert overall["span_recall"] == 0.8
    assert overall["char_recall"] == round(31 / 38, 4)
    # predicted spans 5 (the neutral one excluded), 4 touch gold; chars 5+12+4+10+4 = 35, 31 gold
    assert overall["pred_spans"] == 5
    assert overall["span_precision"] == 0.8
    assert overall["char_precision"] == round(31 / 35, 4)


def test_score_by_tag_by_hand():
    by_tag = ev.score(EXAMPLES, PREDICTIONS)["by_tag"]
    assert by_tag["PERSON"]["span_recall"] == 0.5  # Smith found, Ann missed
    assert by_tag["PERSON"]["span_precision"] == 0.5  # Smith right, "Seen" wrong
    assert by_tag["PHONE"]["span_recall"] == 1.0
    assert by_tag["PHONE"]["char_recall"] == 0.8  # (12 + 4) / (12 + 8)
    assert by_tag["DATE"]["char_precision"] == 1.0
    assert "ADDRESS" not in by_tag  # only a neutral-label prediction: nothing to score


def test_score_with_no_gold_and_no_predictions():
    result = ev.score([Example("Chest pain")], [[]])
    assert result["overall"]["span_recall"] is None
    assert result["overall"]["span_precision"] is None


def test_load_ground_truth_inline(tmp_path):
    path = tmp_path / "gt.ndjson"
    path.write_text(
        json.dumps({"text": "Mr. Smith", "spans": [{"start": 4, "end": 9, "label": "PERSON"}]})
        + "\n"
        + json.dumps(
            {
                "text": "fax 617-555-0123",
                "spans": [{"start": 4, "end": 16, "label": "PHONE_NUMBER"}],
            }
        )
        + "\n",
        encoding="utf-8",
    )
    examples = ev.load_ground_truth(path)
    assert [(e.text, e.spans) for e in examples] == [
        ("Mr. Smith", [GoldSpan(4, 9, "PERSON")]),
        ("fax 617-555-0123", [GoldSpan(4, 16, "PHONE")]),
    ]


def test_load_ground_truth_generator_shape(tmp_path):
    """Spans point at landing records; PHI-free texts of the column are included too."""
    landing = tmp_path / "data" / "landing" / "ed_tracking"
    landing.mkdir(parents=True)
    (landing / "FAC_A_2026-01-01.csv").write_text(
        "ed_visit_id,chief_complaint\n1,Fall - per EMS Mr. Ray\n2,Chest pain\n3,\n",
        encoding="utf-8",
    )
    siu = tmp_path / "data" / "landing" / "siu"
    siu.mkdir()
    (siu / "FAC_A_2026-01-01.hl7").write_text(
        "MSH|^~\\&|A|B|C|D|20260101||SIU^S12|CTRL1|P|2.5.1\r"
        "SCH|1|1|||||NEW^Eval HTN, zip 03101|X\n",
        encoding="utf-8",
    )
    gt = tmp_path / "data" / "ground_truth" / "phi_spans.ndjson"
    gt.parent.mkdir(parents=True)
    rows = [
        {
            "feed": "ed_tracking",
            "table": "ed_visits",
            "record_id": "1",
            "column": "chief_complaint",
            "start": 19,
            "end": 22,
            "entity_type": "PERSON",
            "text": "Ray",
        },
        {
            "feed": "siu",
            "table": "siu_events",
            "record_id": "CTRL1",
            "column": "reason_text",
            "start": 14,
            "end": 19,
            "entity_type": "ZIP",
            "text": "03101",
        },
    ]
    gt.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    examples = ev.load_ground_truth(gt)
    assert [(e.text, e.spans) for e in examples] == [
        ("Fall - per EMS Mr. Ray", [GoldSpan(19, 22, "PERSON")]),
        ("Chest pain", []),
        ("Eval HTN, zip 03101", [GoldSpan(14, 19, "ZIP")]),
    ]


def test_load_asq_phi_format(tmp_path):
    path = tmp_path / "q.txt"
    path.write_text(
        "===QUERY===\nJohn L. seen on Feb 21, 2023 (MRN: 880417)?\n===PHI_TAGS===\n"
        '{"identifier_type": "NAME", "value": "John L."}\n'
        '{"identifier_type": "DATE", "value": "Feb 21, 2023"}\n'
        '{"identifier_type": "MEDICAL_RECORD_NUMBER", "value": "880417"}\n\n'
        "===QUERY===\nACE inhibitors in CKD?\n===PHI_TAGS===\n\n",
        encoding="utf-8",
    )
    examples = ev.load_asq_phi(path)
    assert len(examples) == 2
    assert examples[0].spans == [
        GoldSpan(0, 7, "PERSON"),
        GoldSpan(16, 28, "DATE"),
        GoldSpan(35, 41, "MRN"),
    ]
    assert examples[1].spans == []


@pytest.mark.parametrize(
    "tag, value, expected",
    [
        # a country alone is no subdivision smaller than a state: not PHI
        ("ADDRESS", "France", NEUTRAL),
        ("ADDRESS", "Czech Republic", NEUTRAL),  # tz database name (CLDR: Czechia)
        ("ADDRESS", "Czechia", NEUTRAL),
        ("ADDRESS", "Cote d'Ivoire", NEUTRAL),  # accents and apostrophes folded
        ("ADDRESS", "the Netherlands", NEUTRAL),
        ("ADDRESS", "St. Kitts & Nevis", NEUTRAL),
        # a place inside or beside a country, a town, a continent, a demonym: still PHI
        ("ADDRESS", "Lyon, France", "ADDRESS"),
        ("ADDRESS", "12 Rue Lepic\n75018 Paris\nFrance", "ADDRESS"),
        ("ADDRESS", "Springfield", "ADDRESS"),
        ("ADDRESS", "New York", "ADDRESS"),
        ("ADDRESS", "Europe", "ADDRESS"),
        # other tags are never touched, whatever the value
        ("PERSON", "Jordan", "PERSON"),
        (NEUTRAL, "France", NEUTRAL),
    ],
)
def test_phi_tag_country_rule(tag, value, expected):
    assert ev.phi_tag(tag, value) == expected


def test_country_alone_is_not_a_missed_address(tmp_path):
    """presidio-synth-pii shape; the figures are computed by hand below."""
    records = [
        ("She moved to France in May.", [("GPE", 13, 19)]),
        ("Then to Spain.", [("GPE", 8, 13)]),
        ("Ship to 12 Rue Lepic, 75018 Paris, France.", [("STREET_ADDRESS", 8, 41)]),
        ("Born in Lyon.", [("GPE", 8, 12)]),
    ]
    path = tmp_path / "synth.json"
    path.write_text(
        json.dumps(
            [
                {
                    "full_text": text,
                    "spans": [
                        {"entity_type": label, "start_position": start, "end_position": end}
                        for label, start, end in spans
                    ],
                }
                for text, spans in records
            ]
        ),
        encoding="utf-8",
    )
    examples = ev.load_presidio_synth(path)
    assert [e.spans for e in examples] == [
        [GoldSpan(13, 19, NEUTRAL)],
        [GoldSpan(8, 13, NEUTRAL)],
        [GoldSpan(8, 41, "ADDRESS")],
        [GoldSpan(8, 12, "ADDRESS")],
    ]
    predictions = [
        [],  # France left: a country, no miss
        [Span(8, 13, "ADDRESS", 0.85)],  # Spain redacted: neither a hit nor a false positive
        [Span(8, 33, "ADDRESS", 0.85)],  # "12 Rue Lepic, 75018 Paris" found, ", France" left
        [],  # Lyon missed
    ]
    address = ev.score(examples, predictions)["by_tag"]["ADDRESS"]
    # Gold addresses: the street address (33 chars) and Lyon (4); 1 of 2 found, 25 chars.
    # With countries as addresses it would be 2 of 4 spans and 30 of 48 characters.
    assert address["gold_spans"] == 2
    assert address["span_recall"] == 0.5
    assert address["char_recall"] == round(25 / 37, 4)
    # One scored prediction (Spain's is skipped), its 25 characters all gold.
    assert address["pred_spans"] == 1
    assert address["char_precision"] == 1.0


def test_phi_tag_email_needs_an_address():
    assert ev.phi_tag("EMAIL", "email") == NEUTRAL
    assert ev.phi_tag("EMAIL", "e-mail") == NEUTRAL
    assert ev.phi_tag("EMAIL", "r.okafor@example.org") == "EMAIL"
    assert ev.phi_tag("EMAIL", "r.okafor at example dot org") == "EMAIL"
    assert ev.phi_tag("EMAIL", "rokafor[at]example.org") == "EMAIL"


THIS_YEAR = date.today().year


@pytest.mark.parametrize(
    "value, expected",
    [
        # a year in which nobody now alive and 90 or older was born: not PHI
        (str(THIS_YEAR - 89), YEAR),
        (str(THIS_YEAR), YEAR),
        (f" {THIS_YEAR - 40} ", YEAR),  # labels with stray spaces
        # a year that may be the birth year of someone 90 or older: PHI
        (str(THIS_YEAR - 90), "DATE"),
        (str(THIS_YEAR - 120), "DATE"),
        # anything more than a year is a date element: PHI
        (f"May {THIS_YEAR - 40}", "DATE"),
        (f"{THIS_YEAR - 40}-05-01", "DATE"),
        ("12345", "DATE"),
        ("friday", "DATE"),
    ],
)
def test_phi_tag_year_rule(value, expected):
    assert ev.phi_tag("DATE", value) == expected
    assert ev.phi_tag("PERSON", value) == "PERSON"  # only date labels are affected


def test_year_labels_are_neutral_and_reported_both_ways():
    """Figures by hand: one year label (missed), one full date (found), one name (found)."""
    year = str(THIS_YEAR - 30)
    text = f"Founded in {year}; seen 03/04 by Ann."
    start = text.index(year)
    examples = [
        Example(
            text,
            [
                GoldSpan(start, start + 4, ev.phi_tag("DATE", year)),
                GoldSpan(text.index("03/04"), text.index("03/04") + 5, "DATE"),
                GoldSpan(text.index("Ann"), text.index("Ann") + 3, "PERSON"),
            ],
        )
    ]
    found = [
        Span(text.index("03/04"), text.index("03/04") + 5, "DATE", 0.85),
        Span(text.index("Ann"), text.index("Ann") + 3, "PERSON", 0.85),
    ]
    assert examples[0].spans[0].tag == YEAR
    assert ev.score(examples, [found])["overall"]["span_recall"] == 1.0  # 2 of 2
    strict = ev.score(examples, [found], years_as_phi=True)
    assert strict["overall"]["gold_spans"] == 3
    assert strict["overall"]["span_recall"] == round(2 / 3, 4)
    assert strict["by_tag"]["DATE"]["span_recall"] == 0.5
    # a redacted year is neither a hit nor a false positive when it is neutral
    redacted = [*found, Span(start, start + 4, "DATE", 0.85)]
    assert ev.score(examples, [redacted])["overall"]["pred_spans"] == 2
    assert ev.score(examples, [redacted], years_as_phi=True)["overall"]["span_recall"] == 1.0


def test_synthetic_examples_are_consistent():
    examples = ev.synthetic_examples(60, seed=3)
    assert len(examples) == 60
    assert all(0 <= g.start < g.end <= len(e.text) for e in examples for g in e.spans)
    assert ev.synthetic_examples(60, seed=3)[5].text == examples[5].text


def test_evaluate_inline_set_end_to_end(tmp_path, capsys):
    """The CLI on a tiny inline set: Markdown on stdout, JSON file with the figures."""
    gt = tmp_path / "gt.ndjson"
    records = [
        {
            "text": "Pt Mr. Okafor, MRN 00123456, call (617) 555-0123.",
            "spans": [
                {"start": 7, "end": 13, "label": "PERSON"},
                {"start": 19, "end": 27, "label": "MRN"},
                {"start": 34, "end": 48, "label": "PHONE_NUMBER"},
            ],
        },
        {"text": "Hx of Parkinson disease, BP 120/80, ESI 3.", "spans": []},
    ]
    gt.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out = tmp_path / "eval.json"
    code = ev.main(
        [
            "--ground-truth",
            str(gt),
            "--no-throughput",
            "--out",
            str(out),
            "--realdata",
            str(tmp_path / "absent"),
        ]
    )
    assert code == 0
    [result] = json.loads(out.read_text(encoding="utf-8"))
    assert result["corpus"] == "generator"
    assert result["overall"]["span_recall"] == 1.0
    assert result["overall"]["span_precision"] == 1.0
    assert "| **overall** | 3 | 1.000 |" in capsys.readouterr().out


@pytest.mark.realdata
def test_realdata_loaders(realdata):
    asq = realdata / "asq-phi" / "synthetic_clinical_queries.txt"
    synth = realdata / "presidio-synth-pii" / "synth_dataset_v2.json"
    if not asq.exists() or not synth.exists():
        pytest.skip("labelled corpora absent")
    examples = ev.load_asq_phi(asq)
    assert len(examples) == 1051
    assert sum(len(e.spans) for e in examples) >= 2972  # PROVENANCE: 1 value is not verbatim
    examples = ev.load_presidio_synth(synth, limit=100)
    assert len(examples) == 100
    assert all(e.text[g.start : g.end] for e in examples for g in e.spans)


def test_clinical_vocabulary_is_unlabelled_and_every_finding_is_false(tmp_path):
    """Distinct descriptions from the Synthea CSV columns; figures by hand."""
    (tmp_path / "conditions.csv").write_text(
        "START,DESCRIPTION\n2020-01-01,Parkinson's disease (disorder)\n"
        "2021-01-01,Parkinson's disease (disorder)\n2021-02-01,\n",
        encoding="utf-8",
    )
    (tmp_path / "medications.csv").write_text(
        "DESCRIPTION,REASONDESCRIPTION\nLisinopril 10 MG Oral Tablet,Essential hypertension\n",
        encoding="utf-8",
    )
    (tmp_path / "patients.csv").write_text("FIRST,LAST\nNever,Read\n", encoding="utf-8")
    examples = ev.load_clinical_vocabulary([tmp_path, tmp_path / "missing"])
    assert [e.text for e in examples] == [
        "Essential hypertension",
        "Lisinopril 10 MG Oral Tablet",
        "Parkinson's disease (disorder)",
    ]
    assert all(e.spans == [] for e in examples)
    # One redaction (an eponym taken for a person): one false positive, no recall to speak of.
    predictions = [[], [], [Span(0, 9, "PERSON", 0.85)]]
    overall = ev.score(examples, predictions)["overall"]
    assert overall["gold_spans"] == 0
    assert overall["span_recall"] is None
    assert overall["pred_spans"] == 1
    assert overall["span_precision"] == 0.0
