"""Bed utilization: occupancy vs staffed beds, census trend, midnight census, noon discharges."""

import pandas as pd
import streamlit as st

from dashboards import charts, frame, queries


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
charts.show(
    heat.assign(unit=heat["unit_key"].map(names)), charts.unit_hour_occupancy(), width="stretch"
)

left, right = st.columns(2)
with left:
    trend = frame.fetch(ctx, queries.census_trend, *args)
    charts.show(trend, charts.census_trend(), width="stretch")
with right:
    midnight = frame.fetch(ctx, queries.midnight_census, *args)
    charts.show(midnight, charts.midnight_census(), width="stretch")

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
