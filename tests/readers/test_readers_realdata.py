"""The readers on public sample files in ../shared/realdata (read in place, skipped when absent)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from pipelines.lib.readers import read_fhir_ndjson, read_hl7v2, read_x12
from tests.readers.helpers import (
    REALDATA,
    check_ledger,
    check_shape,
    needs_realdata,
    synthea_bundle_lines,
)

pytestmark = [pytest.mark.realdata, needs_realdata()]

HL7_DIR = REALDATA / "hl7v2-fhir-converter-samples"
X12_DIR = REALDATA / "x12-edi" / "imsweb-x12-parser" / "837_5010"
FHIR_DIR = REALDATA / "fhir-bulk-ndjson"


def _files(folder: Path, pattern: str) -> list[Path]:
    return sorted(folder.glob(pattern)) if folder.is_dir() else []


def _message_type(path: Path) -> str:
    """MSH-9.1 of a single-message sample, read naively (independent of the reader)."""
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    msh = text[text.index("MSH") :].split("\n")[0].split("\r")[0]
    return msh.split(msh[3])[8].split("^")[0]


@pytest.mark.parametrize("path", _files(HL7_DIR, "*.hl7"), ids=lambda p: p.name)
def test_hl7_sample(path: Path) -> None:
    kind = _message_type(path)
    for table, expected in (("adt_events", "ADT"), ("siu_events", "SIU")):
        result = read_hl7v2(path, table)
        check_shape(result)
        check_ledger(result)
        assert result.source_records == 1
        rows = result.tables[table].to_pylist()
        if kind == expected:
            assert len(rows) == 1 and not result.rejects
            row = rows[0]
            assert row["message_control_id"] and row["trigger_event"] and row["mrn"]
            assert row["sent_at"] is None or row["sent_at"][4] == "-"
        else:
            assert rows == []
            assert len(result.rejects) == 1
            assert result.rejects[0].reason.endswith(f"is not an {expected} message")


def test_hl7_sample_counts() -> None:
    files = _files(HL7_DIR, "*.hl7")
    if not files:
        pytest.skip("no HL7 samples")
    adt = sum(read_hl7v2(p, "adt_events").tables["adt_events"].num_rows for p in files)
    siu = sum(read_hl7v2(p, "siu_events").tables["siu_events"].num_rows for p in files)
    assert (adt, siu) == (59, 15)  # PROVENANCE.md: ADT 59, SIU 15
    row = read_hl7v2(HL7_DIR / "ADT-A01-02.hl7", "adt_events").tables["adt_events"].to_pylist()[0]
    # PV1-3 `HUH AE OMU&9.8&ISO^OMU B^Bed 03^HOMERTON UNIVER^...`: first subcomponent of each part.
    assert (row["unit_id"], row["room_id"], row["bed_id"], row["facility_id"]) == (
        "HUH AE OMU",
        "OMU B",
        "Bed 03",
        "HOMERTON UNIVER",
    )
    assert row["sent_at"] == "1989-08-18 11:26:00"  # `198908181126+0215`, offset dropped


# imsweb files: every 837 hard-codes SE01=25, so strict mode rejects them all on the SE01 rule.
# With the SE01 check off, these are the claims each file yields (0: every record is rejected).
X12_EXPECTED = {
    "x12_valid.txt": 2,
    "x12_no_errors.txt": 2,
    "x12_writer_test.txt": 1,
    "x12_valid_different_separators.txt": 2,
    "x223-test.txt": 1,
    "x12_multiple_isa.txt": 4,
    "x12_many_claims.txt": 820,
    "x12_multiple_transactions.txt": 624,
    "x12_ambiguous_loop.txt": 1,
    "x12_bad_valid_code.txt": 2,
    "x12_missing_elements.txt": 2,
    "x12_segments_out_of_order.txt": 2,
    "x12_segment_errors.txt": 1,
    "x12_loop_errors1_exceeds_max_1_parent.txt": 1,
    "x12_loop_errors2_exceeds_max_repeats_multiple_parents.txt": 2,
    "x12_loop_errors3_missing_loops.txt": 1,
    "x12_missing_required_loop_in_one_repeat.txt": 2,
    "x12_missing_required_loops_mult_repeats.txt": 5,
    # Envelope faults in the files themselves:
    "x12_complex.txt": 0,  # GE*1 closes a group of 2 sets
    "x12_multiple_st.txt": 0,  # GE*1 closes a group of 2 sets
    "x12_multiple_gs.txt": 0,  # IEA*1 closes an interchange of 3 groups
    "x12_bad_segment_identifier.txt": 0,  # segments `*IC*...`, `Nd4`, `NM31`
    "x12_bad_first_line.txt": 0,  # ISA02 is 9 characters
    "x12_no_isa_line.txt": 0,
    "x12_999_accepted.txt": 0,  # not 837 (and IEA02 does not match ISA13)
    "x12_999_rejected.txt": 0,
}


@pytest.mark.parametrize("path", _files(X12_DIR, "*.txt"), ids=lambda p: p.name)
def test_x12_sample(path: Path) -> None:
    strict = read_x12(path, "claims")
    lenient = read_x12(path, "claims", strict_segment_count=False)
    for result in (strict, lenient):
        check_shape(result)
        check_ledger(result)
    clm = path.read_bytes().count(b"CLM*") + path.read_bytes().count(b"CLM~")
    assert strict.tables["claims"].num_rows == 0  # SE01 is wrong in every sample
    expected = X12_EXPECTED[path.name]
    assert lenient.tables["claims"].num_rows == expected
    if expected:
        assert not lenient.rejects
        assert lenient.source_records == clm
        claim_ids = set(lenient.tables["claims"].column("claim_id").to_pylist())
        assert set(lenient.tables["claim_lines"].column("claim_id").to_pylist()) <= claim_ids
    else:
        assert lenient.rejects


def test_x12_sample_details() -> None:
    if not (X12_DIR / "x223-test.txt").is_file():
        pytest.skip("no x223-test.txt")
    claim = read_x12(X12_DIR / "x223-test.txt", "claims", strict_segment_count=False)
    row = claim.tables["claims"].to_pylist()[0]
    assert row["claim_type"] == "institutional"
    assert (row["claim_id"], row["member_id"], row["principal_diagnosis"]) == (
        "A37YH556",
        "123456",
        "1739",
    )
    # The subscriber loop's NM1*IL/NM1*PR must not be overwritten by the 2330 other-payer loops.
    assert (row["payer_id"], row["statement_from_date"]) == ("11122333", "2012-03-30")
    bad = read_x12(X12_DIR / "x12_bad_first_line.txt", "claims")
    assert bad.rejects[0].reason.startswith("ISA02 is 9 characters")
    no_isa = read_x12(X12_DIR / "x12_no_isa_line.txt", "claims")
    assert no_isa.rejects[0].reason.startswith("no ISA interchange header")


@pytest.mark.parametrize(
    "path", _files(FHIR_DIR, "*/*.ndjson"), ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_fhir_sample(path: Path) -> None:
    result = read_fhir_ndjson(path)
    check_shape(result)
    check_ledger(result)
    types: Counter[str] = Counter()
    lines = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            lines += 1
            types[json.loads(line).get("resourceType", "")] += 1
    assert result.source_records == lines
    tables = {"Patient": "patients", "Encounter": "fhir_encounters", "Location": "fhir_locations"}
    for resource_type, table in tables.items():
        assert result.tables[table].num_rows == types[resource_type]
    assert result.tables["appointments"].num_rows == types["Appointment"]
    others = sum(n for t, n in types.items() if t not in tables and t != "Appointment")
    assert len(result.rejects) == others


def test_fhir_sample_values() -> None:
    path = FHIR_DIR / "10-patients" / "Encounter.000.ndjson"
    if not path.is_file():
        pytest.skip("no Encounter sample")
    classes = Counter(
        read_fhir_ndjson(path).tables["fhir_encounters"].column("class_code").to_pylist()
    )
    assert classes == {"AMB": 1133, "IMP": 49, "EMER": 23, "HH": 9, "VR": 1}  # PROVENANCE.md


SYNTHEA_FHIR = REALDATA / "synthea-2024-run" / "fhir"


def test_synthea_bundles_as_ndjson(tmp_path: Path) -> None:
    """Synthea 2024 bundles, flattened to Bulk-style NDJSON (one entry resource per line)."""
    bundles = _files(SYNTHEA_FHIR, "*.json")
    if not bundles:
        pytest.skip("no Synthea bundles")
    lines = synthea_bundle_lines(bundles)
    path = tmp_path / "bundles.ndjson"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = read_fhir_ndjson(path)
    check_shape(result)
    check_ledger(result)
    types = Counter(json.loads(line)["resourceType"] for line in lines)
    assert result.tables["patients"].num_rows == types["Patient"]
    assert result.tables["fhir_encounters"].num_rows == types["Encounter"]
    assert result.tables["fhir_locations"].num_rows == types["Location"]
    patients = result.tables["patients"].to_pylist()
    assert all(p["mrn"] and p["birth_date"] and p["sex"] in {"F", "M"} for p in patients)


@pytest.mark.parametrize("path", _files(HL7_DIR, "*.hl7"), ids=lambda p: p.name)
def test_hl7_sample_plain_builders_read_as_python_hl7(path: Path) -> None:
    """Every sample message the plain builders take gives python-hl7's row for both tables."""
    from pipelines.lib.readers.base import decode_text
    from pipelines.lib.readers.hl7v2 import (
        _PLAIN_ROW_BUILDERS,
        _ROW_BUILDERS,
        _check_message,
        _parse_with_hl7,
        _split_message,
        split_messages,
    )

    for _, segments in split_messages(decode_text(path.read_bytes())):
        for table in ("adt_events", "siu_events"):
            if _check_message(segments, table) is not None:
                continue
            message = _split_message(segments, table)
            if message is None or not message.plain:
                continue
            expected = _ROW_BUILDERS[table](_parse_with_hl7(segments, table))
            assert _PLAIN_ROW_BUILDERS[table](message.first) == expected
