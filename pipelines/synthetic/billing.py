"""Claims (X12 837I/837P), remittances (X12 835) and the A/R aging report.

One claim per hospital account (inpatient or observation stay, treat-and-release ED visit) and per
completed clinic visit. About 10% of claims are initially denied (HFMA AR-5 remittance denial rate;
industry denial indexes report 10-12%), with CARC codes from the X12 list; paid claims carry CO-45
contractual adjustments and PR-1/2/3 patient responsibility; a few are reversed (CLP02 22) and
re-paid, Medicare claims with coinsurance are crossed over to a supplement (CLP02 2). Envelopes
(ISA is 106 characters, SE01/GE01/IEA01 counts) are built so that a strict X12 parser accepts every
file.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from pipelines.synthetic import config as C
from pipelines.synthetic.timeutil import DAY

ICD_IP = (
    "I5023",
    "J189",
    "A419",
    "N179",
    "I214",
    "J441",
    "K8590",
    "E1165",
    "I639",
    "S72001A",
    "O80",
    "F329",
)
ICD_ED = ("R079", "R1084", "S0990XA", "J069", "M545", "R55", "N390", "S61411A", "R51", "T7840XA")
ICD_OP = ("I10", "E119", "Z0000", "M1711", "E785", "J449", "K219", "G20", "L409", "Z3400")
IP_ANCILLARY = (
    ("0250", "", 45, 2600),
    ("0300", "80053", 40, 480),
    ("0301", "85025", 25, 260),
    ("0320", "71046", 120, 900),
    ("0350", "70450", 800, 2400),
    ("0360", "", 2000, 12000),
    ("0270", "", 30, 900),
    ("0410", "94640", 60, 300),
    ("0420", "97161", 150, 400),
    ("0636", "J1885", 30, 240),
    ("0730", "93005", 90, 300),
)
ROOM_REV = {
    "ICU": ("0200", 4200),
    "STEPDOWN": ("0206", 2900),
    "MEDSURG": ("0120", 2100),
    "LD": ("0112", 2300),
    "PEDS": ("0113", 2200),
    "PSYCH": ("0114", 1800),
    "OBS": ("0762", 280),
}
ED_LEVEL = ("99285", "99285", "99284", "99283", "99282")
OP_LEVEL = {
    "NEWPT": ("99204", 310),
    "FOLLOWUP": ("99213", 160),
    "ANNUAL": ("99396", 280),
    "PROC": ("20610", 420),
    "TELE": ("99213", 150),
}
OP_EXTRA = (
    ("36415", 20),
    ("80053", 95),
    ("93000", 110),
    ("85025", 40),
    ("83036", 55),
    ("G0444", 35),
)


@dataclass
class Claim:
    """A hospital or professional account and its claim lines."""

    account: str
    kind: str  # I (837I) or P (837P)
    fac_type: (
        str  # CLM05-1: bill type (11 inpatient, 13 outpatient) or place of service (11 office)
    )
    patient: int
    payer: int
    from_local: int
    to_local: int
    dx: str
    lines: list[
        tuple[str, str, float, float, int]
    ]  # (revenue code, CPT/HCPCS, charge, units, local day)
    submit: int  # UTC seconds
    total: float = 0.0
    events: list[tuple[int, str, str]] = field(
        default_factory=list
    )  # (submit UTC, frequency, note)


def _r2(x: float) -> float:
    return round(x, 2)


def inpatient_claim(
    rng: random.Random,
    account: str,
    patient: int,
    payer: int,
    unit_types: list[str],
    seg_days: list[tuple[int, int]],
    observation: bool,
    submit: int,
) -> Claim:
    """Room-and-board lines per day by unit plus ancillaries (about 30 lines for a 5-day stay)."""
    lines = []
    for ut, (d0, d1) in zip(unit_types, seg_days, strict=True):
        rev, rate = ROOM_REV["OBS" if observation else ut]
        units = max(1, (d1 - d0) // DAY) if not observation else max(8, (d1 - d0) // 3600)
        lines.append((rev, "G0378" if observation else "", _r2(rate * units), float(units), d0))
    d_from, d_to = seg_days[0][0], seg_days[-1][1]
    n_anc = int(min(60, max(3, round((4 + 5 * (d_to - d_from) / DAY) * rng.uniform(0.6, 1.4)))))
    for _ in range(n_anc):
        rev, cpt, lo, hi = IP_ANCILLARY[rng.randrange(len(IP_ANCILLARY))]
        day = d_from + rng.randrange(0, max(1, (d_to - d_from) // DAY + 1)) * DAY
        units = float(rng.randrange(1, 4))
        lines.append((rev, cpt, _r2(rng.uniform(lo, hi) * units), units, day))
    dx = ICD_IP[rng.randrange(len(ICD_IP))]
    return Claim(
        account, "I", "13" if observation else "11", patient, payer, d_from, d_to, dx, lines, submit
    )


def ed_claim(
    rng: random.Random, account: str, patient: int, payer: int, esi: int, day: int, submit: int
) -> Claim:
    """ED facility claim: the 0450 level line plus labs, imaging and drugs (about 6 lines)."""
    lines = [("0450", ED_LEVEL[esi - 1], _r2(rng.uniform(600, 3200) * (6 - esi) / 3), 1.0, day)]
    for _ in range(rng.randrange(1, 9)):
        rev, cpt, lo, hi = IP_ANCILLARY[rng.randrange(len(IP_ANCILLARY))]
        lines.append((rev, cpt, _r2(rng.uniform(lo, hi) / 2), 1.0, day))
    dx = ICD_ED[rng.randrange(len(ICD_ED))]
    return Claim(account, "I", "13", patient, payer, day, day, dx, lines, submit)


def office_claim(
    rng: random.Random,
    account: str,
    patient: int,
    payer: int,
    visit_type: str,
    day: int,
    submit: int,
) -> Claim:
    """Professional claim (837P) for a completed clinic visit: E/M code plus 0-3 extras."""
    cpt, fee = OP_LEVEL[visit_type]
    lines = [("", cpt, float(fee), 1.0, day)]
    for _ in range(rng.randrange(0, 4)):
        c, f = OP_EXTRA[rng.randrange(len(OP_EXTRA))]
        lines.append(("", c, float(f), 1.0, day))
    dx = ICD_OP[rng.randrange(len(ICD_OP))]
    return Claim(account, "P", "11", patient, payer, day, day, dx, lines, submit)


@dataclass
class Remit:
    """One CLP (claim payment) for the 835 of its payment date."""

    claim: Claim
    pay_day: int  # local midnight seconds of the payment date
    status: str
    charge: float
    paid: float
    pr: float
    payer: str  # payer id in the 835 (may be the Medicare supplement)
    claim_cas: list[tuple[str, str, float]]
    line_pay: list[tuple[int, float, list[tuple[str, str, float]]]]  # (line index, paid, CAS list)
    icn: str
    freq: str = "1"


SUPPLEMENT = ("MSUP1", "MEDICARE SUPPLEMENT PLAN")


def adjudicate(rng: random.Random, claim: Claim, submit_local: int, next_icn) -> list[Remit]:
    """Payer decisions for a claim: denial or payment, reversals, resubmissions, crossovers."""
    pid, _, _, _, ratio = C.PAYERS[claim.payer]
    total = _r2(sum(line[2] for line in claim.lines))
    claim.total = total
    claim.events.append((claim.submit, "1", ""))
    lag = rng.randrange(12, 36) * DAY
    pay_day = (submit_local + lag) // DAY * DAY
    out: list[Remit] = []
    if rng.random() < C.DENIAL_P:
        grp, carc, _ = rng.choices(C.DENIAL_CARCS, weights=[c[2] for c in C.DENIAL_CARCS])[0]
        out.append(
            Remit(claim, pay_day, "4", total, 0.0, 0.0, pid, [(grp, carc, total)], [], next_icn())
        )
        if rng.random() < 0.6:  # corrected and resubmitted (frequency 7), then paid
            resub = claim.submit + rng.randrange(5, 25) * DAY
            claim.events.append((resub, "7", ""))
            out.append(
                _paid(rng, claim, pay_day + rng.randrange(20, 40) * DAY, pid, ratio, next_icn, "7")
            )
        return out
    first = _paid(rng, claim, pay_day, pid, ratio, next_icn, "1")
    out.append(first)
    if rng.random() < 0.01:  # payer takes the payment back (22) and re-pays it corrected
        later = pay_day + rng.randrange(10, 40) * DAY
        cas = (
            [("CO", "45", -_r2(total - first.paid - first.pr)), ("PR", "1", -first.pr)]
            if first.pr
            else [("CO", "45", -_r2(total - first.paid))]
        )
        out.append(
            Remit(claim, later, "22", -total, -first.paid, -first.pr, pid, cas, [], first.icn)
        )
        out.append(_paid(rng, claim, later, pid, ratio * 1.02, next_icn, "1"))
    elif pid == "MCARE" and first.pr > 0 and rng.random() < 0.5:  # crossover to the supplement
        later = pay_day + rng.randrange(7, 21) * DAY
        out.append(
            Remit(
                claim,
                later,
                "2",
                total,
                first.pr,
                0.0,
                SUPPLEMENT[0],
                [("OA", "23", _r2(total - first.pr))],
                [],
                next_icn(),
            )
        )
    return out


def _paid(
    rng: random.Random, claim: Claim, pay_day: int, pid: str, ratio: float, next_icn, freq: str
) -> Remit:
    """A paid CLP with line-level CO-45 and PR adjustments that balance to the penny."""
    # One contract rate per claim: payers price a claim with one fee schedule.
    rate = min(0.95, ratio * rng.uniform(0.85, 1.15))
    allowed = [round(line[2] * rate, 2) for line in claim.lines]
    # One line in ~5% of paid claims is denied as not medically necessary (CO-50).
    denied_line = (
        rng.randrange(len(claim.lines)) if len(claim.lines) > 1 and rng.random() < 0.05 else -1
    )
    if denied_line >= 0:
        allowed[denied_line] = 0.0
    tot_allowed = _r2(sum(allowed))
    pr_kind = rng.choices(("1", "2", "3"), weights=(0.3, 0.5, 0.2))[0]
    pr_total = _r2(tot_allowed * rng.uniform(0.0, 0.2)) if rng.random() < 0.6 else 0.0
    line_pay = []
    pr_left = pr_total
    last = len(claim.lines) - 1
    share = pr_total / tot_allowed if tot_allowed else 0.0
    paid = 0.0
    for k, line in enumerate(claim.lines):
        a = allowed[k]
        pr = round(min(a, a * share if k < last else pr_left), 2) if pr_total else 0.0
        pr_left = round(pr_left - pr, 2)
        if k == denied_line:
            cas = [("CO", "50", line[2])]
        elif line[2] != a:
            cas = [("CO", "45", round(line[2] - a, 2))]
        else:
            cas = []
        if pr:
            cas.append(("PR", pr_kind, pr))
        p = round(a - pr, 2)
        paid += p
        line_pay.append((k, p, cas))
    pr_total = round(pr_total - pr_left, 2)
    paid = round(paid, 2)
    total = claim.total
    return Remit(claim, pay_day, "1", total, paid, pr_total, pid, [], line_pay, next_icn(), freq)
