"""HL7 v2 reader: exact field mapping, batch splitting, encodings and rejects (synthetic)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.lib.readers.base import hl7_date, hl7_timestamp
from pipelines.lib.readers.hl7v2 import read_hl7v2
from tests.readers.fixtures import adt_message, hl7_file, siu_message
from tests.readers.helpers import check_ledger, check_shape, write

EXPECTED_ADT = {
    "message_control_id": "MSG0001",
    "sent_at": "2026-03-08 02:30:00",
    "trigger_event": "A01",
    "recorded_at": "2026-03-08 02:25:00",
    "effective_at": "2026-03-08 02:10:00",
    "mrn": "MRN123",
    "patient_name": "DOE^JANE",
    "birth_date": "1980-01-15",
    "sex": "F",
    "zip": "62701",
    "phone": "5555550100",
    "account_number": "ACCT789",
    "ssn": "999001234",
    "visit_number": "VN456",
    "patient_class": "I",
    "facility_id": "FAC_A",
    "unit_id": "4W",
    "room_id": "401",
    "bed_id": "A",
    "prior_unit_id": "ED",
    "prior_room_id": "E01",
    "prior_bed_id": "1",
    "hospital_service": "MED",
    "admit_source": "7",
    "attending_provider": "SMITH^JOHN",
    "discharge_disposition": "01",
    "admit_at": "2026-03-08 02:10:00",
    "discharge_at": None,
    "expected_discharge_at": "2026-03-11 12:00:00",
}


def test_adt_fields_are_mapped_exactly(tmp_path: Path) -> None:
    path = write(tmp_path, "FAC_A_2026-03-08.hl7", hl7_file(adt_message("MSG0001")))
    result = read_hl7v2(path, "adt_events")
    check_shape(result)
    check_ledger(result)
    assert result.source_records == 1 and result.rejects == []
    rows = result.tables["adt_events"].to_pylist()
    assert len(rows) == 1
    row = rows[0]
    assert row.pop("_source_line") == 1
    assert len(row.pop("_row_hash")) == 64
    assert row == EXPECTED_ADT


def test_effective_time_falls_back_to_evn2(tmp_path: Path) -> None:
    path = write(tmp_path, "a.hl7", hl7_file(adt_message("M1", "A02", evn6="")))
    row = read_hl7v2(path, "adt_events").tables["adt_events"].to_pylist()[0]
    assert row["trigger_event"] == "A02"
    assert row["effective_at"] == "2026-03-08 02:25:00"


def test_batch_file_with_wrappers_mllp_bom_and_mixed_line_endings(tmp_path: Path) -> None:
    m1, m2, m3 = adt_message("M1"), adt_message("M2", "A02"), adt_message("M3", "A03")
    text = (
        "\ufeffFHS|^~\\&|EPIC\rBHS|^~\\&|EPIC\r\n"
        + "\x0b"
        + "\r".join(m1)
        + "\r\x1c\r\n"  # MLLP-framed, standard \r segments
        + "\n".join(m2)
        + "\n"  # \n-only segment endings
        + "\r\n".join(m3)
        + "\r\n"  # \r\n everywhere
        + "BTS|3\rFTS|1\r\n"
    )
    result = read_hl7v2(write(tmp_path, "batch.hl7", text), "adt_events")
    check_shape(result)
    check_ledger(result)
    assert result.rejects == []
    rows = result.tables["adt_events"].to_pylist()
    assert [r["message_control_id"] for r in rows] == ["M1", "M2", "M3"]
    assert [r["trigger_event"] for r in rows] == ["A01", "A02", "A03"]
    # FHS and BHS are lines 1-2; each message has 5 segments, each on its own line.
    assert [r["_source_line"] for r in rows] == [3, 9, 14]
    # The same message content hashes the same whatever the line endings were.
    plain = read_hl7v2(write(tmp_path, "one.hl7", hl7_file(adt_message("M2", "A02"))), "adt_events")
    assert plain.tables["adt_events"].column("_row_hash")[0].as_py() == rows[1]["_row_hash"]


def test_rejects_text_before_msh_and_non_adt_messages(tmp_path: Path) -> None:
    text = (
        "JUNK BEFORE THE FIRST MESSAGE\r\n"
        + hl7_file(adt_message("M1"))
        + hl7_file(adt_message("M2", "R01", message_type="ORU"))
        + hl7_file(adt_message("M3", "A60"))
    )
    result = read_hl7v2(write(tmp_path, "mixed.hl7", text), "adt_events")
    check_ledger(result)
    assert result.source_records == 4
    reasons = [(r.source_line, r.reason) for r in result.rejects]
    assert reasons == [
        (1, "HL7 message without MSH segment"),
        (7, "message type ORU^R01 is not an ADT message"),
    ]
    assert all(r.table == "adt_events" for r in result.rejects)
    assert result.rejects[1].raw.startswith("MSH|^~\\&|EPIC")
    # A60 is an ADT event the contract does not allow: emitted, the cast step quarantines it.
    rows = result.tables["adt_events"].to_pylist()
    assert [(r["message_control_id"], r["trigger_event"]) for r in rows] == [
        ("M1", "A01"),
        ("M3", "A60"),
    ]


def test_file_without_any_msh_is_one_reject(tmp_path: Path) -> None:
    text = "PID|1||MRN1^^^F^MR||DOE^JANE\rPV1|1|I|4W^1^A^FAC_A\r"
    result = read_hl7v2(write(tmp_path, "nomsh.hl7", text), "adt_events")
    check_ledger(result)
    assert result.source_records == 1
    assert [r.reason for r in result.rejects] == ["HL7 message without MSH segment"]
    assert result.tables["adt_events"].num_rows == 0


def test_broken_segment_identifier_rejects_the_message(tmp_path: Path) -> None:
    msg = adt_message("M1")
    msg.insert(2, "pi|garbage")
    result = read_hl7v2(write(tmp_path, "bad.hl7", hl7_file(msg)), "adt_events")
    check_ledger(result)
    assert len(result.rejects) == 1
    assert "segment 3 of the message has no valid segment identifier" in result.rejects[0].reason


def test_custom_encoding_characters_and_escapes(tmp_path: Path) -> None:
    text = (
        "MSH#$~\\&#EPIC#FAC_B#OPS#OPS#20260308##ADT$A04#X9#P#2.5.1\r"
        "EVN#A04#202603081200\r"
        "PID#1##MRN7$$$FAC_B$MR##O\\T\\BRIEN$ANN\r"
        "PV1#1#E#ED$B1$2$FAC_B\r"
    )
    row = read_hl7v2(write(tmp_path, "enc.hl7", text), "adt_events").tables["adt_events"]
    row = row.to_pylist()[0]
    assert row["mrn"] == "MRN7"
    assert row["patient_name"] == "O&BRIEN^ANN"
    assert (row["unit_id"], row["room_id"], row["bed_id"], row["facility_id"]) == (
        "ED",
        "B1",
        "2",
        "FAC_B",
    )
    assert row["sent_at"] == "2026-03-08 00:00:00"
    assert row["recorded_at"] == "2026-03-08 12:00:00"


def test_invalid_timestamps_are_left_raw_for_the_cast_step(tmp_path: Path) -> None:
    msg = adt_message("M1")
    msg[1] = "EVN|A01|20261345||||2026-03-08"
    row = read_hl7v2(write(tmp_path, "ts.hl7", hl7_file(msg)), "adt_events")
    row = row.tables["adt_events"].to_pylist()[0]
    assert row["recorded_at"] == "20261345"
    assert row["effective_at"] == "2026-03-08"


def test_cp1252_record_is_decoded(tmp_path: Path) -> None:
    data = hl7_file(adt_message("M1", family="REN\u00c9")).encode("cp1252")
    row = read_hl7v2(write(tmp_path, "cp.hl7", data), "adt_events").tables["adt_events"]
    assert row.column("patient_name")[0].as_py() == "REN\u00c9^JANE"


def test_siu_fields_are_mapped_exactly(tmp_path: Path) -> None:
    text = hl7_file(siu_message("S1"), adt_message("A1"))
    result = read_hl7v2(write(tmp_path, "siu.hl7", text), "siu_events")
    check_shape(result)
    check_ledger(result)
    assert [r.reason for r in result.rejects] == ["message type ADT^A01 is not an SIU message"]
    row = result.tables["siu_events"].to_pylist()[0]
    row.pop("_row_hash")
    assert row == {
        "message_control_id": "S1",
        "trigger_event": "S12",
        "sent_at": "2026-03-01 08:00:00",
        "appointment_id": "APPT1",
        "mrn": "MRN555",
        "patient_name": "ROE^RICHARD",
        "slot_start_at": "2026-03-10 09:00:00",
        "duration_minutes": "30",
        "visit_type": "FOLLOWUP",
        "filler_status": "Booked",
        "facility_id": "FAC_A",
        "department_id": "CARD_CLINIC",
        "provider_id": "DR42",
        "reason_text": "Follow-up visit",
        "_source_line": 1,
    }


def test_unreadable_file_raises_with_its_name(tmp_path: Path) -> None:
    with pytest.raises(OSError, match=r"missing\.hl7"):
        read_hl7v2(tmp_path / "missing.hl7", "adt_events")


def test_unknown_table_is_a_programming_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="claims"):
        read_hl7v2(write(tmp_path, "a.hl7", ""), "claims")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("20260308", "2026-03-08 00:00:00"),
        ("2026030814", "2026-03-08 14:00:00"),
        ("202603081430", "2026-03-08 14:30:00"),
        ("20260308143015.1234-0500", "2026-03-08 14:30:15"),
        ("198908181126+0215", "1989-08-18 11:26:00"),
        ("202603", "202603"),  # less than day precision: left for the cast step
        ("20260230", "20260230"),  # no such day
        ("20240229", "2024-02-29 00:00:00"),
        ("2026030824", "2026030824"),  # no such hour
        ("202603082360", "202603082360"),
        ("20260308235960", "20260308235960"),  # no leap second
        (" 20260308235959 ", "2026-03-08 23:59:59"),
        ("   ", ""),  # blank: left for the cast step like any other non-timestamp
        ("20260308143015-0500", "2026-03-08 14:30:15"),
        ("09990101+0100", "999-01-01 00:00:00"),
        ("09990101", "999-01-01 00:00:00"),  # as strftime prints years below 1000
        (
            "\u0662\u0660\u0662\u0666\u0660\u0663\u0660\u0668",
            "2026-03-08 00:00:00",
        ),  # Arabic digits
        ("", None),
        (None, None),
    ],
)
def test_hl7_timestamp(raw: str | None, expected: str | None) -> None:
    assert hl7_timestamp(raw) == expected


def test_hl7_date() -> None:
    assert hl7_date("19800115") == "1980-01-15"
    assert hl7_date("198001151230") == "1980-01-15"
    assert hl7_date("1980") == "1980"
    assert hl7_date("19800230") == "19800230"
    assert hl7_date("09990101") == "0999-01-01"
    assert hl7_date("198001151230+0100") == "1980-01-15"
