"""The job that materializes everything, its daily schedule, and the landing-folder sensor."""

import hashlib

import dagster as dg
import fsspec

from pipelines.lib.settings import get_settings

# In-process: every step writes to single-writer DuckDB files, so steps must run one after another.
ops_job = dg.define_asset_job(
    name="ops_job",
    # Reports go out on their own weekly schedule, not on every refresh.
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups("reports"),
    executor_def=dg.in_process_executor,
    description="Ingest, validate, de-identify, build the dbt models and publish the marts.",
)

daily_schedule = dg.ScheduleDefinition(
    name="daily_ops_refresh",
    job=ops_job,
    cron_schedule="30 5 * * *",
    description="After the nightly extracts land (interface engines drop them by 05:00).",
)


@dg.sensor(job=ops_job, minimum_interval_seconds=300, default_status=dg.DefaultSensorStatus.STOPPED)
def landing_sensor(context: dg.SensorEvaluationContext):
    """Start a run when the landing location changes (new or replaced files).

    The cursor is a digest of (path, size, modification time) of every landed file: cheap to compute
    without opening the encrypted PHI zone. Ingest itself skips files whose sha256 is already in the
    ledger.

    """
    settings = get_settings()
    fs, root = fsspec.core.url_to_fs(settings.landing_url)
    if not fs.exists(root):
        return dg.SkipReason(f"landing location {settings.landing_url} does not exist")
    digest = hashlib.sha256()
    for path, info in sorted(fs.find(root, detail=True).items()):
        digest.update(
            f"{path}|{info.get('size')}|{info.get('mtime', info.get('LastModified'))}".encode()
        )
    cursor = digest.hexdigest()
    if cursor == context.cursor:
        return dg.SkipReason("no new files")
    context.update_cursor(cursor)
    return dg.RunRequest(run_key=cursor)
