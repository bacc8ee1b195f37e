"""Resources shared by every domain."""

import dagster as dg
from dagster_dbt import DbtCliResource

from pipelines.lib.dbt import DBT_EXECUTABLE, dbt_project
from pipelines.lib.settings import Settings, get_settings


class ZonesResource(dg.ConfigurableResource):
    """Locations of the landing folder and the DuckDB files (see docs/architecture.md).

    Unset fields fall back to the OPS_* environment variables, read when a run starts.
    """

    landing_url: str | None = None

    def settings(self) -> Settings:
        """The resolved settings for this run."""
        settings = get_settings()
        if self.landing_url:
            settings = Settings(**{**settings.__dict__, "landing_url": self.landing_url})
        return settings


@dg.definitions
def resources() -> dg.Definitions:
    """Bind the zones and the dbt CLI."""
    return dg.Definitions(
        resources={
            "zones": ZonesResource(),
            "dbt": DbtCliResource(project_dir=dbt_project(), dbt_executable=DBT_EXECUTABLE),
        }
    )
