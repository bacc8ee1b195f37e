"""Revenue cycle: initial denials by CARC group and payer, and days in A/R."""

import pandas as pd
import streamlit as st

from dashboards import charts, frame, queries


def pct(value: float | None) -> str:
    """A rate as shown on the page."""
    return "—" if value is None or pd.isna(value) else f"{value:.1%}"


ctx = frame.page_context("revenue_cycle")
filters = frame.sidebar_filters(ctx)
frame.banner(ctx)

by_payer = frame.fetch(ctx, queries.denial_rate_by_payer, filters.scope, filters.start, filters.end)
ar = frame.fetch(ctx, queries.ar_trend, filters.scope, filters.start, filters.end)
total = by_payer[by_payer["payer_id"].isna()]
row = total.iloc[0] if len(total) else pd.Series(dtype=object)
scope_ar = ar[ar["facility_id"].isna()]
latest_ar = scope_ar.iloc[-1] if len(scope_ar) else pd.Series(dtype=object)

c1, c2, c3, c4 = st.columns(4)
c1.metric("Claims submitted", f"{int(row.get('claims', 0) or 0):,}", border=True)
c2.metric("Initial denial rate", pct(row.get("denial_rate")), border=True)
c3.metric("Clean claim rate", pct(row.get("clean_claim_rate")), border=True)
days = latest_ar.get("days_in_ar")
c4.metric(
    "Days in A/R (latest)",
    "—" if days is None or pd.isna(days) else f"{days:,.1f}",
    border=True,
)

denials = frame.fetch(ctx, queries.denials_by_group, filters.scope, filters.start, filters.end)
charts.show(denials, charts.denials_by_group(), width="stretch")
left, right = st.columns(2)
with left:
    st.dataframe(denials, hide_index=True)
    frame.export_button(ctx, denials, "denials_by_group", "Download denials CSV")
with right:
    st.dataframe(
        by_payer[by_payer["payer_id"].notna()],
        hide_index=True,
        column_config={
            "denial_rate": st.column_config.NumberColumn("Denial rate", format="percent"),
            "clean_claim_rate": st.column_config.NumberColumn("Clean claims", format="percent"),
        },
    )

label = frame.facility_label(ctx)
charts.show(ar.assign(facility=ar["facility_id"].map(label)), charts.days_in_ar(), width="stretch")
