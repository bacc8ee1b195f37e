"""Figures and deltas of the huddle pack against the hand-computed fixture values."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipelines.lib.duck import published_connection
from pipelines.lib.reports.build import (
    Report,
    build_weekly_report,
    facility_ids,
    previous_sunday,
)
from tests.reports.fixture import SCRIPT_NAME, WEEK_ENDING

# key: (this week, last week, delta), from the fixture's docstring.
EXPECTED = {
    "ed_visits": (20, 16, 4),
    "door_to_provider_median": (30, 25, 5),
    "lwbs_rate": (0.10, 0.25, -0.15),
    "admissions": (12, 15, -3),
    "discharges": (13, 20, -7),
    "discharge_before_noon_rate": (0.50, 0.25, 0.25),
    "avg_midnight_census": (20, 18, 2),
    "midnight_occupancy_rate": (20 / 30, 18 / 30, 2 / 30),
    "peak_hourly_occupancy_rate": (0.90, 0.60, 0.30),
    "boarders": (12, 3, 9),
    "boarder_hours": (26, 6, 20),
    "no_show_rate": (0.20, 0.125, 0.075),
    "late_cancels": (12, 11, 1),
    "same_day_cancels": (11, 2, 9),
    "initial_denial_rate": (0.20, 0.30, -0.10),
    "days_in_ar": (42.5, 47.0, -4.5),
}


@pytest.fixture(scope="module")
def report_a(published: Path) -> Report:
    return build_weekly_report(published, "FAC_A", WEEK_ENDING)


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_figures_and_deltas_match_hand_computed_values(report_a: Report, key: str) -> None:
    metric = report_a.metric(key)
    this_week, last_week, delta = EXPECTED[key]
    assert metric.this_week.value == pytest.approx(this_week)
    assert metric.last_week.value == pytest.approx(last_week)
    assert metric.delta == pytest.approx(delta)


def test_bases_are_the_people_behind_each_figure(report_a: Report) -> None:
    report = report_a
    assert report.metric("lwbs_rate").this_week.basis == 20  # the ED visits
    assert report.metric("discharge_before_noon_rate").this_week.basis == 12  # death excluded
    assert report.metric("boarder_hours").last_week.basis == 3  # the boarders
    assert report.metric("peak_hourly_occupancy_rate").this_week.basis == 27  # occupied beds
    assert report.metric("days_in_ar").this_week.basis is None  # not about people


def test_breakdowns(report_a: Report) -> None:
    carc, departments = report_a.breakdowns
    assert [r.label for r in carc.rows] == ["Authorization", "Eligibility", "Coding"]
    auth = carc.rows[0].metrics
    assert (auth[0].this_week.value, auth[0].last_week.value) == (12, 15)  # distinct accounts
    assert (auth[1].this_week.value, auth[1].last_week.value) == (1200, 1500)
    coding = carc.rows[2].metrics[0]
    assert (coding.this_week.value, coding.last_week.value) == (3, 0)
    assert [r.label for r in departments.rows] == ["Cardiology", SCRIPT_NAME]
    xss = departments.rows[1].metrics
    assert (xss[0].this_week.value, xss[1].this_week.value) == (10, 0.2)


def test_report_reads_only_its_facility(published: Path) -> None:
    report = build_weekly_report(published, "FAC_B", WEEK_ENDING)
    assert report.facility_name == "South Community"
    assert report.metric("ed_visits").this_week.value == 33
    assert report.metric("days_in_ar").this_week.value == pytest.approx(88.8)
    assert report.metric("admissions").this_week.value == 0  # FAC_A's 12 are not counted
    assert [r.label for r in report.breakdowns[0].rows] == ["B-only group"]
    assert report.data_through == WEEK_ENDING


def test_unknown_facility_is_refused(published: Path) -> None:
    with pytest.raises(KeyError):
        build_weekly_report(published, "FAC_Z", WEEK_ENDING)


def test_facility_list_and_read_only_open(published: Path) -> None:
    assert facility_ids(published) == [("FAC_A", "North General"), ("FAC_B", "South Community")]
    # Building never holds a write lock: a writer can open the file right after.
    published_connection(path=published, read_only=False).close()


def test_discharge_before_noon_without_the_optional_cohort_column(tmp_path: Path) -> None:
    from tests.reports.fixture import make_published

    path = make_published(tmp_path / "ops.duckdb")
    with published_connection(path=path, read_only=False) as con:
        con.execute("alter table marts.fct_inpatient_stays drop column is_in_dbn_denominator")
    report = build_weekly_report(path, "FAC_A", WEEK_ENDING)
    # Falls back to every inpatient discharge: 6 of 13.
    assert report.metric("discharge_before_noon_rate").this_week.value == pytest.approx(6 / 13)


@pytest.mark.parametrize(
    ("today", "sunday"),
    [
        (date(2026, 3, 16), date(2026, 3, 15)),  # Monday run -> yesterday
        (date(2026, 3, 15), date(2026, 3, 8)),  # Sunday: that week is not over yet
        (date(2026, 3, 18), date(2026, 3, 15)),
    ],
)
def test_previous_sunday(today: date, sunday: date) -> None:
    assert previous_sunday(today) == sunday
