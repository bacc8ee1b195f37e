r"""HL7 v2 batch files (ADT and SIU feeds) -> `adt_events` / `siu_events` rows, one per message.

Splitting is done here (it has to survive CR/LF variants, MLLP framing and batch wrappers). Fields
are read with `str.split` on the separators each message declares in MSH-1/MSH-2, not through
python-hl7's object tree: building that tree for every message held the reader to ~2,000
messages/s, about 10 minutes for a hospital's year of HL7. The split reads exactly what python-hl7
read: the same repetition/component/subcomponent paths, a path that ends early reads as empty, and
escape sequences (`\F\`, `\S\`, `\T\`, `\R\`, `\E\`, `\X..\`, `\.br\`, ...) are resolved by
python-hl7's own `unescape`. Messages whose separators python-hl7 reads in its own way (two alike,
a letter, digit or space, MSH-2 not closed by the field separator) still go to `hl7.parse`, so a
row never depends on the path that read it; tests/readers/test_hl7v2_split.py holds the two equal.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import hl7
from hl7.util import unescape

from pipelines.lib.readers.base import (
    ReadResult,
    Reject,
    build_table,
    contract_columns,
    decode_text,
    hl7_date,
    hl7_timestamp,
    paused_gc,
    read_bytes,
    row_hash,
)

# MLLP start-of-block / end-of-block characters, left in files captured straight off the wire.
_MLLP = str.maketrans("", "", "\x0b\x1c")
_BATCH_SEGMENTS = {"FHS", "BHS", "BTS", "FTS"}
_SEGMENT_ID = re.compile(r"^[A-Z][A-Z0-9]{2}$")
_MESSAGE_TYPE = re.compile(r"^[A-Z0-9]{3}(\^[A-Z0-9]{2,3})?$")
MESSAGE_TYPE_FOR_TABLE = {"adt_events": "ADT", "siu_events": "SIU"}
# The segments each table reads. Only the first of each is split (or given to python-hl7, which
# builds a container per field): dense messages (NK1, OBX, IN1, GT1, ...) would otherwise cost
# several times more than the fields we map.
SEGMENTS_READ = {
    "adt_events": ("EVN", "PID", "PV1", "PV2"),
    "siu_events": ("SCH", "PID", "AIS", "AIL", "AIP"),
}


class _Fields:
    """Field access on one message; a missing segment, field or component reads as None."""

    def get(self, seg: str, fld: int, comp: int = 1, sub: int = 1, rep: int = 1) -> str | None:
        """SEG-fld.comp.sub of repetition `rep`, unescaped and stripped; None if absent or empty."""
        raise NotImplementedError

    def repetitions(self, seg: str, fld: int) -> int:
        """How many repetitions SEG-fld has (0 when the segment or field is absent)."""
        raise NotImplementedError

    def mrn(self) -> str | None:
        """PID-3: the repetition whose identifier type (CX-5) is MR, else the first repetition."""
        for rep in range(1, self.repetitions("PID", 3) + 1):
            if (self.get("PID", 3, 5, rep=rep) or "").upper() == "MR":
                return self.get("PID", 3, 1, rep=rep)
        return self.get("PID", 3, 1)

    def person_name(self, seg: str, fld: int, family: int, given: int) -> str | None:
        """An XPN/XCN name as `FAMILY^GIVEN` (FN's first subcomponent is the surname)."""
        fam = self.get(seg, fld, family, 1) or ""
        giv = self.get(seg, fld, given) or ""
        return f"{fam}^{giv}" if fam or giv else None

    def phone(self) -> str | None:
        """PID-13: XTN-1 (the v2.3 form), else area code + local number (XTN-6, XTN-7)."""
        number = self.get("PID", 13, 1)
        if number:
            return number
        area, local = self.get("PID", 13, 6), self.get("PID", 13, 7)
        return f"{area or ''}{local or ''}" or None


class _Msg(_Fields):
    """Field access on a message parsed by python-hl7."""

    def __init__(self, message: hl7.Message) -> None:
        self.message = message
        self.first: dict[str, hl7.Segment] = {}
        for segment in message:
            name = str(segment[0])
            self.first.setdefault(name, segment)

    def get(self, seg: str, fld: int, comp: int = 1, sub: int = 1, rep: int = 1) -> str | None:
        segment = self.first.get(seg)
        if segment is None:
            return None
        try:
            value = segment.extract_field(1, fld, rep, comp, sub)
        except (IndexError, KeyError, TypeError, ValueError):
            # python-hl7 raises when the tree ends before the path: an absent optional value.
            return None
        value = str(value).strip() if value is not None else ""
        return value or None

    def repetitions(self, seg: str, fld: int) -> int:
        segment = self.first.get(seg)
        if segment is None or fld >= len(segment):
            return 0
        try:
            field = segment[fld]
            return sum(1 for item in field if isinstance(item, hl7.Repetition)) or 1
        except (IndexError, TypeError):
            return 0


class _SplitMsg(_Fields):
    """The same field access as `_Msg`, read by `str.split` from the message text (no object tree).

    `first` maps each segment ID (first occurrence) to its fields, indexed by HL7 field number.
    """

    def __init__(
        self,
        first: dict[str, list[str]],
        encoding: tuple[str, str, str, str, str],
        plain: bool = False,
    ):
        self.first = first
        # STANDARD_ENCODING and no escape character in the segments read: the plain builders apply.
        self.plain = plain
        _, self.rep_sep, self.comp_sep, self.sub_sep, self.esc = encoding
        # What `unescape` reads from a python-hl7 container: its separators (segment, field,
        # repetition, component, subcomponent) and escape character.
        self.separators = "\r" + "".join(encoding[:4])

    def get(self, seg: str, fld: int, comp: int = 1, sub: int = 1, rep: int = 1) -> str | None:
        fields = self.first.get(seg)
        if fields is None or fld >= len(fields):
            return None
        value = fields[fld]
        if self.rep_sep in value or self.comp_sep in value or self.sub_sep in value:
            if seg == "MSH" and fld < 3:
                # python-hl7 keeps MSH-2 (the encoding characters) whole and unescaped.
                return (value.strip() or None) if rep == comp == sub == 1 else None
            # maxsplit: the wanted part is complete once that many separators are cut.
            parts = value.split(self.rep_sep, rep)
            if rep > len(parts):
                return None
            parts = parts[rep - 1].split(self.comp_sep, comp)
            if comp > len(parts):
                return None
            parts = parts[comp - 1].split(self.sub_sep, sub)
            if sub > len(parts):
                return None
            value = parts[sub - 1]
        elif rep != 1 or comp != 1 or sub != 1:
            # A value without separators is a leaf: only its first repetition/component exists.
            return None
        if self.esc in value:
            try:
                value = unescape(self, value)
            except (IndexError, KeyError, TypeError, ValueError):
                # `\.sp<n>\` with a count that is not a number: python-hl7 reads it as absent.
                return None
        return value.strip() or None

    def repetitions(self, seg: str, fld: int) -> int:
        fields = self.first.get(seg)
        if fields is None or fld >= len(fields):
            return 0
        if seg == "MSH" and fld < 3:
            return 1  # MSH-1 and MSH-2 are never split
        return fields[fld].count(self.rep_sep) + 1


@lru_cache(maxsize=256)
def _encoding(header: str) -> tuple[str, str, str, str, str] | None:
    """(field, repetition, component, subcomponent, escape) characters from MSH-1 + MSH-2.

    None when python-hl7 would not read the message as plain nested splits: two characters the
    same, or a letter, digit or space among them. Cached: a feed declares the same few headers.
    """
    sep, enc = header[0], header[1:]
    # MSH-2 is component, repetition, escape, subcomponent; python-hl7 defaults missing ones.
    comp = enc[0] if len(enc) > 0 else "^"
    rep = enc[1] if len(enc) > 1 else "~"
    esc = enc[2] if len(enc) > 2 else "\\"
    sub = enc[3] if len(enc) > 3 else "&"
    chars = sep + rep + comp + sub + esc
    if len(set(chars)) != 5 or any(c.isalnum() or c.isspace() for c in chars):
        return None
    return sep, rep, comp, sub, esc


def _split_message(segments: list[str], table: str) -> _SplitMsg | None:
    """The message read by `str.split`, or None when python-hl7 must read it (see the docstring).

    Expects a message `_check_message` accepted: MSH first, every other segment an ID + separator.
    """
    msh = segments[0]
    sep = msh[3]
    end = msh.find(sep, 4)
    encoding = _encoding(msh[3:end]) if end > 0 else None
    if encoding is None:
        return None
    # Indexed by HL7 field number, MSH too: MSH-1 is the field separator, MSH-2 the encoding
    # characters (python-hl7's numbering).
    rest = msh[end + 1 :]
    first = {"MSH": ["MSH", sep, msh[4:end], *(rest.split(sep) if rest else ())]}
    wanted = SEGMENTS_READ[table]
    plain = encoding == STANDARD_ENCODING and "\\" not in rest
    for segment in segments[1:]:
        seg_id = segment[:3]
        if seg_id in wanted and seg_id not in first:
            first[seg_id] = segment.split(sep)
            plain = plain and "\\" not in segment
    return _SplitMsg(first, encoding, plain)


def _adt_row(m: _Fields) -> dict[str, str | None]:
    attending = m.person_name("PV1", 7, 2, 3) or m.get("PV1", 7, 1)
    return {
        "message_control_id": m.get("MSH", 10),
        "sent_at": hl7_timestamp(m.get("MSH", 7)),
        "trigger_event": m.get("MSH", 9, 2) or m.get("EVN", 1),
        "recorded_at": hl7_timestamp(m.get("EVN", 2)),
        "effective_at": hl7_timestamp(m.get("EVN", 6) or m.get("EVN", 2)),
        "mrn": m.mrn(),
        "patient_name": m.person_name("PID", 5, 1, 2),
        "birth_date": hl7_date(m.get("PID", 7)),
        "sex": m.get("PID", 8),
        "zip": m.get("PID", 11, 5),
        "phone": m.phone(),
        "account_number": m.get("PID", 18, 1),
        "ssn": m.get("PID", 19),
        "visit_number": m.get("PV1", 19, 1),
        "patient_class": m.get("PV1", 2),
        "facility_id": m.get("PV1", 3, 4),
        "unit_id": m.get("PV1", 3, 1),
        "room_id": m.get("PV1", 3, 2),
        "bed_id": m.get("PV1", 3, 3),
        "prior_unit_id": m.get("PV1", 6, 1),
        "prior_room_id": m.get("PV1", 6, 2),
        "prior_bed_id": m.get("PV1", 6, 3),
        "hospital_service": m.get("PV1", 10),
        "admit_source": m.get("PV1", 14),
        "attending_provider": attending,
        "discharge_disposition": m.get("PV1", 36),
        "admit_at": hl7_timestamp(m.get("PV1", 44)),
        "discharge_at": hl7_timestamp(m.get("PV1", 45)),
        "expected_discharge_at": hl7_timestamp(m.get("PV2", 9)),
    }


def _siu_row(m: _Fields) -> dict[str, str | None]:
    return {
        "message_control_id": m.get("MSH", 10),
        "trigger_event": m.get("MSH", 9, 2),
        "sent_at": hl7_timestamp(m.get("MSH", 7)),
        "appointment_id": m.get("SCH", 1, 1) or m.get("SCH", 2, 1),
        "mrn": m.mrn(),
        "patient_name": m.person_name("PID", 5, 1, 2),
        "slot_start_at": hl7_timestamp(m.get("SCH", 11, 4) or m.get("AIS", 4)),
        "duration_minutes": m.get("SCH", 9) or m.get("AIS", 7),
        "visit_type": m.get("SCH", 7, 1) or m.get("AIS", 3, 1),
        "filler_status": m.get("SCH", 25, 1),
        "facility_id": m.get("AIL", 3, 4),
        "department_id": m.get("AIL", 3, 1),
        "provider_id": m.get("AIP", 3, 1),
        "reason_text": m.get("SCH", 6, 2) or m.get("SCH", 6, 1),
    }


_ROW_BUILDERS = {"adt_events": _adt_row, "siu_events": _siu_row}

# The usual encoding characters (field, repetition, component, subcomponent, escape).
STANDARD_ENCODING = ("|", "~", "^", "&", "\\")


def _parts(fields: list[str] | tuple, fld: int) -> list[str]:
    """The components of SEG-fld's first repetition (subcomponents not yet split); [] if absent."""
    return fields[fld].split("~", 1)[0].split("^") if fld < len(fields) else []


def _part(parts: list[str], comp: int) -> str | None:
    """Component `comp` (1-based), first subcomponent, stripped; None when absent or empty."""
    return (parts[comp - 1].split("&", 1)[0].strip() or None) if comp <= len(parts) else None


def _first(fields: list[str] | tuple, fld: int) -> str | None:
    """`_part(_parts(fields, fld), 1)`: SEG-fld.1.1, the most common read, in one call."""
    if fld >= len(fields):
        return None
    value = fields[fld]
    if "^" in value or "~" in value or "&" in value:
        value = value.split("~", 1)[0].split("^", 1)[0].split("&", 1)[0]
    return value.strip() or None


def _plain_name(parts: list[str], family: int, given: int) -> str | None:
    """`_Fields.person_name` on components already split."""
    fam, giv = _part(parts, family) or "", _part(parts, given) or ""
    return f"{fam}^{giv}" if fam or giv else None


def _plain_mrn(pid: list[str] | tuple) -> str | None:
    """`_Fields.mrn` on PID fields without escapes."""
    if len(pid) <= 3:
        return None
    for repetition in pid[3].split("~"):
        parts = repetition.split("^")
        if (_part(parts, 5) or "").upper() == "MR":
            return _part(parts, 1)
    return _first(pid, 3)


def _plain_adt_row(first: dict[str, list[str]]) -> dict[str, str | None]:
    """`_adt_row` for a message in STANDARD_ENCODING whose segments read hold no escape character.

    Each field is split once, however many of its components are read; no unescaping is needed.
    tests/readers/test_hl7v2_split.py holds it equal to `_adt_row`.
    """
    msh, evn = first["MSH"], first.get("EVN", ())
    pid, pv1, pv2 = first.get("PID", ()), first.get("PV1", ()), first.get("PV2", ())
    msh9, pv1_3, pv1_6, pv1_7 = _parts(msh, 9), _parts(pv1, 3), _parts(pv1, 6), _parts(pv1, 7)
    pid13 = _parts(pid, 13)
    evn2 = _first(evn, 2)
    phone = _part(pid13, 1)
    if not phone:
        phone = f"{_part(pid13, 6) or ''}{_part(pid13, 7) or ''}" or None
    return {
        "message_control_id": _first(msh, 10),
        "sent_at": hl7_timestamp(_first(msh, 7)),
        "trigger_event": _part(msh9, 2) or _first(evn, 1),
        "recorded_at": hl7_timestamp(evn2),
        "effective_at": hl7_timestamp(_first(evn, 6) or evn2),
        "mrn": _plain_mrn(pid),
        "patient_name": _plain_name(_parts(pid, 5), 1, 2),
        "birth_date": hl7_date(_first(pid, 7)),
        "sex": _first(pid, 8),
        "zip": _part(_parts(pid, 11), 5),
        "phone": phone,
        "account_number": _first(pid, 18),
        "ssn": _first(pid, 19),
        "visit_number": _first(pv1, 19),
        "patient_class": _first(pv1, 2),
        "facility_id": _part(pv1_3, 4),
        "unit_id": _part(pv1_3, 1),
        "room_id": _part(pv1_3, 2),
        "bed_id": _part(pv1_3, 3),
        "prior_unit_id": _part(pv1_6, 1),
        "prior_room_id": _part(pv1_6, 2),
        "prior_bed_id": _part(pv1_6, 3),
        "hospital_service": _first(pv1, 10),
        "admit_source": _first(pv1, 14),
        "attending_provider": _plain_name(pv1_7, 2, 3) or _part(pv1_7, 1),
        "discharge_disposition": _first(pv1, 36),
        "admit_at": hl7_timestamp(_first(pv1, 44)),
        "discharge_at": hl7_timestamp(_first(pv1, 45)),
        "expected_discharge_at": hl7_timestamp(_first(pv2, 9)),
    }


def _plain_siu_row(first: dict[str, list[str]]) -> dict[str, str | None]:
    """`_siu_row` for a message in STANDARD_ENCODING without escapes (see `_plain_adt_row`)."""
    msh, sch, pid = first["MSH"], first.get("SCH", ()), first.get("PID", ())
    ais, ail = first.get("AIS", ()), first.get("AIL", ())
    sch6, ail3 = _parts(sch, 6), _parts(ail, 3)
    return {
        "message_control_id": _first(msh, 10),
        "trigger_event": _part(_parts(msh, 9), 2),
        "sent_at": hl7_timestamp(_first(msh, 7)),
        "appointment_id": _first(sch, 1) or _first(sch, 2),
        "mrn": _plain_mrn(pid),
        "patient_name": _plain_name(_parts(pid, 5), 1, 2),
        "slot_start_at": hl7_timestamp(_part(_parts(sch, 11), 4) or _first(ais, 4)),
        "duration_minutes": _first(sch, 9) or _first(ais, 7),
        "visit_type": _first(sch, 7) or _first(ais, 3),
        "filler_status": _first(sch, 25),
        "facility_id": _part(ail3, 4),
        "department_id": _part(ail3, 1),
        "provider_id": _part(_parts(first.get("AIP", ()), 3), 1),
        "reason_text": _part(sch6, 2) or _part(sch6, 1),
    }


_PLAIN_ROW_BUILDERS = {"adt_events": _plain_adt_row, "siu_events": _plain_siu_row}


def split_messages(text: str) -> list[tuple[int, list[str]]]:
    """Split a batch file into (first line, segments) groups, one per MSH.

    Batch wrapper segments (FHS/BHS/BTS/FTS) close the current message and are dropped. Lines before
    the first MSH (other than wrappers) form a group of their own, which the caller rejects.
    """
    groups: list[tuple[int, list[str]]] = []
    current: list[str] | None = None
    # Each of \r\n, \r and \n ends one line (as editors count them): segments end in \r, messages
    # are separated by \n or \r\n, and some senders end segments in \n only. (str.splitlines would
    # also break on \x1c, \x85, \u2028 ...)
    lines = text.translate(_MLLP).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, line in enumerate(lines, start=1):
        segment = line.strip().lstrip("\ufeff")
        if not segment:
            continue
        seg_id = segment[:3]
        if seg_id in _BATCH_SEGMENTS:
            current = None
            continue
        if seg_id == "MSH" or current is None:
            current = []
            groups.append((number, current))
        current.append(segment)
    return groups


def _check_message(segments: list[str], table: str) -> str | None:
    """The reason a message cannot be read, or None when it can."""
    msh = segments[0]
    if not msh.startswith("MSH"):
        return "HL7 message without MSH segment"
    if len(msh) < 8:
        return (
            "MSH segment too short to carry the field separator and encoding characters "
            "(MSH-1, MSH-2)"
        )
    sep = msh[3]
    if sep.isalnum() or sep.isspace():
        return (
            "MSH-1 field separator is a letter, digit or space; it must be a delimiter such as '|'"
        )
    for position, segment in enumerate(segments[1:], start=2):
        # The text before the first separator is the ID: 3 characters that cannot hold one.
        if not (_SEGMENT_ID.match(segment[:3]) and (len(segment) == 3 or segment[3] == sep)):
            return (
                f"segment {position} of the message has no valid segment identifier "
                "(3 upper-case letters or digits followed by the field separator)"
            )
    return None


def _segments_to_parse(segments: list[str], table: str) -> str:
    """MSH plus the first segment of each ID the table reads, joined with CR."""
    wanted = set(SEGMENTS_READ[table])
    picked = [segments[0]]
    for segment in segments[1:]:
        seg_id = segment[:3]
        if seg_id in wanted:
            picked.append(segment)
            wanted.discard(seg_id)
            if not wanted:
                break
    return "\r".join(picked)


def _parse_with_hl7(segments: list[str], table: str) -> _Msg:
    """The message read by python-hl7 (the path for separators `_split_message` leaves to it)."""
    return _Msg(hl7.parse(_segments_to_parse(segments, table)))


def _message_type_reason(m: _Fields, table: str) -> str | None:
    expected = MESSAGE_TYPE_FOR_TABLE[table]
    code, trigger = m.get("MSH", 9, 1), m.get("MSH", 9, 2)
    if not code:
        return "MSH-9 message type is empty"
    label = f"{code}^{trigger}" if trigger else code
    if code == expected:
        return None
    if not _MESSAGE_TYPE.match(label):
        return f"MSH-9 message type is malformed (expected {expected}^<trigger>)"
    return f"message type {label} is not an {expected} message"


def read_hl7v2(path: Path, table: str) -> ReadResult:
    """Read an HL7 v2 batch file into `adt_events` or `siu_events` rows.

    Args:
        path: the landed `.hl7` file.
        table: `adt_events` or `siu_events`.

    Returns:
        One row per message of the expected type; every other message becomes a Reject.

    Raises:
        ValueError: `table` is not an HL7 table (a programming error, not bad input).
        OSError: the file cannot be read.
    """
    if table not in _ROW_BUILDERS:
        raise ValueError(f"read_hl7v2 reads adt_events or siu_events, not {table!r}")
    with paused_gc():
        return _read_hl7v2(Path(path), table)


def _read_hl7v2(path: Path, table: str) -> ReadResult:
    text = decode_text(read_bytes(path))
    builder, plain_builder = _ROW_BUILDERS[table], _PLAIN_ROW_BUILDERS[table]
    expected = MESSAGE_TYPE_FOR_TABLE[table]
    rows: list[dict[str, str | None]] = []
    lines: list[int] = []
    hashes: list[str] = []
    rejects: list[Reject] = []
    groups = split_messages(text)
    for first_line, segments in groups:
        raw = "\r".join(segments) + "\r"
        reason = _check_message(segments, table)
        if reason is None:
            try:
                message = _split_message(segments, table) or _parse_with_hl7(segments, table)
                first = message.first if isinstance(message, _SplitMsg) and message.plain else None
                if first is not None and _part(_parts(first["MSH"], 9), 1) == expected:
                    row = plain_builder(first)
                else:
                    reason = _message_type_reason(message, table)
                    if reason is None:
                        row = builder(message)
            except Exception as exc:  # any parser failure is a reject, never a crash
                reason = f"HL7 message could not be parsed ({type(exc).__name__})"
        if reason is not None:
            rejects.append(Reject(table, first_line, raw, reason))
            continue
        rows.append(row)
        lines.append(first_line)
        hashes.append(row_hash(raw))
    tables = {table: build_table(contract_columns(table), rows, lines, hashes)}
    return ReadResult(path.name, len(groups), tables, rejects)
