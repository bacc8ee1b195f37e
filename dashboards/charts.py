"""Vega-Lite specs of the dashboard charts, written with Altair and built once per process.

Building an Altair chart parses every shorthand and validates the whole spec against the Vega-Lite
JSON schema: about 7 ms a chart on the reference machine, which `st.altair_chart` paid again on
every rerun, also when nothing had changed. A spec does not depend on the rows, so each one is
built and validated once (per title) and `show()` hands it to `st.vega_lite_chart` with the rows of
the current run. Pages pass data only; fields, types and titles are constants in this module.
"""

from __future__ import annotations

import copy
import functools
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

WEEKDAYS = {1: "Mon", 2: "Tue", 3: "Wed", 4: "Thu", 5: "Fri", 6: "Sat", 7: "Sun"}


def show(data: pd.DataFrame, spec: dict[str, Any], **kwargs: Any) -> None:
    """Render `spec` over `data`.

    Streamlit fills in defaults inside nested parts of the spec it is given (legend titles), so it
    gets a copy: the cached spec is shared by every session of the process.
    """
    st.vega_lite_chart(data, copy.deepcopy(spec), **kwargs)


def _spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    spec = chart.to_dict()  # validates against the Vega-Lite schema, once per spec
    # A chart built without rows carries an empty placeholder dataset; the rows come with `show`.
    spec.pop("data", None)
    spec.pop("datasets", None)
    # Altair's default theme adds a 300 px view size; st.altair_chart switches that theme off
    # ("none") so that Streamlit's own theme and the container width apply. No chart here sets a
    # `config` of its own, so dropping the key is the same as building under the "none" theme.
    spec.pop("config", None)
    return spec


# --- overview ------------------------------------------------------------------------------------


@functools.cache
def weekly_by_facility() -> dict[str, Any]:
    """This week against last week, one small bar chart per facility and measure.

    Rows: facility, measure, this_week, last_week (folded into `week` and `value` in the browser).
    """
    return _spec(
        alt.Chart()
        .transform_fold(["this_week", "last_week"], as_=["week", "value"])
        .mark_bar()
        .encode(
            x=alt.X("week:N", title=None, sort=["last_week", "this_week"]),
            y=alt.Y("value:Q", title=None),
            color=alt.Color("week:N", title="Week"),
            column=alt.Column("facility:N", title=None),
            row=alt.Row("measure:N", title=None),
            tooltip=["facility:N", "measure:N", "week:N", alt.Tooltip("value:Q", format=",.3f")],
        )
        .resolve_scale(y="independent")
        .properties(height=90, width=120)
    )


# --- throughput ----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=16)  # one per (measure, title): a handful
def weekday_hour_heatmap(value: str, title: str) -> dict[str, Any]:
    """Weekday x hour-of-day heatmap of `value`. Rows: day (Mon..Sun), hour, `value`."""
    return _spec(
        alt.Chart(title=title)
        .mark_rect()
        .encode(
            x=alt.X("hour:O", title="Hour of day"),
            y=alt.Y("day:O", sort=list(WEEKDAYS.values()), title=None),
            color=alt.Color(f"{value}:Q", title=None),
            tooltip=["day:O", "hour:O", f"{value}:Q"],
        )
    )


# --- no-shows ------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=16)  # one per breakdown title: four
def no_show_rate_bars(title: str) -> dict[str, Any]:
    """No-show rate per group and facility. Rows: label, facility_id, no_show_rate, counts."""
    return _spec(
        alt.Chart(title=title)
        .mark_bar()
        .encode(
            x=alt.X("no_show_rate:Q", title="No-show rate", axis=alt.Axis(format="%")),
            y=alt.Y("label:N", sort="-x", title=None),
            color=alt.Color("facility_id:N", title="Facility"),
            tooltip=["facility_id:N", "label:N", "no_shows:Q", "denominator:Q"],
        )
    )


