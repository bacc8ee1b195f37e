"""R1 at the query layer: default-deny, scope isolation, and the numbers against hand values and
SQL.
"""

from __future__ import annotations

import inspect
from datetime import date

import pandas as pd
import pytest

from dashboards import queries
from dashboards.auth import Scope
from pipelines.lib.duck import published_connection
from tests.dashboards import fixture

START, END = date(2026, 3, 1), fixture.END
A, B = fixture.FAC_A, fixture.FAC_B


def _args(name: str, scope: Scope) -> list:
    params = list(inspect.signature(getattr(queries, name).__wrapped__).parameters)
    values = {
        "scope": scope,
        "start": START,
        "end": END,
        "departments": (),
        "unit_keys": (),
        "dimension": "provider",
    }
    return [values[p] for p in params]


SCOPED = [
    name
    for name, fn in inspect.getmembers(queries, callable)
    if hasattr(fn, "__wrapped__")
    and "scope" in inspect.signature(fn.__wrapped__).parameters
    and fn.__module__ == queries.__name__
]


def test_every_scoped_query_is_listed():
    assert len(SCOPED) >= 18, SCOPED


@pytest.mark.unit
@pytest.mark.parametrize("name", SCOPED)
def test_empty_scope_returns_nothing_without_querying(dash_env, monkeypatch, name, tmp_path):
    # Point at a missing file: any attempt to query would raise.
    monkeypatch.setenv("OPS_PUBLISHED_PATH", str(tmp_path / "missing.duckdb"))
    df = getattr(queries, name)(*_args(name, Scope()))
    assert df.empty


@pytest.mark.unit
@pytest.mark.parametrize("name", SCOPED)
def test_facility_a_scope_never_returns_facility_b(dash_env, name):
    df = getattr(queries, name)(*_args(name, Scope((A,))))
    text = df.astype(str).to_string()
    assert B not in text
    assert fixture.FAC_B_ONLY_PROVIDER not in text
    assert "South Community" not in text
    if "facility_id" in df.columns:
        assert set(df["facility_id"].dropna()) <= {A}


@pytest.mark.unit
def test_scope_only_narrows():
    scope = Scope((A,))
    assert scope.narrow([B]).facilities == ()
    assert scope.narrow([A, B]).facilities == (A,)
    assert scope.narrow([]).facilities == (A,)


def _direct(sql: str, *params) -> pd.DataFrame:
    con = published_connection()
    try:
        return con.execute(sql, list(params)).df()
    finally:
        con.close()


@pytest.mark.unit
@pytest.mark.parametrize("facility", [A, B])
def test_ed_timeliness_matches_hand_values_and_sql(dash_env, facility):
    got = queries.ed_timeliness(Scope((facility,)), START, END)
    row = got[got["facility_id"].isna()].iloc[0]
    hand = fixture.EXPECTED["ed"][facility]
    direct = _direct(
        "select count(*) v, median(door_to_provider_minutes) d2p, "
        "median(ed_los_minutes) filter (where is_op18_eligible) los, "
        "median(boarding_minutes) b, avg(is_lwbs::int) lwbs "
        "from marts.fct_ed_visits where facility_id = ?",
        facility,
    ).iloc[0]
    assert row["visits"] == hand["visits"] == direct["v"]
    assert row["door_to_provider_median"] == hand["d2p"] == direct["d2p"]
    assert row["ed_los_op18_median"] == hand["los"] == direct["los"]
    assert row["boarding_median"] == hand["boarding"] == direct["b"]
    assert row["lwbs_rate"] == pytest.approx(hand["lwbs"]) == direct["lwbs"]


@pytest.mark.unit
def test_overview_matches_hand_values(dash_env):
    got = queries.overview_weekly(Scope((A, B)), END)
    for facility, kpis in fixture.EXPECTED["overview"].items():
        rows = (
            got[got["facility_id"].isna()] if facility is None else got[got.facility_id == facility]
        )
        for kpi, (this, last) in kpis.items():
            r = rows[rows["kpi"] == kpi].iloc[0]
            assert r["this_week"] == pytest.approx(this), (facility, kpi)
            assert r["last_week"] == pytest.approx(last), (facility, kpi)


@pytest.mark.unit
def test_no_show_dimension_is_whitelisted(dash_env):
    with pytest.raises(ValueError, match="unknown no-show dimension"):
        queries.no_show_rates(Scope((A,)), START, END, (), "provider_name; drop table x")


@pytest.mark.unit
def test_quarantine_summary_needs_every_facility(dash_env):
    assert queries.quarantine_summary(Scope((A,))).empty
    assert len(queries.quarantine_summary(Scope((A, B)))) == 2


@pytest.mark.unit
def test_default_window_ends_at_the_last_day_with_activity(dash_env):
    import streamlit as st

    before = queries.date_bounds(Scope((A, B)))["max_date"].iloc[0]
    con = published_connection(read_only=False)
    # Bookings and cancellations months ahead must not move the window past the data.
    con.execute(
        "insert into marts.fct_appointments "
        "(appointment_key, facility_id, appointment_date, status) values "
        "('future-1', ?, date '2027-06-01', 'scheduled'), "
        "('future-2', ?, date '2027-05-01', 'cancelled')",
        [A, A],
    )
    con.close()
    st.cache_data.clear()
    after = queries.date_bounds(Scope((A, B)))["max_date"].iloc[0]
    assert pd.Timestamp(after).date() == pd.Timestamp(before).date() < date(2027, 1, 1)
