"""The job that materializes everything, its daily schedule, and the landing-location sensor.

The ingest assets are partitioned by extract day (see `pipelines/defs/ingest/assets.py`), so the
schedule and the sensor ask for the days they mean; the rest of the graph is unpartitioned and
rebuilds from whatever the PHI zone holds.
"""

import hashlib
from datetime import date, timedelta

import dagster as dg
import duckdb
import fsspec

from pipelines.defs.ingest.assets import EXTRACT_DAYS
from pipelines.lib.duck import warehouse_connection
from pipelines.lib.ingest import extract_day
from pipelines.lib.settings import get_settings

# In-process: every step writes to single-writer DuckDB files, so steps must run one after another.
ops_job = dg.define_asset_job(
    name="ops_job",
    # Reports go out on their own weekly schedule, not on every refresh.
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups("reports"),
    executor_def=dg.in_process_executor,
    description="Ingest, validate, de-identify, build the dbt models and publish the marts.",
)

RANGE_START = "dagster/asset_partition_range_start"
RANGE_END = "dagster/asset_partition_range_end"


@dg.schedule(job=ops_job, cron_schedule="30 5 * * *")
def daily_ops_refresh(context: dg.ScheduleEvaluationContext):
    """Yesterday's extract day, after the nightly extracts land (interface engines drop by 05:00).

    Files that arrive later, for any day, are picked up by the landing sensor.
    """
    yesterday = context.scheduled_execution_time.date() - timedelta(days=1)
    return dg.RunRequest(partition_key=yesterday.isoformat())


def _loaded_files() -> set[tuple[str, int]] | None:
    """(path, size) of every file in the warehouse's copy of the ledger; None while it is locked."""
    path = get_settings().warehouse_path
    if not path.exists():
        return set()
    try:
        con = warehouse_connection(read_only=True)
    except duckdb.IOException:  # a run is writing the warehouse: look again at the next tick
        return None
    try:
        known = con.execute(
            "select count(*) from duckdb_tables() where database_name = 'wh' "
            "and schema_name = 'dq' and table_name = 'ingest_ledger'"
        ).fetchone()[0]
        if not known:
            return set()
        return {
            (p, s)
            for p, s in con.execute("select file_path, size_bytes from dq.ingest_ledger").fetchall()
        }
    finally:
        con.close()


def run_request_for(new_days: list[date | None], run_key: str) -> dg.RunRequest:
    """One run over the extract days of the new files: a partition, a range, or a catch-up run."""
    first_day = date.fromisoformat(EXTRACT_DAYS.get_first_partition_key())
    days = sorted(d for d in new_days if d)
    if not days or len(days) < len(new_days) or days[0] < first_day:
        # A file without a day, or before the first partition: a run without a partition takes in
        # every new file.
        return dg.RunRequest(run_key=run_key)
    if days[0] == days[-1]:
        return dg.RunRequest(run_key=run_key, partition_key=days[0].isoformat())
    return dg.RunRequest(
        run_key=run_key,
        tags={RANGE_START: days[0].isoformat(), RANGE_END: days[-1].isoformat()},
    )


@dg.sensor(job=ops_job, minimum_interval_seconds=300, default_status=dg.DefaultSensorStatus.STOPPED)
def landing_sensor(context: dg.SensorEvaluationContext):
    """Start a run for the extract days of files that are not in the ledger yet.

    The cursor is a digest of (path, size, modification time) of every landed file, cheap to compute
    without opening the encrypted PHI zone. When it changes, the files whose (path, size) the
    warehouse's ledger copy does not hold decide the days of the run; a change that leaves no such
    file (a file replaced by one of the same size) starts a catch-up run, and ingest's sha256 check
    decides what is new.
    """
    settings = get_settings()
    fs, root = fsspec.core.url_to_fs(settings.landing_url)
    root = root.rstrip("/")
    if not fs.exists(root):
        return dg.SkipReason(f"landing location {settings.landing_url} does not exist")
    listing = {}
    digest = hashlib.sha256()
    for path, info in sorted(fs.find(root, detail=True).items()):
        mtime = info.get("mtime", info.get("LastModified"))
        digest.update(f"{path}|{info.get('size')}|{mtime}".encode())
        listing[path[len(root) + 1 :]] = info.get("size")
    cursor = digest.hexdigest()
    if cursor == context.cursor:
        return dg.SkipReason("no new files")
    loaded = _loaded_files()
    if loaded is None:
        return dg.SkipReason("the warehouse is being written; trying again at the next tick")
    new = [rel for rel, size in listing.items() if (rel, size) not in loaded]
    new_days = [extract_day(fs, f"{root}/{rel}") for rel in new]
    context.update_cursor(cursor)
    return run_request_for(new_days, cursor)
