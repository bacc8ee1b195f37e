"""The PHI ground truth points at exactly the planted text, in every free-text column."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import hl7

ENTITY_TYPES = {
    "PERSON",
    "MRN",
    "PHONE_NUMBER",
    "DATE_TIME",
    "AGE",
    "LOCATION",
    "EMAIL_ADDRESS",
    "US_SSN",
    "ACCOUNT_NUMBER",
    "MEMBER_ID",
    "ZIP",
}


def _csv_values(folder: Path, key: str, column: str) -> dict[str, set[str]]:
    values: dict[str, set[str]] = {}
    for path in sorted(folder.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row[column]:
                    values.setdefault(row[key], set()).add(row[column])
    return values


def _siu_reasons(folder: Path) -> dict[str, set[str]]:
    values = {}
    for path in sorted(folder.glob("*.hl7")):
        for raw in path.read_bytes().decode("utf-8").split("\n"):
            if raw:
                msg = hl7.parse(raw)
                sch6 = msg.segment("SCH")[6]
                text = str(sch6[0][1]) if len(sch6[0]) > 1 else ""
                values[str(msg.segment("MSH")[10])] = {text}
    return values


def test_spans_match_the_written_text(demo):
    out, summary = demo
    spans = [json.loads(line) for line in (out.parent / "ground_truth" / "phi_spans.ndjson").open()]
    assert len(spans) == summary.phi_spans > 1000
    fields = {
        ("notes", "note_text"): _csv_values(out / "notes", "note_id", "note_text"),
        ("ed_tracking", "chief_complaint"): _csv_values(
            out / "ed_tracking", "ed_visit_id", "chief_complaint"
        ),
        ("appointments", "comment"): _csv_values(out / "appointments", "appointment_id", "comment"),
        ("siu", "reason_text"): _siu_reasons(out / "siu"),
    }
    kinds: Counter[str] = Counter()
    for s in spans:
        assert set(s) == {
            "feed",
            "table",
            "record_id",
            "column",
            "start",
            "end",
            "entity_type",
            "text",
        }
        assert s["entity_type"] in ENTITY_TYPES
        values = fields[(s["feed"], s["column"])][s["record_id"]]
        assert values, s
        for value in values:  # every extract row of the record carries the same text
            assert value[s["start"] : s["end"]] == s["text"], s
        kinds[s["entity_type"]] += 1
    assert set(kinds) == ENTITY_TYPES, kinds


def test_clinical_lookalikes_are_not_spans(demo):
    """Eponyms, drugs and vitals that look like PHI stay out of the ground truth."""
    out, _ = demo
    texts = {
        s["text"]
        for s in map(json.loads, (out.parent / "ground_truth" / "phi_spans.ndjson").open())
    }
    notes = "".join(
        v for vs in _csv_values(out / "notes", "note_id", "note_text").values() for v in vs
    )
    for lookalike in ("Parkinson", "Crohn", "132/84", "carbidopa-levodopa"):
        assert lookalike in notes
        assert lookalike not in texts
