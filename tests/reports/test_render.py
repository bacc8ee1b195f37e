"""Rendering: escaping, no active content, small-cell suppression, plain-text alternative."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipelines.lib.reports.build import Figure, Metric, Report, Section, build_weekly_report
from pipelines.lib.reports.render import RenderedReport, render_report
from pipelines.lib.reports.suppression import is_suppressed, min_cell_from_env
from tests.reports.fixture import SCRIPT_NAME, WEEK_ENDING


@pytest.fixture(scope="module")
def rendered_a(published: Path) -> RenderedReport:
    return render_report(build_weekly_report(published, "FAC_A", WEEK_ENDING))


def _row(html: str, label: str) -> list[str]:
    """The text of each cell of the table row whose first cell is `label`."""
    match = re.search(r"<tr[^>]*><td[^>]*>" + re.escape(label) + r"</td>(.*?)</tr>", html)
    assert match, label
    return [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1))]


def test_planted_markup_is_escaped_and_no_script_is_emitted(rendered_a: RenderedReport) -> None:
    html = rendered_a.html
    assert SCRIPT_NAME not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html.lower()
    # Self-contained: no remote or embedded resources, no event handlers, no style sheets.
    for needle in ("http://", "https://", "src=", "<link", "<img", "<iframe", "onerror", "<style"):
        assert needle not in html.lower(), needle
    # The text part is not markup: the name appears verbatim there.
    assert SCRIPT_NAME in rendered_a.text


def test_figures_and_deltas_in_the_html(rendered_a: RenderedReport) -> None:
    html = rendered_a.html
    assert _row(html, "ED visits") == ["20", "16", "&#9650; +4"]
    assert _row(html, "Median door-to-provider") == ["30 min", "25 min", "&#9650; +5 min"]
    assert _row(html, "Left without being seen") == ["10.0%", "25.0%", "&#9660; -15.0 pts"]
    assert _row(html, "Discharges before noon") == ["50.0%", "25.0%", "&#9650; +25.0 pts"]
    assert _row(html, "Midnight occupancy (staffed beds)") == ["66.7%", "60.0%", "&#9650; +6.7 pts"]
    assert _row(html, "Days in A/R") == ["42.5 days", "47.0 days", "&#9660; -4.5 days"]
    assert _row(html, "Authorization") == ["12", "15", "$1,200", "$1,500"]


def test_small_cells_are_suppressed(rendered_a: RenderedReport) -> None:
    html = rendered_a.html
    # Last week's 3 boarders: the count, the hours resting on them and both deltas.
    assert _row(html, "Boarders (admitted, held in ED)") == ["12", "&lt;11", "suppressed"]
    assert _row(html, "Boarder hours") == ["26 h", "suppressed", "suppressed"]
    assert _row(html, "Same-day cancellations") == ["11", "&lt;11", "suppressed"]
    # 11 is not below the threshold: shown.
    assert _row(html, "Late cancellations") == ["12", "11", "&#9650; +1"]
    # A rate over 10 appointments is suppressed, with its denominator.
    assert _row(html, "&lt;script&gt;alert(1)&lt;/script&gt;") == [
        "&lt;11",
        "15",
        "suppressed",
        "0.0%",
    ]
    assert _row(html, "Coding") == ["&lt;11", "&lt;11", "suppressed", "suppressed"]
    for hidden in ("Boarder hours: 26 h (last week 6 h", "$90", "$200"):
        assert hidden not in rendered_a.text
    # boarders, boarder hours, same-day, Eligibility x2, Coding x4, department x2 (this week).
    assert rendered_a.suppressed_cells == 11


def test_plain_text_alternative_has_the_same_figures(rendered_a: RenderedReport) -> None:
    text = rendered_a.text
    assert "- ED visits: 20 (last week 16, change +4)" in text
    assert "- No-show rate: 20.0% (last week 12.5%, change +7.5 pts)" in text
    assert "- Boarders (admitted, held in ED): 12 (last week <11, change suppressed)" in text
    assert "11 value(s) suppressed" in text


def test_subject_names_the_facility_and_week(rendered_a: RenderedReport) -> None:
    assert rendered_a.subject == "Weekly huddle pack: North General (FAC_A), week ending 2026-03-15"


def test_threshold_is_configurable(published: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPS_REPORT_MIN_CELL", "21")
    assert min_cell_from_env() == 21
    rendered = render_report(build_weekly_report(published, "FAC_A", WEEK_ENDING), 21)
    assert _row(rendered.html, "ED visits") == ["&lt;21", "&lt;21", "suppressed"]
    monkeypatch.setenv("OPS_REPORT_MIN_CELL", "0")
    with pytest.raises(ValueError):
        min_cell_from_env()
    monkeypatch.delenv("OPS_REPORT_MIN_CELL")
    assert min_cell_from_env() == 11


def test_suppression_rule_unit() -> None:
    assert is_suppressed(Figure(10, 10), 11)
    assert is_suppressed(Figure(0, 0), 11)  # zero is masked too (project choice)
    assert not is_suppressed(Figure(11, 11), 11)
    assert is_suppressed(Figure(0.5, 10), 11)  # a rate over 10
    assert not is_suppressed(Figure(42.5, None), 11)  # not about people


def test_header_breaking_names_are_flattened() -> None:
    metric = Metric("ed_visits", "ED visits", "count", Figure(None, None), Figure(None, None))
    report = Report("FAC_X", "Evil\r\nBcc: x@example.org", WEEK_ENDING, [Section("ED", [metric])])
    rendered = render_report(report)
    assert "\n" not in rendered.subject and "\r" not in rendered.subject
    assert _row(rendered.html, "ED visits") == ["—", "—", "—"]


SNAPSHOTS = Path(__file__).parent / "snapshots"


@pytest.mark.parametrize("part", ["txt", "html"])
def test_snapshot(rendered_a: RenderedReport, part: str) -> None:
    # Reviewed by hand against the fixture's expected figures; regenerate deliberately on change.
    body = rendered_a.text if part == "txt" else rendered_a.html
    assert body == (SNAPSHOTS / f"weekly_fac_a.{part}").read_text()
