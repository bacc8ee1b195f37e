"""The published copy of the marts that dashboards and reports read, behind the PHI leak gate."""

import dagster as dg

from deidentify.leak_gate import LeakReport, build_canaries, scan
from pipelines.defs.resources import ZonesResource
from pipelines.defs.transform.assets import warehouse_models
from pipelines.lib.duck import phi_connection
from pipelines.lib.publish import publish
from pipelines.lib.settings import Settings


def leak_gate_report(settings: Settings) -> LeakReport:
    """Scan the warehouse and the published copy for every identifier held in the PHI zone."""
    con = phi_connection(settings)
    try:
        build_canaries(con)
        paths = [p for p in (settings.warehouse_path, settings.published_path) if p.exists()]
        return scan(con, paths)
    finally:
        con.close()


@dg.asset(
    key=["published", "ops"],
    deps=[warehouse_models],
    group_name="publish",
    kinds={"duckdb"},
    check_specs=[
        dg.AssetCheckSpec(
            "phi_leak_gate",
            asset=["published", "ops"],
            blocking=True,
            description="No identifier from the extracts appears in the warehouse or the copy.",
        )
    ],
)
def published_ops(context: dg.AssetExecutionContext, zones: ZonesResource):
    """Copy the marts to the dashboards' file, swap it in atomically, then scan both for PHI."""
    settings = zones.settings()
    counts = publish(settings)
    context.log.info(f"published {len(counts)} tables")
    yield dg.MaterializeResult(
        metadata={
            "tables": len(counts),
            "rows": sum(counts.values()),
            "path": str(settings.published_path),
        }
    )
    report = leak_gate_report(settings)
    yield dg.AssetCheckResult(
        check_name="phi_leak_gate",
        passed=report.passed,
        metadata={
            "canaries": report.canaries,
            "hits": [
                f"{db}:{table}.{column} ({count})" for db, table, column, count in report.hits
            ],
        },
    )
