"""Read-only, locked-down connections to the published copy of the marts.

The dashboards never open the warehouse: they read `published_path`, a copy swapped atomically
after each good pipeline run. Each query opens its own short-lived connection so the file is never
held open across a swap, and the connection is locked so that even a bug in a query cannot read
other files, load extensions, change settings or write.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import duckdb
import pandas as pd

from pipelines.lib.duck import published_connection
from pipelines.lib.settings import get_settings

# Verified against duckdb 1.5.5 (tests/dashboards/test_db.py): with these keys
# read_csv('/etc/passwd'),
# ATTACH, COPY TO, INSTALL/LOAD, SET/RESET/PRAGMA and every write fail on the connection.
LOCKED_CONFIG: dict[str, Any] = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "allow_unsigned_extensions": False,
    "allow_persistent_secrets": False,
    "threads": 2,
    "memory_limit": "1GB",
    # Must come last in spirit: once locked, none of the settings above can be changed by SQL.
    "lock_configuration": True,
}
# The published copy is encrypted, and an encrypted file opens only by ATTACH, which external
# access forbids: the connection starts with the rest of LOCKED_CONFIG, attaches the copy, and
# then switches external access off and locks the configuration (_lock_down).
_LOCKED_LAST = ("enable_external_access", "lock_configuration")
_OPEN_CONFIG = {k: v for k, v in LOCKED_CONFIG.items() if k not in _LOCKED_LAST}

# The publisher swaps the file with an atomic rename; an open that races the rename can fail once.
_OPEN_ATTEMPTS = 5
_OPEN_BACKOFF_SECONDS = 0.2


class PublishedCopyUnavailable(RuntimeError):
    """The published copy does not exist yet or could not be opened."""


@contextmanager
def connect() -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the published copy read-only with the locked configuration, closing it on exit.

    Raises:
        PublishedCopyUnavailable: when the file is missing or stays unopenable after a few retries.
    """
    path = get_settings().published_path
    if not path.exists():
        raise PublishedCopyUnavailable(f"no published copy at {path}: run the pipeline first")
    last_error: Exception | None = None
    con: duckdb.DuckDBPyConnection | None = None
    for attempt in range(_OPEN_ATTEMPTS):
        try:
            con = published_connection(path=path, read_only=True, config=dict(_OPEN_CONFIG))
            break
        except (duckdb.IOException, duckdb.InvalidInputException) as exc:
            last_error = exc
            time.sleep(_OPEN_BACKOFF_SECONDS * (attempt + 1))
    if con is None:
        raise PublishedCopyUnavailable(f"could not open {path}") from last_error
    _lock_down(con)
    try:
        yield con
    finally:
        con.close()


def _lock_down(con: duckdb.DuckDBPyConnection) -> None:
    """Apply the two LOCKED_CONFIG settings that opening the encrypted copy had to leave out."""
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")


def fetch_df(sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> pd.DataFrame:
    """Run one parameterised query on a fresh connection and return the result as a DataFrame."""
    with connect() as con:
        return con.execute(sql, params).df()
