"""Orchestrates the generator: simulate each facility, then write every feed per extract day.

Files go to `<out>/<feed>/<FACILITY>_<YYYY-MM-DD>.<ext>` (docs/architecture.md) and the PHI ground
truth to `<out>/../ground_truth/phi_spans.ndjson`. All randomness comes from numpy Generators and
`random.Random` instances seeded with (seed, facility, stream), so the same seed gives
byte-identical files.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import ClassVar

import numpy as np
import polars as pl
from tqdm import tqdm

from pipelines.synthetic import config as C
from pipelines.synthetic.billing import (
    Claim,
    Remit,
    adjudicate,
    ed_claim,
    inpatient_claim,
    office_claim,
)
from pipelines.synthetic.clinic import Appointments, simulate_appointments
from pipelines.synthetic.hospital import HospitalSim, Stay, simulate
from pipelines.synthetic.names import PROVIDER_LAST
from pipelines.synthetic.phi_text import PhiWriter, Text
from pipelines.synthetic.population import Patients, make_patients
from pipelines.synthetic.timeutil import (
    DAY,
    HOUR,
    MINUTE,
    Zone,
    day_seconds,
    fmt_date,
    fmt_hl7,
    fmt_iso,
)

WARMUP_DAYS = 21
FEEDS = (
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
)
EXT = {"adt": "hl7", "siu": "hl7", "claims_837": "x12", "remits_835": "x12"}


@dataclass
class GenerationSummary:
    """What a run wrote: rows (messages, claims, lines) per feed, and occupancy statistics."""

    out: Path
    scale: str
    days: int
    seed: int
    start: date
    rows: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    files: int = 0
    phi_spans: int = 0
    hourly_occupancy: dict[str, np.ndarray] = field(default_factory=dict)
    noshow_by_band: dict[int, tuple[int, int]] = field(
        default_factory=dict
    )  # band -> (no-shows, kept+no)


class _Ids:
    """Deterministic identifier counters, one per namespace, unique across facilities."""

    BASES: ClassVar[dict[str, int]] = {
        "visit": 2_000_000_000,
        "account": 7_000_000_000,
        "ed_visit": 3_000_000_000,
        "appointment": 800_000_000,
        "pb_account": 6_000_000_000,
        "note": 0,
        "icn": 100_000,
    }

    def __init__(self) -> None:
        self.next = dict(self.BASES)

    def one(self, ns: str) -> str:
        self.next[ns] += 1
        return str(self.next[ns])

    def many(self, ns: str, n: int) -> np.ndarray:
        first = self.next[ns] + 1
        self.next[ns] += n
        return np.arange(first, first + n).astype(str)


class _Out:
    """Collects output text per (feed, facility, day) and writes files at the end."""

    def __init__(self, root: Path, start: date, summary: GenerationSummary) -> None:
        self.root, self.start, self.summary = root, start, summary
        for feed in FEEDS:
            (root / feed).mkdir(parents=True, exist_ok=True)

    def path(self, feed: str, fac: str, day: int) -> Path:
        d = self.start + timedelta(days=int(day))
        return self.root / feed / f"{fac}_{d.isoformat()}.{EXT.get(feed, 'csv')}"

    def write_text(self, feed: str, fac: str, day: int, text: str, rows: int) -> None:
        self.path(feed, fac, day).write_text(text, encoding="utf-8", newline="")
        self.summary.rows[feed] += rows
        self.summary.files += 1

    def write_frame(
        self, feed: str, fac: str, df: pl.DataFrame, day_col: str, columns: list[str]
    ) -> None:
        """Write one CSV per extract day of `df` (string columns, nulls as empty)."""
        if df.height == 0:
            return
        for (day,), part in (
            df.sort(day_col, maintain_order=True)
            .partition_by(day_col, as_dict=True, maintain_order=True)
            .items()
        ):
            path = self.path(feed, fac, day)
            part.select(columns).write_csv(
                path, null_value="", quote_style="necessary", line_terminator="\n"
            )
            self.summary.rows[feed] += part.height
            self.summary.files += 1


def _s(a: np.ndarray, mask: np.ndarray | None = None) -> list[str | None]:
    """Array to list of str with None where `mask` is False."""
    vals = a.tolist()
    if mask is None:
        return vals
    return [v if m else None for v, m in zip(vals, mask.tolist(), strict=True)]


def generate(
    out: Path,
    scale: str = "demo",
    days: int = 30,
    seed: int = 7,
    start: date = date(2026, 1, 1),
    mess: float = 0.02,
    progress: bool = False,
) -> GenerationSummary:
    """Generate a synthetic health system's extracts.

    Args:
        out: landing folder to write (`<out>/<feed>/<FACILITY>_<YYYY-MM-DD>.<ext>`).
        scale: demo, clinic, hospital or system.
        days: number of extract days.
        seed: random seed; the same seed gives byte-identical files.
        start: first extract day.
        mess: rate of HL7 mess (cancels, late and duplicate messages); 0 turns it off.
        progress: show a tqdm progress bar on stderr.

    Returns:
        Counts per feed and a few statistics the tests check.
    """
    out = Path(out)
    sc = C.get_scale(scale)
    summary = GenerationSummary(out, scale, days, seed, start)
    writer = _Out(out, start, summary)
    ids = _Ids()
    gt_path = out.parent / "ground_truth" / "phi_spans.ndjson"
    gt_path.parent.mkdir(parents=True, exist_ok=True)
    gt_lines: list[str] = []
    start_local = day_seconds(start)
    bar = tqdm(
        total=len(sc.facilities) * 4, desc=f"synthetic {scale}", disable=not progress, unit="step"
    )
    for fi, fac in enumerate(sc.facilities):
        zone = Zone(fac.std_offset_h, start.year, (start + timedelta(days=days)).year)

        def rng(stream: int, fi: int = fi) -> np.random.Generator:
            # One stream per (seed, facility, purpose): a new feed never shifts another.
            return np.random.default_rng([seed, fi, stream])

        pats = make_patients(
            rng(1), fac.patient_pool, 10_000_000 + fi * 2_000_000, start_local // DAY
        )
        pick_rng = rng(2)

        def pick(n: int, g: np.random.Generator = pick_rng, p: Patients = pats) -> np.ndarray:
            return p.sample(g, n)

        texts = PhiWriter([seed, fi, 99])
        first_seen = np.full(len(pats), 10**9, dtype=np.int64)
        claims: list[Claim] = []
        ctx = _Ctx(
            fac,
            zone,
            start_local,
            days,
            pats,
            texts,
            gt_lines,
            ids,
            writer,
            rng(3),
            mess,
            first_seen,
            random.Random(f"{seed}-{fi}-billing"),
        )
        if fac.units:
            sim = simulate(fac, zone, rng(4), start_local, days, WARMUP_DAYS, pick, ids.one)
            summary.hourly_occupancy[fac.facility_id] = sim.hourly_occupancy
            bar.update(1)
            _write_bed_master(ctx, sim)
            _write_adt(ctx, sim)
            _write_ed(ctx, sim)
            _write_notes(ctx, sim)
            claims += _hospital_claims(ctx, sim)
        else:
            bar.update(1)
        bar.update(1)
        if fac.departments:
            providers = []
            for di, (_, _, n_prov) in enumerate(fac.departments):
                for k in range(n_prov):
                    last = PROVIDER_LAST[(fi * 7 + di * 3 + k) % len(PROVIDER_LAST)]
                    providers.append(
                        (di, f"{fac.facility_id}P{di + 1:02d}{k + 1:02d}", f"Dr. {last}")
                    )
            appts = simulate_appointments(
                fac, zone, rng(5), start_local, days, pick, ids.many, pats.noshow_prone, providers
            )
            _write_appointments(ctx, appts, summary)
            claims += _office_claims(ctx, appts)
        bar.update(1)
        _write_patients(ctx)
        _write_billing(ctx, claims)
        bar.update(1)
    gt_path.write_text("".join(gt_lines), encoding="utf-8")
    summary.phi_spans = len(gt_lines)
    bar.close()
    summary.rows = dict(summary.rows)
    return summary


@dataclass
class _Ctx:
    fac: C.Facility
    zone: Zone
    start_local: int
    days: int
    pats: Patients
    texts: PhiWriter
    gt: list[str]
    ids: _Ids
    out: _Out
    rng: np.random.Generator
    mess: float
    first_seen: np.ndarray
    pr: random.Random

    def day_of(self, utc: np.ndarray) -> np.ndarray:
        """Extract-day index of UTC instants."""
        return (self.zone.to_local(utc) - self.start_local) // DAY

    def ymd(self, utc: int) -> tuple[int, int, int]:
        d = date(1970, 1, 1) + timedelta(days=self.zone.local1(int(utc)) // DAY)
        return d.year, d.month, d.day

    def seen(self, patients: np.ndarray, day: np.ndarray) -> None:
        """Record the first extract day each patient shows up in any feed (for the MPI)."""
        np.minimum.at(self.first_seen, patients, np.clip(day, 0, self.days - 1))

    def spans(self, feed: str, table: str, record_id: str, column: str, t: Text) -> None:
        head = (
            f'{{"feed": "{feed}", "table": "{table}", "record_id": "{record_id}", '
            f'"column": "{column}", '
        )
        for a, b, ent, txt in t.spans:
            self.gt.append(
                f'{head}"start": {a}, "end": {b}, "entity_type": "{ent}", '
                f'"text": {json.dumps(txt)}}}\n'
            )


# --------------------------------------------------------------------------------------------


def _write_bed_master(ctx: _Ctx, sim: HospitalSim) -> None:
    """Daily snapshot at midnight: occupied, closed (unstaffed), housekeeping, isolation."""
    beds, days = sim.beds, ctx.days
    nb = len(beds.bed_id)
    occ = np.zeros((days, nb), dtype=bool)
    start_utc = ctx.zone.from_local(ctx.start_local + np.arange(days) * DAY)
    for s in sim.stays:
        for b, a, e in s.segments:
            occ[:, b] |= (start_utc >= a) & (start_utc < e)
    warm = beds.closed.shape[0] - days
    closed = beds.closed[warm:] & ~occ
    r = ctx.rng.random((days, nb))
    status = np.where(
        occ,
        np.where(r < 0.04, "I", "O"),
        np.where(closed, "C", np.where(r < 0.05, "H", np.where(r < 0.055, "K", "U"))),
    )
    dates = fmt_date(ctx.start_local + np.arange(days) * DAY)
    df = pl.DataFrame(
        {
            "_day": np.repeat(np.arange(days), nb),
            "snapshot_date": np.repeat(dates, nb),
            "facility_id": ctx.fac.facility_id,
            "facility_name": ctx.fac.name,
            "unit_id": np.tile(beds.unit_id, days),
            "unit_name": np.tile(beds.unit_name, days),
            "unit_type": np.tile(beds.unit_type, days),
            "room_id": np.tile(beds.room_id, days),
            "bed_id": np.tile(beds.bed_id, days),
            "bed_status": status.ravel(),
            "is_staffed": np.where(closed.ravel(), "N", "Y"),
            "is_licensed": np.tile(np.where(beds.licensed, "Y", "N"), days),
        }
    )
    ctx.out.write_frame("bed_master", ctx.fac.facility_id, df, "_day", _cols("bed_master"))


def _cols(table: str) -> list[str]:
    from data_contracts.contract import load_contracts

    return load_contracts()[table].column_names


# --------------------------------------------------------------------------------------------

MSG_STRUCT = {
    "A01": "ADT_A01",
    "A02": "ADT_A02",
    "A03": "ADT_A03",
    "A04": "ADT_A01",
    "A06": "ADT_A06",
    "A07": "ADT_A06",
    "A08": "ADT_A01",
    "A11": "ADT_A09",
    "A12": "ADT_A12",
    "A13": "ADT_A01",
}


@dataclass
class _Ev:
    eff: int
    trig: str
    stay: Stay
    bed: int  # current location
    prior: int  # PV1-6 prior location (-1 none)
    pclass: str
    discharged: bool = False
    late: bool = False
    dup: bool = False


def _adt_events(ctx: _Ctx, sim: HospitalSim, ed_stays: list[Stay]) -> list[_Ev]:
    """Every ADT message of every encounter, including the realistic mess."""
    r, m = ctx.rng, ctx.mess
    ed = sim.ed
    evs: list[_Ev] = []
    for s in ed_stays + sim.stays:
        segs = s.segments
        if s.ed >= 0:
            bay = int(ed["bed"][s.ed])
            evs.append(_Ev(int(ed["arrival"][s.ed]), "A04", s, bay, -1, "E"))
            if s.patient_class != "E":
                evs.append(
                    _Ev(
                        int(ed["decision"][s.ed] + 20 * MINUTE),
                        "A06",
                        s,
                        bay,
                        -1,
                        "O" if s.service == "OBS" else "I",
                    )
                )
                evs.append(
                    _Ev(segs[0][1], "A02", s, segs[0][0], bay, "O" if s.service == "OBS" else "I")
                )
        elif s.patient_class != "E":
            if r.random() < m:  # admitted to the wrong bed, cancelled (A11), admitted again
                wrong = int(segs[0][0])
                evs.append(_Ev(segs[0][1] - 25 * MINUTE, "A01", s, wrong, -1, _cls(s, 0)))
                evs.append(_Ev(segs[0][1] - 10 * MINUTE, "A11", s, wrong, -1, _cls(s, 0)))
            evs.append(_Ev(segs[0][1], "A01", s, segs[0][0], -1, _cls(s, 0)))
        for k in range(1, len(segs)):
            if r.random() < m:  # transfer to the wrong bed, cancelled (A12)
                evs.append(
                    _Ev(segs[k][1] - 30 * MINUTE, "A02", s, segs[k][0], segs[k - 1][0], _cls(s, 1))
                )
                evs.append(
                    _Ev(segs[k][1] - 15 * MINUTE, "A12", s, segs[k - 1][0], segs[k][0], _cls(s, 1))
                )
            evs.append(_Ev(segs[k][1], "A02", s, segs[k][0], segs[k - 1][0], _cls(s, 1)))
        if s.class_change:
            b = next((bb for bb, a, e in segs if a <= s.class_change_at < e), segs[-1][0])
            evs.append(_Ev(s.class_change_at, s.class_change, s, b, -1, s.patient_class))
        if s.patient_class != "E" and r.random() < 0.35:
            evs.append(
                _Ev(
                    s.admit_at + int((s.discharge_at - s.admit_at) * 0.4),
                    "A08",
                    s,
                    segs[-1][0],
                    -1,
                    s.patient_class if not s.class_change else _cls(s, 0),
                )
            )
        last_bed = segs[-1][0] if segs else int(ed["bed"][s.ed])
        if s.patient_class != "E" and r.random() < m:  # discharged too early, cancelled (A13)
            early = s.discharge_at - int(r.integers(2, 6)) * HOUR
            if early > segs[-1][1]:
                evs.append(_Ev(early, "A03", s, last_bed, -1, s.patient_class, discharged=True))
                evs.append(_Ev(early + 40 * MINUTE, "A13", s, last_bed, -1, s.patient_class))
        evs.append(_Ev(s.discharge_at, "A03", s, last_bed, -1, s.patient_class, discharged=True))
    return evs


def _cls(s: Stay, seg: int) -> str:
    if s.class_change == "A06":
        return "O"
    if s.class_change == "A07":
        return "I"
    return s.patient_class


def _write_adt(ctx: _Ctx, sim: HospitalSim) -> None:
    r"""HL7 v2.5.1 ADT batch per extract day: `\r` between segments, `\n` between messages."""
    ed, r, fac = sim.ed, ctx.rng, ctx.fac
    # Treat-and-release ED visits are encounters too (A04 ... A03).
    ed_stays = []
    adm = set(s.ed for s in sim.stays if s.ed >= 0)
    dispo_code = {
        "discharged": "01",
        "lwbs": "07",
        "ama": "07",
        "transferred": "02",
        "expired": "20",
    }
    for i in range(len(ed["arrival"])):
        if i in adm:
            continue
        st = Stay(
            ctx.ids.one("visit"),
            ctx.ids.one("account"),
            int(ed["patient"][i]),
            "E",
            "EM",
            "7",
            "P1000^" + str(ed["provider_name"][i]).replace(", ", "^"),
            ed=i,
            admit_at=int(ed["arrival"][i]),
            discharge_at=int(ed["departure"][i]),
            disposition=dispo_code[str(ed["disposition"][i])],
        )
        ed_stays.append(st)
    sim.ed["stay"] = ed_stays
    evs = _adt_events(ctx, sim, ed_stays)
    end_utc = int(ctx.zone.from_local(np.array([ctx.start_local + ctx.days * DAY]))[0])
    start_utc = int(ctx.zone.from_local(np.array([ctx.start_local]))[0])
    keep_stays = {
        id(s) for s in ed_stays + sim.stays if max(s.discharge_at, s.admit_at) >= start_utc
    }
    evs = [e for e in evs if e.eff < end_utc and id(e.stay) in keep_stays]
    n = len(evs)
    eff = np.array([e.eff for e in evs], dtype=np.int64)
    # EVN-2 recorded: usually minutes after the event; ~5% entered hours late.
    delay = np.where(
        r.random(n) < 0.05, r.integers(30, 240, n) * MINUTE, r.integers(0, 6, n) * MINUTE
    )
    recorded = eff + delay
    sent = recorded + r.integers(1, 50, n)
    day = ctx.day_of(sent)
    late = (r.random(n) < ctx.mess) & (day >= 0) & (day < ctx.days - 1)
    nextday = ctx.zone.from_local(
        ctx.start_local + (day + 1) * DAY + r.integers(20, 300, n) * MINUTE
    )
    sent = np.where(late, nextday, sent)
    recorded = np.where(late, sent - r.integers(1, 10, n) * MINUTE, recorded)
    day = np.clip(
        ctx.day_of(sent), 0, None
    )  # backlog of stays already in house goes in the first file
    keep = day < ctx.days
    dup = r.random(n) < ctx.mess / 4
    order = np.lexsort((np.arange(n), sent))
    order = order[keep[order]]
    L = ctx.zone.to_local
    eff_s, rec_s, sent_s = fmt_hl7(L(eff)), fmt_hl7(L(recorded)), fmt_hl7(L(sent))
    beds = sim.beds
    per_day: dict[int, list[str]] = defaultdict(list)
    counts: dict[int, int] = defaultdict(int)
    pats = ctx.pats
    pl_ = pats.lists()
    fid = fac.facility_id
    ts = {}

    def t(x: int) -> str:
        if x not in ts:
            ts[x] = fmt_hl7(np.array([ctx.zone.local1(x)]))[0]
        return ts[x]

    for seq, i in enumerate(order.tolist()):
        e = evs[i]
        s = e.stay
        p = s.patient
        ctl = f"{fid}{seq + 1:09d}"
        loc = (
            f"{beds.unit_id[e.bed]}^{beds.room_id[e.bed]}^{beds.bed_id[e.bed]}^{fid}"
            if e.bed >= 0
            else f"ED^^^{fid}"
        )
        prior = (
            f"{beds.unit_id[e.prior]}^{beds.room_id[e.prior]}^{beds.bed_id[e.prior]}^{fid}"
            if e.prior >= 0
            else ""
        )
        disch = t(s.discharge_at) if e.discharged else ""
        dispo = s.disposition if e.discharged else ""
        admit = t(s.admit_at)
        pv2 = (
            f"PV2|||||||||{t(s.expected_at)}\r" if s.patient_class != "E" and s.expected_at else ""
        )
        dob = _dob(pl_["birth_days"][p])
        msg = (
            f"MSH|^~\\&|EPICADT|{fid}|OPSWH|{fid}|{sent_s[i]}||ADT^{e.trig}^{MSG_STRUCT[e.trig]}|{ctl}|P|2.5.1\r"
            f"EVN|{e.trig}|{rec_s[i]}||||{eff_s[i]}\r"
            f"PID|1||{pl_['mrn'][p]}^^^{fid}^MR||{pl_['last'][p]}^{pl_['first'][p]}||{dob}|{pl_['sex'][p]}|||"
            f"{pl_['street'][p]}^^{pl_['city'][p]}^{pl_['state'][p]}^{pl_['zip'][p]}||{_phone(pl_['phone'][p])}|||||"
            f"{s.account}|{pl_['ssn'][p]}\r"
            f"PV1|1|{e.pclass}|{loc}|||{prior}|{s.attending}|||{s.service}||||{s.admit_source}|||||{s.visit}"
            f"|||||||||||||||||{dispo}||||||||{admit}|{disch}\r"
            f"{pv2}"
        )
        d = int(day[i])
        per_day[d].append(msg)
        counts[d] += 1
        if dup[i]:  # the interface engine resent the same message (same MSH-10)
            per_day[d].append(msg)
            counts[d] += 1
    for d in range(ctx.days):
        ctx.out.write_text(
            "adt",
            fid,
            d,
            "\n".join(per_day.get(d, [])) + ("\n" if per_day.get(d) else ""),
            counts.get(d, 0),
        )
    for s in ed_stays + sim.stays:
        ctx.seen(np.array([s.patient]), ctx.day_of(np.array([max(s.admit_at, start_utc)])))


_DOB: dict[int, str] = {}


def _dob(days: int) -> str:
    """HL7/X12 date (YYYYMMDD) of a day number, memoised."""
    if days not in _DOB:
        _DOB[days] = (date(1970, 1, 1) + timedelta(days=days)).strftime("%Y%m%d")
    return _DOB[days]


def _phone(digits: str) -> str:
    return f"({digits[:3]}){digits[3:6]}-{digits[6:]}"


# --------------------------------------------------------------------------------------------


def _write_ed(ctx: _Ctx, sim: HospitalSim) -> None:
    """ED tracking rows: one on the arrival day, again on the departure day when it differs."""
    ed = sim.ed
    n = len(ed["arrival"])
    start_utc = int(ctx.zone.from_local(np.array([ctx.start_local]))[0])
    vis = np.flatnonzero(ed["departure"] >= start_utc)
    visit_of = {s.ed: s.visit for s in sim.stays if s.ed >= 0}
    ed_ids = ctx.ids.many("ed_visit", n)
    cc, mrn, vnum = [], [], []
    pats = ctx.pats
    for i in vis.tolist():
        p = int(ed["patient"][i])
        t = ctx.texts.chief_complaint(
            pats.person(p, "", ctx.start_local // DAY), ctx.ymd(int(ed["arrival"][i]))
        )
        cc.append(t.value())
        ctx.spans("ed_tracking", "ed_visits", str(ed_ids[i]), "chief_complaint", t)
        mrn.append(str(pats.mrn[p]))
        vnum.append(visit_of.get(i))
    L = ctx.zone.to_local
    end_utc = int(ctx.zone.from_local(np.array([ctx.start_local + ctx.days * DAY]))[0])
    lw = ed["lwbs"][vis]
    dep = ed["departure"][vis]
    departed = dep < end_utc
    adm = ed["admitted"][vis]
    base = {
        "ed_visit_id": ed_ids[vis],
        "visit_number": vnum,
        "mrn": mrn,
        "facility_id": ctx.fac.facility_id,
        "arrival_at": fmt_iso(L(ed["arrival"][vis])),
        "triage_at": fmt_iso(L(ed["triage"][vis])),
        "esi_level": ed["esi"][vis].astype(str),
        "roomed_at": _s(fmt_iso(L(ed["roomed"][vis])), ~lw),
        "first_provider_at": _s(fmt_iso(L(ed["provider"][vis])), ~lw),
        "decision_to_admit_at": _s(fmt_iso(L(ed["decision"][vis])), adm),
        "departure_at": _s(fmt_iso(L(dep)), departed),
        "disposition": ed["disposition"][vis],
        "arrival_mode": ed["arrival_mode"][vis],
        "chief_complaint": cc,
        "provider_name": _s(ed["provider_name"][vis], ~lw),
    }
    df = pl.DataFrame(base, schema={k: pl.Utf8 for k in base})
    arr_day = np.clip(ctx.day_of(ed["arrival"][vis]), 0, None)
    dep_day = ctx.day_of(dep)
    first = df.with_columns(pl.Series("_day", arr_day))
    # On the arrival-day row, anything after the extract is not known yet.
    cut = ctx.zone.from_local(ctx.start_local + (arr_day + 1) * DAY)
    later = dep >= cut
    first = first.with_columns(
        pl.when(pl.Series(later))
        .then(None)
        .otherwise(pl.col("departure_at"))
        .alias("departure_at"),
        pl.when(pl.Series(later & adm))
        .then(pl.lit("admitted"))
        .otherwise(pl.col("disposition"))
        .alias("disposition"),
    )
    second = df.filter(pl.Series(later & departed & (dep_day < ctx.days))).with_columns(
        pl.Series("_day", dep_day[later & departed & (dep_day < ctx.days)])
    )
    allrows = pl.concat([first, second]).filter(pl.col("_day") < ctx.days)
    ctx.out.write_frame("ed_tracking", ctx.fac.facility_id, allrows, "_day", _cols("ed_visits"))
    ctx.seen(ed["patient"][vis], arr_day)
    sim.ed["ed_visit_id"] = ed_ids


# --------------------------------------------------------------------------------------------


def _write_notes(ctx: _Ctx, sim: HospitalSim) -> None:
    """Progress (and some nursing) notes per inpatient day, discharge summaries, ED notes."""
    r = ctx.rng
    start_utc = int(ctx.zone.from_local(np.array([ctx.start_local]))[0])
    end_utc = int(ctx.zone.from_local(np.array([ctx.start_local + ctx.days * DAY]))[0])
    rows: list[tuple] = []
    pats = ctx.pats
    for s in sim.stays + sim.ed.get("stay", []):
        times: list[tuple[int, str]] = []
        if s.patient_class == "E":
            if str(sim.ed["disposition"][s.ed]) != "lwbs":
                times.append((s.discharge_at - int(r.integers(5, 40)) * MINUTE, "ed_note"))
        else:
            t = s.admit_at + 8 * HOUR
            while t < min(s.discharge_at, end_utc):
                times.append((t, "progress"))
                if r.random() < 0.25:
                    times.append((t + 3 * HOUR, "nursing"))
                t += DAY
            times.append((s.discharge_at + int(r.integers(10, 180)) * MINUTE, "discharge_summary"))
        for t, kind in times:
            if not (start_utc <= t < end_utc):
                continue
            note_id = "N" + ctx.ids.one("note").zfill(9)
            p = s.patient
            txt = ctx.texts.note(
                pats.person(p, s.account, ctx.start_local // DAY),
                ctx.ymd(s.admit_at),
                kind,
                s.service,
            )
            ctx.spans("notes", "notes", note_id, "note_text", txt)
            rows.append((note_id, s.visit, str(pats.mrn[p]), kind, t, txt.value()))
    if not rows:
        return
    wt = np.array([x[4] for x in rows], dtype=np.int64)
    df = pl.DataFrame(
        {
            "note_id": [x[0] for x in rows],
            "visit_number": [x[1] for x in rows],
            "mrn": [x[2] for x in rows],
            "facility_id": ctx.fac.facility_id,
            "note_type": [x[3] for x in rows],
            "written_at": fmt_iso(ctx.zone.to_local(wt)),
            "note_text": [x[5] for x in rows],
            "_day": ctx.day_of(wt),
        }
    )
    ctx.out.write_frame("notes", ctx.fac.facility_id, df, "_day", _cols("notes"))


# --------------------------------------------------------------------------------------------

SIU_STATUS = {
    "S12": "Booked",
    "S13": "Booked",
    "S14": "Complete",
    "S15": "Cancelled",
    "S17": "Deleted",
    "S26": "Noshow",
}


def _write_appointments(ctx: _Ctx, a: Appointments, summary: GenerationSummary) -> None:
    """Nightly extract rows (latest status per appointment per day) and the SIU message stream."""
    from pipelines.synthetic.clinic import lead_band

    n = len(a.appointment_id)
    start_utc = int(ctx.zone.from_local(np.array([ctx.start_local]))[0])
    end_utc = int(ctx.zone.from_local(np.array([ctx.start_local + ctx.days * DAY]))[0])
    idx = np.arange(n)
    # Events (appointment, time, status): 0 scheduled 1 arrived 2 completed 3 no_show 4 cancelled
    ev_a, ev_t, ev_s = [idx], [a.booked], [np.zeros(n, np.int64)]
    rs = a.resched_at >= 0
    ev_a.append(idx[rs])
    ev_t.append(a.resched_at[rs])
    ev_s.append(np.zeros(rs.sum(), np.int64))
    c = a.outcome == "cancelled"
    ev_a.append(idx[c])
    ev_t.append(a.cancel_at[c])
    ev_s.append(np.full(c.sum(), 4))
    comp = a.outcome == "completed"
    ev_a.append(idx[comp])
    ev_t.append(a.checkin_at[comp])
    ev_s.append(np.full(comp.sum(), 1))
    fin = comp & ~a.late_close
    ev_a.append(idx[fin])
    ev_t.append(a.done_at[fin])
    ev_s.append(np.full(fin.sum(), 2))
    lc = comp & a.late_close
    nxt = ctx.zone.from_local((ctx.zone.to_local(a.slot[lc]) // DAY + 1) * DAY + 9 * HOUR)
    ev_a.append(idx[lc])
    ev_t.append(nxt)
    ev_s.append(np.full(lc.sum(), 2))
    ns = a.outcome == "no_show"
    ev_a.append(idx[ns])
    ev_t.append(a.done_at[ns])
    ev_s.append(np.full(ns.sum(), 3))
    ea, et, es = np.concatenate(ev_a), np.concatenate(ev_t), np.concatenate(ev_s)
    eday = np.clip(ctx.day_of(et), 0, None)
    ok = et < end_utc
    ea, et, es, eday = ea[ok], et[ok], es[ok], eday[ok]
    order = np.lexsort((et, eday, ea))
    ea, et, es, eday = ea[order], et[order], es[order], eday[order]
    last = np.ones(len(ea), dtype=bool)
    last[:-1] = (ea[1:] != ea[:-1]) | (eday[1:] != eday[:-1])
    ea, et, es, eday = ea[last], et[last], es[last], eday[last]
    # Cancel comments with planted PHI (one per cancelled appointment, written once).
    comments = np.full(n, None, dtype=object)
    pats = ctx.pats
    for i in np.flatnonzero(c).tolist():
        if a.cancel_at[i] >= end_utc or ctx.rng.random() < 0.25:
            continue
        t = ctx.texts.cancel_comment(
            pats.person(int(a.patient[i]), str(a.account[i]), ctx.start_local // DAY),
            ctx.ymd(int(a.slot[i])),
            str(a.cancel_reason[i]),
        )
        comments[i] = t.value()
        ctx.spans("appointments", "appointments", str(a.appointment_id[i]), "comment", t)
    L = ctx.zone.to_local
    slot_now = np.where(
        (a.resched_at[ea] >= 0) & (et < a.resched_at[ea]), a.slot_orig[ea], a.slot[ea]
    )
    status_names = np.array(["scheduled", "arrived", "completed", "no_show", "cancelled"])
    is_c = es == 4
    has_ci = (es == 1) | (es == 2)
    dept = np.array([d[0] for d in ctx.fac.departments])[a.department[ea]]
    dname = np.array([d[1] for d in ctx.fac.departments])[a.department[ea]]
    df = pl.DataFrame(
        {
            "appointment_id": a.appointment_id[ea],
            "mrn": pats.mrn[a.patient[ea]],
            "facility_id": ctx.fac.facility_id,
            "department_id": dept,
            "department_name": dname,
            "provider_id": a.provider[ea],
            "provider_name": a.provider_name[ea],
            "visit_type": a.visit_type[ea],
            "is_new_patient": np.where(a.is_new[ea], "Y", "N"),
            "booked_at": fmt_iso(L(a.booked[ea])),
            "slot_start_at": fmt_iso(L(slot_now)),
            "slot_end_at": fmt_iso(L(slot_now + a.duration_min[ea] * MINUTE)),
            "status": status_names[es],
            "status_changed_at": fmt_iso(L(et)),
            "cancelled_at": _s(fmt_iso(L(a.cancel_at[ea])), is_c),
            "cancel_reason": _s(a.cancel_reason[ea], is_c),
            "cancel_initiator": _s(a.cancel_initiator[ea], is_c),
            "checked_in_at": _s(fmt_iso(L(a.checkin_at[ea])), has_ci),
            "comment": [
                comments[i] if s else None for i, s in zip(ea.tolist(), is_c.tolist(), strict=True)
            ],
            "_day": eday,
        },
        schema_overrides={
            "comment": pl.Utf8,
            "cancelled_at": pl.Utf8,
            "cancel_reason": pl.Utf8,
            "cancel_initiator": pl.Utf8,
            "checked_in_at": pl.Utf8,
        },
    )
    ctx.out.write_frame("appointments", ctx.fac.facility_id, df, "_day", _cols("appointments"))
    ctx.seen(a.patient[ea], eday)
    # No-show statistics by lead-time band over appointments whose slot is inside the window.
    inwin = (a.slot >= start_utc) & (a.slot < end_utc) & (a.outcome != "cancelled")
    band = lead_band(a.lead_days)
    for b in range(5):
        m = inwin & (band == b)
        prev = summary.noshow_by_band.get(b, (0, 0))
        summary.noshow_by_band[b] = (prev[0] + int((m & ns).sum()), prev[1] + int(m.sum()))
    _write_siu(ctx, a, start_utc, end_utc)


def _write_siu(ctx: _Ctx, a: Appointments, start_utc: int, end_utc: int) -> None:
    """SIU: S12 book, S13 reschedule, S14 completion, S15 cancel, S17 delete, S26 no-show."""
    n = len(a.appointment_id)
    idx = np.arange(n)
    parts = [
        (idx, a.booked, "S12"),
        (idx[a.resched_at >= 0], a.resched_at[a.resched_at >= 0], "S13"),
    ]
    c = a.outcome == "cancelled"
    parts.append((idx[c & ~a.deleted], a.cancel_at[c & ~a.deleted], "S15"))
    parts.append((idx[a.deleted], a.cancel_at[a.deleted], "S17"))
    comp = a.outcome == "completed"
    parts.append((idx[comp], a.done_at[comp], "S14"))
    ns = a.outcome == "no_show"
    parts.append((idx[ns], a.done_at[ns], "S26"))
    ea = np.concatenate([p[0] for p in parts])
    et = np.concatenate([p[1] for p in parts])
    trig = np.concatenate([np.full(len(p[0]), p[2]) for p in parts])
    sent = et + ctx.rng.integers(1, 90, len(et))
    ok = (sent >= start_utc) & (sent < end_utc)
    ea, et, trig, sent = ea[ok], et[ok], trig[ok], sent[ok]
    order = np.lexsort((ea, sent))
    ea, et, trig, sent = ea[order], et[order], trig[order], sent[order]
    L = ctx.zone.to_local
    sent_s = fmt_hl7(L(sent))
    slot_now = np.where(
        (a.resched_at[ea] >= 0) & (et < a.resched_at[ea]), a.slot_orig[ea], a.slot[ea]
    )
    slot_s = fmt_hl7(L(slot_now))
    slot_e = fmt_hl7(L(slot_now + a.duration_min[ea] * MINUTE))
    day = ctx.day_of(sent)
    fid = ctx.fac.facility_id
    pats = ctx.pats
    per_day: dict[int, list[str]] = defaultdict(list)
    pl_ = pats.lists()
    appt_id, acct, vtype = a.appointment_id.tolist(), a.account.tolist(), a.visit_type.tolist()
    durs, depts, provs = a.duration_min.tolist(), a.department.tolist(), a.provider.tolist()
    pnames, cres, patient = a.provider_name.tolist(), a.cancel_reason.tolist(), a.patient.tolist()
    trig_l, slot_l, day_l = trig.tolist(), slot_now.tolist(), day.tolist()
    dept_ids = [d[0] for d in ctx.fac.departments]
    ref = ctx.start_local // DAY
    for k, i in enumerate(ea.tolist()):
        p = patient[i]
        tr = trig_l[k]
        ctl = f"{fid}S{k + 1:09d}"
        reason_code = {"S15": cres[i], "S17": "ERROR", "S26": "NOSHOW", "S13": "RESCHED"}.get(
            tr, "NEW"
        )
        if tr in ("S12", "S13", "S15"):  # arrivals, completions and no-shows carry no event reason
            txt = ctx.texts.siu_reason(pats.person(p, acct[i], ref), ctx.ymd(slot_l[k]), vtype[i])
            ctx.spans("siu", "siu_events", ctl, "reason_text", txt)
            reason = f"{reason_code}^{txt.value()}"
        else:
            reason = reason_code
        dur = durs[i]
        msg = (
            f"MSH|^~\\&|EPICCADENCE|{fid}|OPSWH|{fid}|{sent_s[k]}||SIU^{tr}^SIU_S12|{ctl}|P|2.5.1\r"
            f"SCH|{appt_id[i]}^{fid}|{appt_id[i]}^{fid}||||{reason}|"
            f"{vtype[i]}||{dur}|MIN|^^{dur}^{slot_s[k]}^{slot_e[k]}||||||||||||||{SIU_STATUS[tr]}\r"
            f"PID|1||{pl_['mrn'][p]}^^^{fid}^MR||{pl_['last'][p]}^{pl_['first'][p]}||"
            f"{_dob(pl_['birth_days'][p])}|{pl_['sex'][p]}\r"
            f"RGS|1\r"
            f"AIS|1||{vtype[i]}|{slot_s[k]}|||{dur}|MIN\r"
            f"AIL|1||{dept_ids[depts[i]]}^^^{fid}\r"
            f"AIP|1||{provs[i]}^{pnames[i].replace('Dr. ', '')}\r"
        )
        per_day[day_l[k]].append(msg)
    for d in range(ctx.days):
        msgs = per_day.get(d, [])
        ctx.out.write_text("siu", fid, d, "\n".join(msgs) + ("\n" if msgs else ""), len(msgs))


# --------------------------------------------------------------------------------------------


def _write_patients(ctx: _Ctx) -> None:
    """MPI extract: each patient on the first extract day they appear in any feed."""
    p = ctx.pats
    seen = np.flatnonzero(ctx.first_seen < ctx.days)
    if len(seen) == 0:
        return
    df = pl.DataFrame(
        {
            "mrn": p.mrn[seen],
            "first_name": p.first[seen],
            "last_name": p.last[seen],
            "birth_date": np.datetime_as_string(p.birth_days[seen].astype("datetime64[D]")),
            "sex": p.sex[seen],
            "address_line": p.street[seen],
            "city": p.city[seen],
            "state": p.state[seen],
            "zip": p.zip[seen],
            "phone": [_phone(x) for x in p.phone[seen].tolist()],
            "email": p.email[seen],
            "ssn": p.ssn[seen],
            "member_id": p.member_id[seen],
            "payer_id": np.array([x[0] for x in C.PAYERS])[p.payer[seen]],
            "_day": ctx.first_seen[seen],
        }
    )
    ctx.out.write_frame("patients", ctx.fac.facility_id, df, "_day", _cols("patients"))


# --------------------------------------------------------------------------------------------


def _hospital_claims(ctx: _Ctx, sim: HospitalSim) -> list[Claim]:
    r = ctx.pr
    out = []
    for s in sim.stays:
        submit = s.discharge_at + r.randrange(2, 9) * DAY + r.randrange(8, 17) * HOUR
        seg_days = [
            (ctx.zone.local1(a) // DAY * DAY, ctx.zone.local1(b) // DAY * DAY)
            for _, a, b in s.segments
        ]
        uts = [sim.beds.unit_type[b] for b, _, _ in s.segments]
        out.append(
            inpatient_claim(
                r,
                s.account,
                s.patient,
                int(ctx.pats.payer[s.patient]),
                uts,
                seg_days,
                s.patient_class == "O",
                submit,
            )
        )
    ed = sim.ed
    for s in ed.get("stay", []):
        if str(ed["disposition"][s.ed]) == "lwbs":
            continue
        submit = s.discharge_at + r.randrange(1, 5) * DAY + r.randrange(8, 17) * HOUR
        day = ctx.zone.local1(s.admit_at) // DAY * DAY
        out.append(
            ed_claim(
                r,
                s.account,
                s.patient,
                int(ctx.pats.payer[s.patient]),
                int(ed["esi"][s.ed]),
                day,
                submit,
            )
        )
    return out


def _office_claims(ctx: _Ctx, a: Appointments) -> list[Claim]:
    r = ctx.pr
    out = []
    for i in np.flatnonzero(a.outcome == "completed").tolist():
        submit = int(a.done_at[i]) + r.randrange(1, 4) * DAY
        day = ctx.zone.local1(int(a.slot[i])) // DAY * DAY
        p = int(a.patient[i])
        out.append(
            office_claim(
                r, str(a.account[i]), p, int(ctx.pats.payer[p]), str(a.visit_type[i]), day, submit
            )
        )
    return out


def _isa(sender: str, receiver: str, yymmdd: str, hhmm: str, icn: str) -> str:
    # Fixed-width ISA: 106 characters including the segment terminator.
    return (
        f"ISA*00*{'':10}*00*{'':10}*ZZ*{sender:<15}*ZZ*{receiver:<15}*{yymmdd}*{hhmm}"
        f"*^*00501*{icn}*0*P*:~\n"
    )


def _write_billing(ctx: _Ctx, claims: list[Claim]) -> None:
    """837 files per submission day, 835 files per payment day, A/R aging snapshots."""
    r = ctx.pr
    fid, fac = ctx.fac.facility_id, ctx.fac
    icn_counter = iter(range(1, 10**9))

    def next_icn() -> str:
        return f"{fid[:3]}{next(icn_counter):09d}"

    remits: list[Remit] = []
    for cl in claims:
        sub_local = ctx.zone.local1(cl.submit)
        remits += adjudicate(r, cl, sub_local, next_icn)
    # ---- 837: one file per submission day, a GS per claim type.
    subs = defaultdict(list)
    for cl in claims:
        for t, freq, _ in cl.events:
            d = (ctx.zone.local1(t) - ctx.start_local) // DAY
            if 0 <= d < ctx.days:
                subs[d].append((t, cl, freq))
    lines_written = 0
    for d in range(ctx.days):
        items = sorted(subs.get(d, []), key=lambda x: (x[0], x[1].account, x[2]))
        if not items:
            continue
        icn = f"{(ctx.start_local // DAY + d) % 10**5:05d}{hash_fac(fid):04d}"
        when = date(1970, 1, 1) + timedelta(days=ctx.start_local // DAY + d)
        yymmdd, ccyymmdd = when.strftime("%y%m%d"), when.strftime("%Y%m%d")
        groups = []
        for gi, kind in enumerate(("I", "P")):
            sel = [x for x in items if x[1].kind == kind]
            if not sel:
                continue
            version = "005010X223A2" if kind == "I" else "005010X222A1"
            seg = [
                f"ST*837*0001*{version}",
                f"BHT*0019*00*{fid}{ccyymmdd}{kind}*{ccyymmdd}*{fmt_hm(sel[0][0], ctx)}*CH",
                f"NM1*41*2*{fac.name.upper()}*****46*{fid}",
                "PER*IC*BILLING OFFICE*TE*6175550100",
                "NM1*40*2*OPS CLEARINGHOUSE*****46*CLEARHOUSE01",
                "HL*1**20*1",
                f"NM1*85*2*{fac.name.upper()}*****XX*{fac.npi}",
                "N3*1 HOSPITAL DRIVE",
                "N4*SPRINGFIELD*MA*011031234",
                f"REF*EI*04{fac.npi[:7]}",
                # The facility code the warehouse keys on (claims contract: 2010AA REF*G2).
                f"REF*G2*{fid}",
            ]
            hl = 1
            for _, cl, freq in sel:
                hl += 1
                p = cl.patient
                pid, pname, fil, _, _ = C.PAYERS[cl.payer]
                c = ctx.pats.lists()
                seg += [
                    f"HL*{hl}*1*22*0",
                    f"SBR*P*18*******{fil}",
                    f"NM1*IL*1*{c['last'][p].upper()}*{c['first'][p].upper()}****MI*{c['member_id'][p]}",
                    f"N3*{c['street'][p].upper()}",
                    f"N4*{c['city'][p].upper()}*{c['state'][p]}*{c['zip'][p]}",
                    f"DMG*D8*{_dob(c['birth_days'][p])}*{c['sex'][p]}",
                    f"NM1*PR*2*{pname}*****PI*{pid}",
                ]
                qual = "A" if kind == "I" else "B"
                if kind == "I":
                    seg.append(
                        f"CLM*{cl.account}*{cl.total:.2f}***{cl.fac_type}:{qual}:{freq}**A*Y*Y"
                    )
                    seg.append(f"DTP*434*RD8*{_d8(cl.from_local)}-{_d8(cl.to_local)}")
                    seg.append("CL1*1*7*01")
                    seg.append(f"HI*ABK:{cl.dx}")
                else:
                    seg.append(
                        f"CLM*{cl.account}*{cl.total:.2f}***{cl.fac_type}:{qual}:{freq}*Y*A*Y*Y"
                    )
                    seg.append(f"HI*ABK:{cl.dx}")
                for k, (rev, cpt, amt, units, dd) in enumerate(cl.lines, 1):
                    seg.append(f"LX*{k}")
                    if kind == "I":
                        proc = f"HC:{cpt}" if cpt else ""
                        seg.append(f"SV2*{rev}*{proc}*{amt:.2f}*UN*{units:g}")
                    else:
                        seg.append(f"SV1*HC:{cpt}*{amt:.2f}*UN*{units:g}***1")
                    seg.append(f"DTP*472*D8*{_d8(dd)}")
                    lines_written += 1
            seg.append(f"SE*{len(seg) + 1}*0001")
            gcn = f"{d + 1}{gi + 1}"
            groups.append(
                f"GS*HC*{fid}*CLEARHOUSE01*{ccyymmdd}*1200*{gcn}*X*{version}~\n"
                + "".join(s + "~\n" for s in seg)
                + f"GE*1*{gcn}~\n"
            )
        text = (
            _isa(fid, "CLEARHOUSE01", yymmdd, "1200", icn)
            + "".join(groups)
            + f"IEA*{len(groups)}*{icn}~\n"
        )
        ctx.out.write_text("claims_837", fid, d, text, len(items))
    ctx.out.summary.rows["claim_lines"] += lines_written
    _write_835(ctx, remits)
    _write_ar(ctx, claims, remits)


CLP06 = {"MA": "MA", "MC": "MC"}
# Payer identifiers (BPR10, TRN03): "1" + a 9-digit tax id, as the 835 guide requires.
PAYER_TIN = {
    pid: f"1{(sum((i + 7) * ord(ch) for i, ch in enumerate(pid)) * 7919) % 10**9:09d}"
    for pid in [p[0] for p in C.PAYERS] + ["MSUP1"]
}


def hash_fac(fid: str) -> int:
    """A stable 4-digit number for a facility id (no Python hash randomisation)."""
    return sum((i + 1) * ord(ch) for i, ch in enumerate(fid)) % 10_000


def fmt_hm(utc: int, ctx: _Ctx) -> str:
    """HHMM local time of a UTC instant."""
    local = ctx.zone.local1(utc) % DAY
    return f"{local // HOUR:02d}{local % HOUR // MINUTE:02d}"


def _d8(local: int) -> str:
    return _dob(int(local // DAY))


def _write_835(ctx: _Ctx, remits: list[Remit]) -> None:
    fid, fac = ctx.fac.facility_id, ctx.fac
    by_day = defaultdict(list)
    for rm in remits:
        d = int((rm.pay_day - ctx.start_local) // DAY)
        while (rm.pay_day // DAY + 3) % 7 >= 5:  # payers pay on business days
            rm.pay_day += DAY
            d += 1
        if 0 <= d < ctx.days:
            by_day[d].append(rm)
    payer_names = {p[0]: p[1] for p in C.PAYERS} | {"MSUP1": "MEDICARE SUPPLEMENT PLAN"}
    for d in range(ctx.days):
        items = by_day.get(d)
        if not items:
            continue
        when = date(1970, 1, 1) + timedelta(days=ctx.start_local // DAY + d)
        yymmdd, ccyymmdd = when.strftime("%y%m%d"), when.strftime("%Y%m%d")
        icn = f"{(ctx.start_local // DAY + d) % 10**5:05d}{(hash_fac(fid) + 5000) % 10**4:04d}"
        sts = []
        payers = sorted({rm.payer for rm in items})
        for si, pid in enumerate(payers, 1):
            sel = sorted(
                (rm for rm in items if rm.payer == pid), key=lambda x: (x.claim.account, x.status)
            )
            seg = []
            total_paid = 0.0
            body = []
            for rm in sel:
                cl = rm.claim
                p = cl.patient
                c = ctx.pats.lists()
                # CLP06 uses the 835 code list (commercial PPO = 12), not the 837 SBR09 one.
                fil = CLP06.get(C.PAYERS[cl.payer][2], "12") if rm.payer != "MSUP1" else "MB"
                body.append(
                    f"CLP*{cl.account}*{rm.status}*{rm.charge:.2f}*{rm.paid:.2f}*"
                    f"{rm.pr:.2f}*{fil}*{rm.icn}*{cl.fac_type}*{rm.freq}"
                )
                for grp, carc, amt in rm.claim_cas:
                    body.append(f"CAS*{grp}*{carc}*{amt:.2f}")
                body.append(
                    f"NM1*QC*1*{c['last'][p].upper()}*{c['first'][p].upper()}****MI*{c['member_id'][p]}"
                )
                body.append(f"DTM*232*{_d8(cl.from_local)}")
                body.append(f"DTM*233*{_d8(cl.to_local)}")
                for li, paid, cas in rm.line_pay:
                    rev, cpt, amt, units, dd = cl.lines[li]
                    code = f"NU:{rev}" if cl.kind == "I" and not cpt else f"HC:{cpt}"
                    body.append(f"SVC*{code}*{amt:.2f}*{paid:.2f}**{units:g}")
                    body.append(f"DTM*472*{_d8(dd)}")
                    for grp, carc, a in cas:
                        body.append(f"CAS*{grp}*{carc}*{a:.2f}")
                total_paid += rm.paid
            plb = ""
            if (
                ctx.pr.random() < 0.15 and sel
            ):  # interest paid (L6) or a prior overpayment recouped (WO)
                code, amt = (
                    ("L6", -round(ctx.pr.uniform(1, 40), 2))
                    if ctx.pr.random() < 0.6
                    else ("WO", round(ctx.pr.uniform(20, 400), 2))
                )
                plb = f"PLB*{fac.npi}*{when.year}1231*{code}:{sel[0].claim.account}*{amt:.2f}"
                total_paid -= amt
            total_paid = round(total_paid, 2)
            method = "ACH" if total_paid > 0 else "NON"
            bpr_kind = "I" if total_paid > 0 else "H"
            check = f"{pid[:2]}{ccyymmdd}{si:03d}"
            seg = [
                f"ST*835*{si:04d}",
                f"BPR*{bpr_kind}*{max(total_paid, 0):.2f}*C*{method}*CCP*01*011000015*DA*123456789"
                f"*{PAYER_TIN[pid]}**01*"
                f"021000021*DA*987654321*{ccyymmdd}",
                f"TRN*1*{check}*{PAYER_TIN[pid]}",
                f"DTM*405*{ccyymmdd}",
                f"N1*PR*{payer_names[pid]}",
                "N3*PO BOX 1000",
                "N4*HARTFORD*CT*06103",
                f"REF*2U*{pid}",
                "PER*BL*EDI SUPPORT*TE*8005550100",
                f"N1*PE*{fac.name.upper()}*XX*{fac.npi}",
                f"REF*PQ*{fid}",  # payee identification = facility code
                "LX*1",
                *body,
            ]
            if plb:
                seg.append(plb)
            seg.append(f"SE*{len(seg) + 1}*{si:04d}")
            sts.append("".join(s + "~\n" for s in seg))
        gcn = f"{d + 1}"
        text = (
            _isa("PAYERCLEAR", fid, yymmdd, "0600", icn)
            + f"GS*HP*PAYERCLEAR*{fid}*{ccyymmdd}*0600*{gcn}*X*005010X221A1~\n"
            + "".join(sts)
            + f"GE*{len(sts)}*{gcn}~\nIEA*1*{icn}~\n"
        )
        ctx.out.write_text("remits_835", fid, d, text, len(items))


def _write_ar(ctx: _Ctx, claims: list[Claim], remits: list[Remit]) -> None:
    """Weekly (Monday) and last-day A/R aging snapshots of accounts with an open balance."""
    if (
        ctx.fac.units
    ):  # a hospital's A/R report lists hospital accounts; professional A/R is a separate system
        claims = [c for c in claims if c.kind == "I"]
    if not claims:
        return
    n = len(claims)
    disch = np.array([c.to_local for c in claims], dtype=np.int64)
    submit = ctx.zone.to_local(np.array([c.submit for c in claims], dtype=np.int64))
    total = np.array([c.total for c in claims])
    # Payment and patient-payment times per account from the first decisive remit.
    first_pay = np.full(n, 10**12, dtype=np.int64)
    paid = np.zeros(n)
    pr = np.zeros(n)
    idx = {id(c): i for i, c in enumerate(claims)}
    for rm in remits:
        i = idx.get(id(rm.claim))
        if i is None:  # a professional claim, not on the hospital A/R report
            continue
        if rm.status in ("1",) and rm.pay_day < first_pay[i]:
            first_pay[i], paid[i], pr[i] = rm.pay_day, rm.paid, rm.pr
    pt_pay = first_pay + ctx.rng.integers(20, 120, n) * DAY
    payer = np.array([C.PAYERS[c.payer][0] for c in claims])
    acct = np.array([c.account for c in claims])
    frames = []
    snaps = [d for d in range(ctx.days) if ((ctx.start_local // DAY + d) + 3) % 7 == 0] + [
        ctx.days - 1
    ]
    for d in sorted(set(snaps)):
        snap = ctx.start_local + (d + 1) * DAY  # end of the snapshot day
        bal = np.where(snap < first_pay, total, np.where(snap < pt_pay, pr, 0.0))
        m = (disch < snap) & (bal > 0)
        if not m.any():
            continue
        frames.append(
            pl.DataFrame(
                {
                    "snapshot_date": fmt_date(np.full(int(m.sum()), snap - DAY)),
                    "account_number": acct[m],
                    "facility_id": ctx.fac.facility_id,
                    "payer_id": payer[m],
                    "discharge_date": fmt_date(disch[m]),
                    "is_final_billed": np.where(submit[m] < snap, "Y", "N"),
                    "total_charge_amount": [f"{x:.2f}" for x in total[m].tolist()],
                    "balance_amount": [f"{x:.2f}" for x in bal[m].tolist()],
                    "_day": np.full(int(m.sum()), d),
                }
            )
        )
    if frames:
        ctx.out.write_frame(
            "ar_aging", ctx.fac.facility_id, pl.concat(frames), "_day", _cols("ar_aging")
        )
