"""Time handling: the simulation runs on UTC seconds; files show local facility time.

Running on UTC means durations are real, so a stay across a daylight-saving change shows the true
one-hour jump in local wall-clock times (the repeated 01:00 hour in November, the missing 02:00
hour in March), exactly as an EHR that stores local time sends it. US rule (Energy Policy Act of
2005): DST starts the second Sunday of March at 02:00 local standard time and ends the first Sunday
of November at 02:00 local daylight time.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, timedelta

import numpy as np

DAY = 86_400
HOUR = 3_600
MINUTE = 60


def day_seconds(d: date) -> int:
    """Seconds since 1970-01-01 of midnight (as a naive wall-clock instant) of `d`."""
    return (d - date(1970, 1, 1)).days * DAY


def _dst_bounds_utc(years: range, std_offset_h: int) -> tuple[np.ndarray, np.ndarray]:
    """UTC seconds of DST start and end for each year, for a zone at `std_offset_h` (e.g. -5)."""
    starts, ends = [], []
    for y in years:
        march1 = date(y, 3, 1)
        second_sunday = march1 + timedelta(days=(6 - march1.weekday()) % 7 + 7)
        nov1 = date(y, 11, 1)
        first_sunday = nov1 + timedelta(days=(6 - nov1.weekday()) % 7)
        # 02:00 standard time = 02:00 - offset in UTC; 02:00 daylight = 02:00 - (offset + 1).
        starts.append(day_seconds(second_sunday) + 2 * HOUR - std_offset_h * HOUR)
        ends.append(day_seconds(first_sunday) + 2 * HOUR - (std_offset_h + 1) * HOUR)
    return np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64)


class Zone:
    """A US time zone with DST, converting UTC seconds <-> local wall-clock seconds, vectorised."""

    def __init__(self, std_offset_h: int, first_year: int, last_year: int) -> None:
        self.std = std_offset_h * HOUR
        self.years = range(first_year - 1, last_year + 2)
        self.starts, self.ends = _dst_bounds_utc(self.years, std_offset_h)
        self._starts, self._ends = self.starts.tolist(), self.ends.tolist()

    def local1(self, utc: int) -> int:
        """Scalar `to_local` (bisect instead of numpy: much faster for one value)."""
        i = max(bisect_right(self._starts, utc) - 1, 0)
        dst = self._starts[i] <= utc < self._ends[i]
        return utc + self.std + (HOUR if dst else 0)

    def utc1(self, local: int) -> int:
        """Scalar `from_local`."""
        guess = local - self.std
        i = max(bisect_right(self._starts, guess - HOUR) - 1, 0)
        return guess - (HOUR if self._starts[i] <= guess - HOUR < self._ends[i] else 0)

    def is_dst(self, utc: np.ndarray) -> np.ndarray:
        """True where the UTC instant falls in daylight time."""
        utc = np.asarray(utc, dtype=np.int64)
        idx = np.searchsorted(self.starts, utc, side="right") - 1
        idx = np.clip(idx, 0, len(self.starts) - 1)
        return (utc >= self.starts[idx]) & (utc < self.ends[idx])

    def to_local(self, utc: np.ndarray) -> np.ndarray:
        """Local wall-clock seconds for UTC seconds."""
        utc = np.asarray(utc, dtype=np.int64)
        return utc + self.std + np.where(self.is_dst(utc), HOUR, 0)

    def from_local(self, local: np.ndarray) -> np.ndarray:
        """UTC seconds for local wall-clock seconds (spring-gap times move an hour later)."""
        local = np.asarray(local, dtype=np.int64)
        guess = local - self.std
        return guess - np.where(self.is_dst(guess - HOUR), HOUR, 0)


def fmt_iso(local: np.ndarray) -> np.ndarray:
    """`YYYY-MM-DD HH:MM:SS` strings for local seconds (the CSV timestamp form)."""
    s = np.datetime_as_string(np.asarray(local, dtype="datetime64[s]"), unit="s")
    return np.char.replace(s, "T", " ")


def fmt_date(local: np.ndarray) -> np.ndarray:
    """`YYYY-MM-DD` strings for local seconds."""
    return np.datetime_as_string(np.asarray(local, dtype="datetime64[s]"), unit="D")


def fmt_hl7(local: np.ndarray) -> list[str]:
    """HL7 TS `YYYYMMDDHHMMSS` strings for local seconds."""
    s = np.datetime_as_string(np.asarray(local, dtype="datetime64[s]"), unit="s").tolist()
    return [x[0:4] + x[5:7] + x[8:10] + x[11:13] + x[14:16] + x[17:19] for x in s]


def day_index(local: np.ndarray, start_local_midnight: int) -> np.ndarray:
    """Extract-day index (0 = start date) of local seconds."""
    return (np.asarray(local, dtype=np.int64) - start_local_midnight) // DAY
