"""HL7 v2 reader: the `str.split` path reads every message exactly as python-hl7 does (synthetic).

The reader reads fields by splitting on the separators a message declares and leaves unusual
separators to python-hl7. These tests pin real outcomes for the edge cases (escapes, custom and
defaulted separators, repetitions, components past a leaf) and, on generated messages, hold the two
paths to the same rows and reasons.
"""

from __future__ import annotations

from datetime import datetime
from itertools import product
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.lib.readers.base import _HL7_TS, hl7_timestamp
from pipelines.lib.readers.hl7v2 import (
    _PLAIN_ROW_BUILDERS,
    _ROW_BUILDERS,
    SEGMENTS_READ,
    _check_message,
    _Fields,
    _message_type_reason,
    _parse_with_hl7,
    _split_message,
    read_hl7v2,
    split_messages,
)
from tests.readers.helpers import check_ledger, check_shape, write

TABLES = ("adt_events", "siu_events")


def _outcome(read, segments: list[str], table: str) -> tuple:
    """(reason, row) as the reader derives them from one path, or the exception type it raised."""
    try:
        message: _Fields = read(segments, table)
        reason = _message_type_reason(message, table)
        return reason, None if reason else _ROW_BUILDERS[table](message)
    except Exception as exc:  # the reader turns any exception into a reject: compare the type
        return type(exc).__name__, None


def _paths_agree(text: str) -> int:
    """Assert both paths agree on every readable message of `text`; how many took the split path."""
    split_count = 0
    for _, segments in split_messages(text):
        for table in TABLES:
            if _check_message(segments, table) is not None:
                continue
            expected = _outcome(_parse_with_hl7, segments, table)
            if _split_message(segments, table) is None:
                continue
            split_count += 1
            assert _outcome(_split_message, segments, table) == expected, segments
            _fields_agree(_split_message(segments, table), _parse_with_hl7(segments, table))
    return split_count


def _fields_agree(split: _Fields, parsed: _Fields) -> None:
    """Every field path of the first 12 fields reads the same on both paths."""
    for seg in ("MSH", *SEGMENTS_READ["adt_events"], *SEGMENTS_READ["siu_events"]):
        for fld in range(1, 13):
            assert split.repetitions(seg, fld) == parsed.repetitions(seg, fld), (seg, fld)
            for rep, comp, sub in product((1, 2), (1, 2, 3), (1, 2)):
                try:
                    expected = parsed.get(seg, fld, comp, sub, rep)
                except Exception as exc:
                    expected = type(exc).__name__
                try:
                    value = split.get(seg, fld, comp, sub, rep)
                except Exception as exc:
                    value = type(exc).__name__
                assert value == expected, (seg, fld, rep, comp, sub)


def _adt(msh: str, *segments: str) -> str:
    return "\r".join([msh, *segments]) + "\r\n"


MSH = "MSH|^~\\&|EPIC|FAC_A|OPS|OPS|20260308023000||ADT^A01|M1|P|2.5.1"


def _row(tmp_path: Path, text: str, table: str = "adt_events") -> dict:
    result = read_hl7v2(write(tmp_path, "m.hl7", text), table)
    check_shape(result)
    check_ledger(result)
    assert result.rejects == [], [r.reason for r in result.rejects]
    (row,) = result.tables[table].to_pylist()
    return row


def test_escape_sequences_are_resolved(tmp_path: Path) -> None:
    text = _adt(
        MSH,
        "PID|1||MRN\\F\\1^^^FAC_A^MR||O\\T\\BRIEN\\S\\X^ANN\\R\\B\\E\\"
        "||||||\\X41\\1 ST^^^^62\\.br\\701",
        "PV1|1|I|4W\\H\\^401\\N\\",
    )
    row = _row(tmp_path, text)
    assert row["mrn"] == "MRN|1"
    assert row["patient_name"] == "O&BRIEN^X^ANN~B\\"
    assert row["zip"] == "62\r701"
    assert (row["unit_id"], row["room_id"]) == ("4W_", "401_")
    assert _paths_agree(text) == 2


