"""Emergency department and inpatient flow of one hospital, simulated on UTC seconds.

ED arrivals are vectorised (Poisson per day, hour-of-day and weekday profiles). Inpatient bed
assignment is one pass over bed requests in time order (ED admissions, direct and elective
admissions, ICU step-down transfers): a patient takes the lowest-numbered free staffed bed of the
unit type, or waits for the first one to free up. Waiting in the ED is boarding, so crowding shows
up where it does in real data.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

import numpy as np

from pipelines.synthetic import config as C
from pipelines.synthetic.timeutil import DAY, HOUR, MINUTE, Zone


@dataclass
class Beds:
    """Every bed of a facility (inpatient beds first, then ED bays and hallway spaces)."""

    unit_id: list[str]
    unit_name: list[str]
    unit_type: list[str]
    room_id: list[str]
    bed_id: list[str]
    licensed: np.ndarray
    closed: np.ndarray  # (days, beds) bool: bed closed (unstaffed) on that day
    n_inpatient: int


@dataclass
class Stay:
    """One encounter with ADT movements (ED visit, inpatient or observation stay)."""

    visit: str
    account: str
    patient: int
    patient_class: str  # class at the end (I, O); ED-only visits are E
    service: str
    admit_source: str
    attending: str
    ed: int = -1  # ED visit index when the stay came through the ED
    admit_at: int = 0  # UTC seconds
    discharge_at: int = 0
    expected_at: int = 0
    disposition: str = "01"
    class_change: str = ""  # "A06" (O to I) or "A07" (I to O) after admission, if any
    class_change_at: int = 0
    segments: list[tuple[int, int, int]] = field(default_factory=list)  # (bed index, start, end)


@dataclass
class HospitalSim:
    """Simulation output for one facility."""

    beds: Beds
    ed: dict[str, np.ndarray]
    stays: list[Stay]
    hourly_occupancy: np.ndarray  # inpatient occupied / staffed per hour of the window


def _weights(w: tuple[float, ...]) -> np.ndarray:
    a = np.asarray(w, dtype=float)
    return a / a.sum()


def build_beds(fac: C.Facility, rng: np.random.Generator, n_days: int) -> Beds:
    """Bed master rows (two beds a room on wards, single ICU rooms) and daily closures."""
    unit_id, unit_name, unit_type, room_id, bed_id, lic = [], [], [], [], [], []
    for u in fac.units:
        per_room = 1 if u.unit_type in ("ICU", "LD") else 2
        for b in range(u.beds):
            room = f"{u.unit_id}-{b // per_room + 1:02d}"
            unit_id.append(u.unit_id)
            unit_name.append(u.name)
            unit_type.append(u.unit_type)
            room_id.append(room)
            bed_id.append(room + ("ABCD"[b % per_room] if per_room > 1 else ""))
            lic.append(True)
    n_inp = len(bed_id)
    if fac.ed_bays:
        hall = max(2, fac.ed_bays // 4)
        for b in range(fac.ed_bays + hall):
            is_hall = b >= fac.ed_bays
            room = f"ED-{'H' if is_hall else ''}{(b - fac.ed_bays if is_hall else b) + 1:02d}"
            unit_id.append("ED")
            unit_name.append("Emergency Department")
            unit_type.append("ED")
            room_id.append(room)
            bed_id.append(room)
            lic.append(not is_hall)  # hallway spaces are not licensed beds
    n = len(bed_id)
    # Staffing closes a few beds at the end of each ward, more at weekends.
    closed = np.zeros((n_days, n), dtype=bool)
    start = 0
    for u in fac.units:
        for d in range(n_days):
            p = 0.05 if d % 7 in (5, 6) else 0.025
            k = int(rng.binomial(u.beds, p))
            if k:
                closed[d, start + u.beds - k : start + u.beds] = True
        start += u.beds
    return Beds(unit_id, unit_name, unit_type, room_id, bed_id, np.array(lic), closed, n_inp)


def _lognormal_days(rng: np.random.Generator, unit_type: str, n: int | None = None) -> np.ndarray:
    med, sigma = C.LOS[unit_type]
    return rng.lognormal(np.log(med), sigma, n) * DAY


def simulate(
    fac: C.Facility,
    zone: Zone,
    rng: np.random.Generator,
    sim_start_local: int,
    n_days: int,
    warmup_days: int,
    pick_patients,
    next_id,
) -> HospitalSim:
    """Simulate ED visits and inpatient stays from `warmup_days` before the window to its end."""
    total_days = warmup_days + n_days
    t0_local = sim_start_local - warmup_days * DAY
    beds = build_beds(fac, rng, total_days)
    day_local = t0_local + np.arange(total_days) * DAY
    weekday = ((day_local // DAY) + 3) % 7  # 1970-01-01 was a Thursday (weekday 3)
    doy = ((day_local // DAY) % 365.25) / 365.25
    season = 1 + C.WINTER_AMPLITUDE * np.cos(2 * np.pi * (doy - 0.04))
    surge = np.ones(total_days)
    for d in np.flatnonzero(rng.random(total_days) < C.SURGE_PROB_PER_DAY):
        surge[d : d + int(rng.integers(3, 8))] *= 1.15

    # ---- ED arrivals ------------------------------------------------------------------------
    ed_rate = fac.inpatient_beds * C.ED_VISITS_PER_BED_YEAR / 365 if fac.ed_bays else 0.0
    per_day = rng.poisson(ed_rate * np.asarray(C.ED_WEEKDAY_W)[weekday] * season * surge)
    n_ed = int(per_day.sum())
    day_of = np.repeat(np.arange(total_days), per_day)
    hour = rng.choice(24, n_ed, p=_weights(C.ED_HOUR_W))
    arrival_local = day_local[day_of] + hour * HOUR + rng.integers(0, HOUR, n_ed)
    order = np.argsort(arrival_local, kind="stable")
    arrival_local = arrival_local[order]
    arrival = zone.from_local(arrival_local)
    esi = rng.choice(5, n_ed, p=_weights(C.ESI_MIX)) + 1
    lwbs = (rng.random(n_ed) < C.LWBS_P * 1.5 * (esi >= 3)) & (esi >= 3)
    admitted = (rng.random(n_ed) < np.asarray(C.ESI_ADMIT_P)[esi - 1]) & ~lwbs
    u = rng.random(n_ed)
    disposition = np.where(
        lwbs,
        "lwbs",
        np.where(
            admitted,
            "admitted",
            np.where(
                u < 0.015,
                "ama",
                np.where(
                    u < 0.027,
                    "transferred",
                    np.where((u < 0.03) & (esi <= 2), "expired", "discharged"),
                ),
            ),
        ),
    )
    triage = arrival + (rng.exponential(7 * MINUTE, n_ed) + MINUTE).astype(np.int64)
    room_wait = np.asarray((1, 8, 35, 45, 40))[esi - 1] * MINUTE
    roomed = triage + rng.exponential(room_wait).astype(np.int64)
    provider = roomed + (rng.exponential(11 * MINUTE, n_ed) + 2 * MINUTE).astype(np.int64)
    decision = provider + rng.lognormal(np.log(170 * MINUTE), 0.5, n_ed).astype(np.int64)
    departure = provider + rng.lognormal(np.log(140 * MINUTE), 0.55, n_ed).astype(np.int64)
    lwbs_leave = arrival + rng.integers(40 * MINUTE, 240 * MINUTE, n_ed)
    departure = np.where(lwbs, lwbs_leave, departure)
    arrival_mode = rng.choice(
        [m for m, _ in C.ARRIVAL_MODES], n_ed, p=_weights(tuple(p for _, p in C.ARRIVAL_MODES))
    )
    arrival_mode[(esi == 1) & (rng.random(n_ed) < 0.7)] = "ambulance"
    ed_patient = pick_patients(n_ed)

    # ---- inpatient demand -------------------------------------------------------------------
    types_present = {u.unit_type for u in fac.units}

    def fallback(t: str) -> str:
        return t if t in types_present else "MEDSURG"

    ed_adm = np.flatnonzero(admitted)
    r = rng.random(len(ed_adm))
    ed_type = np.where(
        r < 0.25,
        "OBS",
        np.where(
            r < 0.25 + np.where(esi[ed_adm] <= 2, 0.25, 0.05),
            "ICU",
            np.where(r < 0.42, "STEPDOWN", "MEDSURG"),
        ),
    )
    psy = rng.random(len(ed_adm)) < 0.04
    ed_type[psy] = "PSYCH"
    ed_type = np.array([fallback(t) for t in ed_type.tolist()])

    beds_by_type = {t: sum(u.beds for u in fac.units if u.unit_type == t) for t in types_present}

    def mean_los(t: str) -> float:
        med, sigma = C.LOS[t]
        return med * np.exp(sigma**2 / 2)

    n_win = total_days
    ed_rate_t = {t: float((ed_type == t).sum()) / n_win for t in types_present}
    direct_rate = {}
    icu_rate = 0.0
    if "ICU" in types_present:
        load = C.TARGET_OCCUPANCY * beds_by_type["ICU"]
        direct_rate["ICU"] = max(0.0, load / mean_los("ICU") - ed_rate_t["ICU"])
        icu_rate = direct_rate["ICU"] + ed_rate_t["ICU"]
    floors = [t for t in ("STEPDOWN", "MEDSURG") if t in types_present]
    for t in types_present - {"ICU"}:
        load = C.TARGET_OCCUPANCY * beds_by_type[t]
        if t in floors:
            load -= icu_rate * C.ICU_STEPDOWN_SHARE / len(floors) * mean_los(t)
        direct_rate[t] = max(0.0, load / mean_los(t) - ed_rate_t[t])

    # Requests: (time, kind) with kind 0 = ED admission, 1 = direct/elective.
    req_t, req_type, req_ed = [], [], []
    factor = np.asarray(C.WEEKDAY_ADMIT_FACTOR)[weekday] * season * surge
    for t, rate in sorted(direct_rate.items()):
        n_d = rng.poisson(rate * (factor if t not in ("LD", "PSYCH") else season))
        dd = np.repeat(np.arange(total_days), n_d)
        if t in ("LD", "OBS", "PSYCH"):
            hrs = rng.uniform(0, 24, len(dd))
        else:  # elective and direct admissions arrive mostly 07:00-20:00
            hrs = np.clip(rng.normal(12.5, 3.5, len(dd)), 6, 22)
        req_t.append(zone.from_local(day_local[dd] + (hrs * HOUR).astype(np.int64)))
        req_type += [t] * len(dd)
        req_ed += [-1] * len(dd)
    req_t.append(decision[ed_adm] + 25 * MINUTE)
    req_type += ed_type.tolist()
    req_ed += ed_adm.tolist()
    req_time = np.concatenate(req_t) if req_t else np.zeros(0, np.int64)
    req_ed_arr = np.asarray(req_ed, dtype=np.int64)
    direct_patient = pick_patients(len(req_time))

    # ---- bed assignment ---------------------------------------------------------------------
    unit_beds: dict[str, np.ndarray] = {}
    for t in types_present:
        unit_beds[t] = np.array([i for i in range(beds.n_inpatient) if beds.unit_type[i] == t])
    free_at = np.full(beds.n_inpatient, -(10**12), dtype=np.int64)
    t0_utc = int(zone.from_local(np.array([t0_local]))[0])
    heap: list[tuple[int, int, int, int]] = []
    for i in np.argsort(req_time, kind="stable").tolist():
        heapq.heappush(heap, (int(req_time[i]), i, 0, -1))
    stays: list[Stay] = []
    stay_of_req: dict[int, int] = {}
    providers = [f"P{1000 + k}^{nm}" for k, nm in enumerate(C_PROVIDERS)]
    while heap:
        t, i, seg, _ = heapq.heappop(heap)
        if seg == 0:
            utype = req_type[i]
            stay = Stay(
                visit=next_id("visit"),
                account=next_id("account"),
                patient=int(ed_patient[req_ed_arr[i]] if req_ed_arr[i] >= 0 else direct_patient[i]),
                patient_class="O" if utype == "OBS" else "I",
                service=_pick_service(rng, utype),
                admit_source="7" if req_ed_arr[i] >= 0 else ("1" if rng.random() < 0.8 else "4"),
                attending=providers[int(rng.integers(0, len(providers)))],
                ed=int(req_ed_arr[i]),
            )
            stays.append(stay)
            stay_of_req[i] = len(stays) - 1
        else:
            stay = stays[stay_of_req[i]]
            utype = fallback("STEPDOWN" if rng.random() < 0.5 else "MEDSURG")
        day = min(max((zone.local1(t) - t0_local) // DAY, 0), total_days - 1)
        cand = unit_beds[utype]
        cand = cand[~beds.closed[day, cand]]
        if len(cand) == 0:
            cand = unit_beds[utype]
        ready = free_at[cand]
        ok = np.flatnonzero(ready <= t)
        b = int(cand[ok[0]]) if len(ok) else int(cand[np.argmin(ready)])
        start = max(t, int(free_at[b]))
        if seg == 0:
            stay.admit_at = start if stay.ed < 0 else int(decision[stay.ed] + 20 * MINUTE)
        else:  # close the ICU segment when the floor bed is ready; the ICU bed waits for cleaning
            pb, ps, _ = stay.segments[-1]
            stay.segments[-1] = (pb, ps, start)
            free_at[pb] = start + int(rng.integers(45, 120)) * MINUTE
        los = float(_lognormal_days(rng, utype, 1)[0])
        to_floor = utype == "ICU" and seg == 0 and rng.random() < C.ICU_STEPDOWN_SHARE
        if to_floor:
            end = start + int(los)
            stay.segments.append((b, start, end))
            free_at[b] = end + 10**9  # held until the transfer is placed
            heapq.heappush(heap, (end, i, 1, b))
            continue
        raw_end = start + int(max(los, 3 * HOUR))
        if utype != "OBS":  # discharges cluster in the afternoon of the discharge day
            end_local = zone.local1(raw_end)
            hour_d = int(rng.choice(24, p=_weights(C.DISCHARGE_HOUR_W)))
            cand_end = zone.utc1(
                end_local // DAY * DAY + hour_d * HOUR + int(rng.integers(0, HOUR))
            )
            raw_end = cand_end if cand_end > start + 4 * HOUR else raw_end
        stay.segments.append((b, start, raw_end))
        free_at[b] = raw_end + int(rng.integers(40, 150)) * MINUTE  # bed turnaround (TT3: <120 min)
        stay.discharge_at = raw_end
        stay.expected_at = stay.admit_at + int(
            float(_lognormal_days(rng, utype, 1)[0]) * 0.5 + (raw_end - stay.admit_at) * 0.5
        )
        stay.disposition = _pick(rng, C.DISPOSITIONS)
        if stay.patient_class == "O" and rng.random() < 0.2:
            stay.class_change, stay.patient_class = "A06", "I"
            stay.class_change_at = start + int((raw_end - start) * 0.6)
        elif stay.patient_class == "I" and rng.random() < 0.02:
            stay.class_change, stay.patient_class = "A07", "O"
            stay.class_change_at = start + int((raw_end - start) * 0.3)

    # ED departure of admitted patients = the moment they reach the inpatient bed (boarding ends).
    for s in stays:
        if s.ed >= 0:
            departure[s.ed] = s.segments[0][1]
    ed = {
        "arrival": arrival,
        "triage": triage,
        "roomed": roomed,
        "provider": provider,
        "decision": decision,
        "departure": departure,
        "esi": esi,
        "disposition": disposition,
        "arrival_mode": arrival_mode,
        "patient": ed_patient,
        "lwbs": lwbs,
        "admitted": admitted,
        "provider_name": np.array(
            [ED_PROVIDERS[k] for k in rng.integers(0, len(ED_PROVIDERS), n_ed).tolist()]
        ),
    }
    ed["bed"] = _assign_ed_bays(beds, roomed, departure, lwbs)
    occ = _hourly_occupancy(beds, stays, zone, sim_start_local, n_days, t0_utc)
    return HospitalSim(beds, ed, stays, occ)


# Workforce (attending and ED provider) names as HL7 XCN family^given.
C_PROVIDERS = (
    "Abrams^Helen",
    "Bhatt^Ravi",
    "Castellano^Lucia",
    "Delacroix^Marc",
    "Eriksen^Ingrid",
    "Fairbanks^Tom",
    "Goldberg^Ruth",
    "Hollis^Grant",
    "Iyer^Meera",
    "Jablonski^Piotr",
    "Kaufman^Dana",
    "Lindgren^Erik",
    "Moreau^Claire",
    "Nwosu^Chidi",
    "Ostrowski^Anna",
    "Pacheco^Luis",
)
ED_PROVIDERS = tuple(", ".join(p.split("^")) for p in C_PROVIDERS)


def _pick(rng: np.random.Generator, choices: tuple[tuple[str, float], ...]) -> str:
    return choices[int(rng.choice(len(choices), p=_weights(tuple(p for _, p in choices))))][0]


def _pick_service(rng: np.random.Generator, unit_type: str) -> str:
    return _pick(rng, C.SERVICE_BY_UNIT[unit_type])


def _assign_ed_bays(
    beds: Beds, roomed: np.ndarray, departure: np.ndarray, lwbs: np.ndarray
) -> np.ndarray:
    """ED bay per visit (-1 for LWBS, who never get a room); hallway spaces take the overflow."""
    ed_beds = np.arange(beds.n_inpatient, len(beds.bed_id))
    out = np.full(len(roomed), -1, dtype=np.int64)
    if len(ed_beds) == 0:
        return out
    free = np.full(len(ed_beds), -(10**12), dtype=np.int64)
    for i in np.argsort(roomed, kind="stable").tolist():
        if lwbs[i]:
            continue
        ok = np.flatnonzero(free <= roomed[i])
        k = int(ok[0]) if len(ok) else int(np.argmin(free))
        out[i] = ed_beds[k]
        free[k] = max(int(departure[i]), int(roomed[i])) + 15 * MINUTE
    return out


def _hourly_occupancy(
    beds: Beds, stays: list[Stay], zone: Zone, start_local: int, n_days: int, t0_utc: int
) -> np.ndarray:
    """Inpatient beds occupied / staffed beds, per hour of the output window (boarders excluded)."""
    hours = n_days * 24
    n_inp = beds.n_inpatient
    start_utc = int(zone.from_local(np.array([start_local]))[0])
    diff = np.zeros((hours + 1, n_inp), dtype=np.int16)
    for s in stays:
        for b, a, e in s.segments:
            ha = max(0, -(-(a - start_utc) // HOUR))
            hb = min(hours, max(0, -(-(e - start_utc) // HOUR)))
            if ha < hb:
                diff[ha, b] += 1
                diff[hb, b] -= 1
    occ = np.cumsum(diff, axis=0)[:hours] > 0
    warm = beds.closed.shape[0] - n_days
    closed = np.repeat(beds.closed[warm:, :n_inp], 24, axis=0)
    # A closed bed that still holds a patient is staffed until the patient leaves.
    staffed = (~closed | occ).sum(axis=1)
    return occ.sum(axis=1) / np.maximum(staffed, 1)
