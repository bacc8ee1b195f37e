"""De-identify every contract table present in the PHI zone into the warehouse `deid` schema."""

from __future__ import annotations

import logging
from typing import Any

from data_contracts.contract import load_contracts
from deidentify import vault
from deidentify.known_names import load_known_names, with_known_names
from deidentify.structured import (
    DeidError,
    TextRedactor,
    deidentify_table,
    raw_table_exists,
    redact_everything,
)
from pipelines.lib.duck import phi_connection
from pipelines.lib.settings import Settings, get_settings

log = logging.getLogger(__name__)


def deidentify_all(
    settings: Settings | None = None,
    profile: str | None = None,
    tables: list[str] | None = None,
    text_redactor: TextRedactor | None = None,
    *,
    date_shift: bool = False,
) -> dict[str, dict[str, Any]]:
    """De-identify the new raw rows of every contract table that exists in the PHI zone.

    Each table is committed on its own (vault first, then its warehouse rows with their run record),
    so a failure leaves the tables before it done and the failing one untouched.

    Args:
        settings: resolved settings (default: `get_settings()`).
        profile: `limited` or `safe_harbor` (default: the settings' `OPS_DEID_PROFILE`).
        tables: restrict to these contract tables (default: all).
        text_redactor: free-text redactor (`deidentify.text.redact_batch`); None redacts whole
            texts.
        date_shift: shift event times per patient instead of keeping them exact / year only.

    Returns:
        Per table, the counts returned by `deidentify_table` (never values).
    """
    settings = settings or get_settings()
    profile = profile or settings.deid_profile
    contracts = load_contracts()
    unknown = sorted(set(tables or []) - set(contracts))
    if unknown:
        raise ValueError(f"no contract for tables {unknown}")
    results: dict[str, dict[str, Any]] = {}
    con = phi_connection(settings, with_vault=True, with_warehouse=True)
    try:
        # Each table commits twice (vault, warehouse); at the default 16 MB WAL threshold most of
        # those commits also checkpointed: commits were a third of a 45-day hospital run, and this
        # halves them. Commits still write and sync the WAL (durability unchanged); the checkpoint
        # happens once, when `con` closes.
        # The setting is local to this connection's own in-memory DuckDB instance.
        con.execute("set checkpoint_threshold = '1GB'")
        # The whole vault once, before anything is written: each table then checks only the pairs
        # its batch joins to or adds (vault.check_batch_unique), which together cover the vault.
        broken = vault.check_unique(con)
        if broken:
            raise DeidError(f"vault uniqueness broken in namespaces {broken}")
        if text_redactor is not None and text_redactor is not redact_everything:
            # Presidio first, then every name the PHI zone knows (deidentify/known_names.py).
            text_redactor = with_known_names(text_redactor, load_known_names(con))
        for name in tables or sorted(contracts):
            if not raw_table_exists(con, name):
                log.info("deid %s: no raw table in the PHI zone, skipped", name)
                continue
            results[name] = deidentify_table(
                con, contracts[name], profile, text_redactor, date_shift=date_shift
            )
    finally:
        con.close()
    return results


# docs/architecture.md names the entry point `deidentify_tables`.
deidentify_tables = deidentify_all
