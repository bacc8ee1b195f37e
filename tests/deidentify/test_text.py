"""End-to-end free-text redaction on invented sentences (no real PHI), offline."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from deidentify.engine import get_analyzer
from deidentify.text import Span, _name_contact_block, analyze_batch, redact, redact_batch

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def analyzer():
    """Build the cached engine once for the whole session (about 1-3 s)."""
    return get_analyzer()


CASES = [
    (
        "Pt is a 92 y/o F, MRN 00123456, seen by Dr. Jane Doe on 01/02/2026. DOB 3-4-1950.",
        "Pt is a <AGE_90_PLUS> y/o F, MRN <MRN>, seen by Dr. <PERSON> on <DATE>. DOB <DATE>.",
    ),
    (
        "Pt's daughter Mary called from (617) 555-0123 ext. 44; fax: 6175550199.",
        "Pt's daughter <PERSON> called from <PHONE>; fax: <PHONE>.",
    ),
    (
        "Lives at 1420 Maple Grove Rd, Apt 4B, Springfield, MA 01103. "
        "Email mary.doe@example.com, SSN 123-45-6788.",
        "Lives at <ADDRESS>. Email <EMAIL>, SSN <SSN>.",
    ),
    (
        "Patient: Smith, John. Member ID XYZ123456789, acct# 00098765432. "
        "Admitted to Methodist Hospital Jan 2 2026.",
        "Patient: <PERSON>. Member ID <ID>, acct# <ID>. Admitted to <ADDRESS> <DATE>.",
    ),
    (
        "Progress note. Mrs. Olga Lindqvist is a 84-year-old woman on MED service. zip 03101.",
        "Progress note. Mrs. <PERSON> is a 84-year-old woman on MED service. zip <ZIP>.",
    ),
    # Clinical traps: eponyms, drugs, vitals, ESI, durations, a bare year stay untouched.
    (
        "Hx of Parkinson disease and Crohn disease, on Tylenol and Lasix. "
        "BP 120/80, ESI 3, for 3 days since 2021.",
        "Hx of Parkinson disease and Crohn disease, on Tylenol and Lasix. "
        "BP 120/80, ESI 3, for 3 days since 2021.",
    ),
    # Later bare mentions of a name found once are redacted too.
    (
        "Dr. Wendell Okafor saw the pt; Okafor will call the son. Wendell agrees.",
        "Dr. <PERSON> saw the pt; <PERSON> will call the son. <PERSON> agrees.",
    ),
    # Items of a list with one found name are names too; drugs in a list are not.
    (
        "Visitors: Maria Lopez, Tovah and Birdie. Takes Lasix and Eliquis.",
        "Visitors: <PERSON>, <PERSON> and <PERSON>. Takes Lasix and Eliquis.",
    ),
    # Non-US contact details: a foreign phone, postcode and care site.
    (
        "Daughter in Leeds, mobile: +44 7700 900123, postcode LS6 2QB. "
        "Seen at Harlow Bay on 3/4/2026.",
        "Daughter in <ADDRESS>, mobile: <PHONE>, postcode <ZIP>. Seen at <ADDRESS> on <DATE>.",
    ),
    # A weekday dates the encounter; vaguer relative phrases stay.
    ("Fell last Friday, seen 2 days ago.", "Fell <DATE>, seen 2 days ago."),
    ("fell on friday, no sunday dosing.", "fell on <DATE>, no sunday dosing."),
    ("Chest pain", "Chest pain"),
    # A medication order is no facility; a title alone is no person; an uncued census name is.
    ("Recheck CHF, on Lasix 40 mg, seen today.", "Recheck CHF, on Lasix 40 mg, seen today."),
    ("Pt Miss Sandra Scott called to cancel", "Pt Miss <PERSON> called to cancel"),
    ("Rash, brought in by son", "Rash, brought in by son"),
    ("Homer Vantassel called back about the bill.", "<PERSON> called back about the bill."),
    # After a title an eponym is a surname, whatever recognizer reports it.
    ("Miss Hoffman is a 77-year-old woman.", "Miss <PERSON> is a 77-year-old woman."),
    ("Pain 3/10 on acetaminophen 650 mg q6h PRN.", "Pain 3/10 on acetaminophen 650 mg q6h PRN."),
    # Beside a name an eponym is a surname; a list of diseases with no name stays.
    (
        "Family meeting with Dr. Okafor, Graves and Whitlock.",
        "Family meeting with Dr. <PERSON>, <PERSON> and <PERSON>.",
    ),
    ("Hx of Graves and Hashimoto, on Synthroid.", "Hx of Graves and Hashimoto, on Synthroid."),
    # A writer who never uses capitals: NER's lower-case names stand, lists and mentions spread.
    ("follow up w/ rosalind achterberg next week", "follow up w/ <PERSON> next week"),
    (
        "visitors: harriet, desmond, ilse and joaquin. harriet stays tonight.",
        "visitors: <PERSON>, <PERSON>, <PERSON> and <PERSON>. <PERSON> stays tonight.",
    ),
    (
        "chest pain, nausea and vomiting since last night",
        "chest pain, nausea and vomiting since last night",
    ),
    # A surname-shaped eponym before "test" is the test.
    ("Hirschberg test symmetric.", "Hirschberg test symmetric."),
    # Speaker labels of a dialogue with one found name are names; note sections are not.
    (
        "Maria Lopez: where were you?\nOdalys: at the shop\nIvy: me too",
        "<PERSON>: where were you?\n<PERSON>: at the shop\n<PERSON>: me too",
    ),
    (
        "Allergies: none\nPlan: Lasix 40 mg\nNurse: Maria Lopez aware",
        "Allergies: none\nPlan: Lasix 40 mg\nNurse: <PERSON> aware",
    ),
    # The name line heading a contact block; a heading above a phone number stays.
    (
        "Kasimir Dunmore\nAcme Widgets\nMobile: (217) 555-0199",
        "<PERSON>\nAcme Widgets\nMobile: <PHONE>",
    ),
    (
        "Discharge Instructions\nCall (217) 555-0199 with questions",
        "Discharge Instructions\nCall <PHONE> with questions",
    ),
    # Without capitals: a town after a residence cue and a street with a type word stand
    # (NER's own lower-case places are dropped as noise).
    (
        "my aunt lives in brekkestø, near 41 rue des tanneurs",
        "my aunt lives in <ADDRESS>, near <ADDRESS>",
    ),
    ("lives in snf, walks with a walker", "lives in snf, walks with a walker"),
    # A cue that a person is named keeps an eponym surname that NER's filter would drop.
    (
        "We discussed the Wilson novel with Dr. Okafor.",
        "We discussed the <PERSON> novel with Dr. <PERSON>.",
    ),
    (
        "The shop has three founders: Okonta, Wilson and Brandvik.",
        "The shop has three founders: <PERSON>, <PERSON> and <PERSON>.",
    ),
    # Subjects of person predicates, addressees, givers and recipients are names.
    (
        "Brandvik and Kussmaul were structural engineers.",
        "<PERSON> and <PERSON> were structural engineers.",
    ),
    ("Odalys, can I reschedule to Friday?", "<PERSON>, can I reschedule to <DATE>?"),
    ("ebele had given tamsin her keys", "<PERSON> had given <PERSON> her keys"),
    # ... but not drugs or services addressed, nor a film's title.
    (
        "Call Cardiology, please. Tylenol, can I take it?",
        "Call Cardiology, please. Tylenol, can I take it?",
    ),
    (
        "Quorvane is a 2009 Danish heist comedy directed by Tamsin Oduya.",
        "Quorvane is a 2009 Danish heist comedy directed by <PERSON>.",
    ),
]


@pytest.mark.parametrize("text, expected", CASES)
def test_redact_batch_exact_output(analyzer, text, expected):
    assert redact_batch([text]) == [expected]


def test_none_and_empty_pass_through_in_order(analyzer):
    texts = [None, "", "   ", "Mr. Smith fell", None]
    assert redact_batch(texts) == [None, "", "   ", "Mr. <PERSON> fell", None]


def test_duplicates_are_analysed_once(analyzer, monkeypatch):
    calls: list[int] = []
    original = analyzer.analyze

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(analyzer, "analyze", counting)
    texts = ["Chest pain"] * 50 + ["Mr. Smith fell"] * 50
    result = redact_batch(texts, batch_size=8)
    assert len(calls) == 2
    assert result == ["Chest pain"] * 50 + ["Mr. <PERSON> fell"] * 50


def test_analyze_batch_spans_and_redact_agree(analyzer):
    text = "call (617) 555-0123 re: Mr. Smith"
    [spans] = analyze_batch([text])
    assert spans == sorted(spans)
    assert [(text[s.start : s.end], s.tag) for s in spans] == [
        ("(617) 555-0123", "PHONE"),
        ("Smith", "PERSON"),
    ]
    assert redact(text, spans) == "call <PHONE> re: Mr. <PERSON>"


def test_overlapping_findings_are_merged():
    # The union covers both findings; the higher score names it.
    spans = [Span(0, 5, "ZIP", 0.8), Span(10, 12, "PERSON", 0.9)]
    assert redact("02115 and Al", spans) == "<ZIP> and <PERSON>"


def test_no_text_or_findings_in_logs(analyzer, caplog):
    secret = "Mr. Quentinworth called from 617-555-0199"
    with caplog.at_level(logging.DEBUG):
        redact_batch([secret])
    assert "Quentinworth" not in caplog.text
    assert "555-0199" not in caplog.text


def test_no_network_in_process(analyzer, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    assert redact_batch(["email jo.ray@example.org today"]) == ["email <EMAIL> today"]


def test_cold_start_is_offline(tmp_path):
    """A fresh process behind a dead proxy builds the engine and validates e-mails silently."""
    env = {
        **os.environ,
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "HTTP_PROXY": "http://127.0.0.1:9",
        "https_proxy": "http://127.0.0.1:9",
        "http_proxy": "http://127.0.0.1:9",
        "TLDEXTRACT_CACHE": str(tmp_path / "tld"),
        "HOME": str(tmp_path),
    }
    code = (
        "from deidentify.text import redact_batch;"
        "print(redact_batch(['mail jo.ray@example.org or call 617-555-0142'])[0])"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "mail <EMAIL> or call <PHONE>"
    assert "Public Suffix" not in proc.stderr
    # The model's spaCy 3.7/3.8 compatibility warning is silenced, nothing else.
    assert "W095" not in proc.stderr
    assert "Downloading" not in proc.stderr
    assert not (tmp_path / "tld").exists()


@pytest.mark.parametrize(
    "text, expected",
    [
        # the first line is two or three name words and a phone follows within a few lines
        ("Ivy Dunmore\nAcme Widgets\nMobile: (217) 555-0199", "Ivy Dunmore"),
        ("> Yaretzi Q. Ouko\n> (217) 555-0199", "Yaretzi Q. Ouko"),
        ("ximena halloran\n\nnurse\nphone: (217) 555-0199", "ximena halloran"),
        # negatives: a heading of English words, lower case in a text with capitals, no
        # contact details after the line, a line of four words
        ("Discharge Instructions\nCall (217) 555-0199", None),
        ("ivy dunmore\nMobile: (217) 555-0199", None),
        ("Ivy Dunmore\nAcme Widgets\nMobile: none", None),
        ("Ivy Yaretzi Ouko Dunmore\nMobile: (217) 555-0199", None),
    ],
)
def test_name_line_heading_a_contact_block(text, expected):
    phone = text.find("(217)")
    spans = [Span(phone, phone + 14, "PHONE", 0.9)] if phone >= 0 else []
    found = [text[s.start : s.end] for s in _name_contact_block(text, spans) if s.tag == "PERSON"]
    assert found == ([expected] if expected else [])
