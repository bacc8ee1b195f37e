"""Structured de-identification of PHI-zone tables into `wh.deid.<table>`: incremental, set-based.

One `INSERT ... SELECT` per table applies the profile's SQL (`deidentify.profiles`) to the raw rows
above the highest `_raw_id` already de-identified, joined to per-column surrogate maps and to the
redacted free text. DuckDB allows a transaction to write to one attached database only, so each
table takes two short ones: first the vault (new surrogates: idempotent, harmless if the second
fails; it also leaves a temp map value -> surrogate of the batch's distinct values per column, so
the vault is joined once per column), then the warehouse (rows and the `dq.deid_runs` record
together). The maps live in the connection's in-memory temp catalog and are dropped at the end.

Messages and the returned dict carry table and column names and counts, never values.
"""

from __future__ import annotations

import logging
import secrets
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from data_contracts.contract import Contract, ContractError, load_contracts, unexpected_columns
from deidentify import vault
from deidentify.profiles import (
    DEFAULT_PROFILE,
    ProfileOptions,
    column_outputs,
    date_shift_key_column,
    ident,
    lineage_sql,
    needs_expert_determination,
    output_schema,
    uses_date_shift,
)

log = logging.getLogger(__name__)

TextRedactor = Callable[[list[str | None]], list[str | None]]
REDACTED = "[REDACTED]"
TEXT_BATCH_ROWS = 2_000
LINEAGE = ("_raw_id", "_source_file", "_source_line", "_extract_date")

DEID_RUNS_DDL = """
create table if not exists wh.dq.deid_runs (
    run_at timestamp,
    table_name varchar,
    profile varchar,
    date_shift boolean,
    rows_in bigint,
    rows_out bigint,
    needs_expert_determination boolean
)
"""


class DeidError(RuntimeError):
    """De-identification of a table cannot proceed (names table/column, never a value)."""


def redact_everything(texts: Sequence[str | None]) -> list[str | None]:
    """Conservative fallback redactor: the whole text becomes `[REDACTED]` (NULL stays NULL)."""
    return [None if t is None else REDACTED for t in texts]


def _table_columns(
    con: duckdb.DuckDBPyConnection, database: str, schema: str, table: str
) -> list[str]:
    rows = con.execute(
        """
        select column_name from duckdb_columns()
        where database_name = ? and schema_name = ? and table_name = ?
        order by column_index
        """,
        [database, schema, table],
    ).fetchall()
    return [r[0] for r in rows]


def raw_table_exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether `phi.raw.<table>` exists."""
    return bool(_table_columns(con, "phi", "raw", table))


def check_raw_columns(contract: Contract, raw_columns: list[str]) -> None:
    """Fail when the raw table has a column the contract does not tag, or lacks a contract column.

    An untagged column would bypass de-identification, so it stops the run (docs/architecture.md).
    """
    extra = unexpected_columns(contract, raw_columns)
    if extra:
        raise ContractError(
            f"raw.{contract.table} has columns without a PHI class and de-identification action in "
            f"the contract: {', '.join(extra)}; "
            f"tag them in data_contracts/contracts/{contract.table}.yml"
        )
    missing = [c for c in contract.column_names if c not in raw_columns]
    if missing:
        raise ContractError(f"raw.{contract.table} lacks contract columns: {', '.join(missing)}")


def ensure_deid_table(con: duckdb.DuckDBPyConnection, contract: Contract) -> None:
    """Create `wh.deid.<table>` from the contract outputs; fail if an existing one differs."""
    schema = output_schema(contract)
    con.execute("create schema if not exists wh.deid")
    cols = ",\n    ".join(f"{ident(n)} {t}" for n, t in schema)
    con.execute(f"create table if not exists wh.deid.{ident(contract.table)} (\n    {cols}\n)")
    existing = _table_columns(con, "wh", "deid", contract.table)
    expected = [n for n, _ in schema]
    if sorted(existing) != sorted(expected):
        raise DeidError(
            f"deid.{contract.table} columns differ from its contract outputs "
            f"(extra: {sorted(set(existing) - set(expected))}, "
            f"missing: {sorted(set(expected) - set(existing))}); "
            f"drop deid.{contract.table} to rebuild it"
        )


def _check_profile_consistent(
    con: duckdb.DuckDBPyConnection, contract: Contract, options: ProfileOptions
) -> None:
    """Refuse to mix profiles in one table: earlier rows would keep the other profile's detail."""
    has_rows = con.execute(f"select count(*) > 0 from wh.deid.{ident(contract.table)}").fetchone()
    if not has_rows or not has_rows[0]:
        return
    last = con.execute(
        """
        select profile, date_shift from wh.dq.deid_runs
        where table_name = ? and rows_out > 0 order by run_at desc limit 1
        """,
        [contract.table],
    ).fetchone()
    if last and (last[0] != options.profile or bool(last[1]) != options.date_shift):
        raise DeidError(
            f"deid.{contract.table} was built with profile {last[0]} (date_shift={bool(last[1])}), "
            f"not {options.profile} (date_shift={options.date_shift}); "
            f"drop deid.{contract.table} to rebuild"
        )


