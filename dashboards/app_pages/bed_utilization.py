"""Bed utilization: occupancy vs staffed beds, census trend, midnight census, noon discharges."""

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import frame, queries


def pct(value: float | None) -> str:
    """A rate as shown on the page."""
    return "—" if value is None or pd.isna(value) else f"{value:.1%}"


ctx = frame.page_context("bed_utilization")
filters = frame.sidebar_filters(ctx, units=True)
frame.banner(ctx)
args = (filters.scope, filters.start, filters.end, filters.unit_keys)

summary = frame.fetch(ctx, queries.bed_summary, *args)
before_noon = frame.fetch(
    ctx, queries.discharges_before_noon, filters.scope, filters.start, filters.end
)
row = summary.iloc[0] if len(summary) else pd.Series(dtype=object)
noon = before_noon[before_noon["facility_id"].isna()]
noon_row = noon.iloc[0] if len(noon) else pd.Series(dtype=object)

c1, c2, c3, c4 = st.columns(4)
c1.metric("Occupancy (staffed beds)", pct(row.get("occupancy_rate")), border=True)
peak = row.get("peak_census")
c2.metric(
    "Peak hourly census", "—" if peak is None or pd.isna(peak) else f"{peak:,.0f}", border=True
)
mean_mid = row.get("mean_midnight_census")
c3.metric(
    "Mean midnight census",
    "—" if mean_mid is None or pd.isna(mean_mid) else f"{mean_mid:,.1f}",
    border=True,
)
c4.metric("Discharges before noon", pct(noon_row.get("before_noon_rate")), border=True)

units = queries.units(filters.scope)
names = dict(zip(units["unit_key"], units["facility_id"] + " · " + units["unit_name"], strict=True))
heat = frame.fetch(ctx, queries.unit_hour_occupancy, *args)
st.altair_chart(
    alt.Chart(heat.assign(unit=heat["unit_key"].map(names)), title="Occupancy by unit and hour")
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
    ),
    width="stretch",
)

left, right = st.columns(2)
with left:
    trend = frame.fetch(ctx, queries.census_trend, *args)
    st.altair_chart(
        alt.Chart(
            trend.melt("census_date", ["mean_census", "peak_census", "staffed_beds"]),
            title="Census trend",
        )
        .mark_line()
        .encode(
            x=alt.X("census_date:T", title=None),
            y=alt.Y("value:Q", title="Beds"),
            color=alt.Color("variable:N", title=None),
        ),
        width="stretch",
    )
with right:
    midnight = frame.fetch(ctx, queries.midnight_census, *args)
    st.altair_chart(
        alt.Chart(midnight, title="Midnight census")
        .mark_bar()
        .encode(
            x=alt.X("census_date:T", title=None),
            y=alt.Y("midnight_census:Q", title="Patients"),
            tooltip=["census_date:T", "midnight_census:Q", "staffed_beds:Q"],
        ),
        width="stretch",
    )

st.subheader("Discharges before noon")
label = frame.facility_label(ctx)
st.dataframe(
    before_noon.assign(facility=before_noon["facility_id"].map(label)).drop(columns="facility_id"),
    hide_index=True,
    column_order=["facility", "discharges", "before_noon", "before_noon_rate"],
    column_config={
        "before_noon_rate": st.column_config.NumberColumn("Before noon", format="percent")
    },
)
frame.export_button(ctx, heat, "unit_hour_occupancy", "Download occupancy CSV")