def test_unreadable_escape_reads_as_absent(tmp_path: Path) -> None:
    # `\.sp<n>\` repeats a line break n times; python-hl7 drops a field whose count is no number.
    text = _adt(MSH, "PID|1||MRN1^^^FAC_A^MR||DOE\\.spx\\^JANE", "PV1|1|I|4W\\.sp2\\")
    row = _row(tmp_path, text)
    assert row["patient_name"] == "^JANE"
    assert row["unit_id"] == "4W"  # the two line breaks are trailing whitespace, stripped
    assert _paths_agree(text) == 2


def test_custom_separators_with_a_truncation_character(tmp_path: Path) -> None:
    text = _adt(
        "MSH!:*%@#!EPIC!FAC_A!OPS!OPS!20260308!!ADT:A04!M2!P!2.7",
        "PID!1!!X1:::FAC_A:PI*MRN9:::FAC_A:MR!!LEE@1%J:ANN",
        "PV1!1!E!ED:B1:2:FAC_A",
    )
    row = _row(tmp_path, text)
    assert (row["trigger_event"], row["mrn"]) == ("A04", "MRN9")
    assert row["patient_name"] == "LEE^ANN"  # surname is FN.1, the first subcomponent
    assert (row["unit_id"], row["room_id"], row["bed_id"], row["facility_id"]) == (
        "ED",
        "B1",
        "2",
        "FAC_A",
    )
    assert _paths_agree(text) == 2


@pytest.mark.parametrize(
    ("header", "split_path"),
    [
        ("MSH|^~\\&|", True),
        ("MSH|^~\\|", True),  # no subcomponent separator declared: python-hl7 defaults `&`
        ("MSH|^|", True),
        ("MSH||", True),  # empty MSH-2: every default
        ("MSH|^^\\&|", False),  # component and repetition the same
        ("MSH|A~\\&|", False),  # a letter as component separator
        ("MSH|^~|&|", True),  # MSH-2 ends at the next `|`: escape and subcomponent defaulted
        ("MSH|^~\\~|", False),  # subcomponent and repetition the same
        ("MSH|^~\\ |", False),  # a space as subcomponent separator
    ],
)
def test_declared_and_defaulted_separators(tmp_path: Path, header: str, split_path: bool) -> None:
    text = _adt(
        header + "EPIC|FAC_A|OPS|OPS|20260308||ADT^A08|M3|P|2.3",
        "PID|1||MRN5^^^FAC_A^MR~X^^^^PI||DOE^JANE",
        "PV1|1|O|CLINIC^7",
    )
    segments = split_messages(text)[0][1]
    assert (_split_message(segments, "adt_events") is not None) == split_path
    result = read_hl7v2(write(tmp_path, "m.hl7", text), "adt_events")
    check_ledger(result)
    assert result.source_records == 1
    _paths_agree(text)


def test_repetitions_and_components_past_a_leaf(tmp_path: Path) -> None:
    text = _adt(
        MSH,
        "EVN|A01|202603080200",
        "PID|1||A1^^^F^PI~~MRN3^^^F^mr~MRN4^^^F^MR||DOE||||||||^^^^^555^0100",
        "PV1|1|I|4W|||ED&X&Y^^3" + "|" * 13 + "VN1~VN2",  # PV1-19 repeated
    )
    row = _row(tmp_path, text)
    assert row["mrn"] == "MRN3"  # the first repetition typed MR, case-insensitive
    assert row["patient_name"] == "DOE^"
    assert row["phone"] == "5550100"  # XTN-6 + XTN-7
    assert (row["unit_id"], row["room_id"], row["facility_id"]) == ("4W", None, None)
    assert (row["prior_unit_id"], row["prior_bed_id"]) == ("ED", "3")
    assert row["visit_number"] == "VN1"
    assert row["trigger_event"] == "A01"
    assert _paths_agree(text) == 2


def test_only_the_first_segment_of_each_kind_is_read(tmp_path: Path) -> None:
    text = _adt(
        MSH,
        "NK1|1|DOE^JOHN",
        "PID|1||MRN1^^^F^MR||DOE^JANE",
        "PID|2||MRN2^^^F^MR||ROE^RICK",
        "PV1",
        "PV1|1|E|ED^1^1^FAC_A",
    )
    row = _row(tmp_path, text)
    assert (row["mrn"], row["patient_name"]) == ("MRN1", "DOE^JANE")
    assert row["patient_class"] is None and row["unit_id"] is None  # the bare PV1 came first
    assert _paths_agree(text) == 2


