"""Build the weekly huddle pack of one facility from the published marts (docs/architecture.md).

Every figure is computed in SQL over `marts.*` of the published copy, opened read-only: the report
never touches the warehouse or the PHI zone. A figure is a single aggregate; no patient-level row
and no key leaves the query. KPI definitions follow the shared KPI dictionary (kpis.md) and match
the dashboards' `dashboards/queries.py`, so a huddle and a dashboard agree on a week's figures.

Weeks are Monday to Sunday: "this week" is the 7 days ending `week_ending`, "last week" the 7 days
before. Each figure carries its *basis*, the number of people or events it rests on, so the renderer
can suppress small cells (see `pipelines.lib.reports.suppression`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

import duckdb

from pipelines.lib.duck import published_connection

Kind = Literal["count", "rate", "minutes", "mean", "days", "hours", "money"]

# Top-N rows for the breakdown tables: enough for a huddle, short enough for a phone screen.
TOP_CARC_GROUPS = 5
TOP_DEPARTMENTS = 8


@dataclass(frozen=True)
class Figure:
    """One aggregate for one week.

    Attributes:
        value: the count, rate (0-1), median minutes, mean, days or amount; None when there was no
            data to compute it from.
        basis: how many people or events the value rests on (a count's own value, a rate's
            denominator, a median's number of observations, a mean census' own value); None for
            figures that do not describe people (days in A/R).
    """

    value: float | None
    basis: float | None = None


@dataclass(frozen=True)
class Metric:
    """A KPI for this week and last week."""

    key: str
    label: str
    kind: Kind
    this_week: Figure
    last_week: Figure

    @property
    def delta(self) -> float | None:
        """This week minus last week (a fraction for rates); None when either is unknown."""
        if self.this_week.value is None or self.last_week.value is None:
            return None
        return self.this_week.value - self.last_week.value


@dataclass(frozen=True)
class Section:
    """A titled group of metrics (ED, inpatient flow, capacity, access, revenue cycle)."""

    title: str
    metrics: list[Metric]


@dataclass(frozen=True)
class BreakdownRow:
    """One labelled row of a breakdown table: one metric per column."""

    label: str
    metrics: list[Metric]


@dataclass(frozen=True)
class Breakdown:
    """A small table (top CARC groups, no-shows by department)."""

    title: str
    label_header: str
    rows: list[BreakdownRow]
    note: str = ""


@dataclass(frozen=True)
class Report:
    """The huddle pack of one facility for one week (aggregates only)."""

    facility_id: str
    facility_name: str
    week_ending: date
    sections: list[Section]
    breakdowns: list[Breakdown] = field(default_factory=list)
    data_through: date | None = None

    @property
    def week_start(self) -> date:
        """First day (Monday for a Sunday `week_ending`) of this week."""
        return self.week_ending - timedelta(days=6)

    @property
    def last_week_start(self) -> date:
        """First day of last week."""
        return self.week_ending - timedelta(days=13)

    @property
    def last_week_ending(self) -> date:
        """Last day of last week."""
        return self.week_ending - timedelta(days=7)

    def metric(self, key: str) -> Metric:
        """The metric with this key, from any section.

        Raises:
            KeyError: when no section holds `key`.
        """
        for section in self.sections:
            for metric in section.metrics:
                if metric.key == key:
                    return metric
        raise KeyError(key)


# Both weeks as rows, so one left join per query yields a row (and zero counts) for an empty week.
_WEEKS = """
    weeks(week, start_date, end_date) as (
        values ('this', cast($tw_start as date), cast($tw_end as date)),
               ('last', cast($lw_start as date), cast($lw_end as date))
    )
"""

_ED_SQL = f"""
with {_WEEKS}
select weeks.week,
       count(v.facility_id) as visits,
       median(v.door_to_provider_minutes) as d2p_median,
       count(v.door_to_provider_minutes) as d2p_n,
       count(v.facility_id) filter (where v.is_lwbs) as lwbs
from weeks
left join marts.fct_ed_visits as v
    on v.facility_id = $facility and v.arrival_date between weeks.start_date and weeks.end_date
group by weeks.week
"""

# Observation stays are not admissions (kpis.md, and the dashboards' overview).
_FLOW_SQL = f"""
with {_WEEKS},
stays as (
    select * from marts.fct_inpatient_stays
    where facility_id = $facility and not coalesce(is_observation, false)
)
select weeks.week,
       (select count(*) from stays
        where admit_date between weeks.start_date and weeks.end_date) as admissions,
       (select count(*) from stays
        where is_discharged and discharge_date between weeks.start_date and weeks.end_date)
           as discharges,
       (select count(*) from stays
        where {{dbn_denominator}} and discharge_date between weeks.start_date and weeks.end_date)
           as dbn_denominator,
       (select count(*) from stays
        where is_discharged_before_noon
          and discharge_date between weeks.start_date and weeks.end_date) as dbn
