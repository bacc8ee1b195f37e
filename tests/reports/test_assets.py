"""The Dagster asset, job and schedule; R12: a failed leak gate stops the e-mail."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from pipelines.defs.reports.assets import (
    REPORT_KEY,
    WeeklyReportConfig,
    weekly_huddle,
    weekly_report_job,
    weekly_report_schedule,
)
from pipelines.defs.resources import ZonesResource
from tests.reports.conftest import SmtpServer

PUBLISHED = dg.AssetKey(["published", "ops"])
OP_NAME = "reports__weekly_huddle"


def _stand_in_published(*, gate_passes: bool) -> dg.AssetsDefinition:
    """The publish asset's shape: same key, same blocking check, no real work."""

    @dg.asset(
        key=PUBLISHED,
        check_specs=[dg.AssetCheckSpec("phi_leak_gate", asset=PUBLISHED, blocking=True)],
    )
    def published_ops():
        yield dg.MaterializeResult()
        yield dg.AssetCheckResult(check_name="phi_leak_gate", passed=gate_passes)

    return published_ops


@pytest.fixture
def report_env(
    published: Path, smtp_server: SmtpServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> SmtpServer:
    """Point the asset at the fixture copy, a recipients file and the loopback SMTP server."""
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "report_recipients.toml").write_text(
        '[facilities.FAC_A]\nto = ["lead@fac-a.example.org"]\n'
        '[facilities.FAC_B]\nto = ["lead@fac-b.example.org"]\n'
    )
    monkeypatch.setenv("OPS_PUBLISHED_PATH", str(published))
    monkeypatch.setenv("OPS_SECRETS_DIR", str(secrets))
    monkeypatch.setenv("OPS_SMTP_HOST", smtp_server.host)
    monkeypatch.setenv("OPS_SMTP_PORT", str(smtp_server.port))
    monkeypatch.setenv("OPS_SMTP_STARTTLS", "false")
    monkeypatch.setenv("OPS_REPORT_FROM", "ops-reports@warehouse.example.org")
    for var in ("OPS_REPORT_RECIPIENTS", "OPS_SMTP_SSL", "OPS_SMTP_USER", "OPS_REPORT_MIN_CELL"):
        monkeypatch.delenv(var, raising=False)
    return smtp_server


def _materialize(
    assets: list[dg.AssetsDefinition], instance: dg.DagsterInstance, **config
) -> dg.ExecuteInProcessResult:
    ops = {}
    if weekly_huddle in assets:
        ops[OP_NAME] = WeeklyReportConfig(**{"week_ending": "2026-03-15", **config})
    return dg.materialize(
        assets,
        instance=instance,
        resources={"zones": ZonesResource()},
        run_config=dg.RunConfig(ops=ops),
        raise_on_error=False,
    )


def _report_materialized(instance: dg.DagsterInstance) -> bool:
    return instance.get_latest_materialization_event(REPORT_KEY) is not None


def test_failed_leak_gate_in_the_same_run_blocks_the_report(report_env: SmtpServer) -> None:
    instance = dg.DagsterInstance.ephemeral()
    result = _materialize([_stand_in_published(gate_passes=False), weekly_huddle], instance)
    assert not _report_materialized(instance)
    assert OP_NAME not in {e.step_key for e in result.all_events if e.is_step_success}
    assert report_env.messages == []


def test_failed_leak_gate_from_an_earlier_run_blocks_the_weekly_job(report_env: SmtpServer) -> None:
    # The daily run published a copy whose gate failed; Monday's job runs only the report asset.
    instance = dg.DagsterInstance.ephemeral()
    _materialize([_stand_in_published(gate_passes=False)], instance)
    result = _materialize([weekly_huddle], instance)
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert "leak gate failed" in str(failure.step_failure_data.error)
    assert not _report_materialized(instance)
    assert report_env.messages == []


def test_no_published_copy_means_no_report(report_env: SmtpServer) -> None:
    result = _materialize([weekly_huddle], dg.DagsterInstance.ephemeral())
    assert not result.success
    assert report_env.messages == []


def test_passing_gate_sends_one_message_per_facility(report_env: SmtpServer) -> None:
    instance = dg.DagsterInstance.ephemeral()
    _materialize([_stand_in_published(gate_passes=True)], instance)
    result = _materialize([weekly_huddle], instance)
    assert result.success
    assert sorted(m.rcpt_tos[0] for m in report_env.messages) == [
        "lead@fac-a.example.org",
        "lead@fac-b.example.org",
    ]
    metadata = instance.get_latest_materialization_event(REPORT_KEY).asset_materialization.metadata
    values = {k: v.value for k, v in metadata.items()}
    assert values["facilities"] == 2
    assert values["messages_sent"] == 2
    assert values["recipients"] == 2
    assert values["suppressed_cells"] > 0
    assert values["week_ending"] == "2026-03-15"
    # Counts only: no address anywhere in the metadata.
    assert not any("@" in str(v) for v in values.values())


def test_dry_run_sends_nothing(report_env: SmtpServer) -> None:
    instance = dg.DagsterInstance.ephemeral()
    _materialize([_stand_in_published(gate_passes=True)], instance)
    assert _materialize([weekly_huddle], instance, send=False).success
    assert report_env.messages == []


def test_stale_week_is_not_sent_and_fails(report_env: SmtpServer) -> None:
    instance = dg.DagsterInstance.ephemeral()
    _materialize([_stand_in_published(gate_passes=True)], instance)
    result = _materialize([weekly_huddle], instance, week_ending="2026-03-22")
    assert not result.success
    assert report_env.messages == []


def test_job_schedule_and_definitions() -> None:
    assert weekly_report_schedule.cron_schedule == "0 6 * * 1"
    assert weekly_report_schedule.job_name == "weekly_report_job"
    defs = dg.Definitions(
        assets=[_stand_in_published(gate_passes=True), weekly_huddle],
        jobs=[weekly_report_job],
        schedules=[weekly_report_schedule],
        resources={"zones": ZonesResource()},
    )
    job = defs.resolve_job_def("weekly_report_job")
    assert job.asset_layer.executable_asset_keys == {REPORT_KEY}
    spec = defs.resolve_assets_def(REPORT_KEY).specs_by_key[REPORT_KEY]
    assert spec.group_name == "reports"
    assert "email" in spec.kinds
    assert PUBLISHED in {dep.asset_key for dep in spec.deps}


def test_daily_job_never_sends(report_env: SmtpServer) -> None:
    instance = dg.DagsterInstance.ephemeral()
    published = _stand_in_published(gate_passes=True)
    defs = dg.Definitions(
        assets=[published, weekly_huddle],
        jobs=[dg.define_asset_job("ops_job", selection=dg.AssetSelection.all())],
        resources={"zones": ZonesResource()},
    )
    result = defs.resolve_job_def("ops_job").execute_in_process(instance=instance)
    assert result.success
    assert instance.get_latest_materialization_event(PUBLISHED) is not None
    assert not _report_materialized(instance)
    assert report_env.messages == []
