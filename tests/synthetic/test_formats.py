"""Every generated file parses with real parsers and matches its contract."""

from __future__ import annotations

import csv
import re
from collections import Counter
from datetime import datetime
from pathlib import Path

import hl7
import pytest
from hl7apy.consts import VALIDATION_LEVEL
from hl7apy.parser import parse_message

from data_contracts.contract import load_contracts

CSV_TABLES = {
    "bed_master": "bed_master",
    "ed_tracking": "ed_visits",
    "appointments": "appointments",
    "patients": "patients",
    "notes": "notes",
    "ar_aging": "ar_aging",
}
NAME = re.compile(r"^[A-Z0-9_]+_\d{4}-\d{2}-\d{2}\.(csv|hl7|x12)$")


def _messages(path: Path) -> list[str]:
    text = path.read_bytes().decode("utf-8")  # not read_text: universal newlines would eat the \r
    return [m for m in text.split("\n") if m]


def test_landing_layout(demo):
    out, summary = demo
    for feed in (
        "bed_master",
        "adt",
        "siu",
        "ed_tracking",
        "appointments",
        "patients",
        "notes",
        "claims_837",
        "remits_835",
        "ar_aging",
    ):
        files = sorted((out / feed).iterdir())
        assert files, feed
        assert all(NAME.match(f.name) for f in files), feed
    assert (out.parent / "ground_truth" / "phi_spans.ndjson").is_file()
    assert summary.rows["adt"] > 1000