from weeks
"""

# Midnight census (inpatient + observation at 23:59) summed over units per day, then averaged over
# the days present; occupancy = occupied ÷ staffed bed-days (kpis.md, staffed-bed denominator).
_CENSUS_SQL = f"""
with {_WEEKS},
daily as (
    select census_date, sum(midnight_census) as census, sum(staffed_beds) as staffed
    from marts.fct_midnight_census
    where facility_id = $facility
    group by census_date
),
hourly as (
    select census_hour, sum(occupied_beds) as occupied, sum(staffed_beds) as staffed
    from marts.fct_bed_census_hourly
    where facility_id = $facility
    group by census_hour
)
select weeks.week,
       (select avg(census) from daily
        where census_date between weeks.start_date and weeks.end_date) as avg_census,
       (select sum(census) / nullif(sum(staffed), 0) from daily
        where census_date between weeks.start_date and weeks.end_date) as midnight_occupancy,
       (select max(occupied / nullif(staffed, 0)) from hourly
        where cast(census_hour as date) between weeks.start_date and weeks.end_date)
           as peak_occupancy,
       (select arg_max(occupied, occupied / nullif(staffed, 0)) from hourly
        where cast(census_hour as date) between weeks.start_date and weeks.end_date)
           as peak_occupied_beds
from weeks
"""

# Boarders: encounters with an inpatient-class stay in an ED bed that started in the week.
_BOARDERS_SQL = f"""
with {_WEEKS}
select weeks.week,
       count(distinct s.encounter_key) as boarders,
       coalesce(sum(s.stay_hours), 0) as boarder_hours
from weeks
left join marts.fct_location_stays as s
    on s.facility_id = $facility and s.is_boarder
   and cast(s.started_at as date) between weeks.start_date and weeks.end_date
group by weeks.week
"""

# No-show rate = no-shows ÷ appointments in the no-show denominator (early cancels excluded);
# late and same-day cancels are reported as counts (kpis.md).
_ACCESS_SQL = f"""
with {_WEEKS}
select weeks.week,
       count(a.facility_id) filter (where a.is_in_no_show_denominator) as ns_denominator,
       count(a.facility_id) filter (where a.is_in_no_show_denominator and a.is_no_show) as no_shows,
       count(a.facility_id) filter (where a.is_late_cancel) as late_cancels,
       count(a.facility_id) filter (where a.is_same_day_cancel) as same_day_cancels
from weeks
left join marts.fct_appointments as a
    on a.facility_id = $facility and a.appointment_date between weeks.start_date and weeks.end_date
group by weeks.week
"""

_DEPARTMENTS_SQL = f"""
with {_WEEKS},
per_week as (
    select weeks.week, a.department_id, any_value(a.department_name) as department_name,
           count(*) as denominator, count(*) filter (where a.is_no_show) as no_shows
    from weeks
    join marts.fct_appointments as a
        on a.facility_id = $facility and a.is_in_no_show_denominator
       and a.appointment_date between weeks.start_date and weeks.end_date
    group by weeks.week, a.department_id
)
select coalesce(t.department_name, l.department_name) as department_name,
       t.denominator as this_denominator, t.no_shows as this_no_shows,
       l.denominator as last_denominator, l.no_shows as last_no_shows
from (select * from per_week where week = 'this') as t
full join (select * from per_week where week = 'last') as l on t.department_id = l.department_id
order by coalesce(t.denominator, 0) desc, department_name
limit {TOP_DEPARTMENTS}
"""

# Initial denial rate = initially denied ÷ remitted claims, by submission date (HFMA AR-5; the
# dashboards use the same cohort).
_DENIAL_SQL = f"""
with {_WEEKS}
select weeks.week,
       count(c.facility_id) filter (where c.first_remit_status is not null) as remitted,
       count(c.facility_id) filter (
           where c.first_remit_status is not null and c.is_initially_denied) as denied
from weeks
left join marts.fct_claims as c
    on c.facility_id = $facility and c.submitted_date between weeks.start_date and weeks.end_date
group by weeks.week
"""

_CARC_SQL = f"""
with {_WEEKS},
per_week as (
    select weeks.week, d.carc_group, count(distinct d.account_key) as accounts,
           sum(d.denied_amount) as amount
    from weeks
    join marts.fct_claim_denials as d
        on d.facility_id = $facility
       and d.payment_date between weeks.start_date and weeks.end_date
    group by weeks.week, d.carc_group
)
select t.carc_group, t.accounts as this_accounts, t.amount as this_amount,
       l.accounts as last_accounts, l.amount as last_amount
