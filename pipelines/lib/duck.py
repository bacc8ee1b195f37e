"""DuckDB connections for each zone (see docs/architecture.md).

The PHI zone and the identity vault are encrypted with AES-GCM. DuckDB writes encrypted files only
with the OpenSSL crypto module of the httpfs extension; we load it from the pinned
`duckdb-extension-httpfs` wheel so nothing is downloaded at run time.

"""

from __future__ import annotations

from pathlib import Path

import duckdb
import duckdb_extension_httpfs

from pipelines.lib.settings import Settings, get_settings, load_keys

HTTPFS_PATH = (
    Path(duckdb_extension_httpfs.__file__).parent
    / "extensions"
    / f"v{duckdb.__version__}"
    / "httpfs.duckdb_extension"
)


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def load_httpfs(con: duckdb.DuckDBPyConnection) -> None:
    """Load the locally shipped httpfs extension (OpenSSL crypto for encrypted writes)."""
    if not HTTPFS_PATH.exists():
        raise RuntimeError(
            f"httpfs extension for duckdb {duckdb.__version__} not found at {HTTPFS_PATH}; "
            "install duckdb-extension-httpfs with the same version as duckdb"
        )
    con.execute(f"LOAD {_sql_str(str(HTTPFS_PATH))}")


def attach_encrypted(
    con: duckdb.DuckDBPyConnection, path: Path, alias: str, key: str, *, read_only: bool = False
) -> None:
    """Attach an encrypted DuckDB file under `alias` (created if missing unless read-only)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = ", READ_ONLY" if read_only else ""
    con.execute(f"ATTACH {_sql_str(str(path))} AS {alias} (ENCRYPTION_KEY {_sql_str(key)}{mode})")


def phi_connection(
    settings: Settings | None = None, *, with_vault: bool = False, with_warehouse: bool = False
) -> duckdb.DuckDBPyConnection:
    """An in-memory connection with the PHI zone attached as `phi` (optionally `vault`, `wh`)."""
    settings = settings or get_settings()
    keys = load_keys(settings)
    con = duckdb.connect()
    load_httpfs(con)
    attach_encrypted(con, settings.phi_db_path, "phi", keys["phi_key"])
    if with_vault:
        attach_encrypted(con, settings.vault_path, "vault", keys["vault_key"])
    if with_warehouse:
        settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
        con.execute(f"ATTACH {_sql_str(str(settings.warehouse_path))} AS wh")
    return con


def warehouse_connection(
    settings: Settings | None = None, *, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """A connection to the de-identified warehouse file."""
    settings = settings or get_settings()
    settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(settings.warehouse_path), read_only=read_only)
