"""The published copy of the marts that dashboards and reports read, behind the PHI leak gate."""

from pathlib import Path

import dagster as dg

from deidentify.leak_gate import LeakReport, build_canaries, scan
from pipelines.defs.resources import ZonesResource
from pipelines.defs.transform.assets import warehouse_models
from pipelines.lib.duck import phi_connection, zone_key
from pipelines.lib.publish import build_copy, discard, swap_in
from pipelines.lib.settings import Settings


def leak_gate_report(settings: Settings, extra: list[Path] | None = None) -> LeakReport:
    """Scan the warehouse (and `extra` files) for every identifier held in the PHI zone."""
    con = phi_connection(settings)
    try:
        build_canaries(con)
        paths = [p for p in [settings.warehouse_path, *(extra or [])] if p.exists()]
        return scan(con, paths, key_for=lambda path: zone_key(settings, path))
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
    """Copy the marts to a new file, scan it and the warehouse for PHI, and only then swap it in.

    Dashboards therefore never see a copy that failed the leak gate: on a hit the new copy is
    discarded, the previous one stays in place, and the blocking check stops the reports.
    """
    settings = zones.settings()
    staging, counts = build_copy(settings)
    report = leak_gate_report(settings, [staging])
    if report.passed:
        swap_in(staging, settings.published_path)
    else:
        discard(staging)
    context.log.info(f"built {len(counts)} tables; leak gate passed: {report.passed}")
    yield dg.MaterializeResult(
        metadata={
            "tables": len(counts),
            "rows": sum(counts.values()),
            "swapped_in": report.passed,
            "path": str(settings.published_path),
        }
    )
    yield dg.AssetCheckResult(
        check_name="phi_leak_gate",
        passed=report.passed,
        metadata={
            "canaries": report.canaries,
            "columns_scanned": report.columns_scanned,
            "hits": [f"{h.table}.{h.column} ({h.count} rows)" for h in report.hits],
        },
    )