from (select * from per_week where week = 'this') as t
left join (select * from per_week where week = 'last') as l on t.carc_group = l.carc_group
order by t.accounts desc, t.amount desc, t.carc_group
limit {TOP_CARC_GROUPS}
"""

# Days in A/R is a snapshot: take the latest snapshot inside each week.
_AR_SQL = f"""
with {_WEEKS}
select weeks.week, arg_max(s.days_in_ar, s.snapshot_date) as days_in_ar
from weeks
left join marts.fct_ar_snapshots as s
    on s.facility_id = $facility and s.snapshot_date between weeks.start_date and weeks.end_date
group by weeks.week
"""

_DATA_THROUGH_SQL = """
select max(d) from (
    select max(arrival_date) as d from marts.fct_ed_visits where facility_id = $facility
    union all
    select max(census_date) from marts.fct_midnight_census where facility_id = $facility
    union all
    select max(appointment_date) from marts.fct_appointments where facility_id = $facility
)
"""


def _by_week(
    con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """Run a two-week query and key its rows by 'this' / 'last'."""
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


def _rate(numerator: Any, denominator: Any) -> Figure:
    if not denominator:
        return Figure(None, _num(denominator))
    return Figure(float(numerator) / float(denominator), float(denominator))


def _count(value: Any) -> Figure:
    value = _num(value)
    return Figure(value, value)


def _metric(
    key: str, label: str, kind: Kind, rows: dict[str, dict[str, Any]], figure: Any
) -> Metric:
    """A metric whose figure for each week is `figure(row)`."""
    return Metric(key, label, kind, figure(rows["this"]), figure(rows["last"]))


def _has_column(con: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from duckdb_columns() "
            "where schema_name = 'marts' and table_name = $t and column_name = $c",
            {"t": table, "c": column},
        ).fetchone()[0]
    )


def facility_ids(published_path: Path | str) -> list[tuple[str, str]]:
    """Every (facility_id, facility_name) in the published copy, ordered by id."""
    with published_connection(path=Path(published_path)) as con:
        return [
            (str(fid), str(name))
            for fid, name in con.execute(
                "select facility_id, facility_name from marts.dim_facilities order by facility_id"
            ).fetchall()
        ]


def build_weekly_report(published_path: Path | str, facility_id: str, week_ending: date) -> Report:
    """Compute one facility's huddle pack for the week ending `week_ending` (inclusive).

    Args:
        published_path: the published DuckDB copy (opened read-only, with the published key).
        facility_id: the facility to report on; every query is restricted to it.
        week_ending: the last day of "this week" (a Sunday for a Monday-to-Sunday week).

    Returns:
        The report: aggregates with their bases, not yet suppressed or formatted.

    Raises:
        KeyError: when the facility is not in `marts.dim_facilities`.
    """
    params = {
        "facility": facility_id,
        "tw_start": week_ending - timedelta(days=6),
        "tw_end": week_ending,
        "lw_start": week_ending - timedelta(days=13),
        "lw_end": week_ending - timedelta(days=7),
    }
    with published_connection(path=Path(published_path)) as con:
        name_row = con.execute(
            "select facility_name from marts.dim_facilities where facility_id = $f",
            {"f": facility_id},
        ).fetchone()
        if name_row is None:
            raise KeyError(f"facility {facility_id!r} is not in marts.dim_facilities")

        ed = _by_week(con, _ED_SQL, params)
        # kpis.md excludes deaths and AMA from the discharge-before-noon denominator; the mart
        # exposes that cohort as is_in_dbn_denominator (beyond the required columns).
        dbn_denominator = (
            "is_in_dbn_denominator"
            if _has_column(con, "fct_inpatient_stays", "is_in_dbn_denominator")
            else "is_discharged"
        )
        flow = _by_week(con, _FLOW_SQL.format(dbn_denominator=dbn_denominator), params)
        census = _by_week(con, _CENSUS_SQL, params)
        boarders = _by_week(con, _BOARDERS_SQL, params)
        access = _by_week(con, _ACCESS_SQL, params)
        denials = _by_week(con, _DENIAL_SQL, params)
        ar = _by_week(con, _AR_SQL, params)
        departments = con.execute(_DEPARTMENTS_SQL, params).fetchall()
        carc = con.execute(_CARC_SQL, params).fetchall()
        data_through = con.execute(_DATA_THROUGH_SQL, {"facility": facility_id}).fetchone()[0]

    sections = [
        Section(
            "Emergency department",
            [
                _metric("ed_visits", "ED visits", "count", ed, lambda r: _count(r["visits"])),
                _metric(
                    "door_to_provider_median",
                    "Median door-to-provider",
                    "minutes",
                    ed,
                    lambda r: Figure(_num(r["d2p_median"]), _num(r["d2p_n"])),
                ),
                _metric(
                    "lwbs_rate",
                    "Left without being seen",
                    "rate",
                    ed,
                    lambda r: _rate(r["lwbs"], r["visits"]),
                ),
            ],
        ),
        Section(
            "Inpatient flow",
            [
                _metric(
                    "admissions", "Admissions", "count", flow, lambda r: _count(r["admissions"])
                ),
                _metric(
                    "discharges", "Discharges", "count", flow, lambda r: _count(r["discharges"])
                ),
                _metric(
                    "discharge_before_noon_rate",
                    "Discharges before noon",
                    "rate",
                    flow,
                    lambda r: _rate(r["dbn"], r["dbn_denominator"]),
                ),
            ],
        ),
        Section(
            "Capacity",
            [
                # A mean census describes people: its basis is its own value, like a count.
                _metric(
                    "avg_midnight_census",
                    "Average midnight census",
                    "mean",
                    census,
                    lambda r: Figure(_num(r["avg_census"]), _num(r["avg_census"])),
                ),
                # Occupancy's denominator is beds, not people; the people are the census.
                _metric(
                    "midnight_occupancy_rate",
                    "Midnight occupancy (staffed beds)",
                    "rate",
                    census,
                    lambda r: Figure(_num(r["midnight_occupancy"]), _num(r["avg_census"])),
                ),
                _metric(
                    "peak_hourly_occupancy_rate",
                    "Peak hourly occupancy",
                    "rate",
                    census,
                    lambda r: Figure(_num(r["peak_occupancy"]), _num(r["peak_occupied_beds"])),
                ),
                _metric(
                    "boarders",
                    "Boarders (admitted, held in ED)",
                    "count",
                    boarders,
                    lambda r: _count(r["boarders"]),
                ),
                _metric(
                    "boarder_hours",
                    "Boarder hours",
                    "hours",
                    boarders,
                    lambda r: Figure(_num(r["boarder_hours"]), _num(r["boarders"])),
                ),
            ],
        ),
        Section(
            "Clinic access",
            [
                _metric(
                    "no_show_rate",
                    "No-show rate",
                    "rate",
                    access,
                    lambda r: _rate(r["no_shows"], r["ns_denominator"]),
                ),
                _metric(
                    "late_cancels",
                    "Late cancellations",
                    "count",
                    access,
                    lambda r: _count(r["late_cancels"]),
                ),
                _metric(
                    "same_day_cancels",
                    "Same-day cancellations",
                    "count",
                    access,
                    lambda r: _count(r["same_day_cancels"]),
                ),
            ],
        ),
        Section(
            "Revenue cycle",
            [
                _metric(
                    "initial_denial_rate",
                    "Initial denial rate (remitted claims)",
                    "rate",
                    denials,
                    lambda r: _rate(r["denied"], r["remitted"]),
                ),
                # A/R is a facility balance, not a count of people: never small-cell suppressed.
                _metric(
                    "days_in_ar",
                    "Days in A/R",
                    "days",
                    ar,
                    lambda r: Figure(_num(r["days_in_ar"]), None),
                ),
            ],
        ),
    ]

    breakdowns = [
        Breakdown(
            "Top denial reasons (CARC group)",
            "CARC group",
            [
                BreakdownRow(
                    str(group),
                    [
                        Metric(
                            "denied_accounts",
                            "Denied claims",
                            "count",
                            _count(this_n),
                            # A group absent last week had no denials: a zero count, not "no data".
                            _count(last_n or 0),
                        ),
                        # The amount rests on the same claims as the count.
                        Metric(
                            "denied_amount",
                            "Denied amount",
                            "money",
                            Figure(_num(this_amt), _num(this_n)),
                            Figure(_num(last_amt), _num(last_n or 0)),
                        ),
                    ],
                )
                for group, this_n, this_amt, last_n, last_amt in carc
            ],
            note="By payment date; this week's top groups.",
        ),
        Breakdown(
            "No-shows by department",
            "Department",
            [
                BreakdownRow(
                    str(dept),
                    [
                        Metric(
                            "no_show_denominator",
                            "Appointments",
                            "count",
                            _count(this_d or 0),
                            _count(last_d or 0),
                        ),
                        Metric(
                            "no_show_rate",
                            "No-show rate",
                            "rate",
                            _rate(this_ns, this_d),
                            _rate(last_ns, last_d),
                        ),
                    ],
                )
                for dept, this_d, this_ns, last_d, last_ns in departments
            ],
            note="Arrived, completed and no-show appointments (early cancellations excluded).",
        ),
    ]
    return Report(
        facility_id=facility_id,
        facility_name=str(name_row[0]),
        week_ending=week_ending,
        sections=sections,
        breakdowns=breakdowns,
        data_through=data_through,
    )


def previous_sunday(today: date) -> date:
    """The last Sunday strictly before `today` (a Monday run reports the week that just ended)."""
    return today - timedelta(days=today.isoweekday() % 7 or 7)
