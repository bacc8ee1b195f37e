"""The dbt project as Dagster sees it, with a manifest built on first use (offline `dbt parse`)."""

from __future__ import annotations

from functools import cache

from dagster_dbt import DbtProject

from pipelines.lib.settings import REPO_ROOT

DBT_DIR = REPO_ROOT / "dbt_project"


@cache
def dbt_project() -> DbtProject:
    """The dbt project; parses it once when its manifest is missing (a fresh checkout)."""
    project = DbtProject(project_dir=DBT_DIR, profiles_dir=DBT_DIR)
    if not project.manifest_path.exists():
        project.preparer.prepare(project)
    return project