@pytest.mark.parametrize(("feed", "table"), sorted(CSV_TABLES.items()))
def test_csv_matches_contract(demo, feed, table):
    out, _ = demo
    contract = load_contracts()[table]
    n = 0
    for path in sorted((out / feed).glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        assert rows[0] == contract.column_names, path.name
        for row in rows[1:]:
            assert len(row) == len(rows[0]), path.name
            rec = dict(zip(rows[0], row, strict=True))
            for col in contract.columns:
                v = rec[col.name]
                if col.required:
                    assert v != "", (path.name, col.name)
                if v == "":
                    continue
                if col.allowed is not None:
                    assert v in {str(a) for a in col.allowed}, (col.name, v)
                if col.type == "timestamp":
                    datetime.strptime(v, "%Y-%m-%d %H:%M:%S")
                elif col.type == "date":
                    datetime.strptime(v, "%Y-%m-%d")
                elif col.type == "boolean":
                    assert v in ("Y", "N")
                elif col.type.startswith("decimal"):
                    float(v)
                elif col.type == "integer":
                    int(v)
            n += 1
    assert n > 0


def test_every_hl7_message_parses(demo):
    out, _ = demo
    contracts = load_contracts()
    adt_triggers = set(contracts["adt_events"].column("trigger_event").allowed)
    siu_triggers = set(contracts["siu_events"].column("trigger_event").allowed)
    seen: Counter[str] = Counter()
    sampled = 0
    for feed, allowed in (("adt", adt_triggers), ("siu", siu_triggers)):
        for path in sorted((out / feed).glob("*.hl7")):
            for k, raw in enumerate(_messages(path)):
                msg = hl7.parse(raw)
                trig = str(msg.segment("MSH")[9][0][1])
                assert trig in allowed
                seen[trig] += 1
                assert str(msg.segment("MSH")[12]) == "2.5.1"
                assert str(msg.segment("MSH")[10])
                if feed == "siu":  # the fields the siu_events contract maps
                    assert msg["SCH.F25"] in (
                        "Booked",
                        "Complete",
                        "Cancelled",
                        "Deleted",
                        "Noshow",
                    )
                    datetime.strptime(msg["SCH.F11.R1.C4"], "%Y%m%d%H%M%S")
                    assert msg["SCH.F7"] == msg["AIS.F3"]
                    assert msg["AIL.F3.R1.C4"] == path.name.split("_2")[0]
                    int(msg["SCH.F9"])
                if feed == "adt":
                    pv1 = msg.segment("PV1")
                    assert str(pv1[2]) in ("I", "O", "E")
                    assert str(pv1[3][0][3]) == path.name.split("_2")[0]
                    assert str(pv1[19])
                    if trig == "A02":  # a transfer names where the patient came from
                        assert msg["PV1.F6.R1.C1"]
                    datetime.strptime(str(msg.segment("EVN")[6]), "%Y%m%d%H%M%S")
                # hl7apy (strict v2.5.1 structures) on a deterministic sample of every file.
                if k % 40 == 0:
                    parse_message(
                        raw, validation_level=VALIDATION_LEVEL.TOLERANT, find_groups=False
                    )
                    sampled += 1
    for trig in (
        "A01",
        "A02",
        "A03",
        "A04",
        "A06",
        "A08",
        "A11",
        "A12",
        "A13",
        "S12",
        "S14",
        "S15",
        "S26",
    ):
        assert seen[trig] > 0, trig
    assert sampled > 40


def test_adt_mess(demo):
    """Duplicates (same MSH-10), late-arriving messages and a DST change are present."""
    out, _ = demo
    ids: Counter[str] = Counter()
    late = 0
    times = []
    for path in sorted((out / "adt").glob("*.hl7")):
        day = path.stem.split("_")[-1].replace("-", "")
        for raw in _messages(path):
            msg = hl7.parse(raw)
            ids[str(msg.segment("MSH")[10])] += 1
            eff = str(msg.segment("EVN")[6])
            late += eff[:8] < day and str(msg.segment("MSH")[7])[:8] == day
            times.append(eff)
    assert any(c > 1 for c in ids.values())
    assert late > 0
    # Nothing is stamped inside the missing hour of 2026-03-08 (02:00-03:00 does not exist).
    assert not any(t.startswith("2026030802") for t in times)
    assert any(t.startswith("20260308") for t in times)


def _x12_segments(path: Path) -> list[list[str]]:
    text = path.read_text(encoding="ascii")
    assert text.startswith("ISA")
    isa = text[:106]
    assert isa[103] == "*" and isa[105] == "~", "ISA must be exactly 106 characters"
    return [s.strip("\n").split("*") for s in text.split("~") if s.strip("\n")]


@pytest.mark.parametrize("feed", ["claims_837", "remits_835"])
def test_x12_envelopes(demo, feed):
    out, _ = demo
    files = sorted((out / feed).glob("*.x12"))
    assert files
    for path in files:
        segs = _x12_segments(path)
        assert segs[0][0] == "ISA" and segs[-1][0] == "IEA"
        assert len(segs[0]) == 17 and segs[0][13] == segs[-1][2]
        groups = [s for s in segs if s[0] == "GS"]
        assert int(segs[-1][1]) == len(groups)
        st_start, n_st = None, 0
        for i, s in enumerate(segs):
            if s[0] == "GS":
                n_st = 0
                gcn = s[6]
            elif s[0] == "ST":
                st_start = i
                n_st += 1
            elif s[0] == "SE":
                assert int(s[1]) == i - st_start + 1, (path.name, s)
                assert s[2] == segs[st_start][2]
            elif s[0] == "GE":
                assert int(s[1]) == n_st and s[2] == gcn


def test_835_balances(demo):
    """CLP03 - CLP04 equals the claim and service CAS amounts; SVC lines balance too."""
    out, _ = demo
    statuses: Counter[str] = Counter()
    for path in sorted((out / "remits_835").glob("*.x12")):
        segs = _x12_segments(path)
        clp, cas_sum = None, 0.0
        for s in [*segs, ["CLP"]]:
            if s[0] in ("CLP", "SE"):
                if clp:
                    assert abs(float(clp[3]) - float(clp[4]) - cas_sum) < 0.011, clp
                clp, cas_sum = (s, 0.0) if s[0] == "CLP" and len(s) > 1 else (None, 0.0)
                if clp:
                    statuses[clp[2]] += 1
            elif s[0] == "CAS" and clp:
                cas_sum += sum(float(s[k]) for k in range(3, len(s), 3))
    total = sum(statuses.values())
    assert statuses["1"] and statuses["4"]
    assert 0.04 < statuses["4"] / total < 0.2


def test_claim_ids_match_adt_accounts(demo):
    out, _ = demo
    accounts = set()
    for path in sorted((out / "adt").glob("*.hl7")):
        for raw in _messages(path):
            accounts.add(str(hl7.parse(raw).segment("PID")[18]))
    clm = []
    for path in sorted((out / "claims_837").glob("*.x12")):
        kind, current = None, None
        for s in _x12_segments(path):
            if s[0] == "GS":
                kind = s[8]
            elif s[0] == "CLM" and kind == "005010X223A2":
                current = s[1]
            elif s[0] == "DTP" and s[1] == "434" and current:
                # Stays that ended before the window have claims but no ADT.
                if s[3].split("-")[1] >= path.stem[-10:].replace("-", "")[:6] + "01":
                    clm.append(current)
                current = None
    assert clm
    assert sum(c in accounts for c in clm) / len(clm) > 0.95


def _pyx12_valid(text: str) -> bool:
    import io

    import pyx12.params
    import pyx12.x12n_document

    return pyx12.x12n_document.x12n_document(
        param=pyx12.params.params(),
        src_file=io.StringIO(text),
        fd_997=io.StringIO(),
        fd_html=None,
        fd_xmldoc=None,
        xslt_files=None,
    )


@pytest.mark.parametrize("feed", ["claims_837", "remits_835"])
def test_pyx12_accepts_the_implementation_guides(demo, feed):
    """pyx12 validates one file per facility against the 005010 837I/837P/835 maps.

    The claims contract asks for the facility code in 2010AA REF*G2, which the 5010 837 guide does
    not list for that loop; it is stripped (and SE01 recounted) before validation.
    """
    out, _ = demo
    for fac in ("FAC_A", "FAC_B"):
        path = sorted((out / feed).glob(f"{fac}_*.x12"))[-1]
        segs = [s for s in path.read_text().split("~\n") if s and not s.startswith("REF*G2*")]
        fixed, start = [], 0
        for s in segs:
            if s.startswith("ST*"):
                start = len(fixed)
            if s.startswith("SE*"):
                s = f"SE*{len(fixed) - start + 1}*{s.split('*')[2]}"
            fixed.append(s)
        assert _pyx12_valid("~\n".join(fixed) + "~\n"), path.name
