"""The identity vault: random surrogates for direct identifiers, kept in the encrypted vault file.

Surrogates are random (45 CFR 164.514(c): a re-identification code must not be derived from the
identifier), created the first time a value is seen and then stable across loads. Everything is
set-based: one statement inserts every unseen distinct value of a column. The vault is attached to
the connection as `vault` (`pipelines.lib.duck.phi_connection(with_vault=True)`).

Nothing here logs or raises with a source value: messages name the namespace, table and column only.
"""

from __future__ import annotations

import logging

import duckdb

from deidentify.profiles import ident

log = logging.getLogger(__name__)

VAULT_TABLE = "vault.surrogates"
# One letter per namespace so a surrogate says what it stands for; `D` is the per-entity date shift.
NAMESPACE_PREFIX = {
    "patient": "P",
    "encounter": "E",
    "account": "A",
    "member": "M",
    "appointment": "S",
    "ed_visit": "V",
    "date_shift": "D",
}
# Distinct prefixes make surrogates of different namespaces unequal by construction, so collision
# checks only need the namespace's own surrogates (a filtered scan instead of the whole vault).
if len(set(NAMESPACE_PREFIX.values())) != len(NAMESPACE_PREFIX):
    raise RuntimeError("vault: two surrogate namespaces share a prefix letter")
SURROGATE_HEX_CHARS = 16
MAX_ATTEMPTS = 5

# No PRIMARY KEY / UNIQUE: DuckDB maintains them as ART indexes, and inserting a million random
# surrogates into those cost 5x writing the rows themselves (bench_structured: 15.8 s vs 2.5 s).
# Uniqueness is enforced set-based by `issue_surrogates` instead, which is sound because DuckDB lets
# one process open the vault file read-write and every insert follows its checks in one
# transaction: only values absent from the namespace are inserted (distinct), and every candidate
# surrogate is checked against the namespace's existing ones and its own batch (`check_unique`
# states both invariants as a query, for tests and audits).
VAULT_DDL = f"""
create table if not exists {VAULT_TABLE} (
    namespace varchar not null,
    source_value varchar not null,
    surrogate varchar not null,
    created_at timestamp not null
)
"""
# Vaults created before the change carry the ART constraints; `ensure_vault` rebuilds them once.
_LEGACY_CONSTRAINTS_SQL = """
select count(*) from duckdb_constraints()
where database_name = 'vault' and schema_name = 'main' and table_name = 'surrogates'
  and constraint_type in ('PRIMARY KEY', 'UNIQUE')
"""

# 64 random bits: 12 + 4 hex digits of two v4 UUIDs, skipping the fixed version and variant nibbles.
_UUID_HEX = "replace(gen_random_uuid()::varchar, '-', '')"
RANDOM_HEX_SQL = f"upper(substr({_UUID_HEX}, 1, 12) || substr({_UUID_HEX}, 21, 4))"


class VaultError(RuntimeError):
    """The vault could not issue surrogates (the message never carries an identifier)."""


def ensure_vault(con: duckdb.DuckDBPyConnection) -> None:
    """Create `vault.surrogates` when missing (the vault database must be attached as `vault`).

    A vault from before the set-based checks (with PRIMARY KEY and UNIQUE indexes) is rebuilt once
    without them: same rows, same surrogates, clustered by namespace so lookups skip other
    namespaces' row groups.
    """
    con.execute(VAULT_DDL)
    legacy = con.execute(_LEGACY_CONSTRAINTS_SQL).fetchone()
    if not legacy or not legacy[0]:
        return
    con.execute(VAULT_DDL.replace(VAULT_TABLE, "vault.surrogates_rebuild"))
    con.execute(
        f"insert into vault.surrogates_rebuild select * from {VAULT_TABLE} "
        "order by namespace, created_at"
    )
    con.execute(f"drop table {VAULT_TABLE}")
    con.execute("alter table vault.surrogates_rebuild rename to surrogates")
    log.info("vault: rebuilt surrogates without ART indexes (uniqueness is checked set-based)")


