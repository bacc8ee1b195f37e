"""The whole chain on a small synthetic health system, through a real Dagster instance.

Generate -> ingest with contracts -> de-identify -> dbt build -> publish behind the leak gate,
twice.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.lib.duck import published_connection, warehouse_connection
from pipelines.lib.settings import get_settings, load_keys
from pipelines.synthetic.generator import generate

# Two whole pipeline runs happen in the first test's setup: on a busy 2-core machine they can take
# longer than the default per-test timeout, and a timeout mid-run leaves dbt holding the lock.
pytestmark = [pytest.mark.integration, pytest.mark.timeout(1800)]

DAYS = 3


def warehouse_digest(path: Path) -> str:
    """sha256 over the sorted contents of every table: equal digests mean an unchanged warehouse."""
    con = warehouse_connection(read_only=True)
    assert get_settings().warehouse_path == path
    digest = hashlib.sha256()
    tables = con.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = 'wh' "
        "order by 1, 2"
    ).fetchall()
    for schema, table in tables:
        rows = con.execute(f'select * from "{schema}"."{table}"').fetchall()
        digest.update(f"{schema}.{table}".encode())
        for row in sorted(rows, key=repr):
            digest.update(repr(row).encode())
    con.close()
    return digest.hexdigest()


@pytest.fixture(scope="module")
def pipeline_run(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("e2e")
    data = base / "data"
    mp = pytest.MonkeyPatch()
    mp.setenv("OPS_DATA_DIR", str(data))
    mp.setenv("OPS_SECRETS_DIR", str(base / "secrets"))
    mp.setenv("OPS_LANDING_URL", str(data / "landing"))
    mp.delenv("OPS_WAREHOUSE_PATH", raising=False)
    mp.delenv("OPS_PUBLISHED_PATH", raising=False)
    summary = generate(data / "landing", "demo", DAYS, 7, date(2026, 3, 6))

    from pipelines.definitions import defs

    job = defs().resolve_job_def("ops_job")
    (base / "dagster_home").mkdir()
    with dg.DagsterInstance.local_temp(str(base / "dagster_home")) as instance:
        first = job.execute_in_process(instance=instance, raise_on_error=False)
        digest_first = warehouse_digest(data / "warehouse" / "warehouse.duckdb")
        second = job.execute_in_process(instance=instance, raise_on_error=False)
        digest_second = warehouse_digest(data / "warehouse" / "warehouse.duckdb")
        checks = {
            (
                e.asset_key.to_user_string(),
                e.check_name,
            ): e.passed
            for e in first.get_asset_check_evaluations()
            # dbt's warn-severity data tests (e.g. overlapping bed stays) report, they do not block.
            if e.severity == dg.AssetCheckSeverity.ERROR
        }
    yield {
        "data": data,
        "summary": summary,
        "first": first,
        "second": second,
        "checks": checks,
        "digests": (digest_first, digest_second),
        "dagster_home": base / "dagster_home",
    }
    mp.undo()


def test_job_succeeds_and_every_blocking_check_passes(pipeline_run) -> None:
    checks = pipeline_run["checks"]
    assert [name for name, passed in checks.items() if not passed] == []
    assert pipeline_run["first"].success
    assert checks[("published/ops", "phi_leak_gate")] is True
    assert checks[("raw/adt_events", "ledger_balances")] is True
    assert checks[("raw/appointments", "contract")] is True


def test_ledger_balances_for_every_file(pipeline_run) -> None:
    con = warehouse_connection(read_only=True)
    files, unbalanced, source = con.execute(
        """
        select count(*),
               count(*) filter (where source_rows
                                <> loaded_rows + quarantined_rows + duplicate_rows),
               sum(source_rows)
        from dq.ingest_ledger
        """
    ).fetchone()
    landed = list((pipeline_run["data"] / "landing").glob("*/*.*"))
    assert files == len(landed)
    assert unbalanced == 0
    assert source > 0


def test_published_marts_match_the_warehouse(pipeline_run) -> None:
    published = published_connection()
    warehouse = warehouse_connection(read_only=True)
    for table in ("fct_ed_visits", "fct_appointments", "fct_bed_census_hourly", "fct_claims"):
        pub = published.execute(f"select count(*) from marts.{table}").fetchone()[0]
        wh = warehouse.execute(f"select count(*) from marts.{table}").fetchone()[0]
        assert pub == wh > 0, table
    # Every ED visit the generator wrote reaches the mart exactly once.
    ed_rows = warehouse.execute(
        "select count(distinct ed_visit_key) from deid.ed_visits"
    ).fetchone()
    mart_rows = published.execute("select count(*) from marts.fct_ed_visits").fetchone()
    assert ed_rows == mart_rows


def test_no_direct_identifier_column_reaches_the_warehouse(pipeline_run) -> None:
    con = warehouse_connection(read_only=True)
    columns = {
        name
        for (name,) in con.execute(
            "select distinct column_name from duckdb_columns() "
            "where database_name = 'wh' and schema_name = 'deid'"
        ).fetchall()
    }
    for forbidden in ("mrn", "ssn", "phone", "email", "first_name", "last_name", "patient_name"):
        assert forbidden not in columns


def test_second_run_on_the_same_landing_folder_changes_nothing(pipeline_run) -> None:
    assert pipeline_run["second"].success
    first, second = pipeline_run["digests"]
    assert first == second


def test_every_database_file_is_encrypted(pipeline_run) -> None:
    """Security R7: no zone file opens without its key; each is AES-GCM; no plain text inside."""
    data = pipeline_run["data"]
    files = {
        "phi": data / "phi" / "raw.duckdb",
        "vault": data / "phi" / "vault.duckdb",
        "warehouse": data / "warehouse" / "warehouse.duckdb",
        "published": data / "published" / "ops.duckdb",
    }
    for name, path in files.items():
        with pytest.raises(duckdb.CatalogException, match="without a key"):
            duckdb.connect(str(path), read_only=True)
        assert not Path(f"{path}.wal").exists(), name
    with warehouse_connection(read_only=True) as con:
        assert con.execute(
            "select encrypted, cipher from duckdb_databases() where database_name = 'wh'"
        ).fetchone() == (True, "GCM")
        # Values that are in the tables must not be in the files' bytes: a facility name and a
        # de-identified patient key.
        facility, patient = con.execute(
            "select (select facility_name from marts.dim_facilities limit 1), "
            "(select patient_key from deid.patients limit 1)"
        ).fetchone()
    with published_connection() as con:
        assert con.execute(
            "select encrypted, cipher from duckdb_databases() where database_name = 'pub'"
        ).fetchone() == (True, "GCM")
    for name, path in files.items():
        raw = path.read_bytes()
        for value in (facility, patient):
            assert value.encode() not in raw, (name, "holds a table value in plain text")


def test_no_key_in_dbt_or_dagster_files(pipeline_run) -> None:
    """Security R7: the keys never reach dbt's artifacts and logs or Dagster's storage."""
    keys = load_keys(get_settings(), create=False)
    roots = [pipeline_run["dagster_home"], Path(__file__).resolve().parents[2] / "dbt_project"]
    scanned = 0
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file() and path.stat().st_size < 200_000_000:
                content = path.read_bytes()
                scanned += 1
                for name, key in keys.items():
                    assert key.encode() not in content, f"{name} in {path}"
    assert scanned > 10
