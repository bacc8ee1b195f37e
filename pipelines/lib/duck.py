"""DuckDB connections for each zone (see docs/architecture.md).

Every DuckDB file is encrypted with AES-GCM, each with its own key (`settings.KEY_NAMES`): the PHI
zone, the identity vault, the warehouse, the published copy and the audit log. A file is opened by
attaching it with its key to an in-memory connection (DuckDB has no other way to open an encrypted
file) and making it the default database with `USE`, so unqualified names resolve in it. DuckDB
writes encrypted files only with the OpenSSL crypto module of the httpfs extension; we load it from
the pinned `duckdb-extension-httpfs` wheel so nothing is downloaded at run time. Reading needs no
extension.

"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

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
    """Attach an encrypted DuckDB file under `alias` (created if missing unless read-only).

    A file written without encryption by an earlier version (the warehouse, the published copy and
    the audit log were plain files) is encrypted in place first, unless attached read-only.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = ", READ_ONLY" if read_only else ""
    sql = f"ATTACH {_sql_str(str(path))} AS {alias} (ENCRYPTION_KEY {_sql_str(key)}{mode})"
    try:
        con.execute(sql)
    except duckdb.CatalogException as exc:
        if "is not encrypted" not in str(exc):
            raise
        if read_only:
            raise RuntimeError(
                f"{path} is not encrypted: open it once for writing (a pipeline run) to encrypt it"
            ) from None
        encrypt_in_place(path, key)
        con.execute(sql)


def encrypt_in_place(path: Path, key: str) -> None:
    """Replace the plain DuckDB file `path` by an encrypted copy of it (same tables and rows).

    The copy is written beside it and moved over it atomically; the plain file's write-ahead log,
    whose entries the copy already holds, is removed so that it is not replayed into the new file.
    """
    staging = path.with_name(f".{path.name}.encrypting")
    staging.unlink(missing_ok=True)
    con = duckdb.connect()
    try:
        load_httpfs(con)
        con.execute(f"ATTACH {_sql_str(str(path))} AS plain (READ_ONLY)")
        con.execute(f"ATTACH {_sql_str(str(staging))} AS enc (ENCRYPTION_KEY {_sql_str(key)})")
        con.execute("COPY FROM DATABASE plain TO enc")
        con.execute("DETACH enc")
        con.execute("DETACH plain")
    finally:
        con.close()
    os.replace(staging, path)
    Path(f"{path}.wal").unlink(missing_ok=True)


def file_key(settings: Settings, name: str, path: Path) -> str:
    """The key `name` of the encrypted file `path`.

    A key is drawn (and stored) only for a file that does not exist yet or is still a plain file
    from before encryption (it is encrypted in place at its next write). For an encrypted file a
    new key could only fail later with "wrong encryption key", so a missing key is an error that
    names the variable to set.
    """
    try:
        return load_keys(settings, create=False, names=(name,))[name]
    except RuntimeError:
        if Path(path).exists() and _is_encrypted(Path(path)):
            raise
    return load_keys(settings, names=(name,))[name]


def _is_encrypted(path: Path) -> bool:
    """Ask DuckDB whether `path` needs a key (only when no key is known for it)."""
    try:
        duckdb.connect(str(path), read_only=True).close()
    except duckdb.CatalogException as exc:
        return "without a key" in str(exc)
    return False


def open_encrypted(
    path: Path,
    key: str,
    *,
    alias: str,
    read_only: bool = False,
    config: dict[str, Any] | None = None,
) -> duckdb.DuckDBPyConnection:
    """An in-memory connection with the encrypted file `path` attached as `alias` and in use.

    Args:
        path: The DuckDB file (created when missing, unless `read_only`).
        key: Its encryption key.
        alias: The catalog name to attach it under (queries may also name it).
        read_only: Attach read-only (no crypto extension needed).
        config: DuckDB configuration for the connection.

    Returns:
        The connection; the caller closes it.
    """
    con = duckdb.connect(config=config or {})
    try:
        if not read_only:
            load_httpfs(con)
        attach_encrypted(con, path, alias, key, read_only=read_only)
        con.execute(f"USE {alias}")
    except BaseException:
        con.close()
        raise
    return con


def phi_connection(
    settings: Settings | None = None, *, with_vault: bool = False, with_warehouse: bool = False
) -> duckdb.DuckDBPyConnection:
    """An in-memory connection with the PHI zone attached as `phi` (optionally `vault`, `wh`)."""
    settings = settings or get_settings()
    files = [("phi", settings.phi_db_path, "phi_key")]
    if with_vault:
        files.append(("vault", settings.vault_path, "vault_key"))
    if with_warehouse:
        files.append(("wh", settings.warehouse_path, "warehouse_key"))
    keys = {alias: file_key(settings, name, path) for alias, path, name in files}
    con = duckdb.connect()
    load_httpfs(con)
    for alias, path, _name in files:
        attach_encrypted(con, path, alias, keys[alias])
    return con


def warehouse_connection(
    settings: Settings | None = None, *, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """A connection to the de-identified warehouse (catalog `wh`, in use)."""
    settings = settings or get_settings()
    key = file_key(settings, "warehouse_key", settings.warehouse_path)
    return open_encrypted(settings.warehouse_path, key, alias="wh", read_only=read_only)


def published_connection(
    settings: Settings | None = None,
    *,
    path: Path | None = None,
    read_only: bool = True,
    config: dict[str, Any] | None = None,
) -> duckdb.DuckDBPyConnection:
    """A connection to the published copy (catalog `pub`, in use), read-only unless asked.

    Args:
        settings: The settings (default: from the environment).
        path: Another file under the published key (a staging copy); default the published copy.
        read_only: Attach read-only.
        config: DuckDB configuration for the connection.
    """
    settings = settings or get_settings()
    path = path or settings.published_path
    key = file_key(settings, "published_key", path)
    return open_encrypted(path, key, alias="pub", read_only=read_only, config=config)


def zone_key(settings: Settings, path: Path) -> str | None:
    """The key of a zone file: the warehouse, or the published copy and its staging copies.

    Used where a caller is handed file paths (the leak gate scans the warehouse and a staging copy).

    Returns:
        The key, or None for a file that belongs to no zone (opened without a key).
    """
    path = Path(path).resolve()
    if path == settings.warehouse_path:
        return file_key(settings, "warehouse_key", path)
    published = settings.published_path
    if path == published or (
        path.parent == published.parent and path.name.startswith(f".{published.stem}-")
    ):
        return file_key(settings, "published_key", path)
    return None
