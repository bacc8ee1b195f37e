"""The one Dagster entry point: autoload every module under `pipelines/defs/`."""

from __future__ import annotations

import dagster as dg

import pipelines.defs
from pipelines.lib.settings import REPO_ROOT


@dg.definitions
def defs() -> dg.Definitions:
    """Definitions of the whole project (assets, checks, jobs, schedules, sensors, resources)."""
    return dg.load_defs(pipelines.defs, project_root=REPO_ROOT)