def _prefix(namespace: str) -> str:
    try:
        return NAMESPACE_PREFIX[namespace]
    except KeyError:
        raise VaultError(
            f"unknown surrogate namespace {namespace!r}; known: {sorted(NAMESPACE_PREFIX)}"
        ) from None


def normalized_value_sql(expr: str) -> str:
    """How a source identifier is keyed in the vault: as text, trimmed, empty -> NULL."""
    return f"nullif(trim({expr}::varchar), '')"


def _namespace_sql(namespace: str) -> str:
    return "'" + namespace.replace("'", "") + "'"


def surrogate_map(
    con: duckdb.DuckDBPyConnection,
    namespace: str,
    source_sql: str,
    map_table: str,
    *,
    label: str = "",
) -> int:
    """Map every distinct value of `source_sql` to its surrogate, issuing the unseen ones.

    Creates `temp.<map_table>(source_value, surrogate, is_new)` with one row per distinct
    normalized non-null value. One left join against the namespace finds the known surrogates and
    draws candidates for the rest in the same statement, so the vault is joined once per column:
    the caller joins its rows to this (batch-sized, in-memory) map instead of the vault again.
    A candidate that collides (astronomically rare with 64 random bits) with another candidate or
    with any surrogate of the namespace is redrawn; then the new pairs are inserted in one
    statement. Run it inside a transaction on the vault, so the checks and the insert see the
    same vault; the caller drops the map.

    Args:
        con: connection with `vault` attached.
        namespace: surrogate namespace (`patient`, `encounter`, ...).
        source_sql: a query returning the identifiers in its first column, named `v` (e.g. `select
            mrn as v from phi.raw.patients where _raw_id > 10`).
        map_table: name of the temp table to create (replaced if it exists).
        label: `table.column` for error messages (never a value).

    Returns:
        The number of new surrogates.
    """
    prefix = _prefix(namespace)
    ensure_vault(con)
    ns = _namespace_sql(namespace)
    new_map = f"temp.{ident(map_table)}"
    con.execute(
        f"""
        create or replace temp table {ident(map_table)} as
        select s.v as source_value,
            case when t.surrogate is null then ? || {RANDOM_HEX_SQL} else t.surrogate end
                as surrogate,
            t.surrogate is null as is_new
        from (select distinct {normalized_value_sql("v")} as v from ({source_sql})) s
        left join (
            select source_value, surrogate from {VAULT_TABLE} where namespace = {ns}
        ) t on t.source_value = s.v
        where s.v is not null
        """,
        [prefix],
    )
    for _attempt in range(MAX_ATTEMPTS):
        clashes = _clashing_candidates(con, new_map, ns)
        if clashes == 0:
            break
        log.warning("vault: %d surrogate collisions in namespace %s, redrawing", clashes, namespace)
        # Redraw every candidate involved in a clash (both sides of a duplicate pair).
        con.execute(
            f"""
            update {new_map} n set surrogate = ? || {RANDOM_HEX_SQL}
            where n.is_new and n.surrogate in (
                select surrogate from {new_map} where is_new
                group by surrogate having count(*) > 1
                union all
                select surrogate from {VAULT_TABLE} where namespace = {ns}
            )
            """,
            [prefix],
        )
    else:
        raise VaultError(f"vault: could not draw unique surrogates for {label or namespace}")
    try:
        inserted = con.execute(
            f"""
            insert into {VAULT_TABLE} (namespace, source_value, surrogate, created_at)
            select {ns}, source_value, surrogate, now()::timestamp from {new_map} where is_new
            """
        ).fetchone()
    except duckdb.ConstraintException:
        # DuckDB's message quotes the offending value, i.e. the identifier: keep it out of
        # tracebacks.
        raise VaultError(
            f"vault: constraint violated while issuing surrogates for {label or namespace}"
        ) from None
    return int(inserted[0]) if inserted else 0


