"""X12 5010 837I/837P and 835 -> `claims`/`claim_lines` and `remits`/`remit_adjustments`.

The hot path is a one-pass tokenizer (split on the segment terminator, then on the element
separator) and a small state machine per transaction set; no per-element object graph. The
delimiters come from the ISA header: element separator = the character after `ISA`, repetition
separator = ISA11, component separator = ISA16, segment terminator = the character after ISA16.
Whitespace (newlines) after a terminator is ignored.

Envelopes are checked: ISA fixed width, ISA13 = IEA02, IEA01 = number of groups, GS06 = GE02, GE01 =
number of sets, ST02 = SE02, SE01 = number of segments ST..SE. A transaction set that fails a check,
or sits in a group/interchange that fails one, is rejected as a whole: one Reject per CLM (837) /
CLP (835) it holds, or one for the set when it holds none. A file without a usable ISA header is one
Reject.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from pipelines.lib.readers.base import (
    ReadResult,
    Reject,
    build_table,
    contract_columns,
    decode_text,
    paused_gc,
    read_bytes,
    row_hash,
)

# ISA01..ISA16 are fixed width: a wrong width means the delimiters cannot be trusted.
ISA_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)
_SEGMENT_ID = re.compile(r"^[A-Z0-9]{2,3}$")
# The answer of _SEGMENT_ID per identifier seen (a file repeats a few dozen IDs); bounded so that a
# file of junk cannot grow it without end.
_VALID_IDS: dict[str, bool] = {}


def _valid_id(sid: str) -> bool:
    """Whether `sid` is a segment identifier (2-3 upper-case letters or digits)."""
    valid = _VALID_IDS.get(sid)
    if valid is None:
        valid = _SEGMENT_ID.match(sid) is not None
        if len(_VALID_IDS) < 4096:
            _VALID_IDS[sid] = valid
    return valid


PARENT_TABLE = {
    "claims": "claims",
    "claim_lines": "claims",
    "remits": "remits",
    "remit_adjustments": "remits",
}
CHILD_TABLE = {"claims": "claim_lines", "remits": "remit_adjustments"}
TRANSACTION = {"claims": "837", "remits": "835"}
RECORD_SEGMENT = {"claims": "CLM", "remits": "CLP"}
# Segments that close a CLP loop or are read whatever loop they are in (835).
_CLP_BREAKS = frozenset({"LX", "SE", "PLB", "BPR", "TRN", "CLP"})
CLAIM_TYPES = {"005010X223": "institutional", "005010X222": "professional"}


@dataclass
class Delimiters:
    """The separators an interchange declares in its ISA header."""

    element: str
    component: str
    repetition: str | None
    terminator: str


@dataclass(slots=True)
class Segment:
    """One segment: its elements (element 0 is the segment ID) and the line it starts on."""

    elements: list[str]
    line: int
    text: str

    @property
    def id(self) -> str:
        """The segment identifier."""
        return self.elements[0]

    def el(self, n: int) -> str | None:
        """Element n (1-based, as in `CLM01`), None when absent or empty."""
        try:
            return self.elements[n].strip() or None
        except IndexError:
            return None


@dataclass
class TransactionSet:
    """The segments of one ST..SE set, with the envelope context and the first error found."""

    segments: list[Segment] = field(default_factory=list)
    icn: str | None = None
    version: str | None = None  # ST03, else GS08
    code: str | None = None  # ST01
    error: str | None = None


def _fail(ts: TransactionSet, reason: str) -> None:
    """Record the first error of a set: the first broken rule is the one a person should fix."""
    if ts.error is None:
        ts.error = reason


def parse_isa(text: str, start: int) -> tuple[Delimiters | None, str | None]:
    """The delimiters of the ISA header at `start`, or (None, reason) when it is unusable."""
    if len(text) < start + 4:
        return None, "ISA header truncated"
    element = text[start + 3]
    if element.isalnum() or element.isspace():
        return None, "ISA header: the character after ISA must be the element separator"
    pos = start + 3
    widths = []
    # ISA01..ISA15 run between separators; a search window keeps a file without separators cheap.
    for _ in range(15):
        nxt = text.find(element, pos + 1, pos + 40)
        if nxt < 0:
            return None, "ISA header truncated or malformed (fewer than 16 elements)"
        widths.append(nxt - pos - 1)
        pos = nxt
    # ISA16 is the one character after the 16th separator, the terminator the character after it.
    if len(text) < pos + 3:
        return None, "ISA header truncated (no ISA16 or segment terminator)"
    widths.append(1)
    for n, (width, expected) in enumerate(zip(widths, ISA_WIDTHS, strict=True), start=1):
        if width != expected:
            return None, (
                f"ISA{n:02d} is {width} characters, the fixed width is {expected} "
                "(the ISA header is fixed width; re-send the interchange)"
            )
    component, terminator = text[pos + 1], text[pos + 2]
    if terminator.isalnum() or terminator == " " or terminator in (element, component):
        return None, "ISA header: no valid segment terminator after ISA16"
    isa11 = text[start + 3 + 1 + sum(ISA_WIDTHS[:10]) + 10]
    repetition = (
        isa11 if not isa11.isalnum() and isa11 not in (element, component, terminator) else None
    )
    return Delimiters(element, component, repetition, terminator), None


def tokenize(text: str, start: int, delims: Delimiters) -> list[Segment]:
    """Split the interchange text into segments, noting the line each starts on.

    `line` is the 1-based line of the file when the file has line breaks between segments; in a file
    that is a single line it is the 1-based segment position instead (the only way to point at a
    record).
    """
    terminator, element = delims.terminator, delims.element
    body = text[start:]
    pieces = body.split(terminator)
    line = text.count("\n", 0, start) + 1
    segments: list[Segment] = []
    append = segments.append
    if "\n" not in text:
        # One line: the segment position stands in for the line.
        texts = [t for t in map(str.strip, pieces) if t]
        return [Segment(t.split(element), k, t) for k, t in enumerate(texts, start=1)]
    newlines = body.count("\n")
    if (
        terminator != "\n"
        and newlines == body.count(terminator + "\n")
        and (newlines == len(pieces) - 1 or (newlines == len(pieces) - 2 and pieces[-1] == ""))
    ):
        # The usual layout: every terminator (but perhaps a final one) is followed by one newline
        # and there are no others, so piece k starts on line `line + k` without counting.
        texts = map(str.strip, pieces)
        return [Segment(t.split(element), k, t) for k, t in enumerate(texts, start=line) if t]
    # Any other layout: count the newlines of every piece. A newline used as the terminator
    # itself is consumed by the split: count it back.
    per_segment = 1 if terminator == "\n" else 0
    for piece in pieces:
        stripped = piece.strip()
        if stripped:
            lead = len(piece) - len(piece.lstrip())
            append(Segment(stripped.split(element), line + piece.count("\n", 0, lead), stripped))
        line += piece.count("\n") + per_segment
    return segments


def split_sets(segments: list[Segment], strict_segment_count: bool) -> list[TransactionSet]:
    """Walk the envelopes (ISA/GS/ST..SE/GE/IEA) and return every transaction set with its errors.

    Segments found outside any ST..SE come back as a set of their own, flagged, so that any CLM/CLP
    in them is still counted and rejected rather than silently lost.
    """
    sets: list[TransactionSet] = []
    interchange: list[TransactionSet] = []
    group: list[TransactionSet] = []
    current: TransactionSet | None = None
    stray: TransactionSet | None = None
    isa = gs = None
    groups_seen = 0
    icn = version = None

    def flush_stray() -> None:
        nonlocal stray
        if stray is not None:
            sets.append(stray)
            stray = None

    def close_group(reason: str | None) -> None:
        nonlocal group
        for ts in group:
            if reason:
                _fail(ts, reason)
        group = []

    def close_interchange(reason: str | None) -> None:
        nonlocal interchange
        for ts in interchange:
            if reason:
                _fail(ts, reason)
        interchange = []

    valid_ids = _VALID_IDS
    for seg in segments:
        sid = seg.elements[0]
        if current is not None and sid not in ("ISA", "GS", "ST"):
            # Inside a set (most segments): only the ID check and SE matter.
            if not (valid_ids.get(sid) or _valid_id(sid)):
                position = len(current.segments) + 1
                _fail(
                    current,
                    f"segment {position} of the transaction set has no valid segment identifier "
                    "(2-3 upper-case letters or digits)",
                )
                current.segments.append(seg)
                continue
            current.segments.append(seg)
            if sid == "SE":
                count = seg.el(1)
                if seg.el(2) != current.segments[0].el(2):
                    _fail(current, "SE02 control number does not match ST02")
                elif strict_segment_count and not (
                    count and count.isdigit() and int(count) == len(current.segments)
                ):
                    _fail(
                        current,
                        f"SE01 segment count does not match the {len(current.segments)} segments "
                        "from ST to SE (segments lost or added in transit)",
                    )
                current = None
            continue
        if sid == "ISA":
            if current is not None:
                _fail(current, "ST without SE: the transaction set is truncated (next ISA found)")
                current = None
            if isa is not None:
                close_group("GS without GE: the functional group is truncated")
                close_interchange("ISA without IEA: the interchange is truncated (next ISA found)")
            flush_stray()
            isa, gs, groups_seen = seg, None, 0
            icn = seg.el(13)
            continue
        if sid == "GS":
            if current is not None:
                _fail(current, "ST without SE: the transaction set is truncated (GS found)")
                current = None
            if gs is not None:
                close_group("GS without GE: the functional group is truncated (next GS found)")
            flush_stray()
            gs, version = seg, seg.el(8)
            groups_seen += 1
            continue
        if sid == "ST":
            if current is not None:
                _fail(current, "ST without SE: the transaction set is truncated (next ST found)")
            flush_stray()
            current = TransactionSet([seg], icn, seg.el(3) or version, seg.el(1))
            if gs is None:
                _fail(current, "ST outside a GS/GE functional group")
            sets.append(current)
            group.append(current)
            interchange.append(current)
            continue
        if sid == "GE":
            if gs is None:
                close_group("GE without GS")
            elif seg.el(2) != gs.el(6):
                close_group("GE02 control number does not match GS06")
            elif seg.el(1) is None or not seg.el(1).isdigit() or int(seg.el(1)) != len(group):
                close_group(f"GE01 does not match the {len(group)} transaction sets in the group")
            else:
                close_group(None)
            gs = None
            continue
        if sid == "IEA":
            if gs is not None:
                close_group("GS without GE: the functional group is truncated (IEA found)")
                gs = None
            if isa is None:
                close_interchange("IEA without ISA")
            elif seg.el(2) != isa.el(13):
                close_interchange("IEA02 control number does not match ISA13")
            elif seg.el(1) is None or not seg.el(1).isdigit() or int(seg.el(1)) != groups_seen:
                close_interchange(f"IEA01 does not match the {groups_seen} functional groups")
            else:
                close_interchange(None)
            isa = None
            continue
        # A data segment outside any ST..SE: keep it so its records are counted and rejected.
        if stray is None:
            stray = TransactionSet(
                [], icn, version, None, "segments outside an ST/SE transaction set"
            )
        stray.segments.append(seg)
    if current is not None:
        _fail(current, "ST without SE: the file ends inside the transaction set")
    if gs is not None:
        close_group("GS without GE: the file ends inside the functional group")
    if isa is not None:
        close_interchange("ISA without IEA: the file ends inside the interchange")
    flush_stray()
    return sets


@lru_cache(maxsize=4096)
def x12_date(value: str | None) -> str | None:
    """CCYYMMDD -> YYYY-MM-DD; anything else unchanged (the casting step quarantines it)."""
    if not value:
        return None
    if len(value) == 8 and value.isdigit():
        try:
            return date(int(value[:4]), int(value[4:6]), int(value[6:])).isoformat()
        except ValueError:
            return value
    return value


def x12_timestamp(day: str | None, time: str | None) -> str | None:
    """CCYYMMDD + HHMM[SS[DD]] -> `YYYY-MM-DD HH:MM:SS`; invalid values are returned as sent."""
    if not day:
        return None
    time = (time or "").strip()
    if not (len(day) == 8 and day.isdigit() and time.isdigit() and len(time) in (0, 4, 6, 7, 8)):
        return f"{day} {time}".strip()
    try:
        ts = datetime(
            int(day[:4]),
            int(day[4:6]),
            int(day[6:]),
            int(time[:2] or 0),
            int(time[2:4] or 0),
            int(time[4:6] or 0),
        )
    except ValueError:
        return f"{day} {time}".strip()
    return ts.strftime("%Y-%m-%d %H:%M:%S")


def _period(qualifier: str | None, value: str | None) -> tuple[str | None, str | None]:
    """A DTP date or RD8 range -> (from, to) as ISO dates."""
    if not value:
        return None, None
    if qualifier == "RD8" or "-" in value:
        start, _, end = value.partition("-")
        return x12_date(start), x12_date(end or start)
    return x12_date(value), x12_date(value)


def _name(seg: Segment) -> str | None:
    last, first = seg.el(3) or "", seg.el(4) or ""
    return f"{last}^{first}" if last or first else None


class _Records:
    """Rows and rejects being collected for one file."""

    def __init__(self, table: str) -> None:
        self.table = table
        self.rows: list[dict[str, str | None]] = []
        self.lines: list[int] = []
        self.hashes: list[str] = []
        self.child_rows: list[dict[str, str | None]] = []
        self.child_lines: list[int] = []
        self.child_hashes: list[str] = []
        self.rejects: list[Reject] = []
        self.term = "~"

    def sizes(self) -> tuple[int, int]:
        """How many parent and child rows are collected (to roll back a set that failed)."""
        return len(self.rows), len(self.child_rows)

    def truncate(self, sizes: tuple[int, int]) -> None:
        """Drop the rows collected after `sizes()` was taken."""
        n, c = sizes
        del self.rows[n:], self.lines[n:], self.hashes[n:]
        del self.child_rows[c:], self.child_lines[c:], self.child_hashes[c:]

    def add(self, row: dict[str, str | None], segments: list[Segment], children: list) -> None:
        parent_hash = row_hash(_raw(segments, self.term))
        self.rows.append(row)
        self.lines.append(segments[0].line)
        self.hashes.append(parent_hash)
        if children:
            self.child_rows.extend([child[0] for child in children])
            self.child_lines.extend([child[1] for child in children])
            # A child is a duplicate only when its parent is: the same service line or CAS text
            # recurs on other claims, and one CAS segment yields up to six adjustments, so the
            # child's own text is no key (it merged 221,258 adjustments into 98,062).
            self.child_hashes.extend(
                [
                    row_hash(f"{parent_hash}\x1f{index}\x1f{child[2]}")
                    for index, child in enumerate(children)
                ]
            )


def _raw(segments: list[Segment], terminator: str = "~") -> str:
    if not segments:
        return ""
    end = terminator + "\n"
    return end.join([s.text for s in segments]) + end


def _reject_set(ts: TransactionSet, records: _Records, reason: str, record_id: str) -> None:
    """One Reject per CLM/CLP loop in a broken set, or one for the set when it has none."""
    starts = [i for i, s in enumerate(ts.segments) if s.id == record_id]
    if not starts:
        if ts.segments:
            records.rejects.append(
                Reject(records.table, ts.segments[0].line, _raw(ts.segments, records.term), reason)
            )
        return
    ends = {"HL", "SE", "LX", "PLB", record_id} if record_id == "CLP" else {"HL", "SE", record_id}
    for k in starts:
        end = k + 1
        while end < len(ts.segments) and ts.segments[end].id not in ends:
            end += 1
        loop = ts.segments[k:end]
        records.rejects.append(
            Reject(records.table, loop[0].line, _raw(loop, records.term), reason)
        )


def _parse_837(ts: TransactionSet, records: _Records, delims: Delimiters) -> None:
    comp = delims.component
    version = ts.version or ""
    claim_type = CLAIM_TYPES.get(version[:10], version or None)
    submitted_at = None
    billing: dict[str, str | None] = {}
    subscriber: dict[str, str | None] = {}
    patient: dict[str, str | None] = {}
    loop = None
    claim: dict | None = None
    claim_segments: list[Segment] = []
    line_row: dict[str, str | None] | None = None
    line_segments: list[Segment] | None = None

    def close_claim() -> None:
        nonlocal claim
        if claim is None:
            return
        row, segs, lines = claim["row"], claim["segments"], claim["lines"]
        if not row["statement_from_date"] and claim["svc_from"]:
            row["statement_from_date"], row["statement_to_date"] = (
                claim["svc_from"],
                claim["svc_to"],
            )
        if not row["statement_from_date"]:
            dates = sorted(d for d in (ln["service_date"] for ln, _, _ in lines) if d)
            if dates:
                row["statement_from_date"], row["statement_to_date"] = dates[0], dates[-1]
        row["line_count"] = str(len(lines))
        children = []
        for line_row, line_no, line_segs in lines:
            line_row["claim_id"] = row["claim_id"]
            line_row["claim_frequency_code"] = row["claim_frequency_code"]
            children.append((line_row, line_no, _raw(line_segs, records.term)))
        records.add(row, segs, children)
        claim = None

    for seg in ts.segments:
        sid = seg.elements[0]
        if sid in ("HL", "SE"):
            close_claim()
            level = seg.el(3)
            if level == "20":
                billing, subscriber, patient = {}, {}, {}
            elif level == "22":
                subscriber, patient = {}, {}
            elif level == "23":
                patient = {}
            loop = None
            continue
        if sid == "BHT":
            submitted_at = x12_timestamp(seg.el(4), seg.el(5))
            continue
        if sid == "CLM":
            close_claim()
            clm05 = (seg.el(5) or "").split(comp)
            pat = patient if patient else subscriber
            row = {
                "interchange_control_number": ts.icn,
                "claim_type": claim_type,
                "submitted_at": submitted_at,
                "billing_npi": billing.get("npi"),
                "facility_id": billing.get("g2") or billing.get("npi"),
                "payer_id": subscriber.get("payer_id"),
                "payer_name": subscriber.get("payer_name"),
                "member_id": subscriber.get("member_id"),
                "patient_name": pat.get("name"),
                "birth_date": pat.get("birth_date"),
                "claim_id": seg.el(1),
                "total_charge_amount": seg.el(2),
                "facility_type_code": clm05[0] or None,
                "claim_frequency_code": clm05[2] if len(clm05) > 2 else None,
                "statement_from_date": None,
                "statement_to_date": None,
                "principal_diagnosis": None,
            }
            claim = {"row": row, "segments": [seg], "lines": [], "svc_from": None, "svc_to": None}
            # The claim's lists and its current service line, held in locals: most segments of
            # a file are claim-body segments, and this loop is the reader's hot path.
            claim_segments, line_row, line_segments = claim["segments"], None, None
            continue
        if claim is not None:
            claim_segments.append(seg)
            if sid == "LX":
                line_row = {
                    "interchange_control_number": ts.icn,
                    "line_number": seg.el(1),
                    "service_date": None,
                }
                line_segments = [seg]
                claim["lines"].append((line_row, seg.line, line_segments))
                continue
            if line_segments is not None:
                line_segments.append(seg)
            if sid == "DTP":
                qualifier = seg.el(1)
                if qualifier == "434":
                    row = claim["row"]
                    row["statement_from_date"], row["statement_to_date"] = _period(
                        seg.el(2), seg.el(3)
                    )
                elif qualifier == "472":
                    start, end = _period(seg.el(2), seg.el(3))
                    if line_row is not None:
                        line_row["service_date"] = start
                    else:
                        claim["svc_from"], claim["svc_to"] = start, end
            elif sid == "SV2":
                if line_row is not None:
                    proc = (seg.el(2) or "").split(comp)
                    line_row["revenue_code"] = seg.el(1)
                    line_row["procedure_code"] = proc[1] if len(proc) > 1 else None
                    line_row["line_charge_amount"] = seg.el(3)
                    line_row["units"] = seg.el(5)
            elif sid == "SV1":
                if line_row is not None:
                    proc = (seg.el(1) or "").split(comp)
                    line_row["revenue_code"] = None
                    line_row["procedure_code"] = proc[1] if len(proc) > 1 else None
                    line_row["line_charge_amount"] = seg.el(2)
                    line_row["units"] = seg.el(4)
            elif sid == "HI" and not claim["row"]["principal_diagnosis"]:
                for element in seg.elements[1:]:
                    parts = element.split(comp)
                    if parts[0] in ("ABK", "BK") and len(parts) > 1:
                        claim["row"]["principal_diagnosis"] = parts[1] or None
                        break
            continue
        # Outside a claim: 2010AA billing provider, 2010BA subscriber, 2010BB payer, 2010CA patient.
        if sid == "NM1":
            loop = seg.el(1)
            if loop == "85":
                billing["npi"] = seg.el(9)
            elif loop == "IL":
                subscriber.update(member_id=seg.el(9), name=_name(seg))
            elif loop == "PR":
                subscriber.update(payer_id=seg.el(9), payer_name=seg.el(3))
            elif loop == "QC":
                patient["name"] = _name(seg)
        elif sid == "REF" and loop == "85" and seg.el(1) == "G2" and "g2" not in billing:
            billing["g2"] = seg.el(2)
        elif sid == "DMG":
            if loop == "IL":
                subscriber["birth_date"] = x12_date(seg.el(2))
            elif loop == "QC":
                patient["birth_date"] = x12_date(seg.el(2))
    close_claim()


def _parse_835(ts: TransactionSet, records: _Records, state: dict) -> None:
    comp = state["component"]
    header: dict[str, str | None] = {}
    loop = None
    clp: dict | None = None

    def adjustment(level: str, cas: Segment, target: dict) -> None:
        group = cas.el(1)
        elements = cas.elements
        n = len(elements)
        # CAS02/03, 05/06, ... 17/18, read as Segment.el reads them (stripped, empty is None).
        for k in range(2, min(n, 20), 3):
            reason = elements[k].strip() or None
            amount = (elements[k + 1].strip() or None) if k + 1 < n else None
            if reason is None and amount is None:
                continue
            target["seq"] += 1
            row = {
                "interchange_control_number": ts.icn,
                "clp_sequence": str(target["clp_sequence"]),
                "adjustment_sequence": str(target["seq"]),
                "claim_id": target["claim_id"],
                "level": level,
                "group_code": group,
                "reason_code": reason,
                "amount": amount,
            }
            target["children"].append((row, cas.line, cas.text))

    def close_clp() -> None:
        nonlocal clp
        if clp is not None:
            records.add(clp["row"], clp["segments"], clp["children"])
            clp = None

    clp_segments: list[Segment] = []
    for seg in ts.segments:
        sid = seg.elements[0]
        if clp is not None and sid not in _CLP_BREAKS:
            # The body of a CLP loop (most segments of a file): only these three matter.
            clp_segments.append(seg)
            if sid == "CAS":
                adjustment("line" if clp["in_line"] else "claim", seg, clp)
            elif sid == "SVC":
                clp["in_line"] = True
            elif sid == "NM1" and seg.el(1) == "QC":
                clp["row"]["patient_name"] = _name(seg)
                clp["row"]["member_id"] = seg.el(9)
            continue
        if sid in ("LX", "SE", "PLB"):
            close_clp()
        if sid == "BPR":
            header["payment_date"] = x12_date(seg.el(16))
        elif sid == "TRN":
            header["check_number"] = seg.el(2)
            header["trn03"] = seg.el(3)
        elif sid == "N1" and clp is None:
            loop = seg.el(1)
            if loop == "PR":
                header["payer_name"] = seg.el(2)
            elif loop == "PE":
                header["payee_npi"] = seg.el(4)
        elif sid == "REF" and clp is None:
            if loop == "PR" and seg.el(1) == "2U":
                header["payer_ref"] = seg.el(2)
            elif loop == "PE" and "payee_ref" not in header:
                header["payee_ref"] = seg.el(2)
        elif sid == "CLP":
            close_clp()
            state["clp_sequence"] += 1
            row = {
                "interchange_control_number": ts.icn,
                "check_number": header.get("check_number"),
                "payment_date": header.get("payment_date"),
                "payer_id": header.get("payer_ref") or header.get("trn03"),
                "payer_name": header.get("payer_name"),
                "payee_npi": header.get("payee_npi"),
                "facility_id": header.get("payee_ref") or header.get("payee_npi"),
                "clp_sequence": str(state["clp_sequence"]),
                "claim_id": seg.el(1),
                "claim_status_code": seg.el(2),
                "total_charge_amount": seg.el(3),
                "paid_amount": seg.el(4),
                "patient_responsibility_amount": seg.el(5),
                "payer_claim_control_number": seg.el(7),
                "patient_name": None,
                "member_id": None,
            }
            clp = {
                "row": row,
                "segments": [seg],
                "children": [],
                "seq": 0,
                "clp_sequence": state["clp_sequence"],
                "claim_id": seg.el(1),
                "in_line": False,
            }
            clp_segments = clp["segments"]
            continue
        elif sid == "PLB":
            # PLB03-2 (the reference) often carries a patient account number: it is not read.
            for k in range(3, 15, 2):
                reason, amount = seg.el(k), seg.el(k + 1)
                if reason is None and amount is None:
                    continue
                state["plb_seq"] += 1
                row = {
                    "interchange_control_number": ts.icn,
                    "clp_sequence": "0",
                    "adjustment_sequence": str(state["plb_seq"]),
                    "claim_id": None,
                    "level": "provider",
                    "group_code": (reason or "").split(comp)[0] or None,
                    "reason_code": None,
                    "amount": amount,
                }
                # Keyed by the payment (TRN) and the pair's position: one PLB may repeat a
                # reason and amount, and another check may carry the same PLB text.
                identity = f"{ts.icn}\x1f{header.get('check_number')}\x1f{k}\x1f{seg.text}"
                state["plb_rows"].append((row, seg.line, identity))
            continue
        if clp is not None:
            clp["segments"].append(seg)
            if sid == "SVC":
                clp["in_line"] = True
            elif sid == "CAS":
                adjustment("line" if clp["in_line"] else "claim", seg, clp)
            elif sid == "NM1" and seg.el(1) == "QC":
                clp["row"]["patient_name"] = _name(seg)
                clp["row"]["member_id"] = seg.el(9)
    close_clp()


def read_x12(path: Path, table: str, *, strict_segment_count: bool = True) -> ReadResult:
    """Read an X12 837 (claims) or 835 (remits) file.

    Args:
        path: the landed `.x12` file.
        table: `claims` (837) or `remits` (835); the child table (`claim_lines`,
            `remit_adjustments`) is filled alongside. The child names are accepted too and
            mean their parent.
        strict_segment_count: reject a transaction set whose SE01 does not equal its segment
            count. Some test generators hard-code SE01; switch this off to read their files
            (every other check stays).

    Returns:
        The parent and child tables; one top-level record per CLM (837) or CLP (835) loop.

    Raises:
        ValueError: `table` is not an X12 table (a programming error, not bad input).
        OSError: the file cannot be read.
    """
    if table not in PARENT_TABLE:
        raise ValueError(f"read_x12 reads claims or remits, not {table!r}")
    with paused_gc():
        return _read_x12(path, table, strict_segment_count)


def _read_x12(path: Path, table: str, strict_segment_count: bool) -> ReadResult:
    parent = PARENT_TABLE[table]
    child = CHILD_TABLE[parent]
    path = Path(path)
    text = decode_text(read_bytes(path))
    records = _Records(parent)
    record_id = RECORD_SEGMENT[parent]
    expected = TRANSACTION[parent]

    start = text.find("ISA")
    delims, reason = (None, "no ISA interchange header") if start < 0 else parse_isa(text, start)
    if delims is None:
        records.rejects.append(Reject(parent, 1, text, f"{reason}; the file cannot be split"))
    else:
        records.term = delims.terminator
        segments = tokenize(text, start, delims)
        sets = split_sets(segments, strict_segment_count)
        state = {"component": delims.component, "clp_sequence": 0, "plb_seq": 0, "plb_rows": []}
        for ts in sets:
            if ts.error is None and ts.code != expected:
                ts.error = (
                    f"transaction set ST01 is not {expected} (an {expected} file was expected)"
                )
            if ts.error is not None:
                _reject_set(ts, records, ts.error, record_id)
                continue
            plb_before = len(state["plb_rows"])
            sizes = records.sizes()
            try:
                if parent == "claims":
                    _parse_837(ts, records, delims)
                else:
                    _parse_835(ts, records, state)
            except (
                Exception
            ) as exc:  # a parser bug must not lose a file: reject the set, keep going
                del state["plb_rows"][plb_before:]
                records.truncate(sizes)
                _reject_set(
                    ts,
                    records,
                    f"transaction set could not be read ({type(exc).__name__})",
                    record_id,
                )
        for row, line, raw in state["plb_rows"]:
            records.child_rows.append(row)
            records.child_lines.append(line)
            records.child_hashes.append(row_hash(raw))
    tables = {
        parent: build_table(contract_columns(parent), records.rows, records.lines, records.hashes),
        child: build_table(
            contract_columns(child), records.child_rows, records.child_lines, records.child_hashes
        ),
    }
    source_records = len(records.rows) + len(records.rejects)
    return ReadResult(path.name, source_records, tables, records.rejects)
