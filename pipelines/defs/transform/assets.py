"""The dbt project (staging -> intermediate -> marts) as Dagster assets."""

import os
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from pipelines.defs.resources import ZonesResource
from pipelines.lib.dbt import DAILY_BUILD_ARGS, dbt_project

# dbt source name -> the Dagster asset prefix that produces it.
SOURCE_PREFIX = {"ehr": "deid", "scheduling": "deid", "billing": "deid", "dq": "dq"}


class OpsTranslator(DagsterDbtTranslator):
    """Maps dbt sources onto the de-identification and ledger assets, models into layer groups."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        """Sources become `deid/<table>` or `dq/<table>`; models keep their schema and name."""
        if dbt_resource_props["resource_type"] == "source":
            prefix = SOURCE_PREFIX.get(dbt_resource_props["source_name"], "source")
            return dg.AssetKey([prefix, dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        """Group models by dbt layer (staging, intermediate, marts, seeds)."""
        fqn = dbt_resource_props.get("fqn", [])
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        return fqn[1] if len(fqn) > 2 else "dbt"


@dbt_assets(
    manifest=dbt_project().manifest_path,
    project=dbt_project(),
    dagster_dbt_translator=OpsTranslator(),
)
def warehouse_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, zones: ZonesResource):
    """Seeds, models and their data tests in dependency order, incremental where configured."""
    # profiles.yml reads the warehouse path from this variable; pin it to this run's settings (the
    # same string `make manifest` parsed with, see lib/dbt.py dbt_env, so dbt parses partially).
    os.environ["OPS_WAREHOUSE_PATH"] = str(zones.settings().warehouse_path)
    yield from dbt.cli(DAILY_BUILD_ARGS, context=context).stream()
