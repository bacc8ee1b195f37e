"""dbt-duckdb plugin: opens the encrypted warehouse for dbt with the key from the key store.

DuckDB opens an encrypted file only by ATTACH with its key. profiles.yml names the warehouse in
`attach:` as `wh` without a key (dbt-duckdb accepts `database: wh` beside an in-memory `path` only
for an attach alias), so the key is never rendered into the profile. dbt-duckdb calls
`configure_connection` before its own `ATTACH IF NOT EXISTS ... AS wh`, so the warehouse is attached
here first: the file of `settings.warehouse_path` (`OPS_WAREHOUSE_PATH`, the one setting every step
uses, whatever dbt's working folder), with its key (`OPS_WAREHOUSE_KEY` or the key file), and the
profile's attach is then a no-op. The httpfs extension loaded here is DuckDB's OpenSSL crypto
module, which encrypted writes need, from the pinned wheel.
"""

from __future__ import annotations

from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection

from pipelines.lib.duck import attach_encrypted, file_key, load_httpfs
from pipelines.lib.settings import get_settings

WAREHOUSE_ALIAS = "wh"


class Plugin(BasePlugin):
    """Load httpfs and attach the warehouse, encrypted, as `wh`."""

    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        """Runs on every new dbt connection, before the profile's attachments."""
        load_httpfs(conn)
        settings = get_settings()
        key = file_key(settings, "warehouse_key", settings.warehouse_path)
        attach_encrypted(conn, settings.warehouse_path, WAREHOUSE_ALIAS, key)
