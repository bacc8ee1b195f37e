"""The frame every page shares: identity, sidebar filters, banner, audited data and export.

Pages call `page_context()` first; it stops the page when nobody with a role is signed in, so a
page can never render data without an identity even if it is run on its own.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from dashboards import audit, auth, db, queries
from dashboards.auth import Scope, User

AUDITED_KEY = "_ops_audited"
AUDITED_PAGE_KEY = "_ops_audited_page"
DEFAULT_DAYS = 28


@dataclass(frozen=True)
class PageContext:
    """Who is looking at which page, and the facilities they may read."""

    user: User
    scope: Scope
    page: str


@dataclass(frozen=True)
class Filters:
    """Sidebar filter values, already intersected with the user's scope."""

    scope: Scope
    start: date
    end: date
    unit_keys: tuple[str, ...] = ()
    department_keys: tuple[str, ...] = ()


def page_context(page: str) -> PageContext:
    """The signed-in user and scope for `page`; stops the page when there is none."""
    user = auth.current_user()
    if user is None:
        st.stop()
    scope = auth.scope_for(user, queries.all_facility_ids())
    return PageContext(user=user, scope=scope, page=page)


def record(ctx: PageContext, action: str, **fields: Any) -> None:
    """Append an audit event for this user and page."""
    audit.record(
        user=ctx.user.username,
        role=ctx.user.role.value,
        facility_scope=ctx.scope.facilities,
        page=ctx.page,
        action=action,
        **fields,
    )


def sidebar_filters(ctx: PageContext, *, units: bool = False, departments: bool = False) -> Filters:
    """Facility, optional unit or department, and date range widgets in the sidebar.

    Options come only from the user's scope, and the chosen values are intersected with it again,
    so a crafted widget value cannot widen what is read.
    """
    facilities = load(ctx, queries.facilities, ctx.scope)
    names = dict(zip(facilities["facility_id"], facilities["facility_name"], strict=True))
    bounds = load(ctx, queries.date_bounds, ctx.scope)
    last = _as_date(bounds["max_date"].iloc[0]) if len(bounds) else None
    first = _as_date(bounds["min_date"].iloc[0]) if len(bounds) else None
    last = last or date.today()
    first = first or last - timedelta(days=DEFAULT_DAYS - 1)
    with st.sidebar:
        st.header("Filters")
        chosen = st.multiselect(
            "Facility",
            options=list(names),
            format_func=lambda f: names.get(f, f),
            placeholder="All facilities in your scope",
            key=f"filter_facility_{ctx.page}",
        )
        scope = ctx.scope.narrow(chosen)
        unit_keys: tuple[str, ...] = ()
        department_keys: tuple[str, ...] = ()
        if units:
            unit_keys = _pick_keys(ctx, scope, queries.units, "unit", "Unit", "All units")
        if departments:
            department_keys = _pick_keys(
                ctx, scope, queries.departments, "department", "Department", "All departments"
            )
        default_start = max(first, last - timedelta(days=DEFAULT_DAYS - 1))
        picked_range = st.date_input(
            "Date range",
            value=(default_start, last),
            min_value=first - timedelta(days=366),
            max_value=last,
            key=f"filter_dates_{ctx.page}",
        )
    start, end = _date_range(picked_range, default_start, last)
    return Filters(scope, start, end, unit_keys, department_keys)


def _as_date(value: Any) -> date | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).date()


def _date_range(picked: Any, default_start: date, default_end: date) -> tuple[date, date]:
    # While the user is mid-way through picking a range the widget returns one date.
    if isinstance(picked, tuple | list) and len(picked) == 2:
        return picked[0], picked[1]
    if isinstance(picked, tuple | list) and len(picked) == 1:
        return picked[0], picked[0]
    if isinstance(picked, date):
        return picked, picked
    return default_start, default_end


def banner(ctx: PageContext) -> None:
    """Data freshness and the share of rows quarantined, for the user's whole scope."""
    df = load(ctx, queries.freshness_banner, ctx.scope)
    if df.empty or pd.isna(df["latest_extract_date"].iloc[0]):
        st.info("No data has been published for your facilities yet.")
        return
    row = df.iloc[0]
    share = row["quarantined_share"]
    share_text = "n/a" if pd.isna(share) else f"{share:.2%}"
    message = (
        f"Data through {_as_date(row['latest_extract_date'])} "
        f"(stalest feed: {row['stalest_feed']}, {_as_date(row['stalest_extract_date'])}). "
        f"Rows quarantined: {share_text} of {int(row['source_rows'] or 0):,}."
    )
    stale = _as_date(row["stalest_extract_date"])
    latest = _as_date(row["latest_extract_date"])
    if stale and latest and (latest - stale).days > 1:
        st.warning(message, icon=":material/schedule:")
    else:
        st.caption(message)