def _redact_column(
    con: duckdb.DuckDBPyConnection,
    contract: Contract,
    column: str,
    where: str,
    text_redactor: TextRedactor,
) -> pa.Table:
    """Run the text redactor over the new rows' non-null values, batched; `(_raw_id, redacted)`."""
    reader = con.execute(
        f"select _raw_id, {ident(column)} from phi.raw.{ident(contract.table)} r "
        f"where {where} and {ident(column)} is not null"
    ).fetch_record_batch(TEXT_BATCH_ROWS)
    ids: list[pa.Array] = []
    texts: list[pa.Array] = []
    for batch in reader:
        values = batch.column(1).to_pylist()
        redacted = text_redactor(values)
        if len(redacted) != len(values):
            raise DeidError(
                f"text redactor returned {len(redacted)} values for {len(values)} "
                f"({contract.table}.{column})"
            )
        ids.append(batch.column(0))
        texts.append(pa.array(redacted, type=pa.string()))
    if not ids:
        return pa.table(
            {"_raw_id": pa.array([], pa.int64()), "redacted": pa.array([], pa.string())}
        )
    return pa.table(
        {
            "_raw_id": pa.concat_arrays([a.cast(pa.int64()) for a in ids]),
            "redacted": pa.concat_arrays(texts),
        }
    )