@functools.cache
def no_show_trend() -> dict[str, Any]:
    """Weekly no-show rate per department. Rows: week, department_name, no_show_rate."""
    return _spec(
        alt.Chart()
        .mark_line(point=True)
        .encode(
            x=alt.X("week:T", title="Week"),
            y=alt.Y("no_show_rate:Q", title="No-show rate", axis=alt.Axis(format="%")),
            color=alt.Color("department_name:N", title="Department"),
            tooltip=["week:T", "department_name:N", alt.Tooltip("no_show_rate:Q", format=".1%")],
        )
    )


# --- bed utilization -----------------------------------------------------------------------------


@functools.cache
def unit_hour_occupancy() -> dict[str, Any]:
    """Occupancy by unit and hour of day. Rows: unit (label), hour, occupancy and bed averages."""
    return _spec(
        alt.Chart(title="Occupancy by unit and hour")
        .mark_rect()
        .encode(
            x=alt.X("hour:O", title="Hour of day"),
            y=alt.Y("unit:N", title=None),
            color=alt.Color(
                "occupancy_rate:Q", title="Occupancy", scale=alt.Scale(domain=[0, 1.1], clamp=True)
            ),
            tooltip=[
                "unit:N",
                "hour:O",
                alt.Tooltip("avg_occupied_beds:Q", format=".1f", title="Occupied"),
                alt.Tooltip("avg_staffed_beds:Q", format=".1f", title="Staffed"),
                alt.Tooltip("occupancy_rate:Q", format=".1%"),
            ],
        )
    )


@functools.cache
def census_trend() -> dict[str, Any]:
    """Mean and peak census against staffed beds per day.

    Rows: census_date, mean_census, peak_census, staffed_beds; the browser folds the three measures
    into one line per measure, so the rows need no reshaping on the server.
    """
    return _spec(
        alt.Chart(title="Census trend")
        .transform_fold(["mean_census", "peak_census", "staffed_beds"], as_=["variable", "value"])
        .mark_line()
        .encode(
            x=alt.X("census_date:T", title=None),
            y=alt.Y("value:Q", title="Beds"),
            color=alt.Color("variable:N", title=None),
        )
    )


@functools.cache
def midnight_census() -> dict[str, Any]:
    """Midnight census per day. Rows: census_date, midnight_census, staffed_beds."""
    return _spec(
        alt.Chart(title="Midnight census")
        .mark_bar()
        .encode(
            x=alt.X("census_date:T", title=None),
            y=alt.Y("midnight_census:Q", title="Patients"),
            tooltip=["census_date:T", "midnight_census:Q", "staffed_beds:Q"],
        )
    )


# --- revenue cycle -------------------------------------------------------------------------------


@functools.cache
def denials_by_group() -> dict[str, Any]:
    """Denied amount per CARC group, stacked by payer. Rows: carc_group, payer_id, amounts."""
    return _spec(
        alt.Chart(title="Denied amount by CARC group and payer")
        .mark_bar()
        .encode(
            x=alt.X("sum(denied_amount):Q", title="Denied amount"),
            y=alt.Y("carc_group:N", sort="-x", title="CARC group"),
            color=alt.Color("payer_id:N", title="Payer"),
            tooltip=["carc_group:N", "payer_id:N", "denied_accounts:Q", "denied_amount:Q"],
        )
    )


@functools.cache
def days_in_ar() -> dict[str, Any]:
    """Days in A/R per snapshot and facility. Rows: snapshot_date, facility (label), days_in_ar."""
    return _spec(
        alt.Chart(title="Days in A/R")
        .mark_line(point=True)
        .encode(
            x=alt.X("snapshot_date:T", title=None),
            y=alt.Y("days_in_ar:Q", title="Days"),
            color=alt.Color("facility:N", title=None),
            tooltip=["snapshot_date:T", "facility:N", alt.Tooltip("days_in_ar:Q", format=".1f")],
        )
    )
