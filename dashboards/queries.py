"""Every SQL statement the dashboards run: parameterised, over `marts.*` only, aggregated in SQL.

Each public function takes the server-side `Scope` first and the filter values after, and returns
a DataFrame. The facility predicate `list_contains($facilities, facility_id)` is bound from the
scope in every statement, and an empty scope returns an empty frame without touching the database
(default-deny). Results are cached per (scope, filters) with a bounded size and lifetime;
`refresh_if_swapped()` drops the cache when the publisher swaps in a new copy.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from dashboards import db
from dashboards.auth import Scope
from pipelines.lib.settings import get_settings

TTL = "5m"
MAX_ENTRIES = 256

# No-show dimensions mapped to fixed SQL expressions: the user picks a key, never SQL.
NO_SHOW_DIMENSIONS: dict[str, tuple[str, str]] = {
    "department": ("department_id", "department_name"),
    "provider": ("provider_id", "provider_name"),
    "visit_type": ("visit_type", "visit_type"),
    "lead_time_band": ("lead_time_band", "lead_time_band"),
}

TOTAL_LABEL = "All facilities in scope"

_published_version: float | None = None


def refresh_if_swapped() -> None:
    """Clear cached results when the published copy has been replaced since the last check."""
    global _published_version  # noqa: PLW0603 - one process-wide marker of the copy the cache reflects
    path = get_settings().published_path
    version = path.stat().st_mtime if path.exists() else None
    if version != _published_version:
        st.cache_data.clear()
        _published_version = version


def _run(scope: Scope, sql: str, columns: list[str], **params: Any) -> pd.DataFrame:
    """Run `sql` with the scope bound as `$facilities`; default-deny on an empty scope."""
    if scope.is_empty:
        return pd.DataFrame(columns=columns)
    df = db.fetch_df(sql, {"facilities": list(scope.facilities), **params})
    return df[columns]


def _cache(func: Any) -> Any:
    return st.cache_data(ttl=TTL, max_entries=MAX_ENTRIES, show_spinner=False)(func)


# --- reference data -------------------------------------------------------------------------------


@_cache
def all_facility_ids() -> tuple[str, ...]:
    """Every facility id in the published copy (used only to expand an executive's scope)."""
    try:
        df = db.fetch_df("select facility_id from marts.dim_facilities order by facility_id")
    except db.PublishedCopyUnavailable:
        return ()
    return tuple(df["facility_id"].astype(str))


@_cache
def facilities(scope: Scope) -> pd.DataFrame:
    """Facilities in scope: facility_id, facility_name."""
    return _run(
        scope,
        """
        select facility_id, facility_name
        from marts.dim_facilities
        where list_contains($facilities, facility_id)
        order by facility_id
        """,
        ["facility_id", "facility_name"],
    )


@_cache
def units(scope: Scope) -> pd.DataFrame:
    """Units in scope with a stable key `facility_id/unit_id` for filters."""
    return _run(
        scope,
        """
        select facility_id || '/' || unit_id as unit_key, facility_id, unit_id, unit_name,
               unit_type, staffed_beds
        from marts.dim_units
        where list_contains($facilities, facility_id)
        order by facility_id, unit_id
        """,
        ["unit_key", "facility_id", "unit_id", "unit_name", "unit_type", "staffed_beds"],
    )


@_cache
def departments(scope: Scope) -> pd.DataFrame:
    """Scheduling departments in scope, keyed `facility_id/department_id`."""
    return _run(
        scope,
        """
        select distinct facility_id || '/' || department_id as department_key, facility_id,
               department_id, department_name
        from marts.fct_appointments
        where list_contains($facilities, facility_id)
        order by facility_id, department_name
        """,
        ["department_key", "facility_id", "department_id", "department_name"],
    )


@_cache
def date_bounds(scope: Scope) -> pd.DataFrame:
    """The first and last activity date in scope (ED arrivals, appointments, census, admissions)."""
    return _run(
        scope,
        """
        with d as (
            select arrival_date as d from marts.fct_ed_visits
            where list_contains($facilities, facility_id)
            union all
            -- Bookings and cancellations reach months ahead: only appointments that took place
            -- (or were missed) end the window, so it closes on the last day with activity.
            select appointment_date from marts.fct_appointments
            where list_contains($facilities, facility_id)
              and status in ('arrived', 'completed', 'no_show')
            union all
            select cast(census_hour as date) from marts.fct_bed_census_hourly
            where list_contains($facilities, facility_id)
            union all
            select admit_date from marts.fct_inpatient_stays
            where list_contains($facilities, facility_id)
        )
        select min(d) as min_date, max(d) as max_date from d
        """,
        ["min_date", "max_date"],
    )


# --- banner and data quality ----------------------------------------------------------------------


@_cache
def freshness_banner(scope: Scope) -> pd.DataFrame:
    """One row: latest and stalest feed extract date, last receipt, share of rows quarantined."""
    return _run(
        scope,
        """
        with per_feed as (
            select feed, max(last_extract_date) as last_extract_date
            from marts.fct_feed_freshness
            where list_contains($facilities, facility_id)
            group by feed
        ),
        totals as (
            select max(last_received_at) as last_received_at,
                   sum(source_rows) as source_rows,
                   sum(quarantined_rows) as quarantined_rows
            from marts.fct_feed_freshness
            where list_contains($facilities, facility_id)
        )
        select (select max(last_extract_date) from per_feed) as latest_extract_date,
               (select min(last_extract_date) from per_feed) as stalest_extract_date,
               (select arg_min(feed, last_extract_date) from per_feed) as stalest_feed,
               last_received_at, source_rows, quarantined_rows,
               quarantined_rows / nullif(source_rows, 0) as quarantined_share
        from totals
        """,
        [
            "latest_extract_date",
            "stalest_extract_date",
            "stalest_feed",
            "last_received_at",
            "source_rows",
            "quarantined_rows",
            "quarantined_share",
        ],
    )


@_cache
def feed_freshness(scope: Scope) -> pd.DataFrame:
    """The ingest ledger per feed and facility, with the ledger balance check."""
    return _run(
        scope,
        """
        select feed, facility_id, last_extract_date, last_received_at, files, source_rows,
               loaded_rows, quarantined_rows, duplicate_rows,
               source_rows = loaded_rows + quarantined_rows + duplicate_rows as ledger_balanced
        from marts.fct_feed_freshness
        where list_contains($facilities, facility_id)
        order by feed, facility_id
        """,
        [
            "feed",
            "facility_id",
            "last_extract_date",
            "last_received_at",
            "files",
            "source_rows",
            "loaded_rows",
            "quarantined_rows",
            "duplicate_rows",
            "ledger_balanced",
        ],
    )


@_cache
def quarantine_summary(scope: Scope) -> pd.DataFrame:
    """Quarantine reasons per feed and table.

    `fct_quarantine_summary` has no facility column, so its counts span every facility: it is
    shown only to a scope that covers every facility in the published copy (default-deny for
    everyone else).
    """
    columns = ["feed", "table_name", "reason", "rows", "last_seen_at"]
    known = set(all_facility_ids())
    if not known or not known.issubset(scope.facilities):
        return pd.DataFrame(columns=columns)
    return _run(
        scope,
        """
        select feed, table_name, reason, rows, last_seen_at
        from marts.fct_quarantine_summary
        where len($facilities) > 0
        order by rows desc, feed, table_name
        """,
        columns,
    )


# --- overview -------------------------------------------------------------------------------------


@_cache
def overview_weekly(scope: Scope, end: date) -> pd.DataFrame:
    """This week (the 7 days ending `end`) vs the 7 days before, per facility and in total.

    Long format: facility_id (None = whole scope), kpi, this_week, last_week. KPIs: ED visits,
    admissions and discharges (inpatient, observation excluded), occupancy (occupied ÷ staffed
    bed-hours), no-show rate (no-shows ÷ no-show denominator), initial denial rate (denied ÷
    remitted claims).
    """
    return _run(
        scope,
        """
        with wk as (
            select cast($end as date) - 6 as tw_start, cast($end as date) as tw_end,
                   cast($end as date) - 13 as lw_start, cast($end as date) - 7 as lw_end
        ),
        ed as (
            select facility_id, 'ed_visits' as kpi,
                   count(*) filter (where arrival_date >= tw_start) as this_week,
                   count(*) filter (where arrival_date <= lw_end) as last_week
            from marts.fct_ed_visits, wk
            where list_contains($facilities, facility_id)
              and arrival_date between lw_start and tw_end
            group by grouping sets ((facility_id), ())
        ),
        adm as (
            select facility_id, 'admissions' as kpi,
                   count(*) filter (where admit_date >= tw_start) as this_week,
                   count(*) filter (where admit_date <= lw_end) as last_week
            from marts.fct_inpatient_stays, wk
            where list_contains($facilities, facility_id)
              and not coalesce(is_observation, false)
              and admit_date between lw_start and tw_end
            group by grouping sets ((facility_id), ())
        ),
        dis as (
            select facility_id, 'discharges' as kpi,
                   count(*) filter (where discharge_date >= tw_start) as this_week,
                   count(*) filter (where discharge_date <= lw_end) as last_week
            from marts.fct_inpatient_stays, wk
            where list_contains($facilities, facility_id)
              and not coalesce(is_observation, false)
              and is_discharged
              and discharge_date between lw_start and tw_end
            group by grouping sets ((facility_id), ())
        ),
        occ as (
            select facility_id, 'occupancy_rate' as kpi,
                   sum(occupied_beds) filter (where cast(census_hour as date) >= tw_start)
                   / nullif(sum(staffed_beds) filter (
                        where cast(census_hour as date) >= tw_start), 0) as this_week,
                   sum(occupied_beds) filter (where cast(census_hour as date) <= lw_end)
                   / nullif(sum(staffed_beds) filter (
                        where cast(census_hour as date) <= lw_end), 0) as last_week
            from marts.fct_bed_census_hourly, wk
            where list_contains($facilities, facility_id)
              and cast(census_hour as date) between lw_start and tw_end
            group by grouping sets ((facility_id), ())
        ),
        ns as (
            select facility_id, 'no_show_rate' as kpi,
                   count(*) filter (where is_no_show and appointment_date >= tw_start)
                   / nullif(count(*) filter (where appointment_date >= tw_start), 0) as this_week,
                   count(*) filter (where is_no_show and appointment_date <= lw_end)
                   / nullif(count(*) filter (where appointment_date <= lw_end), 0) as last_week
            from marts.fct_appointments, wk
            where list_contains($facilities, facility_id)
              and is_in_no_show_denominator
              and appointment_date between lw_start and tw_end
            group by grouping sets ((facility_id), ())
        ),
        den as (
            select facility_id, 'denial_rate' as kpi,
                   count(*) filter (where is_initially_denied and submitted_date >= tw_start)
                   / nullif(count(*) filter (where submitted_date >= tw_start), 0) as this_week,
                   count(*) filter (where is_initially_denied and submitted_date <= lw_end)
                   / nullif(count(*) filter (where submitted_date <= lw_end), 0) as last_week
            from marts.fct_claims, wk
            where list_contains($facilities, facility_id)
              and first_remit_status is not null
              and submitted_date between lw_start and tw_end
            group by grouping sets ((facility_id), ())
        ),
        all_kpis as (
            select facility_id, kpi, cast(this_week as double) as this_week,
                   cast(last_week as double) as last_week from ed
            union all select facility_id, kpi, this_week, last_week from adm
            union all select facility_id, kpi, this_week, last_week from dis
            union all select facility_id, kpi, this_week, last_week from occ
            union all select facility_id, kpi, this_week, last_week from ns
            union all select facility_id, kpi, this_week, last_week from den
        )
        select k.facility_id, f.facility_name, k.kpi, k.this_week, k.last_week
        from all_kpis as k
        left join marts.dim_facilities as f on f.facility_id = k.facility_id
        order by k.kpi, k.facility_id nulls first
        """,
        ["facility_id", "facility_name", "kpi", "this_week", "last_week"],
        end=end,
    )


# --- throughput -----------------------------------------------------------------------------------


@_cache
def ed_arrivals_by_hour(scope: Scope, start: date, end: date) -> pd.DataFrame:
    """ED arrivals by ISO weekday (1 = Monday) and hour of day."""
    return _run(
        scope,
        """
        select isodow(arrival_at) as weekday, arrival_hour as hour, count(*) as visits
        from marts.fct_ed_visits
        where list_contains($facilities, facility_id)
          and arrival_date between $start and $end
        group by all
        order by weekday, hour
        """,
        ["weekday", "hour", "visits"],
        start=start,
        end=end,
    )


@_cache
def inpatient_flow_by_hour(scope: Scope, start: date, end: date) -> pd.DataFrame:
    """Inpatient admissions and discharges by ISO weekday and hour (observation stays excluded)."""
    return _run(
        scope,
        """
        select 'admission' as event, isodow(admit_at) as weekday, hour(admit_at) as hour,
               count(*) as stays
        from marts.fct_inpatient_stays
        where list_contains($facilities, facility_id)
          and not coalesce(is_observation, false)
          and admit_date between $start and $end
        group by all
        union all
        select 'discharge', isodow(discharge_at), hour(discharge_at), count(*)
        from marts.fct_inpatient_stays
        where list_contains($facilities, facility_id)
          and not coalesce(is_observation, false)
          and is_discharged
          and discharge_date between $start and $end
        group by all
        order by 1, 2, 3
        """,
        ["event", "weekday", "hour", "stays"],
        start=start,
        end=end,
    )


@_cache
def ed_timeliness(scope: Scope, start: date, end: date) -> pd.DataFrame:
    """ED timeliness per facility and for the whole scope (facility_id None).

    Medians: door-to-provider; ED LOS for OP-18 eligible visits; boarding (admitted visits with a
    boarding time). LWBS rate: LWBS visits ÷ all arrivals.
    """
    return _run(
        scope,
        """
        select facility_id,
               count(*) as visits,
               median(door_to_provider_minutes) as door_to_provider_median,
               median(ed_los_minutes) filter (where is_op18_eligible) as ed_los_op18_median,
               median(boarding_minutes) filter (where boarding_minutes is not null)
                   as boarding_median,
               count(*) filter (where is_lwbs) / nullif(count(*), 0) as lwbs_rate
        from marts.fct_ed_visits
        where list_contains($facilities, facility_id)
          and arrival_date between $start and $end
        group by grouping sets ((facility_id), ())
        order by facility_id nulls first
        """,
        [
            "facility_id",
            "visits",
            "door_to_provider_median",
            "ed_los_op18_median",
            "boarding_median",
            "lwbs_rate",
        ],
        start=start,
        end=end,
    )


@_cache
def ed_visits_by_provider(scope: Scope, start: date, end: date) -> pd.DataFrame:
    """ED visits and door-to-provider median per provider."""
    return _run(
        scope,
        """
        select facility_id, provider_name, count(*) as visits,
               median(door_to_provider_minutes) as door_to_provider_median
        from marts.fct_ed_visits
        where list_contains($facilities, facility_id)
          and arrival_date between $start and $end
        group by all
        order by facility_id, visits desc, provider_name
        """,
        ["facility_id", "provider_name", "visits", "door_to_provider_median"],
        start=start,
        end=end,
    )


# --- no-shows -------------------------------------------------------------------------------------

_APPOINTMENT_FILTER = """
    list_contains($facilities, facility_id)
    and appointment_date between $start and $end
    and (len($departments) = 0
         or list_contains($departments, facility_id || '/' || department_id))
"""


@_cache
def no_show_rates(
    scope: Scope, start: date, end: date, departments: tuple[str, ...], dimension: str
) -> pd.DataFrame:
    """No-show, late-cancel and same-day-cancel rates by one dimension, plus a total row.

    No-show rate = no-shows ÷ appointments in the no-show denominator (early cancels excluded);
    late-cancel and same-day-cancel rates are over all scheduled appointments.

    Raises:
        ValueError: for a dimension outside `NO_SHOW_DIMENSIONS`.
    """
    if dimension not in NO_SHOW_DIMENSIONS:
        raise ValueError(f"unknown no-show dimension {dimension!r}")
    key, label = NO_SHOW_DIMENSIONS[dimension]
    # key/label come from the fixed mapping above, never from the browser.
    sql = f"""
        select facility_id, {label} as label,
               count(*) as scheduled,
               count(*) filter (where is_in_no_show_denominator) as denominator,
               count(*) filter (where is_no_show and is_in_no_show_denominator) as no_shows,
               count(*) filter (where is_no_show and is_in_no_show_denominator)
                   / nullif(count(*) filter (where is_in_no_show_denominator), 0) as no_show_rate,
               count(*) filter (where is_late_cancel) as late_cancels,
               count(*) filter (where is_late_cancel) / count(*) as late_cancel_rate,
               count(*) filter (where is_same_day_cancel) as same_day_cancels,
               count(*) filter (where is_same_day_cancel) / count(*) as same_day_cancel_rate
        from marts.fct_appointments
        where {_APPOINTMENT_FILTER}
        group by grouping sets ((facility_id, {key}, {label}), ())
        order by facility_id nulls first, no_show_rate desc nulls last, label
    """
    return _run(
        scope,
        sql,
        [
            "facility_id",
            "label",
            "scheduled",
            "denominator",
            "no_shows",
            "no_show_rate",
            "late_cancels",
            "late_cancel_rate",
            "same_day_cancels",
            "same_day_cancel_rate",
        ],
        start=start,
        end=end,
        departments=list(departments),
    )


@_cache
def no_show_trend(
    scope: Scope, start: date, end: date, departments: tuple[str, ...]
) -> pd.DataFrame:
    """Weekly no-show rate per department."""
    return _run(
        scope,
        f"""
        select cast(date_trunc('week', appointment_date) as date) as week, department_name,
               count(*) filter (where is_no_show) / nullif(count(*), 0) as no_show_rate,
               count(*) as denominator
        from marts.fct_appointments
        where {_APPOINTMENT_FILTER} and is_in_no_show_denominator
        group by all
        order by week, department_name
        """,
        ["week", "department_name", "no_show_rate", "denominator"],
        start=start,
        end=end,
        departments=list(departments),
    )


# --- bed utilization ------------------------------------------------------------------------------

_CENSUS_FILTER = """
    list_contains($facilities, facility_id)
    and (len($units) = 0 or list_contains($units, facility_id || '/' || unit_id))
"""

# Census per hour summed over the selected units: the base of the bed summary and the census trend.
_HOURLY_CENSUS = f"""
hourly as (
    select census_hour, sum(occupied_beds) as occupied, sum(staffed_beds) as staffed
    from marts.fct_bed_census_hourly
    where {_CENSUS_FILTER} and cast(census_hour as date) between $start and $end
    group by census_hour
)"""


@_cache
def unit_hour_occupancy(
    scope: Scope, start: date, end: date, unit_keys: tuple[str, ...]
) -> pd.DataFrame:
    """Occupancy by unit and hour of day: occupied ÷ staffed bed-hours, and mean beds."""
    return _run(
        scope,
        f"""
        select facility_id || '/' || unit_id as unit_key, hour(census_hour) as hour,
               avg(occupied_beds) as avg_occupied_beds, avg(staffed_beds) as avg_staffed_beds,
               sum(occupied_beds) / nullif(sum(staffed_beds), 0) as occupancy_rate
        from marts.fct_bed_census_hourly
        where {_CENSUS_FILTER} and cast(census_hour as date) between $start and $end
        group by all
        order by unit_key, hour
        """,
        ["unit_key", "hour", "avg_occupied_beds", "avg_staffed_beds", "occupancy_rate"],
        start=start,
        end=end,
        units=list(unit_keys),
    )


@_cache
def bed_summary(scope: Scope, start: date, end: date, unit_keys: tuple[str, ...]) -> pd.DataFrame:
    """One row: occupancy (occupied ÷ staffed bed-hours), peak census, mean midnight census."""
    return _run(
        scope,
        f"""
        with {_HOURLY_CENSUS},
        midnight as (
            select census_date, sum(midnight_census) as midnight_census
            from marts.fct_midnight_census
            where {_CENSUS_FILTER} and census_date between $start and $end
            group by census_date
        )
        select (select sum(occupied) / nullif(sum(staffed), 0) from hourly) as occupancy_rate,
               (select max(occupied) from hourly) as peak_census,
               (select avg(midnight_census) from midnight) as mean_midnight_census
        """,
        ["occupancy_rate", "peak_census", "mean_midnight_census"],
        start=start,
        end=end,
        units=list(unit_keys),
    )


@_cache
def census_trend(scope: Scope, start: date, end: date, unit_keys: tuple[str, ...]) -> pd.DataFrame:
    """Daily mean and peak hourly census and staffed beds over the selected units."""
    return _run(
        scope,
        f"""
        with {_HOURLY_CENSUS}
        select cast(census_hour as date) as census_date, avg(occupied) as mean_census,
               max(occupied) as peak_census, avg(staffed) as staffed_beds
        from hourly
        group by all
        order by census_date
        """,
        ["census_date", "mean_census", "peak_census", "staffed_beds"],
        start=start,
        end=end,
        units=list(unit_keys),
    )


@_cache
def midnight_census(
    scope: Scope, start: date, end: date, unit_keys: tuple[str, ...]
) -> pd.DataFrame:
    """Midnight census and staffed beds per day over the selected units."""
    return _run(
        scope,
        f"""
        select census_date, sum(midnight_census) as midnight_census,
               sum(staffed_beds) as staffed_beds
        from marts.fct_midnight_census
        where {_CENSUS_FILTER} and census_date between $start and $end
        group by all
        order by census_date
        """,
        ["census_date", "midnight_census", "staffed_beds"],
        start=start,
        end=end,
        units=list(unit_keys),
    )


@_cache
def discharges_before_noon(scope: Scope, start: date, end: date) -> pd.DataFrame:
    """Inpatient discharges and the share before noon, per facility and for the scope (None)."""
    return _run(
        scope,
        """
        select facility_id, count(*) as discharges,
               count(*) filter (where is_discharged_before_noon) as before_noon,
               count(*) filter (where is_discharged_before_noon) / nullif(count(*), 0)
                   as before_noon_rate
        from marts.fct_inpatient_stays
        where list_contains($facilities, facility_id)
          and is_discharged and not coalesce(is_observation, false)
          and discharge_date between $start and $end
        group by grouping sets ((facility_id), ())
        order by facility_id nulls first
        """,
        ["facility_id", "discharges", "before_noon", "before_noon_rate"],
        start=start,
        end=end,
    )


# --- revenue cycle --------------------------------------------------------------------------------


@_cache
def denials_by_group(scope: Scope, start: date, end: date) -> pd.DataFrame:
    """Denied accounts and amounts by CARC group and payer (by payment date)."""
    return _run(
        scope,
        """
        select carc_group, payer_id, count(distinct account_key) as denied_accounts,
               sum(denied_amount) as denied_amount
        from marts.fct_claim_denials
        where list_contains($facilities, facility_id)
          and payment_date between $start and $end
        group by all
        order by denied_amount desc, carc_group, payer_id
        """,
        ["carc_group", "payer_id", "denied_accounts", "denied_amount"],
        start=start,
        end=end,
    )


@_cache
def denial_rate_by_payer(scope: Scope, start: date, end: date) -> pd.DataFrame:
    """Initial denial rate (denied ÷ remitted) and clean-claim rate per payer, plus a total."""
    return _run(
        scope,
        """
        select payer_id, count(*) as claims,
               count(*) filter (where first_remit_status is not null) as remitted,
               count(*) filter (where is_initially_denied and first_remit_status is not null)
                   as denied,
               count(*) filter (where is_initially_denied and first_remit_status is not null)
                   / nullif(count(*) filter (where first_remit_status is not null), 0)
                   as denial_rate,
               count(*) filter (where is_clean_claim) / nullif(count(*), 0) as clean_claim_rate
        from marts.fct_claims
        where list_contains($facilities, facility_id)
          and submitted_date between $start and $end
        group by grouping sets ((payer_id), ())
        order by payer_id nulls first
        """,
        ["payer_id", "claims", "remitted", "denied", "denial_rate", "clean_claim_rate"],
        start=start,
        end=end,
    )


@_cache
def ar_trend(scope: Scope, start: date, end: date) -> pd.DataFrame:
    """Days in A/R per snapshot and facility, and for the scope: Σ net A/R ÷ Σ daily revenue."""
    return _run(
        scope,
        """
        select snapshot_date, facility_id, sum(net_ar_amount) as net_ar_amount,
               sum(dnfb_amount) as dnfb_amount,
               sum(net_ar_amount) / nullif(sum(avg_daily_revenue_amount), 0) as days_in_ar
        from marts.fct_ar_snapshots
        where list_contains($facilities, facility_id)
          and snapshot_date between $start and $end
        group by grouping sets ((snapshot_date, facility_id), (snapshot_date))
        order by snapshot_date, facility_id nulls first
        """,
        ["snapshot_date", "facility_id", "net_ar_amount", "dnfb_amount", "days_in_ar"],
        start=start,
        end=end,
    )