def load(ctx: PageContext, query: Callable[..., pd.DataFrame], *args: Any) -> pd.DataFrame:
    """Run a query; on a missing or half-built mart show an error and stop the page.

    A stack trace would show SQL and file paths to the user, so the failure is audited instead.
    """
    try:
        return query(*args)
    except (duckdb.Error, db.PublishedCopyUnavailable):
        record(ctx, "view", query_id=query.__name__, row_count=0, outcome="error")
        st.error("This view is unavailable right now: the published data is missing or incomplete.")
        st.stop()
        raise  # st.stop() raises; this keeps type checkers and readers sure nothing follows


def fetch(ctx: PageContext, query: Callable[..., pd.DataFrame], *args: Any) -> pd.DataFrame:
    """Run a query from `queries` and audit it once per page visit and filter change.

    The first result of a query on a page visit is audited as `view`; a later run with different
    filters as `filter`; reruns with the same filters (sorting, toggles) are not audited again.
    """
    query_id = query.__name__
    frame = load(ctx, query, *args)
    if st.session_state.get(AUDITED_PAGE_KEY) != ctx.page:
        st.session_state[AUDITED_PAGE_KEY] = ctx.page
        st.session_state[AUDITED_KEY] = {}
    seen: dict[str, str] = st.session_state.setdefault(AUDITED_KEY, {})
    signature = repr(args)
    if seen.get(query_id) != signature:
        action = "view" if query_id not in seen else "filter"
        seen[query_id] = signature
        record(ctx, action, query_id=query_id, row_count=len(frame))
    return frame


def _csv_safe(df: pd.DataFrame) -> bytes:
    # Spreadsheet apps run cells starting with = + - @ as formulas: prefix text cells that do.
    safe = df.copy()
    for column in safe.columns:
        if safe[column].dtype == object:
            safe[column] = safe[column].map(
                lambda v: "'" + v if isinstance(v, str) and v[:1] in ("=", "+", "-", "@") else v
            )
    return safe.to_csv(index=False).encode("utf-8")


def export_button(ctx: PageContext, df: pd.DataFrame, query_id: str, label: str) -> None:
    """A CSV download for roles allowed to export, audited on click; nothing for other roles."""
    if not ctx.user.can_export or df.empty:
        return

    def audit_export() -> None:
        record(ctx, "export", query_id=query_id, row_count=len(df))

    st.download_button(
        label,
        # A callable runs only when the button is clicked: building the CSV on every run cost about
        # 5 ms a button (demo data) although almost no run downloads anything.
        data=lambda: _csv_safe(df),
        file_name=f"{query_id}_{time.strftime('%Y%m%d')}.csv",
        mime="text/csv",
        on_click=audit_export,
        key=f"export_{ctx.page}_{query_id}",
        icon=":material/download:",
    )


def facility_label(ctx: PageContext) -> Callable[[Any], str]:
    """A function naming a facility id (None = the whole scope) for tables and metric labels."""
    df = load(ctx, queries.facilities, ctx.scope)
    names = dict(zip(df["facility_id"], df["facility_name"], strict=True))

    def label(facility_id: Any) -> str:
        if facility_id is None or (not isinstance(facility_id, str) and pd.isna(facility_id)):
            return queries.TOTAL_LABEL
        return str(names.get(facility_id, facility_id))

    return label


def _pick_keys(
    ctx: PageContext,
    scope: Scope,
    query: Callable[..., pd.DataFrame],
    entity: str,
    label: str,
    placeholder: str,
) -> tuple[str, ...]:
    """A multiselect of the scope's units or departments, labelled `facility · name`.

    Only keys the scope's own query returned are kept, so a tampered widget value selects nothing.
    """
    frame = load(ctx, query, scope)
    labels = dict(
        zip(
            frame[f"{entity}_key"],
            frame["facility_id"] + " · " + frame[f"{entity}_name"],
            strict=True,
        )
    )
    picked = st.multiselect(
        label,
        options=list(labels),
        format_func=lambda k: labels.get(k, k),
        placeholder=placeholder,
        key=f"filter_{entity}_{ctx.page}",
    )
    return tuple(k for k in picked if k in labels)
