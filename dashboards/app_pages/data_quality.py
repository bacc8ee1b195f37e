"""Data quality: feed freshness, the ingest ledger balance and quarantine reasons."""

import streamlit as st

from dashboards import frame, queries

ctx = frame.page_context("data_quality")
frame.banner(ctx)

ledger = frame.fetch(ctx, queries.feed_freshness, ctx.scope)
unbalanced = ledger[~ledger["ledger_balanced"].astype(bool)]

c1, c2, c3 = st.columns(3)
c1.metric("Feeds × facilities", f"{len(ledger):,}", border=True)
c2.metric("Rows quarantined", f"{int(ledger['quarantined_rows'].sum()):,}", border=True)
c3.metric("Ledger rows out of balance", f"{len(unbalanced):,}", border=True)
if len(unbalanced):
    st.error("Some feeds do not balance: source rows ≠ loaded + quarantined + duplicate.")

st.subheader("Freshness and ledger")
st.dataframe(
    ledger,
    hide_index=True,
    column_config={"ledger_balanced": st.column_config.CheckboxColumn("Balanced")},
)
frame.export_button(ctx, ledger, "feed_freshness", "Download CSV")

st.subheader("Quarantine reasons")
quarantine = frame.fetch(ctx, queries.quarantine_summary, ctx.scope)
if quarantine.empty:
    st.info(
        "Quarantine reasons are counted across all facilities, so they are shown only to users "
        "with access to every facility (or there are none)."
    )
else:
    st.dataframe(quarantine, hide_index=True)