def issue_surrogates(
    con: duckdb.DuckDBPyConnection,
    namespace: str,
    source_sql: str,
    *,
    label: str = "",
) -> int:
    """Give every unseen value of `source_sql` a random surrogate in `namespace`.

    `surrogate_map` without keeping the map. Args as there; returns the number of new surrogates.
    """
    try:
        return surrogate_map(con, namespace, source_sql, "_vault_new", label=label)
    finally:
        con.execute("drop table if exists temp._vault_new")


def _clashing_candidates(con: duckdb.DuckDBPyConnection, new_map: str, ns: str) -> int:
    """New candidates whose surrogate repeats among them or exists in the namespace already."""
    row = con.execute(
        f"""
        select (select count(*) - count(distinct surrogate) from {new_map} where is_new)
             + (select count(*) from {new_map} n
                where n.is_new and n.surrogate in (
                    select surrogate from {VAULT_TABLE} where namespace = {ns}
                ))
        """
    ).fetchone()
    return int(row[0]) if row else 0


def check_unique(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Namespaces breaking vault uniqueness (a value with two surrogates, or a reused surrogate).

    The invariants the dropped PRIMARY KEY and UNIQUE constraints stated, as one scan; names only.
    """
    ensure_vault(con)
    rows = con.execute(
        f"""
        select namespace from {VAULT_TABLE} group by namespace
        having count(*) <> count(distinct source_value) or count(*) <> count(distinct surrogate)
        order by namespace
        """
    ).fetchall()
    return [r[0] for r in rows]


def check_batch_unique(con: duckdb.DuckDBPyConnection, namespace: str, map_table: str) -> bool:
    """Whether the vault still holds one pair per value and per surrogate for a batch's map.

    `check_unique` restricted to what a batch uses and adds: every value of `temp.<map_table>`
    (a `surrogate_map`) has exactly one surrogate in `namespace`, and every surrogate the batch
    issued belongs to exactly one value. Rows joined to the map are therefore written once. A
    probe of the namespace with the batch's values instead of two `count(distinct)` over the whole
    vault: run after every table, the full check was most of a daily de-identification run.
    """
    ns = _namespace_sql(namespace)
    new_map = f"temp.{ident(map_table)}"
    row = con.execute(
        f"""
        select count(*) from (
            select source_value from {VAULT_TABLE}
            where namespace = {ns} and source_value in (select source_value from {new_map})
            group by source_value having count(*) > 1
            union all
            select surrogate from {VAULT_TABLE}
            where namespace = {ns} and surrogate in (select surrogate from {new_map} where is_new)
            group by surrogate having count(*) > 1
        )
        """
    ).fetchone()
    return not (row and row[0])


def surrogate_lookup_sql(namespace: str) -> str:
    """A subquery `(source_value, surrogate)` of one namespace, to left-join on the value."""
    return (
        f"(select source_value, surrogate from {VAULT_TABLE} "
        f"where namespace = '{namespace.replace(chr(39), '')}')"
    )


def date_shift_source_sql(namespace: str, value_sql: str) -> str:
    """Key of an entity in the `date_shift` namespace (`<namespace>:<identifier>`)."""
    return f"'{namespace}:' || {normalized_value_sql(value_sql)}"


def column_source_sql(table_sql: str, column: str, where: str = "true") -> str:
    """`select <column> as v from <table> where ...` for `issue_surrogates`."""
    return f"select {ident(column)} as v from {table_sql} where {where}"


def vault_size(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Surrogate counts per namespace (counts only)."""
    ensure_vault(con)
    rows = con.execute(
        f"select namespace, count(*) from {VAULT_TABLE} group by namespace order by namespace"
    ).fetchall()
    return {ns: int(n) for ns, n in rows}
