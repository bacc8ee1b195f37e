"""Small-cell suppression for the e-mailed reports (security.md R16).

Threshold: `OPS_REPORT_MIN_CELL`, default 11, from the CMS cell size suppression policy (CMS data
use agreements; https://resdac.org/resconnect/articles/26 and
https://www.hhs.gov/guidance/document/cms-cell-suppression-policy): no cell with a value of 1 to 10
may be shown, nor one derivable from other reported figures; a value of zero is allowed.

Project rule (a documented choice, R16):
- a count below the threshold is shown as ``<11``;
- any other figure whose basis (a rate's denominator, a median's number of observations, the
  census behind an occupancy or a mean census) is below the threshold is shown as ``suppressed``;
- a week-over-week delta is suppressed when either week is;
- zero is suppressed too (stricter than CMS, which allows 0) so that "none" and "a few" look alike.
  Cost: a quiet week shows ``<11`` where 0 would be true.

What the rule does not do (and CMS would require): complementary suppression. A rate over a
denominator of 11 or more is shown even when its numerator is small (1 LWBS out of 200 visits), and
the pack also shows the denominator (ED visits), so such a numerator can be derived. The packs go
to each facility's own operations staff, who may see the same data on the dashboards; raise the
threshold or drop the rate if a wider audience receives them.
"""

from __future__ import annotations

import os

from pipelines.lib.reports.build import Figure, Metric

DEFAULT_MIN_CELL = 11


def min_cell_from_env() -> int:
    """The suppression threshold from `OPS_REPORT_MIN_CELL` (read at call time), default 11.

    Raises:
        ValueError: for a value that is not an integer of at least 1.
    """
    raw = os.environ.get("OPS_REPORT_MIN_CELL", "").strip()
    if not raw:
        return DEFAULT_MIN_CELL
    value = int(raw)
    if value < 1:
        raise ValueError("OPS_REPORT_MIN_CELL must be at least 1")
    return value


def is_suppressed(figure: Figure, min_cell: int) -> bool:
    """Whether this figure rests on fewer than `min_cell` people or events."""
    return figure.basis is not None and figure.basis < min_cell


def delta_suppressed(metric: Metric, min_cell: int) -> bool:
    """A delta reveals both weeks' values, so it is suppressed when either week is."""
    return is_suppressed(metric.this_week, min_cell) or is_suppressed(metric.last_week, min_cell)
