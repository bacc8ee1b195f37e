"""The patient pool (MPI) of a facility, built column-wise with numpy."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipelines.synthetic import names as N
from pipelines.synthetic.config import PAYERS
from pipelines.synthetic.phi_text import Person

_ALNUM = np.array(list("ACDEFGHJKMNPQRTUVWXY"))


@dataclass
class Patients:
    """Column arrays, one entry per patient."""

    mrn: np.ndarray
    first: np.ndarray
    last: np.ndarray
    sex: np.ndarray
    birth_days: np.ndarray  # days since 1970-01-01
    street: np.ndarray
    city: np.ndarray
    state: np.ndarray
    zip: np.ndarray
    phone: np.ndarray  # 10 digits
    email: np.ndarray
    ssn: np.ndarray
    payer: np.ndarray  # index into PAYERS
    member_id: np.ndarray
    noshow_prone: np.ndarray  # bool: has prior no-shows (drives the no-show model)

    def __len__(self) -> int:
        return len(self.mrn)

    def lists(self) -> dict[str, list]:
        """Plain Python lists of every column (indexing them is ~10x faster than numpy scalars)."""
        if not hasattr(self, "_lists"):
            self._lists = {
                k: v.tolist() for k, v in self.__dict__.items() if isinstance(v, np.ndarray)
            }
        return self._lists

    def person(self, i: int, account: str, ref_days: int) -> Person:
        """The identifiers of patient `i` as free text would quote them."""
        c = self.lists()
        return Person(
            c["first"][i],
            c["last"][i],
            c["sex"][i],
            c["mrn"][i],
            c["phone"][i],
            c["email"][i],
            c["ssn"][i],
            c["street"][i],
            c["city"][i],
            c["state"][i],
            c["zip"][i],
            account,
            c["member_id"][i],
            int((ref_days - c["birth_days"][i]) // 365.25),
        )

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Patient indices for `n` encounters: skewed so that some patients come back often."""
        return np.minimum((len(self) * rng.random(n) ** 1.7).astype(np.int64), len(self) - 1)


def make_patients(rng: np.random.Generator, n: int, mrn_base: int, ref_days: int) -> Patients:
    """Build `n` synthetic patients; MRNs are `mrn_base + i` (unique across facilities)."""
    sex = np.where(rng.random(n) < 0.52, "F", "M")
    first = np.where(
        sex == "F",
        np.array(N.FIRST_F)[rng.integers(0, len(N.FIRST_F), n)],
        np.array(N.FIRST_M)[rng.integers(0, len(N.FIRST_M), n)],
    )
    last = np.array(N.LAST)[rng.integers(0, len(N.LAST), n)]
    # Age mix of hospital users: skewed older; ~2% are 90+ (their ages are PHI under Safe Harbor).
    age_years = np.clip(rng.gamma(2.2, 22.0, n), 0, 104)
    old = rng.random(n) < 0.02
    age_years[old] = rng.uniform(90, 103, int(old.sum()))
    birth_days = (ref_days - age_years * 365.25).astype(np.int64)
    num = rng.integers(1, 9999, n)
    streets = np.array(N.STREETS)[rng.integers(0, len(N.STREETS), n)]
    stype = np.array(N.STREET_TYPES)[rng.integers(0, len(N.STREET_TYPES), n)]
    unit = np.array(N.UNIT_FORMS)[rng.integers(0, len(N.UNIT_FORMS), n)]
    street = np.array(
        [
            f"{a} {b} {c}" + (f" {u}" if u else "")
            for a, b, c, u in zip(
                num.tolist(), streets.tolist(), stype.tolist(), unit.tolist(), strict=True
            )
        ]
    )
    ci = rng.integers(0, len(N.CITIES), n)
    city = np.array([N.CITIES[i][0] for i in ci])
    state = np.array([N.CITIES[i][1] for i in ci])
    zips = np.array([N.CITIES[i][2] for i in ci])
    area = np.array(N.AREA_CODES)[rng.integers(0, len(N.AREA_CODES), n)]
    phone = np.char.add(area, np.char.zfill(rng.integers(2_010_000, 9_899_999, n).astype(str), 7))
    dom = np.array(N.EMAIL_DOMAINS)[rng.integers(0, len(N.EMAIL_DOMAINS), n)]
    email = np.array(
        [
            f"{f.lower()}.{la.lower().replace(chr(39), '')}{k}@{d}"
            for f, la, k, d in zip(
                first.tolist(),
                last.tolist(),
                rng.integers(1, 99, n).tolist(),
                dom.tolist(),
                strict=True,
            )
        ]
    )
    ssn_area = rng.integers(1, 899, n)
    ssn_area[ssn_area == 666] = 667
    ssn = np.array(
        [
            f"{a:03d}-{g:02d}-{s:04d}"
            for a, g, s in zip(
                ssn_area.tolist(),
                rng.integers(1, 99, n).tolist(),
                rng.integers(1, 9999, n).tolist(),
                strict=True,
            )
        ]
    )
    shares = np.array([p[3] for p in PAYERS])
    payer = rng.choice(len(PAYERS), n, p=shares / shares.sum())
    # Medicare beneficiaries are older: move the elderly onto Medicare.
    payer[age_years >= 65] = np.where(
        rng.random(int((age_years >= 65).sum())) < 0.85, 0, payer[age_years >= 65]
    )
    payer[(age_years < 65) & (payer == 0)] = 1
    letters = _ALNUM[rng.integers(0, len(_ALNUM), (n, 3))]
    digits = rng.integers(0, 10**9, n)
    member = np.array(
        [
            (
                f"{d % 9 + 1}{a}{b}{d // 10 % 10}{c}{d // 100 % 10}{a}{d // 1000 % 100:02d}{b}"
                if p == 0
                else f"{PAYERS[p][0][:3]}{d:09d}"
            )
            for p, a, b, c, d in zip(
                payer.tolist(),
                letters[:, 0].tolist(),
                letters[:, 1].tolist(),
                letters[:, 2].tolist(),
                digits.tolist(),
                strict=True,
            )
        ]
    )
    mrn = np.char.zfill((mrn_base + np.arange(n)).astype(str), 8)
    return Patients(
        mrn,
        first,
        last,
        sex,
        birth_days,
        street,
        city,
        state,
        zips,
        phone,
        email,
        ssn,
        payer,
        member,
        rng.random(n) < 0.15,
    )
