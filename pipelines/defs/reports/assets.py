"""The weekly huddle packs: built from the published copy, e-mailed per facility every Monday."""

# No `from __future__ import annotations` here: Dagster reads the run-config class from the
# live annotation of the asset function.
from datetime import date, datetime

import dagster as dg

from pipelines.defs.resources import ZonesResource
from pipelines.lib.reports.build import build_weekly_report, facility_ids, previous_sunday
from pipelines.lib.reports.render import render_report
from pipelines.lib.reports.send import NO_RECIPIENTS, SmtpConfig, load_recipients, send_reports
from pipelines.lib.reports.suppression import min_cell_from_env

PUBLISHED = dg.AssetKey(["published", "ops"])
LEAK_GATE = dg.AssetCheckKey(PUBLISHED, "phi_leak_gate")
REPORT_KEY = dg.AssetKey(["reports", "weekly_huddle"])

# Belt and braces: the daily `ops_job` (automation/jobs.py) excludes the `reports` group, but should
# a job of that name ever select this asset, the run must not e-mail the packs every day: the asset
# then does nothing and is not materialized. The weekly job below sends them.
_NON_SENDING_JOBS = frozenset({"ops_job"})


class WeeklyReportConfig(dg.Config):
    """Run configuration: which week, and whether to send."""

    week_ending: str | None = None
    """ISO date of the last day of the week to report; default the Sunday before the run."""
    send: bool = True
    """False builds and renders the packs (metadata only) without e-mailing them."""
    facilities: list[str] | None = None
    """Only these facility ids (to resend one pack); default every facility."""


def _require_passing_leak_gate(context: dg.AssetExecutionContext) -> str:
    """Fail unless the published copy's latest materialization passed the PHI leak gate (R12).

    A blocking check stops downstream assets only in the run that evaluates it; the weekly job runs
    on its own, days after the publish, so the gate's latest result is looked up here.

    Returns:
        The run id of the publish that the gate cleared.
    """
    instance = context.instance
    materialization = instance.get_latest_materialization_event(PUBLISHED)
    record = instance.get_latest_asset_check_evaluation_record(LEAK_GATE)
    evaluation = record.evaluation if record else None
    if materialization is None:
        reason = "the published copy has never been materialized"
    elif record is None or evaluation is None:
        reason = "the PHI leak gate has no result for the published copy"
    elif record.run_id != materialization.run_id:
        reason = "the PHI leak gate did not complete for the latest published copy"
    elif not evaluation.passed:
        reason = "the PHI leak gate failed on the latest published copy"
    else:
        return materialization.run_id
    raise dg.Failure(description=f"Weekly reports not sent: {reason}.", allow_retries=False)


@dg.asset(
    key=REPORT_KEY,
    deps=[PUBLISHED],
    group_name="reports",
    kinds={"email"},
    output_required=False,
)
def weekly_huddle(
    context: dg.AssetExecutionContext, config: WeeklyReportConfig, zones: ZonesResource
):
    """Build, suppress, render and e-mail each facility's huddle pack for the last full week."""
    if context.job_name in _NON_SENDING_JOBS:
        context.log.info(f"weekly packs are sent by weekly_report_job, not {context.job_name}")
        return
    cleared_run = _require_passing_leak_gate(context)

    settings = zones.settings()
    week_ending = (
        date.fromisoformat(config.week_ending)
        if config.week_ending
        else previous_sunday(datetime.now().date())
    )
    min_cell = min_cell_from_env()
    recipients = load_recipients(settings.secrets_dir) if config.send else {}
    if config.send and not recipients:
        raise dg.Failure(
            description="No report recipients configured (OPS_REPORT_RECIPIENTS or "
            "<secrets_dir>/report_recipients.toml).",
            allow_retries=False,
        )

    rendered, stale = [], 0
    for facility_id, _ in facility_ids(settings.published_path):
        if config.facilities is not None and facility_id not in config.facilities:
            continue
        report = build_weekly_report(settings.published_path, facility_id, week_ending)
        if report.data_through is None or report.data_through < week_ending:
            # An incomplete week would show a false drop in every count: do not send it.
            stale += 1
            context.log.warning(f"facility {facility_id}: data does not cover the week; skipped")
            continue
        rendered.append(render_report(report, min_cell))

    # A publish that swapped the file while we read it has not been cleared by the gate yet.
    if _require_passing_leak_gate(context) != cleared_run:
        raise dg.Failure(
            description="Weekly reports not sent: the published copy changed while building.",
        )

    results = []
    if config.send and rendered:
        smtp = SmtpConfig.from_env()
        results = send_reports(
            rendered,
            smtp.host,
            smtp.port,
            smtp.sender,
            recipients,
            starttls=smtp.starttls,
            use_tls=smtp.use_tls,
            username=smtp.username,
            password=smtp.password,
        )
    metadata = {
        "week_ending": week_ending.isoformat(),
        "facilities": len(rendered) + stale,
        "facilities_stale": stale,
        "facilities_without_recipients": sum(r.error == NO_RECIPIENTS for r in results),
        "messages_sent": sum(r.sent for r in results),
        "recipients": sum(r.recipients for r in results if r.sent),
        "suppressed_cells": sum(r.suppressed_cells for r in rendered),
        "min_cell": min_cell,
        "sent": config.send,
    }
    failed = [r for r in results if r.error and r.error != NO_RECIPIENTS]
    if failed or stale:
        # Fail loudly (the schedule may have run before Sunday's data was published); rerun with
        # `facilities` set to resend only the missing packs.
        raise dg.Failure(
            description=f"{len(failed)} pack(s) not delivered, {stale} facility(ies) without "
            "data for the whole week.",
            metadata={**metadata, "facilities_failed": len(failed)},
        )
    context.log.info(
        f"weekly packs: {metadata['messages_sent']} sent for {metadata['facilities']} facilities"
    )
    yield dg.MaterializeResult(metadata=metadata)


# In-process like ops_job: one step, and it opens the published DuckDB file read-only.
weekly_report_job = dg.define_asset_job(
    name="weekly_report_job",
    selection=dg.AssetSelection.assets(REPORT_KEY),
    executor_def=dg.in_process_executor,
    description="E-mail the weekly huddle packs (after a leak-gate pass).",
)

weekly_report_schedule = dg.ScheduleDefinition(
    name="weekly_huddle_reports",
    job=weekly_report_job,
    cron_schedule="0 6 * * 1",
    description="Mondays 06:00, after the daily 05:30 refresh has published Sunday's data.",
)