def deidentify_table(
    con: duckdb.DuckDBPyConnection,
    contract: Contract,
    profile: str | None = None,
    text_redactor: TextRedactor | None = None,
    *,
    date_shift: bool = False,
) -> dict[str, Any]:
    """De-identify the new raw rows of one table into `wh.deid.<table>`.

    Args:
        con: a connection with `phi`, `vault` and `wh` attached (`phi_connection(with_vault=True,
            with_warehouse=True)`).
        contract: the table's contract.
        profile: `limited` (default) or `safe_harbor`.
        text_redactor: `list[str | None] -> list[str | None]` for free-text columns (e.g.
            `deidentify.text.redact_batch`); None replaces every text with `[REDACTED]`.
        date_shift: shift event times per patient by a random vault offset instead of exact/year.

    Returns:
        Counts only: table, profile, date_shift, rows_in, rows_out, new_surrogates, texts_redacted,
            needs_expert_determination.

    Raises:
        ContractError: the raw table has an untagged column (or lacks a contract column).
        DeidError: the raw table is missing, or the deid table was built differently.
    """
    options = ProfileOptions(profile or DEFAULT_PROFILE, date_shift)
    table = contract.table
    raw_columns = _table_columns(con, "phi", "raw", table)
    if not raw_columns:
        raise DeidError(f"raw.{table} does not exist in the PHI zone")
    check_raw_columns(contract, raw_columns)
    raw = f"phi.raw.{ident(table)}"
    shift = uses_date_shift(contract, options)

    con.execute("create schema if not exists wh.dq")
    con.execute(DEID_RUNS_DDL)
    ensure_deid_table(con, contract)
    _check_profile_consistent(con, contract, options)
    done = con.execute(f"select max(_raw_id) from wh.deid.{ident(table)}").fetchone()
    top = con.execute(f"select max(_raw_id) from {raw}").fetchone()
    # Fix both ends now: rows an ingest appends meanwhile wait for the next run instead of reaching
    # the insert without their surrogates or redacted text.
    low = int(done[0]) if done and done[0] is not None else None
    high = int(top[0]) if top and top[0] is not None else None
    where = "false" if high is None else f"r._raw_id <= {high}"
    if low is not None:
        where += f" and r._raw_id > {low}"
    # redact_everything needs no Python: the same `[REDACTED]` comes from SQL, sparing a round trip
    # of every text through Arrow and Python lists (the whole notes table at the hospital tier).
    whole_text = text_redactor is None or text_redactor is redact_everything
    text_cols = [c.name for c in contract.columns if c.deid == "free_text"]
    counts = con.execute(
        f"select count(*){''.join(f', count({ident(c)})' for c in text_cols)} "
        f"from {raw} r where {where}"
    ).fetchone()
    rows_in = int(counts[0]) if counts else 0
    if rows_in == 0:
        # Nothing new: write nothing, so a re-run of the pipeline leaves the warehouse unchanged.
        return {
            "table": table,
            "profile": options.profile,
            "date_shift": shift,
            "rows_in": 0,
            "rows_out": 0,
            "new_surrogates": 0,
            "texts_redacted": 0,
            "needs_expert_determination": needs_expert_determination(contract, options),
        }

    # 1. Vault transaction: surrogates for every unseen identifier of the new rows, and per column a
    # temp map (value -> surrogate) of the batch's distinct values that the insert joins instead of
    # the vault, so each column meets the vault in one join.
    new_surrogates = 0
    surrogate_cols = [c for c in contract.columns if c.deid == "surrogate"]
    shift_key = date_shift_key_column(contract) if shift else None
    maps = {col.name: f"_sg_{table}_{i}" for i, col in enumerate(surrogate_cols)}
    shift_map = f"_sg_{table}_date_shift"
    if rows_in and (surrogate_cols or shift_key):
        con.execute("begin transaction")
        try:
            vault.ensure_vault(con)
            for col in surrogate_cols:
                new_surrogates += vault.surrogate_map(
                    con,
                    col.surrogate_namespace or "",
                    f"select {ident(col.name)} as v from {raw} r where {where}",
                    maps[col.name],
                    label=f"{table}.{col.name}",
                )
            if shift_key is not None:
                key = vault.date_shift_source_sql(
                    shift_key.surrogate_namespace or "", f"r.{ident(shift_key.name)}"
                )
                new_surrogates += vault.surrogate_map(
                    con,
                    "date_shift",
                    f"select {key} as v from {raw} r where {where}",
                    shift_map,
                    label=table,
                )
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        # DuckDB 1.5.5: vault rows committed here were at times invisible to this connection's
        # later reads until a checkpoint (a hospital year: the patients run's 11,748 new member
        # surrogates unseen by the remits run, which issued 394 values a second surrogate; its
        # claims then came out twice). A checkpoint per vault commit makes them visible (~1 s a
        # run); the check then stops the run before a duplicated surrogate multiplies any row. It
        # covers the pairs this batch joins to or added; `deidentify_all` checks the whole vault
        # once before the first table.
        con.execute("checkpoint vault")
        namespaces = {maps[c.name]: c.surrogate_namespace or "" for c in surrogate_cols}
        if shift_key is not None:
            namespaces[shift_map] = "date_shift"
        broken = sorted(
            {ns for name, ns in namespaces.items() if not vault.check_batch_unique(con, ns, name)}
        )
        if broken:
            raise DeidError(f"{table}: vault uniqueness broken in namespaces {broken}")
    try:
        return _insert_rows(
            con,
            contract,
            options,
            text_redactor,
            raw=raw,
            where=where,
            rows_in=rows_in,
            wholesale_texts=sum(int(n) for n in counts[1:]) if whole_text and text_redactor else 0,
            whole_text=whole_text,
            shift=shift,
            maps=maps,
            shift_map=shift_map if shift_key is not None else None,
            new_surrogates=new_surrogates,
        )
    finally:
        for name in [*maps.values(), shift_map]:
            con.execute(f"drop table if exists temp.{ident(name)}")


