"""Render a huddle pack to a self-contained HTML e-mail and its plain-text alternative.

The HTML template autoescapes every value (facility, department and CARC-group names come from the
data and could hold markup), uses inline CSS only (mail clients drop `<style>` blocks and block
remote resources) and contains no script, image or link. Small cells are suppressed here, before
any value becomes text (see `pipelines.lib.reports.suppression`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import jinja2

from pipelines.lib.reports.build import Figure, Kind, Metric, Report
from pipelines.lib.reports.suppression import (
    DEFAULT_MIN_CELL,
    delta_suppressed,
    is_suppressed,
)

TEMPLATES = Path(__file__).parent / "templates"
NO_DATA = "—"
SUPPRESSED = "suppressed"

# Kinds that count (or average) people: suppressed as "<11" rather than "suppressed".
_COUNT_LIKE: frozenset[Kind] = frozenset({"count", "mean"})


@dataclass(frozen=True)
class Cell:
    """One metric row as displayed: label, both weeks, the delta and its direction."""

    label: str
    this_week: str
    last_week: str
    delta: str
    direction: str  # "up", "down", "flat" or "" (unknown/suppressed): drives an arrow, not a colour


@dataclass(frozen=True)
class RenderedReport:
    """A report ready to send: subject, both bodies and how many cells were suppressed."""

    facility_id: str
    subject: str
    html: str
    text: str
    suppressed_cells: int


def _format_value(value: float, kind: Kind) -> str:
    match kind:
        case "count":
            return f"{value:,.0f}"
        case "rate":
            return f"{value * 100:.1f}%"
        case "minutes":
            return f"{value:,.0f} min"
        case "mean":
            return f"{value:,.1f}"
        case "days":
            return f"{value:,.1f} days"
        case "hours":
            return f"{value:,.0f} h"
        case "money":
            return f"${value:,.0f}"
    raise ValueError(f"unknown kind {kind!r}")


def _format_delta(delta: float, kind: Kind) -> str:
    sign = "+" if delta > 0 else "-" if delta < 0 else "±"
    size = abs(delta)
    match kind:
        case "rate":
            return f"{sign}{size * 100:.1f} pts"
        case "money":
            return f"{sign}${size:,.0f}"
    return sign + _format_value(size, kind)


class _Formatter:
    """Turns figures into text under one threshold and counts the cells it masks."""

    def __init__(self, min_cell: int) -> None:
        self.min_cell = min_cell
        self.suppressed = 0

    def figure(self, figure: Figure, kind: Kind) -> str:
        if is_suppressed(figure, self.min_cell):
            self.suppressed += 1
            return f"<{self.min_cell}" if kind in _COUNT_LIKE else SUPPRESSED
        if figure.value is None:
            return NO_DATA
        return _format_value(figure.value, kind)

    def cell(self, metric: Metric, label: str | None = None) -> Cell:
        this_week = self.figure(metric.this_week, metric.kind)
        last_week = self.figure(metric.last_week, metric.kind)
        delta = metric.delta
        if delta_suppressed(metric, self.min_cell):
            delta_text, direction = SUPPRESSED, ""
        elif delta is None:
            delta_text, direction = NO_DATA, ""
        else:
            delta_text = _format_delta(delta, metric.kind)
            direction = "up" if delta > 0 else "down" if delta < 0 else "flat"
        return Cell(label or metric.label, this_week, last_week, delta_text, direction)


def _environment(*, html: bool) -> jinja2.Environment:
    # Autoescape is on for HTML whatever the file name; text bodies are not markup.
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=html,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _header_safe(text: str) -> str:
    """Collapse control characters so data-derived names cannot break the Subject header."""
    return re.sub(r"[\x00-\x1f\x7f]+", " ", text).strip()


def subject_for(report: Report) -> str:
    """The e-mail subject: facility and week, no figures."""
    return _header_safe(
        f"Weekly huddle pack: {report.facility_name} ({report.facility_id}), "
        f"week ending {report.week_ending:%Y-%m-%d}"
    )


def render_report(report: Report, min_cell: int = DEFAULT_MIN_CELL) -> RenderedReport:
    """Suppress small cells and render both bodies.

    Args:
        report: the pack from `build_weekly_report`.
        min_cell: the suppression threshold (`OPS_REPORT_MIN_CELL`, default 11).

    Returns:
        The subject, HTML and text bodies, and the number of week values suppressed.
    """
    fmt = _Formatter(min_cell)
    sections = [
        {"title": s.title, "cells": [fmt.cell(m) for m in s.metrics]} for s in report.sections
    ]
    breakdowns = [
        {
            "title": b.title,
            "note": b.note,
            "label_header": b.label_header,
            "columns": [m.label for m in b.rows[0].metrics] if b.rows else [],
            "rows": [{"label": r.label, "cells": [fmt.cell(m) for m in r.metrics]} for r in b.rows],
        }
        for b in report.breakdowns
    ]
    context = {
        "facility_id": report.facility_id,
        "facility_name": report.facility_name,
        "week_start": report.week_start,
        "week_ending": report.week_ending,
        "last_week_start": report.last_week_start,
        "last_week_ending": report.last_week_ending,
        "data_through": report.data_through,
        "sections": sections,
        "breakdowns": breakdowns,
        "min_cell": min_cell,
        "suppressed_cells": fmt.suppressed,
    }
    html = _environment(html=True).get_template("weekly.html.j2").render(context)
    text = _environment(html=False).get_template("weekly.txt.j2").render(context)
    return RenderedReport(report.facility_id, subject_for(report), html, text, fmt.suppressed)
