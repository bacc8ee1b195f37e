r"""Free text with planted PHI, and the ground-truth spans that mark it.

Every PHI value is appended through `Text.phi`, which records (start, end, entity_type) at the
moment the value is written, so offsets are exact by construction. Clinical filler deliberately
includes look-alikes that are NOT PHI (eponyms such as "Parkinson", drug names, units, blood
pressures that look like dates), so a de-identifier is tested for precision as well as recall.
Texts never contain HL7 delimiters (| ^ ~ \ &) or line breaks, so the same string is valid in a
CSV field and an HL7 component.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from pipelines.synthetic import names as N

MONTHS = (
    "January February March April May June July August September October November December"
).split()


@dataclass
class Person:
    """The identifiers of one patient that free text may mention."""

    first: str
    last: str
    sex: str
    mrn: str
    phone: str
    email: str
    ssn: str
    street: str
    city: str
    state: str
    zip: str
    account: str
    member_id: str
    age: int


class Text:
    """A string under construction plus its PHI spans."""

    __slots__ = ("parts", "pos", "spans")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.spans: list[tuple[int, int, str, str]] = []

    def add(self, s: str) -> Text:
        """Append non-PHI text."""
        self.parts.append(s)
        self.pos += len(s)
        return self

    def phi(self, entity: str, s: str) -> Text:
        """Append a PHI value and record its span."""
        self.spans.append((self.pos, self.pos + len(s), entity, s))
        return self.add(s)

    def value(self) -> str:
        """The finished string."""
        return "".join(self.parts)


# ---- surface forms -------------------------------------------------------------------------


def _phone_form(r: random.Random, digits: str) -> str:
    a, b, c = digits[:3], digits[3:6], digits[6:]
    return r.choice(
        (f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"{a}.{b}.{c}", f"{a} {b} {c}", f"+1 {a}-{b}-{c}")
    )


def _random_phone(r: random.Random) -> str:
    return f"{r.choice(N.AREA_CODES)}{r.randint(201, 989)}{r.randint(0, 9999):04d}"


def _date_form(r: random.Random, y: int, m: int, d: int) -> str:
    k = r.randrange(5)
    if k == 0:
        return f"{m:02d}/{d:02d}/{y}"
    if k == 1:
        return f"{MONTHS[m - 1]} {d}, {y}"
    if k == 2:
        return f"{y}-{m:02d}-{d:02d}"
    if k == 3:
        return f"{m}/{d}/{y % 100:02d}"
    return f"{d} {MONTHS[m - 1][:3]} {y}"


def _name(t: Text, r: random.Random, first: str, last: str, sex: str, title: bool = True) -> None:
    """Write a name, sometimes after a title (the title itself is not part of the span)."""
    k = r.randrange(4)
    if title and k == 0:
        t.add(r.choice(N.TITLES_F if sex == "F" else N.TITLES_M) + " ").phi("PERSON", last)
    elif k == 1:
        t.phi("PERSON", f"{last}, {first}")
    elif k == 2 and title:
        t.add(r.choice(N.TITLES_F if sex == "F" else N.TITLES_M) + " ").phi(
            "PERSON", f"{first} {last}"
        )
    else:
        t.phi("PERSON", f"{first} {last}")


def _relative(t: Text, r: random.Random, p: Person) -> None:
    rel = r.choice(N.RELATIONS)
    first = r.choice(
        N.FIRST_F if rel in ("daughter", "wife", "sister", "mother", "niece") else N.FIRST_M
    )
    last = p.last if r.random() < 0.6 else r.choice(N.LAST)
    t.add(f"{rel} ")
    t.phi("PERSON", f"{first} {last}" if r.random() < 0.7 else first)


# ---- clinical filler (not PHI) -------------------------------------------------------------

CLINICAL = (
    "Hx of Parkinson disease, on carbidopa-levodopa 25/100 mg TID.",
    "BP 132/84, HR 88, SpO2 96% on RA, T 37.9 C.",
    "Cr 1.1 mg/dL, K 4.2 mmol/L, Hgb 11.8 g/dL.",
    "Started metoprolol tartrate 25 mg PO BID and atorvastatin 40 mg nightly.",
    "Known Crohn disease, last flare 2 years ago, on adalimumab.",
    "Hodgkin lymphoma in remission since chemotherapy.",
    "Graves disease s/p radioactive iodine, now on levothyroxine 88 mcg.",
    "Bell palsy on the left resolved.",
    "Foley catheter removed, voiding without difficulty.",
    "Glasgow Coma Scale 15, no focal deficits.",
    "Ambulating with walker, PT following.",
    "A1c 7.2%, continue metformin 1000 mg BID.",
    "Chest x-ray without acute process; EKG sinus rhythm, QTc 438 ms.",
    "Heparin drip per protocol, aPTT goal 60-85 s.",
    "Wound clean, dry and intact; dressing changed.",
    "Alzheimer dementia, baseline oriented x1.",
    "Addison disease on hydrocortisone 20 mg AM / 10 mg PM.",
    "Cushing syndrome workup pending.",
    "Tolerating regular diet; bowel regimen with senna 8.6 mg.",
    "Pain 3/10 on acetaminophen 650 mg q6h PRN.",
    "Ceftriaxone 1 g IV q24h day 3 of 5.",
    "Lasix 40 mg IV given, net negative 1.2 L.",
    "Denies chest pain, dyspnea or fever.",
    "Plan reviewed at bedside with patient.",
    "Follow up with cardiology in 2 weeks.",
    "Barthel index 85; Braden score 17.",
    "Apgar 8/9, newborn to nursery.",
    "Insulin glargine 18 units at bedtime.",
)
COMPLAINTS = (
    "chest pain",
    "shortness of breath",
    "abdominal pain",
    "fall",
    "syncope",
    "fever",
    "headache",
    "back pain",
    "laceration to hand",
    "dizziness",
    "vomiting",
    "cough",
    "altered mental status",
    "palpitations",
    "ankle injury",
    "rash",
    "weakness",
    "urinary symptoms",
    "seizure",
    "dental pain",
    "suicidal ideation",
    "allergic reaction",
    "motor vehicle collision",
    "hyperglycemia",
    "flank pain",
)


class PhiWriter:
    """Writes the free-text fields of every feed, with a seeded RNG."""

    def __init__(self, seed: list[int]) -> None:
        self.r = random.Random(repr(seed))

    def _pick_phi(self, t: Text, p: Person, day: tuple[int, int, int]) -> None:
        """Append one PHI mention of a random kind, with its lead-in words."""
        r = self.r
        k = r.randrange(12)
        if k == 0:
            t.add("MRN ").phi("MRN", p.mrn) if r.random() < 0.5 else t.add("med rec #").phi(
                "MRN", p.mrn
            )
        elif k == 1:
            t.add(r.choice(("call back at ", "cell ", "reached at ", "ph "))).phi(
                "PHONE_NUMBER", _phone_form(r, p.phone)
            )
        elif k == 2:
            t.add("fax ").phi("PHONE_NUMBER", _phone_form(r, _random_phone(r)))
        elif k == 3:
            y, m, d = day
            t.add(r.choice(("seen on ", "last visit ", "surgery on ", "DOS "))).phi(
                "DATE_TIME", _date_form(r, y, m, d)
            )
        elif k == 4:
            age = r.randint(90, 104)
            form = r.choice(("{} y/o", "{}-year-old", "age {}", "{} yo"))
            before, _, after = form.partition("{}")
            t.add(before).phi("AGE", str(age)).add(after)
        elif k == 5:
            t.add("lives at ").phi("LOCATION", f"{p.street}, {p.city}")
        elif k == 6:
            t.add("email ").phi("EMAIL_ADDRESS", p.email)
        elif k == 7:
            ssn = p.ssn if r.random() < 0.6 else p.ssn.replace("-", "")
            t.add(r.choice(("SSN ", "SS# ", "social "))).phi("US_SSN", ssn)
        elif k == 8:
            t.add(r.choice(("acct ", "HAR ", "account #"))).phi("ACCOUNT_NUMBER", p.account)
        elif k == 9:
            t.add(r.choice(("member ID ", "ins ID ", "subscriber "))).phi("MEMBER_ID", p.member_id)
        elif k == 10:
            t.add("zip ").phi("ZIP", p.zip)
        else:
            _relative(t, r, p)
            t.add(" at bedside")

    def chief_complaint(self, p: Person, day: tuple[int, int, int]) -> Text:
        """ED chief complaint: mostly short clinical words, ~20% with a planted identifier."""
        r = self.r
        t = Text()
        cc = r.choice(COMPLAINTS)
        t.add(cc[0].upper() + cc[1:])
        u = r.random()
        if u < 0.06:
            t.add(", brought in by ")
            _relative(t, r, p)
        elif u < 0.10:
            t.add(", pt ")
            age = r.randint(90, 103)
            t.phi("AGE", str(age)).add(" y/o")
        elif u < 0.14:
            t.add(" - per EMS, ")
            _name(t, r, p.first, p.last, p.sex)
            t.add(" found at home")
        elif u < 0.20:
            t.add("; ")
            self._pick_phi(t, p, day)
        elif u < 0.30:
            t.add(
                r.choice(
                    (" x2 days", ", hx Parkinson", " after taking ibuprofen 800 mg", " since 0600")
                )
            )
        return t

    def cancel_comment(self, p: Person, day: tuple[int, int, int], reason: str) -> Text:
        """Scheduler comment on a cancellation."""
        r = self.r
        t = Text()
        who = r.random()
        if who < 0.35:
            t.add("Pt ")
            _name(t, r, p.first, p.last, p.sex)
            t.add(" called to cancel")
        elif who < 0.55:
            _relative(t, r, p)
            t.add(" called to cancel for pt")
        else:
            t.add(r.choice(("Cancelled per patient", "Provider out, bumped", "Cancel - ", "Cxl ")))
        t.add(f" ({reason.lower().replace('_', ' ')})")
        if r.random() < 0.6:
            t.add("; ")
            self._pick_phi(t, p, day)
        if r.random() < 0.3:
            t.add(". Resched when INR back, warfarin 5 mg")
        return t

    def siu_reason(self, p: Person, day: tuple[int, int, int], visit_type: str) -> Text:
        """SCH-6 event reason text."""
        r = self.r
        t = Text()
        t.add(r.choice(("Follow up ", "Eval ", "Recheck ", "Consult ", "Visit ")))
        t.add(
            r.choice(
                (
                    "HTN",
                    "DM2 - A1c 8.1%",
                    "knee pain",
                    "Parkinson meds",
                    "CHF, on Lasix 40 mg",
                    "rash",
                    "post-op check",
                    "annual physical",
                    "COPD",
                    "migraine",
                )
            )
        )
        if r.random() < 0.35:
            t.add(", ")
            self._pick_phi(t, p, day)
        return t

    def note(self, p: Person, day: tuple[int, int, int], note_type: str, attending: str) -> Text:
        """A short clinical note (2-4 clinical sentences, 2-4 identifiers)."""
        r = self.r
        t = Text()
        head = {
            "progress": "Progress note.",
            "discharge_summary": "Discharge summary.",
            "ed_note": "ED provider note.",
            "nursing": "Nursing note.",
        }[note_type]
        t.add(head + " ")
        _name(t, r, p.first, p.last, p.sex)
        if r.random() < 0.4:
            t.add(" (")
            t.add("MRN ").phi("MRN", p.mrn)
            t.add(")")
        if r.random() < 0.15:
            t.add(" is a ").phi("AGE", str(r.randint(90, 102))).add("-year-old")
        else:
            t.add(f" is a {min(p.age, 89)}-year-old {'woman' if p.sex == 'F' else 'man'}")
        t.add(f" on {attending} service. ")
        for _ in range(r.randint(2, 4)):
            t.add(r.choice(CLINICAL) + " ")
        n = r.randint(1, 3)
        for i in range(n):
            self._pick_phi(t, p, day)
            t.add(". " if i == n - 1 else "; ")
        t.add(r.choice(CLINICAL))
        return t