def _insert_rows(
    con: duckdb.DuckDBPyConnection,
    contract: Contract,
    options: ProfileOptions,
    text_redactor: TextRedactor | None,
    *,
    raw: str,
    where: str,
    rows_in: int,
    wholesale_texts: int,
    whole_text: bool,
    shift: bool,
    maps: dict[str, str],
    shift_map: str | None,
    new_surrogates: int,
) -> dict[str, Any]:
    """Steps 2 and 3 of `deidentify_table`: free text, then the rows and their run record."""
    table = contract.table
    # 2. Free text, outside any transaction (it may be slow); joined back by _raw_id.
    # Texts redacted wholesale are counted like the redactor would count them: the non-null ones.
    texts_redacted = wholesale_texts
    select: list[str] = []
    joins: list[str] = []
    registered: list[str] = []
    for col in contract.columns:
        for out, expr in column_outputs(col, options, date_shift=shift):
            if col.deid == "free_text" and whole_text:
                expr = f"case when r.{ident(col.name)} is null then null else '{REDACTED}' end"
            select.append(f"{expr} as {ident(out)}")
        if col.deid == "surrogate":
            joins.append(
                f"left join temp.{ident(maps[col.name])} "
                f"sg_{col.name} on sg_{col.name}.source_value = "
                f"{vault.normalized_value_sql('r.' + ident(col.name))}"
            )
        elif col.deid == "free_text" and not whole_text and rows_in:
            redacted = _redact_column(con, contract, col.name, where, text_redactor)
            texts_redacted += redacted.num_rows
            view = f"_ft_{table}_{col.name}"
            con.register(view, redacted)
            registered.append(view)
            joins.append(f"left join {view} ft_{col.name} on ft_{col.name}._raw_id = r._raw_id")
        elif col.deid == "free_text" and not whole_text:
            joins.append(
                f"left join (select null::bigint as _raw_id, null::varchar as redacted) "
                f"ft_{col.name} on false"
            )
    shift_key = date_shift_key_column(contract) if shift else None
    if shift_key is not None and shift_map is not None:
        key = vault.date_shift_source_sql(
            shift_key.surrogate_namespace or "", f"r.{ident(shift_key.name)}"
        )
        joins.append(f"left join temp.{ident(shift_map)} ds on ds.source_value = {key}")
    select += [f"{expr} as {ident(name)}" for name, expr in lineage_sql(contract, options.profile)]

    # 3. Warehouse transaction: the rows and their run record together.
    expert = needs_expert_determination(contract, options)
    con.execute("begin transaction")
    try:
        try:
            inserted = con.execute(
                f"insert into wh.deid.{ident(table)} by name\n"
                f"select {', '.join(select)}\nfrom {raw} r\n"
                + "\n".join(joins)
                + f"\nwhere {where}"
            ).fetchone()
        except (
            duckdb.ConversionException,
            duckdb.ConstraintException,
            duckdb.InvalidInputException,
        ) as err:
            # These messages can quote a raw value: name the table and error type only.
            raise DeidError(f"deid.{table}: insert failed ({type(err).__name__})") from None
        rows_out = int(inserted[0]) if inserted else 0
        con.execute(
            "insert into wh.dq.deid_runs values (?, ?, ?, ?, ?, ?, ?)",
            [
                datetime.now(UTC).replace(tzinfo=None),
                table,
                options.profile,
                options.date_shift,
                rows_in,
                rows_out,
                expert,
            ],
        )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        for view in registered:
            con.unregister(view)
    result = {
        "table": table,
        "profile": options.profile,
        "date_shift": shift,
        "rows_in": rows_in,
        "rows_out": rows_out,
        "new_surrogates": new_surrogates,
        "texts_redacted": texts_redacted,
        "needs_expert_determination": expert,
    }
    log.info("deid %s: %d rows in, %d out, profile %s", table, rows_in, rows_out, options.profile)
    return result


