"""No-shows: no-show and cancellation rates by department, provider, visit type, lead time."""

import pandas as pd
import streamlit as st

from dashboards import charts, frame, queries

DIMENSIONS = {
    "department": "Department",
    "provider": "Provider",
    "visit_type": "Visit type",
    "lead_time_band": "Lead-time band",
}


def pct(value: float | None) -> str:
    """A rate as shown on the page."""
    return "—" if value is None or pd.isna(value) else f"{value:.1%}"


ctx = frame.page_context("no_shows")
filters = frame.sidebar_filters(ctx, departments=True)
frame.banner(ctx)

dimension = (
    st.segmented_control(
        "Break down by",
        list(DIMENSIONS),
        format_func=DIMENSIONS.get,
        default="department",
        key="no_show_dimension",
    )
    or "department"
)
rates = frame.fetch(
    ctx,
    queries.no_show_rates,
    filters.scope,
    filters.start,
    filters.end,
    filters.department_keys,
    dimension,
)
total = rates[rates["facility_id"].isna()]
row = total.iloc[0] if len(total) else pd.Series(dtype=object)

c1, c2, c3, c4 = st.columns(4)
c1.metric("Appointments", f"{int(row.get('scheduled', 0) or 0):,}", border=True)
c2.metric("No-show rate", pct(row.get("no_show_rate")), border=True)
c3.metric("Late-cancel rate", pct(row.get("late_cancel_rate")), border=True)
c4.metric("Same-day cancel rate", pct(row.get("same_day_cancel_rate")), border=True)

groups = rates[rates["facility_id"].notna()]
charts.show(
    groups,
    charts.no_show_rate_bars(f"No-show rate by {DIMENSIONS[dimension].lower()}"),
    width="stretch",
)
st.dataframe(
    groups,
    hide_index=True,
    column_config={
        "label": DIMENSIONS[dimension],
        "no_show_rate": st.column_config.NumberColumn("No-show rate", format="percent"),
        "late_cancel_rate": st.column_config.NumberColumn("Late-cancel rate", format="percent"),
        "same_day_cancel_rate": st.column_config.NumberColumn(
            "Same-day cancel rate", format="percent"
        ),
    },
)
frame.export_button(ctx, groups, "no_show_rates", "Download CSV")

st.subheader("Weekly trend by department")
trend = frame.fetch(
    ctx, queries.no_show_trend, filters.scope, filters.start, filters.end, filters.department_keys
)
charts.show(trend, charts.no_show_trend(), width="stretch")
