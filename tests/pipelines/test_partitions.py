"""Extract-day partitions: partition runs, backfills and the sensor touch only their own days."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import dagster as dg
import pytest

from pipelines.defs.automation.jobs import (
    RANGE_END,
    RANGE_START,
    daily_ops_refresh,
    landing_sensor,
    run_request_for,
)
from pipelines.defs.ingest.assets import build_ingest_asset
from pipelines.defs.resources import ZonesResource
from pipelines.lib.duck import phi_connection
from pipelines.lib.ingest import ingest_feeds
from tests.pipelines.appointments import row, write_extract

DAYS = ["2026-03-02", "2026-03-03", "2026-03-04"]


@pytest.fixture
def landing(ops_env: Path) -> Path:
    folder = ops_env / "landing"
    for n, day in enumerate(DAYS, start=1):
        write_extract(folder, day, [row(f"{n}1"), row(f"{n}2")])
    return folder


def ledger_days() -> list[str]:
    con = phi_connection()
    try:
        return [
            d
            for (d,) in con.execute(
                "select extract_date::varchar from phi.raw._ledger order by 1"
            ).fetchall()
        ]
    finally:
        con.close()


def materialize(instance: dg.DagsterInstance, **kwargs) -> None:
    result = dg.materialize(
        [build_ingest_asset("appointments")],
        resources={"zones": ZonesResource()},
        instance=instance,
        **kwargs,
    )
    assert result.success


def test_partition_and_backfill_runs_load_only_their_days(landing: Path) -> None:
    with dg.DagsterInstance.ephemeral() as instance:
        materialize(instance, partition_key="2026-03-03")
        assert ledger_days() == ["2026-03-03"]

        # A backfill over two days is one run; the day already loaded is skipped, 03-04 untouched.
        materialize(instance, tags={RANGE_START: "2026-03-02", RANGE_END: "2026-03-03"})
        assert ledger_days() == ["2026-03-02", "2026-03-03"]

        materialize(instance)  # no partition: the catch-up run takes in every new file
        assert ledger_days() == DAYS
        con = phi_connection()
        assert con.execute("select count(*) from phi.raw.appointments").fetchone()[0] == 6


def test_sensor_asks_for_the_days_of_files_not_yet_loaded(landing: Path) -> None:
    first = landing_sensor(dg.build_sensor_context())
    assert isinstance(first, dg.RunRequest)
    assert first.partition_key is None
    assert (first.tags[RANGE_START], first.tags[RANGE_END]) == ("2026-03-02", "2026-03-04")

    unchanged = landing_sensor(dg.build_sensor_context(cursor=first.run_key))
    assert isinstance(unchanged, dg.SkipReason)

    con = phi_connection(with_warehouse=True)
    ingest_feeds(con, str(landing), ["appointments"])  # also refreshes the warehouse ledger copy
    con.close()
    write_extract(landing, "2026-03-05", [row("41")])
    late = landing_sensor(dg.build_sensor_context(cursor=first.run_key))
    assert isinstance(late, dg.RunRequest)
    assert late.partition_key == "2026-03-05"


def test_a_file_without_a_day_gets_a_catch_up_run() -> None:
    request = run_request_for([datetime(2026, 3, 2).date(), None], "k")
    assert request.partition_key is None and RANGE_START not in request.tags


def test_the_schedule_runs_yesterdays_extract_day() -> None:
    context = dg.build_schedule_context(scheduled_execution_time=datetime(2026, 3, 5, 5, 30))
    assert daily_ops_refresh(context).partition_key == "2026-03-04"
