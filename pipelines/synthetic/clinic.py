"""Outpatient appointments: slots, bookings, lead times, cancellations and no-shows (vectorised).

No-show probability is logistic in the lead-time band and the patient's prior no-shows, calibrated
so that the overall rate sits in the published 5-30% range and rises with lead time (PMC11149957:
lead time > 4 weeks carries ~5.45x the odds; Dantas 2018: mean 23% across 105 studies).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipelines.synthetic import config as C
from pipelines.synthetic.timeutil import DAY, HOUR, MINUTE, Zone

LEAD_BANDS = (0, 1, 8, 15, 29)  # band lower bounds in days: same-day, 1-7, 8-14, 15-28, >28


@dataclass
class Appointments:
    """Column arrays, one entry per appointment (times in UTC seconds; -1 = none)."""

    appointment_id: np.ndarray
    account: np.ndarray
    patient: np.ndarray
    department: np.ndarray  # index into facility departments
    provider: np.ndarray  # provider id string
    provider_name: np.ndarray
    visit_type: np.ndarray
    duration_min: np.ndarray
    is_new: np.ndarray
    booked: np.ndarray
    slot_orig: np.ndarray
    slot: np.ndarray
    resched_at: np.ndarray
    outcome: np.ndarray  # completed, no_show, cancelled
    cancel_at: np.ndarray
    cancel_reason: np.ndarray
    cancel_initiator: np.ndarray
    deleted: np.ndarray
    checkin_at: np.ndarray
    done_at: np.ndarray  # completion or no-show marking time
    late_close: np.ndarray  # completed only the next day (status 'arrived' in the slot-day extract)
    lead_days: np.ndarray


def lead_band(lead_days: np.ndarray) -> np.ndarray:
    """Band index 0..4 of lead times in days."""
    return np.searchsorted(np.asarray(LEAD_BANDS), lead_days, side="right") - 1


def simulate_appointments(
    fac: C.Facility,
    zone: Zone,
    rng: np.random.Generator,
    start_local: int,
    n_days: int,
    pick_patients,
    next_ids,
    noshow_prone: np.ndarray,
    providers: list[tuple[int, str, str]],
) -> Appointments:
    """Fill ~14 slots a provider-weekday from 08:00, over the window plus 120 days of bookings."""
    horizon = n_days + 120
    days = np.arange(horizon)
    local_mid = start_local + days * DAY
    weekday = ((local_mid // DAY) + 3) % 7
    slot_days = days[weekday < 5]
    prov_dept = np.array([d for d, _, _ in providers])
    n_prov = len(providers)
    slots_per_day = 14
    n = len(slot_days) * n_prov * slots_per_day
    sd = np.repeat(slot_days, n_prov * slots_per_day)
    pv = np.tile(np.repeat(np.arange(n_prov), slots_per_day), len(slot_days))
    k = np.tile(np.arange(slots_per_day), len(slot_days) * n_prov)
    # ~8% of slots stay empty (templates are rarely 100% booked).
    keep = rng.random(n) < 0.92
    sd, pv, k = sd[keep], pv[keep], k[keep]
    n = len(sd)
    vt_idx = rng.choice(len(C.VISIT_TYPES), n, p=np.array([v[1] for v in C.VISIT_TYPES]))
    duration = np.array([v[2] for v in C.VISIT_TYPES])[vt_idx]
    slot_local = start_local + sd * DAY + 8 * HOUR + k * 30 * MINUTE + (k >= 8) * 30 * MINUTE
    slot = zone.from_local(slot_local)
    # Lead time mixture: same-day, a week, a few weeks, months (new patients wait longer).
    is_new = vt_idx == 1
    u = rng.random(n)
    lead = np.where(
        u < 0.08,
        0,
        np.where(
            u < 0.40,
            rng.integers(1, 8, n),
            np.where(
                u < 0.58,
                rng.integers(8, 15, n),
                np.where(u < 0.78, rng.integers(15, 29, n), rng.integers(29, 120, n)),
            ),
        ),
    )
    lead = np.where(is_new & (rng.random(n) < 0.5), np.maximum(lead, rng.integers(15, 90, n)), lead)
    booked_local = slot_local - lead * DAY - rng.integers(1 * HOUR, 8 * HOUR, n)
    booked_local = np.where(
        lead == 0, slot_local - rng.integers(1 * HOUR, 3 * HOUR, n), booked_local
    )
    booked = zone.from_local(booked_local)
    end_utc = zone.from_local(np.array([start_local + n_days * DAY]))[0]
    keep = booked < end_utc  # only what was booked by the end of the window exists in the extracts
    idx = np.flatnonzero(keep)
    sd, pv, vt_idx, duration, slot, booked, lead, is_new = (
        sd[idx],
        pv[idx],
        vt_idx[idx],
        duration[idx],
        slot[idx],
        booked[idx],
        lead[idx],
        is_new[idx],
    )
    n = len(idx)
    patient = pick_patients(n)
    # Reschedules move the slot 1-14 days later (S13); the extract shows the new slot afterwards.
    resched = rng.random(n) < 0.05
    resched_at = np.where(
        resched, booked + ((slot - booked) * rng.uniform(0.2, 0.8, n)).astype(np.int64), -1
    )
    slot_orig = slot.copy()
    slot = np.where(resched, slot + rng.integers(1, 15, n) * DAY, slot)
    # Cancellations: 30% late (within 24 h), some the same day.
    cancelled = rng.random(n) < C.CANCEL_P
    late = rng.random(n) < C.LATE_CANCEL_SHARE
    window_from = np.maximum(np.maximum(booked, resched_at) + 10 * MINUTE, slot - 24 * HOUR)
    early_to = np.maximum(slot - 24 * HOUR, np.maximum(booked, resched_at) + 20 * MINUTE)
    cancel_at = np.where(
        late,
        window_from + ((slot - window_from) * rng.uniform(0, 0.9, n)).astype(np.int64),
        booked + ((early_to - booked) * rng.uniform(0.05, 1, n)).astype(np.int64),
    )
    deleted = rng.random(n) < 0.004  # booked in error and deleted within the hour (S17)
    cancel_at = np.where(deleted, booked + rng.integers(5, 60, n) * MINUTE, cancel_at)
    resched_at = np.where(deleted, -1, resched_at)  # a deleted booking is never rescheduled
    slot = np.where(deleted, slot_orig, slot)
    cancelled |= deleted
    cancel_at = np.where(cancelled, cancel_at, -1)
    # A reschedule after the cancellation cannot happen: keep the original slot for those.
    undo = cancelled & (resched_at > cancel_at)
    resched_at = np.where(undo, -1, resched_at)
    slot = np.where(undo, slot_orig, slot)
    reason_idx = rng.choice(len(C.CANCEL_REASONS), n, p=np.array([c[2] for c in C.CANCEL_REASONS]))
    cancel_reason = np.where(
        deleted, "SCHEDULING_ERROR", np.array([c[0] for c in C.CANCEL_REASONS])[reason_idx]
    )
    cancel_initiator = np.where(
        deleted, "facility", np.array([c[1] for c in C.CANCEL_REASONS])[reason_idx]
    )
    # No-shows among the rest.
    true_lead = (slot - booked) / DAY
    band = lead_band(true_lead)
    logit = (
        C.NOSHOW_BASE_LOGIT
        + np.asarray(C.NOSHOW_LEAD_LOGIT)[band]
        + C.NOSHOW_PRIOR_LOGIT * noshow_prone[patient]
    )
    logit += np.where(vt_idx == 4, -0.5, 0.0)  # telehealth visits are missed less
    noshow = (~cancelled) & (rng.random(n) < 1 / (1 + np.exp(-logit)))
    outcome = np.where(cancelled, "cancelled", np.where(noshow, "no_show", "completed"))
    dur_s = duration * MINUTE
    checkin = np.where(outcome == "completed", slot - rng.integers(3, 20, n) * MINUTE, -1)
    done_at = np.where(
        outcome == "completed",
        slot + dur_s + rng.integers(0, 40, n) * MINUTE,
        np.where(outcome == "no_show", slot + dur_s + rng.integers(5, 180, n) * MINUTE, -1),
    )
    late_close = (outcome == "completed") & (rng.random(n) < 0.03)
    ids = next_ids("appointment", n)
    accounts = next_ids("pb_account", n)
    return Appointments(
        ids,
        accounts,
        patient,
        prov_dept[pv],
        np.array([p[1] for p in providers])[pv],
        np.array([p[2] for p in providers])[pv],
        np.array([v[0] for v in C.VISIT_TYPES])[vt_idx],
        duration,
        is_new,
        booked,
        slot_orig,
        slot,
        resched_at,
        outcome,
        cancel_at,
        cancel_reason,
        cancel_initiator,
        deleted,
        checkin,
        done_at,
        late_close,
        true_lead,
    )
