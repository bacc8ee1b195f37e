"""Overview: this week against last week, for the whole scope and per facility."""

import pandas as pd
import streamlit as st

from dashboards import charts, frame, queries

KPIS = {
    "ed_visits": ("ED visits", "count"),
    "admissions": ("Admissions", "count"),
    "discharges": ("Discharges", "count"),
    "occupancy_rate": ("Occupancy", "rate"),
    "no_show_rate": ("No-show rate", "rate"),
    "denial_rate": ("Denial rate", "rate"),
}
LOWER_IS_BETTER = {"no_show_rate", "denial_rate"}


def fmt(value: float | None, kind: str) -> str:
    """A KPI value as shown on the page."""
    if value is None or pd.isna(value):
        return "—"
    return f"{value:.1%}" if kind == "rate" else f"{value:,.0f}"


def fmt_delta(this: float | None, last: float | None, kind: str) -> str | None:
    """The change against last week: points for rates, counts otherwise."""
    if this is None or last is None or pd.isna(this) or pd.isna(last):
        return None
    change = this - last
    return f"{change * 100:+.1f} pp" if kind == "rate" else f"{change:+,.0f}"


ctx = frame.page_context("overview")
filters = frame.sidebar_filters(ctx)
frame.banner(ctx)
st.caption(f"The week ending {filters.end} compared with the seven days before.")

weekly = frame.fetch(ctx, queries.overview_weekly, filters.scope, filters.end)
label = frame.facility_label(ctx)
totals = weekly[weekly["facility_id"].isna()].set_index("kpi")

for column, (kpi, (title, kind)) in zip(st.columns(len(KPIS)), KPIS.items(), strict=True):
    this = totals["this_week"].get(kpi) if kpi in totals.index else None
    last = totals["last_week"].get(kpi) if kpi in totals.index else None
    column.metric(
        title,
        fmt(this, kind),
        delta=fmt_delta(this, last, kind),
        delta_color="inverse" if kpi in LOWER_IS_BETTER else "normal",
        help=f"Last week: {fmt(last, kind)}",
        border=True,
    )

st.subheader("By facility")
by_facility = weekly[weekly["facility_id"].notna()].assign(
    facility=lambda d: d["facility_id"].map(label),
    measure=lambda d: d["kpi"].map(lambda k: KPIS[k][0]),
)
if st.toggle("Show charts", value=False, key="overview_charts"):
    charts.show(
        by_facility[["facility", "measure", "this_week", "last_week"]], charts.weekly_by_facility()
    )
st.dataframe(
    by_facility[["facility", "measure", "this_week", "last_week"]],
    hide_index=True,
    column_config={
        "facility": "Facility",
        "measure": "Measure",
        "this_week": st.column_config.NumberColumn("This week", format="%.3f"),
        "last_week": st.column_config.NumberColumn("Last week", format="%.3f"),
    },
)
frame.export_button(ctx, weekly, "overview_weekly", "Download CSV")
