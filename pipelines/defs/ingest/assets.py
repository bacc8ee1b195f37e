"""Landing files -> PHI zone raw tables, one multi-asset per feed, with blocking contract checks.

Each run ingests only files whose sha256 is not in the ledger, so runs are incremental and re-runs
are no-ops. The assets are partitioned by extract day: a run for a partition or a range of them (a
backfill, which runs as one run) touches only the files of those days; a run without a partition
(the first load, `make pipeline`) catches up on every new file. Metadata carries counts and rule
names only: never values, since these tables hold PHI.

"""

from datetime import timedelta

import dagster as dg

from data_contracts.contract import Contract, contracts_for_feed, load_contracts
from data_contracts.suites import validate
from pipelines.defs.resources import ZonesResource
from pipelines.lib.duck import phi_connection
from pipelines.lib.ingest import (
    CHILD_TABLES,
    ensure_raw_table,
    ingest_feeds,
    mirror_to_warehouse,
    summarize,
)
from pipelines.lib.settings import first_extract_day

FEEDS = sorted({c.feed for c in load_contracts().values()})

# One partition per extract day, up to today (an intraday extract has a partition to land in).
EXTRACT_DAYS = dg.DailyPartitionsDefinition(start_date=first_extract_day(), end_offset=1)


def partition_days(context: dg.AssetExecutionContext):
    """The (first, last) extract days of this run's partitions; None when it has no partition."""
    if not (context.has_partition_key or context.has_partition_key_range):
        return None
    window = context.partition_time_window
    return window.start.date(), (window.end - timedelta(days=1)).date()


def _max_raw_ids(con, contracts: list[Contract]) -> dict[str, int]:
    known = {
        name
        for (name,) in con.execute(
            "select table_name from duckdb_tables() where database_name = 'phi' "
            "and schema_name = 'raw'"
        ).fetchall()
    }
    return {
        c.table: con.execute(f"select coalesce(max(_raw_id), 0) from phi.raw.{c.table}").fetchone()[
            0
        ]
        if c.table in known
        else 0
        for c in contracts
    }


def build_ingest_asset(feed: str) -> dg.AssetsDefinition:
    """The ingest multi-asset of one feed: its raw tables plus ledger and contract checks."""
    contracts = contracts_for_feed(feed)
    parent = next(c for c in contracts if c.table not in CHILD_TABLES)
    specs = [
        dg.AssetSpec(
            ["raw", c.table],
            group_name="ingest",
            kinds={"duckdb"},
            description=f"{c.grain} From landing/{c.landing_glob} into the encrypted PHI zone.",
            metadata={"contract": f"data_contracts/contracts/{c.table}.yml"},
        )
        for c in contracts
    ]
    check_specs = [
        dg.AssetCheckSpec(
            "ledger_balances",
            asset=["raw", parent.table],
            blocking=True,
            description="Every source record is loaded, quarantined or counted as a duplicate.",
        )
    ] + [
        dg.AssetCheckSpec(
            "contract",
            asset=["raw", c.table],
            blocking=True,
            description=f"Great Expectations suite from {c.table}.yml on the rows just loaded.",
        )
        for c in contracts
    ]

    @dg.multi_asset(
        name=f"ingest_{feed}",
        specs=specs,
        check_specs=check_specs,
        can_subset=False,
        partitions_def=EXTRACT_DAYS,
        # A backfill of many days is one run: one batch per feed instead of a run per day.
        backfill_policy=dg.BackfillPolicy.single_run(),
    )
    def _ingest(context: dg.AssetExecutionContext, zones: ZonesResource):
        settings = zones.settings()
        con = phi_connection(settings, with_warehouse=True)
        try:
            for c in contracts:  # a feed with no files yet still gets its (empty) tables
                ensure_raw_table(con, c)
            before = _max_raw_ids(con, contracts)
            days = partition_days(context)
            outcomes = ingest_feeds(con, settings.landing_url, [feed], extract_dates=days)
            totals = summarize(outcomes)
            context.log.info(f"{feed}: {totals}")
            for c in contracts:
                yield dg.MaterializeResult(
                    asset_key=["raw", c.table],
                    metadata={**totals} if c is parent else {},
                )
            unbalanced = [o.file_path for o in outcomes if o.status == "unbalanced"]
            yield dg.AssetCheckResult(
                check_name="ledger_balances",
                asset_key=["raw", parent.table],
                passed=not unbalanced,
                metadata={
                    **totals,
                    "unbalanced_files": unbalanced,
                    "schema_drift_files": [o.file_path for o in outcomes if o.schema_drift],
                },
            )
            for c in contracts:
                new_rows = con.execute(
                    f"select * exclude (_row_hash) from phi.raw.{c.table} where _raw_id > ?",
                    [before[c.table]],
                ).df()
                result = validate(c, new_rows)
                yield dg.AssetCheckResult(
                    check_name="contract",
                    asset_key=["raw", c.table],
                    passed=result.passed,
                    severity=dg.AssetCheckSeverity.ERROR,
                    metadata={
                        "rows_validated": result.rows,
                        "failed_expectations": [
                            f"{o.expectation}({o.column}): {o.unexpected_count} rows [{o.severity}]"
                            for o in result.failed
                        ],
                    },
                )
        finally:
            con.close()

    return _ingest


ingest_assets = [build_ingest_asset(feed) for feed in FEEDS]


@dg.multi_asset(
    name="dq_tables",
    specs=[
        dg.AssetSpec(
            ["dq", name],
            deps=[spec.key for a in ingest_assets for spec in a.specs],
            group_name="ingest",
            kinds={"duckdb"},
            description=description,
        )
        for name, description in [
            (
                "ingest_ledger",
                "One row per landed file: source = loaded + quarantined + duplicates.",
            ),
            (
                "quarantine",
                "One row per quarantined record: file, line, table and reason (no raw text).",
            ),
        ]
    ],
)
def dq_tables(zones: ZonesResource):
    """Mirror the ledger and quarantine summary from the PHI zone to the warehouse `dq` schema."""
    con = phi_connection(zones.settings(), with_warehouse=True)
    try:
        mirror_to_warehouse(con)
        files, quarantined = con.execute(
            "select count(*), (select count(*) from wh.dq.quarantine) from wh.dq.ingest_ledger"
        ).fetchone()
    finally:
        con.close()
    yield dg.MaterializeResult(asset_key=["dq", "ingest_ledger"], metadata={"files": files})
    yield dg.MaterializeResult(
        asset_key=["dq", "quarantine"], metadata={"quarantined_rows": quarantined}
    )
