"""Scales (facilities, units, clinics) and the published figures the distributions come from.

Sources are listed in `pipelines/synthetic/README.md`; the keys in comments ([AHA], [HCUP], ...)
refer to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# ---- Inpatient --------------------------------------------------------------------------------
# Target mean occupancy of staffed beds. [AHA]/[K7]: 60-75% national, 85% is the common alert line;
# busy urban hospitals run 80-95%. Weekday and winter swings and short surges ride on top.
TARGET_OCCUPANCY = 0.80
WEEKDAY_ADMIT_FACTOR = (1.12, 1.10, 1.06, 1.04, 1.02, 0.82, 0.84)  # Mon..Sun, [HCUP weekend effect]
WINTER_AMPLITUDE = 0.07  # +7% in mid-January, -7% in mid-July (respiratory season) [HCUP seasonal]
SURGE_PROB_PER_DAY = 0.02  # a 3-7 day surge of +15% starts on ~2% of days

# Lognormal LOS in days by unit type: (median, sigma). Means = median*exp(sigma^2/2):
# MEDSURG ~4.6 d, ICU ~3.3 d before step-down, OBS ~0.9 d, LD ~2.4 d. [HCUP] mean LOS 4.5-5.4 d.
LOS = {
    "MEDSURG": (3.6, 0.70),
    "STEPDOWN": (3.3, 0.65),
    "ICU": (2.4, 0.80),
    "OBS": (0.75, 0.55),
    "LD": (2.2, 0.40),
    "PEDS": (2.4, 0.70),
    "PSYCH": (6.5, 0.70),
}
ICU_STEPDOWN_SHARE = (
    0.75  # ICU patients who move on to a floor bed (the rest go home/expire from ICU)
)
BED_SWAP_SHARE = 0.06  # within-unit room moves (isolation, gender, noise)
SERVICE_BY_UNIT = {
    "MEDSURG": (("MED", 0.55), ("SUR", 0.25), ("ORT", 0.10), ("CAR", 0.10)),
    "STEPDOWN": (("CAR", 0.5), ("MED", 0.4), ("SUR", 0.1)),
    "ICU": (("MED", 0.6), ("SUR", 0.25), ("CAR", 0.15)),
    "OBS": (("OBS", 1.0),),
    "LD": (("OB", 1.0),),
    "PEDS": (("PED", 1.0),),
    "PSYCH": (("PSY", 1.0),),
}
# Discharge hour-of-day weights 00..23: afternoon peak 13-16 h, few before noon
# ([K7]; discharge before noon is typically 15-30%).
DISCHARGE_HOUR_W = (
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    2,
    4,
    8,
    14,
    22,
    30,
    38,
    40,
    36,
    30,
    22,
    14,
    9,
    6,
    4,
    2,
    1,
)
# PV1-36 discharge disposition (UB-04 patient status codes).
DISPOSITIONS = (("01", 0.66), ("06", 0.15), ("03", 0.11), ("02", 0.03), ("07", 0.02), ("20", 0.03))

# ---- Emergency department ---------------------------------------------------------------------
ED_VISITS_PER_BED_YEAR = 160  # [AHA] ~139 M ED visits / ~900k staffed beds => 150-180 per bed
# Arrivals by hour 00..23 (NHAMCS pattern: trough 4-6 am, peak 10 am - 8 pm) [NHAMCS].
ED_HOUR_W = (
    2.6,
    2.1,
    1.8,
    1.5,
    1.3,
    1.4,
    1.9,
    2.9,
    4.2,
    5.4,
    6.1,
    6.3,
    6.2,
    6.1,
    6.0,
    5.9,
    5.8,
    5.8,
    5.7,
    5.4,
    4.9,
    4.3,
    3.7,
    3.1,
)
ED_WEEKDAY_W = (1.10, 1.02, 0.99, 0.98, 0.98, 0.96, 0.97)  # Mondays busiest [NHAMCS]
ESI_MIX = (0.008, 0.12, 0.46, 0.33, 0.082)  # ESI 1..5 [NHAMCS triage mix]
ESI_ADMIT_P = (0.80, 0.42, 0.14, 0.02, 0.005)  # overall admit ~12-15% [AHA]/[NHAMCS]
LWBS_P = 0.03  # 2-5% [EDBA], crowding flag at 5%
ARRIVAL_MODES = (
    ("walk_in", 0.78),
    ("ambulance", 0.19),
    ("helicopter", 0.005),
    ("police", 0.01),
    ("other", 0.015),
)

# ---- Clinics ----------------------------------------------------------------------------------
# No-show: Dantas 2018 review mean 23% (5-43%); US rural network 8% (PMC11149957), lead time
# >4 weeks 5.45x odds. Logistic in lead-time band and prior no-shows; ~15-20% overall.
NOSHOW_BASE_LOGIT = -2.6
NOSHOW_LEAD_LOGIT = (0.0, 0.35, 0.75, 1.15, 1.55)  # bands: same-day/1-7/8-14/15-28/>28 days
NOSHOW_PRIOR_LOGIT = 0.9  # patients with a prior no-show
CANCEL_P = 0.12  # 10-15% cancelled [perf §9]
LATE_CANCEL_SHARE = 0.30  # of cancellations, within 24 h of the slot
VISIT_TYPES = (
    ("FOLLOWUP", 0.52, 20),
    ("NEWPT", 0.18, 40),
    ("PROC", 0.10, 30),
    ("ANNUAL", 0.12, 30),
    ("TELE", 0.08, 15),
)
CANCEL_REASONS = (
    ("PATIENT_REQUEST", "patient", 0.45),
    ("ILLNESS", "patient", 0.15),
    ("TRANSPORT", "patient", 0.08),
    ("PROVIDER_UNAVAIL", "provider", 0.14),
    ("SCHEDULING_ERROR", "facility", 0.08),
    ("WEATHER", "facility", 0.05),
    ("INSURANCE", "patient", 0.05),
)

# ---- Revenue cycle ----------------------------------------------------------------------------
DENIAL_P = 0.10  # initial denial rate ~10% [HFMA AR-5; industry denial indexes 10-12%]
# Denial CARCs with weights (X12 CARC list; mix after commonly reported top denial reasons).
DENIAL_CARCS = (
    ("CO", "197", 0.20),
    ("CO", "16", 0.24),
    ("CO", "50", 0.14),
    ("CO", "18", 0.14),
    ("CO", "29", 0.05),
    ("CO", "27", 0.10),
    ("CO", "96", 0.08),
    ("PI", "204", 0.05),
)
PAYERS = (
    # id, name, claim filing indicator, share, allowed/charge ratio
    ("MCARE", "MEDICARE PART A B", "MA", 0.38, 0.30),
    ("MCAID", "STATE MEDICAID", "MC", 0.18, 0.25),
    ("BCBS1", "BLUE CROSS BLUE SHIELD", "BL", 0.18, 0.55),
    ("AETN1", "AETNA", "CI", 0.10, 0.52),
    ("UHC01", "UNITEDHEALTHCARE", "CI", 0.10, 0.50),
    ("CIGN1", "CIGNA", "CI", 0.06, 0.53),
)


@dataclass(frozen=True)
class Unit:
    """An inpatient or ED unit."""

    unit_id: str
    name: str
    unit_type: str
    beds: int


@dataclass(frozen=True)
class Facility:
    """A hospital or clinic site."""

    facility_id: str
    name: str
    units: tuple[Unit, ...] = ()
    ed_bays: int = 0
    departments: tuple[tuple[str, str, int], ...] = ()  # (department_id, name, providers)
    std_offset_h: int = -5
    npi: str = "1999999999"
    patient_pool: int = 1000

    @property
    def inpatient_beds(self) -> int:
        """Staffable inpatient beds (ED bays excluded)."""
        return sum(u.beds for u in self.units)


def _hospital(fid: str, name: str, beds: int, npi: str, tz: int = -5, clinics: int = 6) -> Facility:
    """A general hospital with a standard unit mix scaled to `beds`."""
    mix = (
        ("ICU", 0.10),
        ("STEPDOWN", 0.10),
        ("MEDSURG", 0.56),
        ("OBS", 0.07),
        ("LD", 0.07),
        ("PEDS", 0.05),
        ("PSYCH", 0.05),
    )
    units = []
    for unit_type, share in mix:
        n = max(round(beds * share), 0)
        if n < 4:
            continue
        # Split big types into 32-bed wards, like real nursing units.
        wards = max(1, round(n / 32))
        for w in range(wards):
            size = n // wards + (1 if w < n % wards else 0)
            units.append(
                Unit(f"{unit_type[:3]}{w + 1}", f"{unit_type.title()} {w + 1}", unit_type, size)
            )
    total = sum(u.beds for u in units)
    if total != beds:  # put rounding on the first med-surg ward
        i = next(i for i, u in enumerate(units) if u.unit_type == "MEDSURG")
        u = units[i]
        units[i] = Unit(u.unit_id, u.name, u.unit_type, u.beds + beds - total)
    depts = tuple(
        (f"{fid}_C{i + 1:02d}", name_, max(2, round(beds / 500 * prov)))
        for i, (name_, prov) in enumerate(CLINIC_NAMES[:clinics])
    )
    return Facility(
        fid,
        name,
        tuple(units),
        max(6, beds // 8),
        depts,
        tz,
        npi,
        patient_pool=max(600, beds * 360),
    )


CLINIC_NAMES = (
    ("Primary Care", 40),
    ("Cardiology", 18),
    ("Orthopedics", 16),
    ("Endocrinology", 10),
    ("Gastroenterology", 12),
    ("Pulmonology", 10),
    ("Neurology", 10),
    ("Dermatology", 8),
    ("Oncology", 12),
    ("Obstetrics", 14),
)


@dataclass(frozen=True)
class Scale:
    """A named size: its facilities."""

    name: str
    facilities: tuple[Facility, ...] = field(default_factory=tuple)


def _demo() -> Scale:
    a = Facility(
        "FAC_A",
        "Riverside General Hospital",
        (
            Unit("ICU1", "Intensive Care", "ICU", 8),
            Unit("SDU1", "Step-Down", "STEPDOWN", 8),
            Unit("MS1", "Medical-Surgical 1", "MEDSURG", 20),
            Unit("MS2", "Medical-Surgical 2", "MEDSURG", 12),
            Unit("OBS1", "Observation", "OBS", 6),
            Unit("LD1", "Labor and Delivery", "LD", 6),
        ),
        ed_bays=12,
        departments=(
            ("FAC_A_C01", "Primary Care", 3),
            ("FAC_A_C02", "Cardiology", 2),
            ("FAC_A_C03", "Orthopedics", 2),
        ),
        npi="1234567893",
        patient_pool=6000,
    )
    b = Facility(
        "FAC_B",
        "Hillcrest Community Hospital",
        (
            Unit("ICU1", "Intensive Care", "ICU", 6),
            Unit("MS1", "Medical-Surgical", "MEDSURG", 28),
            Unit("OBS1", "Observation", "OBS", 6),
        ),
        ed_bays=8,
        departments=(("FAC_B_C01", "Family Medicine", 3), ("FAC_B_C02", "Endocrinology", 1)),
        npi="1245319599",
        patient_pool=4000,
    )
    return Scale("demo", (a, b))


def _clinic() -> Scale:
    depts = (
        ("CLN_C01", "Primary Care", 8),
        ("CLN_C02", "Pediatrics", 4),
        ("CLN_C03", "Cardiology", 3),
        ("CLN_C04", "Dermatology", 2),
        ("CLN_C05", "Orthopedics", 3),
    )
    return Scale(
        "clinic",
        (
            Facility(
                "CLN_A",
                "Maplewood Medical Group",
                (),
                0,
                depts,
                -5,
                "1306849450",
                patient_pool=25_000,
            ),
        ),
    )


def _system() -> Scale:
    sizes = (800, 600, 500, 450, 400, 350, 300, 250, 200, 150)
    names = (
        "Metro",
        "Lakeside",
        "Northfield",
        "Bayview",
        "Summit",
        "Valley",
        "Harbor",
        "Pinecrest",
        "Westbrook",
        "Cedar Falls",
    )
    facs = tuple(
        _hospital(
            f"H{i + 1:02d}",
            f"{n} Medical Center",
            b,
            f"1{i + 1:02d}0000007"[:10],
            tz=-5 if i < 6 else -6,
        )
        for i, (b, n) in enumerate(zip(sizes, names, strict=True))
    )
    return Scale("system", facs)


SCALES = {
    "demo": _demo,
    "clinic": _clinic,
    "hospital": lambda: Scale(
        "hospital",
        (_hospital("HOSP1", "University Medical Center", 500, "1184629573", clinics=10),),
    ),
    "system": _system,
}


def get_scale(name: str) -> Scale:
    """The facilities of a named scale (demo, clinic, hospital, system)."""
    if name not in SCALES:
        raise ValueError(f"unknown scale {name!r}; choose from {sorted(SCALES)}")
    return SCALES[name]()
