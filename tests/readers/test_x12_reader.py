"""X12 reader: exact 837P/837I/835 mapping, envelope validation and rejects on synthetic files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipelines.lib.readers.x12 import read_x12, x12_date, x12_timestamp
from tests.readers.fixtures import CLAIMS_837I, CLAIMS_837P, REMITS_835, x12_interchange
from tests.readers.helpers import check_ledger, check_shape, write

ICN = "000000001"
COMMON = {"interchange_control_number": ICN, "claim_type": "professional"}


def _claims(tmp_path: Path, text: str, **kwargs):
    result = read_x12(write(tmp_path, "FAC_A_2026-03-08.x12", text), "claims", **kwargs)
    check_shape(result)
    check_ledger(result)
    return result


def _strip(rows: list[dict]) -> list[dict]:
    for row in rows:
        assert len(row.pop("_row_hash")) == 64
    return rows


def test_837p_claims_and_lines_are_mapped_exactly(tmp_path: Path) -> None:
    result = _claims(tmp_path, x12_interchange([CLAIMS_837P]))
    assert result.source_records == 3 and result.rejects == []
    claims = _strip(result.tables["claims"].to_pylist())
    base = {
        **COMMON,
        "submitted_at": "2026-03-08 12:00:00",
        "billing_npi": "1999999984",
        "facility_id": "FAC_A",  # 2010AA REF*G2, not the rendering provider's REF*G2
    }
    assert claims == [
        {
            **base,
            "payer_id": "PAYER01",
            "payer_name": "ACME HEALTH",
            "member_id": "MEM001",
            "patient_name": "DOE^JANE",
            "birth_date": "1980-01-15",
            "claim_id": "ACCT001",
            "total_charge_amount": "150.00",
            "facility_type_code": "11",
            "claim_frequency_code": "1",
            "statement_from_date": "2026-03-01",  # no DTP*434: the span of the line dates
            "statement_to_date": "2026-03-02",
            "principal_diagnosis": "J189",
            "line_count": "2",
            "_source_line": 15,
        },
        {
            **base,
            "payer_id": "PAYER01",
            "payer_name": "ACME HEALTH",
            "member_id": "MEM001",
            "patient_name": "DOE^JANE",
            "birth_date": "1980-01-15",
            "claim_id": "ACCT002",
            "total_charge_amount": "75.50",
            "facility_type_code": "11",
            "claim_frequency_code": "7",
            "statement_from_date": "2026-03-05",
            "statement_to_date": "2026-03-06",
            "principal_diagnosis": "4019",
            "line_count": "1",
            "_source_line": 25,
        },
        {
            **base,
            "payer_id": "PAYER02",
            "payer_name": "OTHER PAYER",
            "member_id": "MEM002",
            "patient_name": "ROE^ROBIN",  # loop 2010CA patient, not the subscriber
            "birth_date": "2010-02-02",
            "claim_id": "ACCT003",
            "total_charge_amount": "20.00",
            "facility_type_code": "11",
            "claim_frequency_code": "1",
            "statement_from_date": "2026-03-03",
            "statement_to_date": "2026-03-03",
            "principal_diagnosis": "Z0000",
            "line_count": "1",
            "_source_line": 39,
        },
    ]
    lines = _strip(result.tables["claim_lines"].to_pylist())
    assert [
        (
            r["claim_id"],
            r["claim_frequency_code"],
            r["line_number"],
            r["revenue_code"],
            r["procedure_code"],
            r["line_charge_amount"],
            r["units"],
            r["service_date"],
            r["_source_line"],
        )
        for r in lines
    ] == [
        ("ACCT001", "1", "1", None, "99213", "100.00", "1", "2026-03-01", 19),
        ("ACCT001", "1", "2", None, "85025", "50.00", "2", "2026-03-02", 22),
        ("ACCT002", "7", "1", None, "99212", "75.50", "1", None, 28),
        ("ACCT003", "1", "1", None, "99381", "20.00", "1", "2026-03-03", 41),
    ]
    assert all(r["interchange_control_number"] == ICN for r in lines)


def test_837i_institutional_claim(tmp_path: Path) -> None:
    result = _claims(tmp_path, x12_interchange([CLAIMS_837I], version="005010X223A2"))
    claim = _strip(result.tables["claims"].to_pylist())[0]
    assert claim["claim_type"] == "institutional"
    assert claim["submitted_at"] == "2026-03-09 08:30:15"
    assert claim["facility_id"] == "1999999984"  # no REF*G2: the billing NPI
    assert (claim["statement_from_date"], claim["statement_to_date"]) == (
        "2026-03-01",
        "2026-03-04",
    )
    assert claim["principal_diagnosis"] == "I214"
    assert claim["line_count"] == "2"
    lines = result.tables["claim_lines"].to_pylist()
    assert [
        (
            r["revenue_code"],
            r["procedure_code"],
            r["line_charge_amount"],
            r["units"],
            r["service_date"],
        )
        for r in lines
    ] == [("0120", "99223", "1000.00", "3", "2026-03-01"), ("0250", None, "200.00", "10", None)]


def test_835_remits_and_adjustments_are_mapped_exactly(tmp_path: Path) -> None:
    text = x12_interchange([REMITS_835], code="835", version="005010X221A1")
    result = read_x12(write(tmp_path, "r.x12", text), "remits")
    check_shape(result)
    check_ledger(result)
    assert result.source_records == 2 and result.rejects == []
    remits = _strip(result.tables["remits"].to_pylist())
    header = {
        "interchange_control_number": ICN,
        "check_number": "CHK12345",
        "payment_date": "2026-03-15",
        "payer_id": "PAYER01",
        "payer_name": "ACME HEALTH",
        "payee_npi": "1999999984",
        "facility_id": "FAC_A",
    }
    assert remits == [
        {
            **header,
            "clp_sequence": "1",
            "claim_id": "ACCT001",
            "claim_status_code": "1",
            "total_charge_amount": "150.00",
            "paid_amount": "100.00",
            "patient_responsibility_amount": "20.00",
            "payer_claim_control_number": "PCN001",
            "patient_name": "DOE^JANE",
            "member_id": "MEM001",
            "_source_line": 11,
        },
        {
            **header,
            "clp_sequence": "2",
            "claim_id": "ACCT002",
            "claim_status_code": "4",
            "total_charge_amount": "75.50",
            "paid_amount": "0",
            "patient_responsibility_amount": "0",
            "payer_claim_control_number": "PCN002",
            "patient_name": None,
            "member_id": None,
            "_source_line": 16,
        },
    ]
    adjustments = [
        (
            r["clp_sequence"],
            r["adjustment_sequence"],
            r["claim_id"],
            r["level"],
            r["group_code"],
            r["reason_code"],
            r["amount"],
        )
        for r in result.tables["remit_adjustments"].to_pylist()
    ]
    assert adjustments == [
        ("1", "1", "ACCT001", "claim", "CO", "45", "30.00"),
        ("1", "2", "ACCT001", "line", "PR", "1", "20.00"),
        ("1", "3", "ACCT001", "line", "PR", "2", "0.00"),
        ("2", "1", "ACCT002", "claim", "CO", "50", "75.50"),
        # PLB: provider level, clp_sequence 0; PLB03-2 (often an account number) is not read.
        ("0", "1", None, "provider", "WO", None, "-10.00"),
        ("0", "2", None, "provider", "L6", None, "5.00"),
    ]


def test_wrong_se_count_rejects_every_claim_of_the_set(tmp_path: Path) -> None:
    text = re.sub(r"SE\*\d+\*0001", "SE*7*0001", x12_interchange([CLAIMS_837P]))
    result = _claims(tmp_path, text)
    assert result.source_records == 3
    assert result.tables["claims"].num_rows == 0
    assert result.tables["claim_lines"].num_rows == 0  # children follow their parent
    assert [r.source_line for r in result.rejects] == [15, 25, 39]
    assert all(r.table == "claims" for r in result.rejects)
    assert all(r.reason.startswith("SE01 segment count does not match") for r in result.rejects)
    assert result.rejects[0].raw.startswith("CLM*ACCT001*150.00")
    # Some generators hard-code SE01: the check can be switched off, every other check stays.
    lenient = _claims(tmp_path, text, strict_segment_count=False)
    assert lenient.tables["claims"].num_rows == 3 and lenient.rejects == []


def test_a_broken_set_does_not_take_the_good_one_with_it(tmp_path: Path) -> None:
    text = x12_interchange([CLAIMS_837P, CLAIMS_837I])
    text = text.replace("SE*17*0002", "SE*17*9999")
    result = _claims(tmp_path, text)
    assert result.tables["claims"].num_rows == 3
    assert [r.reason for r in result.rejects] == ["SE02 control number does not match ST02"]
    assert result.source_records == 4


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (lambda t: t.replace("GE*1*1~", "GE*2*1~"), "GE01 does not match the 1 transaction sets"),
        (lambda t: t.replace("GE*1*1~", "GE*1*7~"), "GE02 control number does not match GS06"),
        (lambda t: t.replace(f"IEA*1*{ICN}", "IEA*1*000000002"), "IEA02 control number does not"),
        (lambda t: t.replace(f"IEA*1*{ICN}", f"IEA*3*{ICN}"), "IEA01 does not match the 1"),
        (lambda t: t[: t.index("IEA*")], "ISA without IEA: the file ends inside the interchange"),
        (lambda t: t[: t.index("LX*1~\nSV1*HC:99212")], "ST without SE: the file ends inside"),
    ],
)
def test_envelope_errors(tmp_path: Path, edit, reason: str) -> None:
    result = _claims(tmp_path, edit(x12_interchange([CLAIMS_837P])))
    assert result.tables["claims"].num_rows == 0
    assert result.rejects and all(r.reason.startswith(reason) for r in result.rejects)


def test_file_without_isa_is_one_reject(tmp_path: Path) -> None:
    text = x12_interchange([CLAIMS_837P])
    result = _claims(tmp_path, text[text.index("GS*") :])
    assert result.source_records == 1
    assert [r.reason for r in result.rejects] == [
        "no ISA interchange header; the file cannot be split"
    ]


def test_isa_that_is_not_fixed_width_is_one_reject(tmp_path: Path) -> None:
    text = x12_interchange([CLAIMS_837P]).replace("SENDER         ", "SENDER", 1)
    result = _claims(tmp_path, text)
    assert result.source_records == 1
    assert result.rejects[0].reason.startswith("ISA06 is 6 characters, the fixed width is 15")


def test_wrong_transaction_type_is_rejected(tmp_path: Path) -> None:
    text = x12_interchange([REMITS_835], code="835", version="005010X221A1")
    result = _claims(tmp_path, text)
    assert result.source_records == 1
    assert result.rejects[0].reason == "transaction set ST01 is not 837 (an 837 file was expected)"


def test_835_broken_set_rejects_each_clp_and_drops_plb(tmp_path: Path) -> None:
    text = x12_interchange([REMITS_835], code="835", version="005010X221A1")
    text = re.sub(r"SE\*\d+\*0001", "SE*3*0001", text)
    result = read_x12(write(tmp_path, "r.x12", text), "remits")
    check_ledger(result)
    assert result.source_records == 2
    assert result.tables["remits"].num_rows == 0
    assert result.tables["remit_adjustments"].num_rows == 0
    assert [r.source_line for r in result.rejects] == [11, 16]


def test_single_line_file_and_other_separators(tmp_path: Path) -> None:
    one_line = _claims(tmp_path, x12_interchange([CLAIMS_837P], newline=""))
    # No line breaks: _source_line is the segment position (ISA=1, GS=2, ST=3, ...).
    assert one_line.tables["claims"].column("_source_line").to_pylist() == [15, 25, 39]
    other = x12_interchange([CLAIMS_837P], newline="\r\n")
    other = other.replace("*", "|").replace(":", ">").replace("~", "!")
    result = _claims(tmp_path, other)
    assert result.rejects == []
    assert result.tables["claims"].column("claim_id").to_pylist() == [
        "ACCT001",
        "ACCT002",
        "ACCT003",
    ]
    assert result.tables["claim_lines"].column("procedure_code").to_pylist()[:2] == [
        "99213",
        "85025",
    ]


def test_newline_as_segment_terminator(tmp_path: Path) -> None:
    text = x12_interchange([CLAIMS_837P], newline="").replace("~", "\n")
    result = _claims(tmp_path, text)
    assert result.rejects == []
    assert result.tables["claims"].column("_source_line").to_pylist() == [15, 25, 39]


LAYOUTS = {
    # every terminator ends a line (the tokenizer's no-counting path), with and without the last one
    "lf": lambda text: text,
    "lf, no newline after IEA": lambda text: text.rstrip("\n"),
    "lines before ISA": lambda text: "\n\n" + text,
    # any other layout counts newlines segment by segment
    "crlf": lambda text: text.replace("\n", "\r\n"),
    "blank lines": lambda text: text.replace("~\nHL*", "~\n\nHL*"),
    "two segments on a line": lambda text: text.replace("~\nREF*G2", "~REF*G2"),
    "indented": lambda text: text.replace("~\nCLM*", "~\n  CLM*"),
    "empty segment": lambda text: text.replace("~\nCLM*", "~\n~\nCLM*"),
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_source_line_is_the_file_line_in_every_layout(tmp_path: Path, layout: str) -> None:
    text = LAYOUTS[layout](x12_interchange([CLAIMS_837P]))
    result = _claims(tmp_path, text, strict_segment_count=False)
    assert result.rejects == []
    claims = result.tables["claims"].to_pylist()
    expected = [text[: text.index(f"CLM*{c['claim_id']}*")].count("\n") + 1 for c in claims]
    assert [c["_source_line"] for c in claims] == expected
    lines = result.tables["claim_lines"].to_pylist()
    lx = [m.start() for m in re.finditer(r"LX\*", text)]
    assert [ln["_source_line"] for ln in lines] == [text[:at].count("\n") + 1 for at in lx]
    # The raw record is rebuilt from the segments, so the layout never changes a row hash.
    reference = _claims(tmp_path, x12_interchange([CLAIMS_837P]), strict_segment_count=False)
    for name in ("claims", "claim_lines"):
        hashes = result.tables[name].column("_row_hash").to_pylist()
        assert hashes == reference.tables[name].column("_row_hash").to_pylist()


def test_single_line_file_after_a_blank_segment(tmp_path: Path) -> None:
    # Empty segments (`~~`) are not segments: the position counts only the real ones.
    text = x12_interchange([CLAIMS_837P], newline="").replace("~CLM*ACCT001", "~~CLM*ACCT001")
    result = _claims(tmp_path, text)
    assert result.tables["claims"].column("_source_line").to_pylist() == [15, 25, 39]


def test_segments_outside_a_set_are_counted_and_rejected(tmp_path: Path) -> None:
    text = x12_interchange([CLAIMS_837P]).replace("ST*837*0001*005010X222A1~\n", "")
    result = _claims(tmp_path, text)
    assert result.tables["claims"].num_rows == 0
    assert result.source_records == 3
    assert {r.reason for r in result.rejects} == {"segments outside an ST/SE transaction set"}


def test_x12_dates() -> None:
    assert x12_date("20260301") == "2026-03-01"
    assert x12_date("20260231") == "20260231"
    assert x12_timestamp("20260308", "1200") == "2026-03-08 12:00:00"
    assert x12_timestamp("20260308", "12001599") == "2026-03-08 12:00:15"
    assert x12_timestamp("20260308", "99") == "20260308 99"


def test_unreadable_file_raises_with_its_name(tmp_path: Path) -> None:
    with pytest.raises(OSError, match=r"nope\.x12"):
        read_x12(tmp_path / "nope.x12", "claims")