# Generated messages: random declared separators and field text built from the separators,
# escape sequences and ordinary characters, so every path of the split meets its edge cases.
SEPARATOR_POOL = "|^~\\&#$*!@%:/+"
TEXT_ATOMS = [
    "A",
    "z",
    "7",
    " ",
    "MR",
    "mr",
    "ADT",
    "SIU",
    "A01",
    "S12",
    "20260308",
    "202603081430",
    "19800115",
    "\\F\\",
    "\\S\\",
    "\\T\\",
    "\\R\\",
    "\\E\\",
    "\\H\\",
    "\\X41\\",
    "\\X4\\",
    "\\.br\\",
    "\\.sp2\\",
    "\\.spx\\",
    "\\Zab\\",
    "\\C2842\\",
    "\\",
    "\\\\",
    "\u00e9",
    "\t",
]
SEGMENT_IDS = ["EVN", "PID", "PV1", "PV2", "SCH", "AIS", "AIL", "AIP", "NK1", "OBX"]


@st.composite
def hl7_messages(draw: st.DrawFn) -> str:
    chars = draw(st.lists(st.sampled_from(SEPARATOR_POOL), min_size=5, max_size=5, unique=True))
    sep = chars[0]
    enc = "".join(chars[1:])[: draw(st.integers(0, 4))]
    if draw(st.booleans()):
        enc += draw(st.sampled_from(["#", "", "^", "x"]))  # a truncation character, or odd extras
    specials = [sep, *chars[1:], "^", "~", "&"]

    def text(max_atoms: int) -> str:
        atoms = st.sampled_from(TEXT_ATOMS + specials)
        return "".join(draw(st.lists(atoms, max_size=max_atoms)))

    kind = draw(st.sampled_from(["ADT", "SIU", "ORU", ""]))
    msh9 = kind + chars[1] + draw(st.sampled_from(["A01", "S12", "R01", ""])) + text(2)
    msh_fields = ["EPIC", "FAC", "OPS", "OPS", text(4), "", msh9, text(3), "P", "2.5"]
    segments = ["MSH" + sep + enc + sep + sep.join(msh_fields[: draw(st.integers(0, 10))])]
    for seg_id in draw(st.lists(st.sampled_from(SEGMENT_IDS), max_size=8)):
        fields = draw(st.lists(st.just(None), max_size=46))
        segments.append(seg_id + "".join(sep + text(6) for _ in fields))
    return "\r".join(segments) + "\r\n"


@settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(text=hl7_messages())
def test_split_path_reads_as_python_hl7(text: str) -> None:
    _paths_agree(text)


def test_generated_messages_mostly_take_the_split_path() -> None:
    """The generator above must exercise the split path, not only the python-hl7 fallback.

    Derandomized: a fixed set of examples, so the share is the same on every run.
    """
    taken = []

    @settings(max_examples=60, deadline=None, database=None, derandomize=True)
    @given(text=hl7_messages())
    def count(text: str) -> None:
        taken.append(_paths_agree(text))

    count()
    assert sum(taken) >= 30


def _timestamp_reference(value: str) -> str | None:
    """hl7_timestamp as plainly specified: the regex, datetime and strftime for every value."""
    value = value.strip()
    match = _HL7_TS.match(value)
    if not match:
        return value or None
    y, mo, d, h, mi, s, _ = match.groups()
    try:
        ts = datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0))
    except ValueError:
        return value
    return ts.strftime("%Y-%m-%d %H:%M:%S")


