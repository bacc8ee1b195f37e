"""Publish the marts to the file the dashboards read, swapped atomically.

DuckDB allows one writer or many read-only readers per file, never both (duckdb#77). Dashboards
therefore never open the warehouse: they read a copy of the marts that is built beside the old copy
and moved into place with `os.replace`, which is atomic on one filesystem. A dashboard that opened
the old file keeps reading it until it closes its connection; the next connection sees the new one.

"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from pipelines.lib.duck import attach_encrypted, file_key, published_connection
from pipelines.lib.settings import Settings, get_settings

PUBLISHED_SCHEMAS = ("marts", "reference")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def publish(settings: Settings | None = None) -> dict[str, int]:
    """Copy `marts.*` and `reference.*` to a fresh file and swap it in; return the row counts."""
    settings = settings or get_settings()
    staging, counts = build_copy(settings)
    swap_in(staging, settings.published_path)
    return counts


def build_copy(settings: Settings) -> tuple[Path, dict[str, int]]:
    """Copy the published schemas into a new file beside the published one; return it and counts."""
    target = settings.published_path
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.stem}-{datetime.now():%Y%m%d%H%M%S%f}.duckdb")
    counts: dict[str, int] = {}
    warehouse_key = file_key(settings, "warehouse_key", settings.warehouse_path)
    con = published_connection(settings, path=staging, read_only=False)
    try:
        attach_encrypted(con, settings.warehouse_path, "wh", warehouse_key, read_only=True)
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where database_name = 'wh' and schema_name in ('marts', 'reference') "
            "order by schema_name, table_name"
        ).fetchall()
        views = con.execute(
            "select schema_name, view_name from duckdb_views() "
            "where database_name = 'wh' and schema_name in ('marts', 'reference') and not internal"
        ).fetchall()
        for schema, name in tables + views:
            con.execute(f"create schema if not exists {_quote(schema)}")
            con.execute(
                f"create table {_quote(schema)}.{_quote(name)} as "
                f"select * from wh.{_quote(schema)}.{_quote(name)}"
            )
            counts[f"{schema}.{name}"] = con.execute(
                f"select count(*) from {_quote(schema)}.{_quote(name)}"
            ).fetchone()[0]
        con.execute(
            "create table pub.main.publication as "
            "select current_timestamp as published_at, ? as tables",
            [len(counts)],
        )
        con.execute("detach wh")
        con.execute("checkpoint")
    finally:
        con.close()
    return staging, counts


def swap_in(staging: Path, target: Path) -> None:
    """Atomically replace the published file with `staging` and clear leftovers."""
    os.replace(staging, target)
    _remove_stale(target)


def discard(staging: Path) -> None:
    """Remove a copy that must not be published (e.g. it failed the leak gate)."""
    staging.unlink(missing_ok=True)


def _remove_stale(target: Path) -> None:
    """Remove copies left behind by an interrupted publish."""
    for stale in target.parent.glob(f".{target.stem}-*.duckdb*"):
        stale.unlink(missing_ok=True)
