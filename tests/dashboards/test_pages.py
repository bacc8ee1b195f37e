"""AppTest per page with an injected identity (R1-R4, R14).

The identity goes in through the `current_user()` seam: the session's signed-in name, resolved
against the tmp user store exactly as after a real login.
"""

from __future__ import annotations

import copy
import gc
import json
import time
import tomllib
from pathlib import Path

import pandas as pd
import pytest
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

from dashboards import audit, charts, heap
from dashboards.auth import IDENTITY_KEY, LAST_ACTIVITY_KEY
from pipelines.lib.duck import published_connection
from tests.dashboards import fixture
from tests.dashboards.conftest import APP

PAGES = ["overview", "throughput", "no_shows", "bed_utilization", "revenue_cycle", "data_quality"]
A, B = fixture.FAC_A, fixture.FAC_B
FAC_B_MARKERS = (B, "South Community", fixture.FAC_B_ONLY_PROVIDER, "Orthopedics", "SURG")


def app(user: str | None, page: str = "overview", **query_params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if user:
        at.session_state[IDENTITY_KEY] = user
    for key, value in query_params.items():
        at.query_params[key] = value
    at.run()
    if page != "overview" and user:
        at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def chart_rows(at: AppTest) -> list[pd.DataFrame]:
    """The rows each Vega-Lite chart of the run sends to the browser."""
    return [
        dataframe_util.convert_arrow_bytes_to_pandas_df(chart.proto.data.data)
        for chart in at.get("vega_lite_chart")
    ]


def rendered_text(at: AppTest) -> str:
    parts = [str(m.value) for m in at.metric]
    parts += [rows.astype(str).to_string() for rows in chart_rows(at)]
    parts += [df.value.astype(str).to_string() for df in at.dataframe]
    parts += [t.value.astype(str).to_string() for t in at.table]
    parts += [
        str(e.value) for kind in ("markdown", "caption", "warning", "info") for e in at.get(kind)
    ]
    parts += [str(o) for ms in at.multiselect for o in ms.options]
    return "\n".join(parts)


def direct(sql: str, *params) -> tuple:
    con = published_connection()
    try:
        return con.execute(sql, list(params)).fetchone()
    finally:
        con.close()


# --- R2: no identity, no data ---------------------------------------------------------------------


@pytest.mark.integration
def test_without_identity_only_the_login_form_renders(dash_env):
    at = app(None)
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    assert not at.metric and not at.dataframe and not at.table and not at.get("vega_lite_chart")
    assert not at.get("download_button")


@pytest.mark.integration
def test_unmapped_identity_sees_nothing_and_is_audited(dash_env):
    at = app("stranger@example.org")
    assert not at.metric and not at.dataframe
    assert "no access" in at.error[0].value
    assert [e.action for e in audit.read_events()] == ["denied"]


@pytest.mark.integration
def test_login_form_signs_in_and_audits(dash_env):
    at = app(None)
    at.text_input[0].input("mgr_a")
    at.text_input[1].input("wrong-password-123")
    at.button[0].click().run()
    assert not at.metric and at.error
    at.text_input[0].input("mgr_a")
    at.text_input[1].input("correct-horse-battery")
    at.button[0].click().run()
    assert metrics(at)["ED visits"] == "4"
    events = [(e.action, e.outcome) for e in audit.read_events()]
    assert events[:2] == [("login", "failure"), ("login", "success")]


# --- numbers: hand values and the same marts queried directly -------------------------------------


@pytest.mark.integration
def test_overview_metrics_for_facility_manager(dash_env):
    m = metrics(app("mgr_a"))
    hand = fixture.EXPECTED["overview"][A]
    assert m["ED visits"] == f"{hand['ed_visits'][0]}" == "4"
    assert m["Admissions"] == "3" and m["Discharges"] == "3"
    assert m["Occupancy"] == f"{8 / 14:.1%}" == "57.1%"
    assert m["No-show rate"] == "25.0%"
    assert m["Denial rate"] == "33.3%"
    ed = direct(
        "select count(*) from marts.fct_ed_visits where facility_id = ? "
        "and arrival_date between date '2026-03-08' and date '2026-03-14'",
        A,
    )[0]
    occ = direct(
        "select sum(occupied_beds) / sum(staffed_beds) from marts.fct_bed_census_hourly "
        "where facility_id = ? and census_hour >= timestamp '2026-03-08'",
        A,
    )[0]
    assert m["ED visits"] == str(ed)
    assert m["Occupancy"] == f"{occ:.1%}"


@pytest.mark.integration
def test_overview_metrics_for_executive_cover_both_facilities(dash_env):
    m = metrics(app("exec"))
    assert m["ED visits"] == "7"
    assert m["Occupancy"] == f"{18 / 34:.1%}"
    assert m["No-show rate"] == f"{4 / 13:.1%}"
    assert m["Denial rate"] == "40.0%"


@pytest.mark.integration
@pytest.mark.parametrize(("user", "facility"), [("mgr_a", A), ("exec", None)])
def test_throughput_metrics(dash_env, user, facility):
    m = metrics(app(user, "throughput"))
    hand = fixture.EXPECTED["ed"][facility]
    where = "facility_id = ?" if facility else "? is not null"
    d2p, los, board, lwbs = direct(
        "select median(door_to_provider_minutes), "
        "median(ed_los_minutes) filter (where is_op18_eligible), median(boarding_minutes), "
        f"avg(is_lwbs::int) from marts.fct_ed_visits where {where}",
        facility or "all",
    )
    assert m["ED visits"] == str(hand["visits"])
    assert m["Door to provider (median)"] == f"{hand['d2p']:,.0f} min" == f"{d2p:,.0f} min"
    assert m["ED LOS, OP-18 (median)"] == f"{hand['los']:,.0f} min" == f"{los:,.0f} min"
    assert m["Boarding (median)"] == f"{hand['boarding']:,.0f} min" == f"{board:,.0f} min"
    assert m["LWBS rate"] == f"{hand['lwbs']:.1%}" == f"{lwbs:.1%}"


@pytest.mark.integration
def test_no_show_metrics(dash_env):
    m = metrics(app("mgr_a", "no_shows"))
    rate = direct(
        "select count(*) filter (where is_no_show) / count(*) from marts.fct_appointments "
        "where facility_id = ? and is_in_no_show_denominator",
        A,
    )[0]
    assert m["No-show rate"] == f"{fixture.EXPECTED['no_shows'][A]:.1%}" == f"{rate:.1%}"
    assert m["Appointments"] == "15"
    assert m["Late-cancel rate"] == f"{1 / 15:.1%}"


@pytest.mark.integration
def test_bed_metrics(dash_env):
    m = metrics(app("mgr_a", "bed_utilization"))
    hand = fixture.EXPECTED["beds"][A]
    occ = direct(
        "select sum(occupied_beds) / sum(staffed_beds) from marts.fct_bed_census_hourly "
        "where facility_id = ?",
        A,
    )[0]
    assert m["Occupancy (staffed beds)"] == f"{hand['occupancy']:.1%}" == f"{occ:.1%}"
    assert m["Peak hourly census"] == str(hand["peak"])
    assert m["Mean midnight census"] == f"{hand['midnight_mean']:.1f}"
    assert m["Discharges before noon"] == f"{hand['before_noon']:.1%}"


@pytest.mark.integration
def test_charts_get_the_rows_and_leave_the_shared_specs_alone(dash_env):
    # Specs are built once per process and shared by every session: rendering must not change them.
    specs = (charts.unit_hour_occupancy, charts.census_trend, charts.midnight_census)
    before = [copy.deepcopy(spec()) for spec in specs]
    at = app("mgr_a", "bed_utilization")
    heat, trend, midnight = chart_rows(at)
    assert set(heat["unit"]) == {"FAC_A · Intensive care", "FAC_A · Medicine"}
    assert len(heat) == 2 * 24
    assert {"mean_census", "peak_census", "staffed_beds"} <= set(trend.columns)
    assert midnight["midnight_census"].mean() == pytest.approx(
        fixture.EXPECTED["beds"][A]["midnight_mean"]
    )
    assert [json.loads(c.proto.spec)["title"] for c in at.get("vega_lite_chart")] == [
        "Occupancy by unit and hour",
        "Census trend",
        "Midnight census",
    ]
    assert [spec() for spec in specs] == before


@pytest.mark.integration
def test_revenue_metrics(dash_env):
    m = metrics(app("exec", "revenue_cycle"))
    days = direct(
        "select sum(net_ar_amount) / sum(avg_daily_revenue_amount) from marts.fct_ar_snapshots "
        "where snapshot_date = date '2026-03-14'"
    )[0]
    assert m["Days in A/R (latest)"] == f"{fixture.EXPECTED['days_in_ar'][None]:.1f}"
    assert m["Days in A/R (latest)"] == f"{days:.1f}"
    assert m["Initial denial rate"] == f"{3 / 8:.1%}"


@pytest.mark.integration
def test_banner_shows_freshness_and_quarantine_share(dash_env):
    at = app("mgr_a", "data_quality")
    captions = " ".join(c.value for c in at.caption) + " ".join(w.value for w in at.warning)
    assert "2026-03-14" in captions
    assert f"{fixture.EXPECTED['quarantined_share'][A]:.2%}" in captions
    assert metrics(at)["Rows quarantined"] == "14"


@pytest.mark.integration
def test_missing_mart_shows_an_error_not_a_traceback(dash_env):
    con = published_connection(read_only=False)
    con.execute("drop table marts.fct_ed_visits")
    con.close()
    at = app("mgr_a", "throughput")
    assert "unavailable" in at.error[0].value
    assert ("view", "error") in [(e.action, e.outcome) for e in audit.read_events()]


@pytest.mark.integration
def test_pages_render_before_the_first_publish(dash_env, monkeypatch, tmp_path):
    # No published copy yet: every scope is empty, so nothing is queried and nothing breaks.
    monkeypatch.setenv("OPS_PUBLISHED_PATH", str(tmp_path / "not-yet.duckdb"))
    at = app("exec")
    assert at.info[0].value.startswith("No data has been published")
    for page in PAGES[1:]:
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, (page, at.exception)


# --- R1: facility isolation -----------------------------------------------------------------------


@pytest.mark.integration
@pytest.mark.parametrize("page", PAGES)
def test_facility_manager_never_sees_other_facility(dash_env, page):
    at = app("mgr_a", page, facility=B)
    text = rendered_text(at)
    for marker in FAC_B_MARKERS:
        assert marker not in text, (page, marker)
    assert at.multiselect[0].options == ["North General"] if at.multiselect else True


@pytest.mark.integration
def test_facility_link_outside_scope_is_ignored_and_audited(dash_env):
    at = app("mgr_a", facility=B)
    assert "outside your access" in at.warning[0].value
    denied = [e for e in audit.read_events() if e.action == "denied"]
    assert denied and denied[0].query_id == "query_param:facility"
    assert metrics(at)["ED visits"] == "4"


# --- export rights and audit ----------------------------------------------------------------------


@pytest.mark.integration
@pytest.mark.parametrize("page", PAGES)
def test_analyst_gets_no_download_button(dash_env, page):
    at = app("analyst_a", page)
    assert not at.get("download_button")


@pytest.mark.integration
def test_views_filters_and_exports_are_audited(dash_env):
    at = app("mgr_a")
    events = audit.read_events()
    assert {e.action for e in events} == {"view"}
    assert all(e.user == "mgr_a" and e.facility_scope == (A,) for e in events)
    view = next(e for e in events if e.query_id == "overview_weekly")
    assert view.row_count == 12 and view.page == "overview"

    at.date_input[0].set_value((fixture.END.replace(day=2), fixture.END.replace(day=10))).run()
    filters = [e for e in audit.read_events() if e.action == "filter"]
    assert any(e.query_id == "overview_weekly" for e in filters)

    at.get("download_button")[0].click().run()
    exports = [e for e in audit.read_events() if e.action == "export"]
    assert len(exports) == 1 and exports[0].query_id == "overview_weekly"
    assert audit.verify().ok


@pytest.mark.integration
def test_rerun_without_changes_is_not_audited_again(dash_env):
    at = app("mgr_a")
    before = len(audit.read_events())
    at.run()
    assert len(audit.read_events()) == before


# --- R3: automatic logoff -------------------------------------------------------------------------


@pytest.mark.integration
def test_idle_session_is_signed_out(dash_env, monkeypatch):
    monkeypatch.setenv("OPS_IDLE_TIMEOUT_MINUTES", "15")
    at = app("mgr_a")
    assert at.metric
    at.session_state[LAST_ACTIVITY_KEY] = time.time() - 16 * 60
    at.run()
    assert not at.metric and not at.dataframe
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    logout = [e for e in audit.read_events() if e.action == "logout"]
    assert logout and logout[0].outcome == "idle_timeout"


@pytest.mark.integration
def test_sign_out_button(dash_env):
    at = app("mgr_a")
    next(b for b in at.sidebar.button if b.label == "Sign out").click().run()
    assert not at.metric


# --- R14: server configuration and no raw HTML ----------------------------------------------------


@pytest.mark.unit
def test_server_config_is_hardened():
    config = tomllib.loads((Path(APP).parent / ".streamlit" / "config.toml").read_text())
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["enableCORS"] is True
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["toolbarMode"] == "minimal"


@pytest.mark.unit
def test_no_unsafe_html_anywhere():
    for path in Path(APP).parent.rglob("*.py"):
        source = path.read_text()
        assert "unsafe_allow_html" not in source, path
        assert "st.html(" not in source, path


@pytest.mark.integration
def test_first_page_run_moves_startup_objects_out_of_the_collector(dash_env):
    app("mgr_a")
    assert heap._frozen
    # Imports alone are ~120k tracked objects; a full collection no longer walks them.
    assert gc.get_freeze_count() > 50_000