@settings(max_examples=500, deadline=None, database=None)
@given(
    digits=st.text(alphabet="0123456789", min_size=6, max_size=15)
    | st.builds(
        "".join,
        st.tuples(
            st.sampled_from(["0999", "1999", "2026", "2024", "2100"]),
            st.sampled_from(["01", "02", "12", "13", "00"]),
            st.sampled_from(["01", "28", "29", "30", "31", "00"]),
            st.sampled_from(["", "00", "23", "24"]),
            st.sampled_from(["", "00", "59", "60"]),
            st.sampled_from(["", "00", "59", "60"]),
        ),
    ),
    tail=st.sampled_from(["", "+0500", "-0230", ".1234", ".5+0100", " ", "\u0663"]),
)
def test_timestamp_fast_path_reads_as_strftime(digits: str, tail: str) -> None:
    assert hl7_timestamp(digits + tail) == _timestamp_reference(digits + tail)


# The usual encoding (`|^~\&`), the one most feeds send: messages without an escape character in
# the segments read take the plain builders, which split each field once.
PLAIN_ATOMS = [a for a in TEXT_ATOMS if "\\" not in a] + [
    "^",
    "~",
    "&",
    "^^",
    "~~",
    "  ",
    "^^^F^MR",
    "^^^F^mr",
]


@st.composite
def standard_messages(draw: st.DrawFn) -> str:
    atoms = st.sampled_from(PLAIN_ATOMS + (["\\T\\"] if draw(st.booleans()) else []))

    def text(max_atoms: int) -> str:
        return "".join(draw(st.lists(atoms, max_size=max_atoms)))

    kind = draw(st.sampled_from(["ADT", "SIU", "ORU", ""]))
    msh9 = kind + "^" + draw(st.sampled_from(["A01", "S12", "R01", ""])) + text(2)
    msh_fields = ["EPIC", "FAC", "OPS", "OPS", text(4), "", msh9, text(3), "P", "2.5"]
    segments = ["MSH|^~\\&|" + "|".join(msh_fields[: draw(st.integers(0, 10))])]
    for seg_id in draw(st.lists(st.sampled_from(SEGMENT_IDS), max_size=8)):
        fields = draw(st.lists(st.just(None), max_size=46))
        segments.append(seg_id + "".join("|" + text(6) for _ in fields))
    return "\r".join(segments) + "\r\n"


def _plain_agrees(text: str) -> int:
    """Assert the plain builders give the generic rows; how many messages took the plain path."""
    plain_count = 0
    for _, segments in split_messages(text):
        for table in TABLES:
            if _check_message(segments, table) is not None:
                continue
            message = _split_message(segments, table)
            if message is None or not message.plain:
                continue
            plain_count += 1
            assert _PLAIN_ROW_BUILDERS[table](message.first) == _ROW_BUILDERS[table](message)
            hl7_row = _ROW_BUILDERS[table](_parse_with_hl7(segments, table))
            assert _PLAIN_ROW_BUILDERS[table](message.first) == hl7_row
    return plain_count


@settings(
    max_examples=400,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(text=standard_messages())
def test_plain_builders_read_as_the_split_path(text: str) -> None:
    _plain_agrees(text)
    _paths_agree(text)


def test_generated_standard_messages_mostly_take_the_plain_path() -> None:
    """Derandomized, as above: the plain builders must be exercised, not skipped."""
    taken = []

    @settings(max_examples=60, deadline=None, database=None, derandomize=True)
    @given(text=standard_messages())
    def count(text: str) -> None:
        taken.append(_plain_agrees(text))

    count()
    assert sum(taken) >= 40


def test_an_escape_in_a_segment_read_leaves_the_plain_path(tmp_path: Path) -> None:
    text = _adt(MSH, "PID|1||MRN1^^^F^MR||O\\T\\BRIEN^ANN", "PV1|1|I|4W^401^A^FAC_A")
    (_, segments), *_ = split_messages(text)
    assert not _split_message(segments, "adt_events").plain
    assert _row(tmp_path, text)["patient_name"] == "O&BRIEN^ANN"
    # The same message without the escape is plain and reads the same fields.
    text = _adt(MSH, "PID|1||MRN1^^^F^MR||OBRIEN^ANN", "PV1|1|I|4W^401^A^FAC_A")
    (_, segments), *_ = split_messages(text)
    assert _split_message(segments, "adt_events").plain
    row = _row(tmp_path, text)
    assert (row["mrn"], row["patient_name"], row["facility_id"]) == ("MRN1", "OBRIEN^ANN", "FAC_A")
