"""R15: the dashboard connection is read-only, cannot reach files, and its settings are locked."""

from __future__ import annotations

import duckdb
import pytest

from dashboards import db
from pipelines.lib.duck import published_connection

REFUSED = [
    "select * from read_csv('/etc/passwd')",
    "select * from read_text('/etc/passwd')",
    "SET enable_external_access = true",
    "SET threads = 8",
    "RESET lock_configuration",
    "PRAGMA threads = 8",
    "create table marts.evil as select 1 as x",
    "insert into marts.dim_facilities values ('FAC_X', 'x')",
    "update marts.dim_facilities set facility_name = 'x'",
    "delete from marts.dim_facilities",
    "drop table marts.dim_facilities",
    "attach '/tmp/other.duckdb' as other",
    "copy marts.dim_facilities to '/tmp/leak.csv'",
    "install httpfs",
    "load httpfs",
]


@pytest.mark.unit
@pytest.mark.parametrize("sql", REFUSED)
def test_connection_refuses(dash_env, sql):
    with db.connect() as con, pytest.raises(duckdb.Error):
        con.execute(sql)


@pytest.mark.unit
def test_connection_reads_marts(dash_env):
    with db.connect() as con:
        assert con.execute("select count(*) from marts.dim_facilities").fetchone() == (2,)
        assert con.execute("select current_setting('enable_external_access')").fetchone() == (
            False,
        )


@pytest.mark.unit
def test_missing_copy_is_reported(dash_env, monkeypatch, tmp_path):
    monkeypatch.setenv("OPS_PUBLISHED_PATH", str(tmp_path / "nope.duckdb"))
    with pytest.raises(db.PublishedCopyUnavailable), db.connect():
        pass


@pytest.mark.unit
def test_connection_is_closed_after_use(dash_env):
    # Short-lived: once the block ends, a writer can open the file (the publisher's swap is safe).
    with db.connect() as con:
        con.execute("select 1")

    writer = published_connection(read_only=False)
    writer.close()
