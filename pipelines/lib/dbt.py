"""The dbt project as Dagster sees it, with a manifest built on first use (offline `dbt parse`)."""

from __future__ import annotations

import os
import subprocess
import sys
from functools import cache
from pathlib import Path

from dagster_dbt import DbtProject

from pipelines.lib.settings import REPO_ROOT, get_settings

DBT_DIR = REPO_ROOT / "dbt_project"
# The dbt beside this interpreter: `make` and pytest do not put .venv/bin on PATH.
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")
# The scheduled build: incremental models as configured, every data test, no unit tests. Unit tests
# check model logic on fixed inputs, so they give the same answer every day; CI (tests/dbt) and a
# plain `dbt build` run them, as dbt recommends for production jobs.
DAILY_BUILD_ARGS = ["build", "--exclude-resource-type", "unit_test"]


def dbt_env() -> dict[str, str]:
    """The environment for a dbt command: profiles.yml reads the warehouse path from it.

    Every dbt command (the manifest parse included) must see the same path: dbt re-parses the whole
    project when the rendered profile differs from the one it last parsed with.
    """
    return {**os.environ, "OPS_WAREHOUSE_PATH": str(get_settings().warehouse_path)}


def parse_manifest() -> None:
    """`dbt parse` with the pinned dbt, offline (no packages are fetched)."""
    # dagster-dbt's own preparer looks for `dbt` on PATH; parse with the pinned one instead.
    subprocess.run(
        [
            DBT_EXECUTABLE,
            "parse",
            "--quiet",
            "--project-dir",
            str(DBT_DIR),
            "--profiles-dir",
            str(DBT_DIR),
        ],
        check=True,
        cwd=DBT_DIR,
        env=dbt_env(),
    )


@cache
def dbt_project() -> DbtProject:
    """The dbt project; parses it once when its manifest is missing (a fresh checkout)."""
    project = DbtProject(project_dir=DBT_DIR, profiles_dir=DBT_DIR)
    if not project.manifest_path.exists():
        parse_manifest()
    return project


if __name__ == "__main__":  # `make manifest`
    parse_manifest()
