"""Throughput: ED timeliness, and ED and inpatient flow by hour of day and weekday."""

import pandas as pd
import streamlit as st

from dashboards import charts, frame, queries


def minutes(value: float | None) -> str:
    """A median in minutes as shown on the page."""
    return "—" if value is None or pd.isna(value) else f"{value:,.0f} min"


def by_weekday(df: pd.DataFrame) -> pd.DataFrame:
    """Name the weekday (1 = Monday) for the heatmap's rows."""
    return df.assign(day=df["weekday"].map(charts.WEEKDAYS))


ctx = frame.page_context("throughput")
filters = frame.sidebar_filters(ctx)
frame.banner(ctx)

timeliness = frame.fetch(ctx, queries.ed_timeliness, filters.scope, filters.start, filters.end)
label = frame.facility_label(ctx)
total = timeliness[timeliness["facility_id"].isna()]
row = total.iloc[0] if len(total) else pd.Series(dtype=object)

c1, c2, c3, c4, c5 = st.columns(5)
c1.metric("ED visits", f"{int(row.get('visits', 0) or 0):,}", border=True)
c2.metric("Door to provider (median)", minutes(row.get("door_to_provider_median")), border=True)
c3.metric("ED LOS, OP-18 (median)", minutes(row.get("ed_los_op18_median")), border=True)
c4.metric("Boarding (median)", minutes(row.get("boarding_median")), border=True)
lwbs = row.get("lwbs_rate")
c5.metric("LWBS rate", "—" if lwbs is None or pd.isna(lwbs) else f"{lwbs:.1%}", border=True)

left, right = st.columns(2)
with left:
    arrivals = frame.fetch(
        ctx, queries.ed_arrivals_by_hour, filters.scope, filters.start, filters.end
    )
    charts.show(
        by_weekday(arrivals),
        charts.weekday_hour_heatmap("visits", "ED arrivals"),
        width="stretch",
    )
with right:
    flow = frame.fetch(
        ctx, queries.inpatient_flow_by_hour, filters.scope, filters.start, filters.end
    )
    event = (
        st.segmented_control(
            "Inpatient", ["admission", "discharge"], default="admission", key="throughput_event"
        )
        or "admission"
    )
    shown = flow[flow["event"] == event]
    charts.show(
        by_weekday(shown),
        charts.weekday_hour_heatmap("stays", f"Inpatient {event}s"),
        width="stretch",
    )

st.subheader("By facility")
st.dataframe(
    timeliness.assign(facility=timeliness["facility_id"].map(label)).drop(columns="facility_id"),
    hide_index=True,
    column_order=[
        "facility",
        "visits",
        "door_to_provider_median",
        "ed_los_op18_median",
        "boarding_median",
        "lwbs_rate",
    ],
)
frame.export_button(ctx, timeliness, "ed_timeliness", "Download CSV")

st.subheader("ED providers")
providers = frame.fetch(
    ctx, queries.ed_visits_by_provider, filters.scope, filters.start, filters.end
)
# st.table renders plain escaped text: provider names are data, never markup.
st.table(
    providers.assign(facility=providers["facility_id"].map(label))[
        ["facility", "provider_name", "visits", "door_to_provider_median"]
    ].head(25)
)