def bench_structured(rows: int) -> dict[str, Any]:
    """Time structured de-identification of `rows` synthetic patients against a sha256 ceiling.

    Uses throwaway encrypted PHI-zone and vault files with random keys in a temp folder, the real
    `patients` contract and the Safe Harbor profile (two surrogate namespaces, ZIP3, birth year,
    drops). The first load includes issuing every surrogate, the worst case.

    Args:
        rows: number of synthetic patients.

    Returns:
        rows; first_load_seconds and first_load_rows_per_s (every identifier new: vault inserts with
        their unique indexes dominate); seconds and rows_per_s (steady state: a second load of
        `rows` new raw rows with known identifiers); sha256_seconds and sha256_rows_per_s (bare
        sha256 over the same `rows` ids); copy_seconds and copy_rows_per_s (the same rows' output
        columns copied into the warehouse file without any transformation).
    """
    from pipelines.lib.duck import attach_encrypted, load_httpfs

    contract = load_contracts()["patients"]
    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect()
        con.execute("set enable_progress_bar = false")
        load_httpfs(con)
        attach_encrypted(con, Path(tmp) / "raw.duckdb", "phi", secrets.token_hex(32))
        attach_encrypted(con, Path(tmp) / "vault.duckdb", "vault", secrets.token_hex(32))
        con.execute(f"attach '{Path(tmp) / 'wh.duckdb'}' as wh")
        con.execute("create schema phi.raw")
        con.execute(
            f"""
            create table phi.raw.patients as
            select i::bigint as _raw_id,
                'MRN' || lpad(i::varchar, 9, '0') as mrn,
                'First' || (i % 5000) as first_name,
                'Last' || (i % 20000) as last_name,
                date '1930-01-01' + (i % 33000)::integer as birth_date,
                ['F', 'M'][(i % 2) + 1] as sex,
                (i % 9000) || ' Synthetic St' as address_line,
                'Town' || (i % 300) as city,
                'MA' as state,
                lpad(((i * 7919) % 99999)::varchar, 5, '0') as zip,
                '555-' || lpad((i % 10000000)::varchar, 7, '0') as phone,
                'p' || i || '@example.test' as email,
                lpad((i % 1000000000)::varchar, 9, '0') as ssn,
                'MEM' || lpad((i % ({rows} // 2 + 1))::varchar, 9, '0') as member_id,
                'PAYER' || (i % 12) as payer_id,
                'patients/FAC1_2026-03-08.csv' as _source_file,
                i + 2 as _source_line,
                date '2026-03-08' as _extract_date,
                sha256(i::varchar) as _row_hash
            from range({int(rows)}) t(i)
            """
        )
        start = time.perf_counter()
        deidentify_table(con, contract, "safe_harbor")
        first_seconds = time.perf_counter() - start
        # Steady state: the next extract repeats known identifiers, so only the vault joins remain.
        con.execute(
            f"insert into phi.raw.patients select * replace (_raw_id + {int(rows)} as _raw_id) "
            f"from phi.raw.patients"
        )
        start = time.perf_counter()
        deidentify_table(con, contract, "safe_harbor")
        seconds = time.perf_counter() - start
        # Both ceilings read the same `rows` raw rows as the steady-state load (the second half).
        start = time.perf_counter()
        con.execute(
            f"select max(sha256(mrn)) from phi.raw.patients where _raw_id >= {int(rows)}"
        ).fetchone()
        sha_seconds = time.perf_counter() - start
        # Writing the output shape (the kept columns, uncast, no vault) into the warehouse file:
        # what any de-identification has to pay after the hash, and the real floor of this stage.
        start = time.perf_counter()
        con.execute(
            "create table wh.main.copy_ceiling as select mrn, birth_date, sex, state, zip, "
            "member_id, payer_id, _raw_id, _source_file, _source_line, _extract_date "
            f"from phi.raw.patients where _raw_id >= {int(rows)}"
        )
        copy_seconds = time.perf_counter() - start
        duplicates = vault.check_unique(con)
        con.close()
    if duplicates:
        raise DeidError(f"bench: vault uniqueness broken in namespaces {duplicates}")
    return {
        "rows": rows,
        "first_load_seconds": round(first_seconds, 3),
        "first_load_rows_per_s": round(rows / first_seconds) if first_seconds else None,
        "seconds": round(seconds, 3),
        "rows_per_s": round(rows / seconds) if seconds else None,
        "sha256_seconds": round(sha_seconds, 3),
        "sha256_rows_per_s": round(rows / sha_seconds) if sha_seconds else None,
        "copy_seconds": round(copy_seconds, 3),
        "copy_rows_per_s": round(rows / copy_seconds) if copy_seconds else None,
    }
