"""PHI zone raw tables -> de-identified tables (`deid.*`): the only step that opens the vault."""

import dagster as dg

from data_contracts.contract import contracts_for_feed, load_contracts
from pipelines.defs.resources import ZonesResource

FEEDS = sorted({c.feed for c in load_contracts().values()})


def build_deid_asset(feed: str) -> dg.AssetsDefinition:
    """The de-identification multi-asset of one feed."""
    contracts = contracts_for_feed(feed)
    specs = [
        dg.AssetSpec(
            ["deid", c.table],
            deps=[["raw", c.table]],
            group_name="deidentify",
            kinds={"duckdb", "presidio"}
            if any(col.deid == "free_text" for col in c.columns)
            else {"duckdb"},
            description=f"{c.grain} De-identified per the contract's PHI classes.",
        )
        for c in contracts
    ]

    @dg.multi_asset(name=f"deidentify_{feed}", specs=specs, can_subset=False)
    def _deidentify(context: dg.AssetExecutionContext, zones: ZonesResource):
        # Imported here: building the Presidio engine is slow and only de-identification needs it.
        from deidentify.run import deidentify_all
        from deidentify.text import redact_batch

        settings = zones.settings()
        results = deidentify_all(
            settings=settings,
            profile=settings.deid_profile,
            tables=[c.table for c in contracts],
            text_redactor=redact_batch,
        )
        for c in contracts:
            counts = results.get(c.table, {})
            context.log.info(f"deid {c.table}: {counts}")
            yield dg.MaterializeResult(
                asset_key=["deid", c.table],
                metadata={"profile": settings.deid_profile, **_numeric(counts)},
            )

    return _deidentify


def _numeric(counts: dict) -> dict:
    """Keep only counts and flags in metadata (never values)."""
    return {k: v for k, v in counts.items() if isinstance(v, int | float | bool | str)}


deid_assets = [build_deid_asset(feed) for feed in FEEDS]
