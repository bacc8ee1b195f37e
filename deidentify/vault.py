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
SURROGATE_HEX_CHARS = 16
MAX_ATTEMPTS = 5

VAULT_DDL = f"""
create table if not exists {VAULT_TABLE} (
    namespace varchar not null,
    source_value varchar not null,
    surrogate varchar not null,
    created_at timestamp not null,
    primary key (namespace, source_value),
    unique (surrogate)
)
"""

# 64 random bits: 12 + 4 hex digits of two v4 UUIDs, skipping the fixed version and variant nibbles.
_UUID_HEX = "replace(gen_random_uuid()::varchar, '-', '')"
RANDOM_HEX_SQL = f"upper(substr({_UUID_HEX}, 1, 12) || substr({_UUID_HEX}, 21, 4))"


class VaultError(RuntimeError):
    """The vault could not issue surrogates (the message never carries an identifier)."""


def ensure_vault(con: duckdb.DuckDBPyConnection) -> None:
    """Create `vault.surrogates` when missing (the vault database must be attached as `vault`)."""
    con.execute(VAULT_DDL)


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


def issue_surrogates(
    con: duckdb.DuckDBPyConnection,
    namespace: str,
    source_sql: str,
    *,
    label: str = "",
) -> int:
    """Give every unseen value of `source_sql` a random surrogate in `namespace`.

    The candidates are drawn in a temp table, checked for the (astronomically rare, 64-bit)
    collision with each other and with existing surrogates, redrawn where needed, then inserted in
    one statement; the unique constraint on `surrogate` is the last line of defence.

    Args:
        con: connection with `vault` attached.
        namespace: surrogate namespace (`patient`, `encounter`, ...).
        source_sql: a query returning the identifiers in its first column, named `v` (e.g. `select
            mrn as v from phi.raw.patients where _raw_id > 10`).
        label: `table.column` for error messages (never a value).

    Returns:
        The number of new surrogates.
    """
    prefix = _prefix(namespace)
    ensure_vault(con)
    con.execute(
        f"""
        create or replace temp table _vault_new as
        select s.v as source_value, cast(null as varchar) as surrogate
        from (select distinct {normalized_value_sql("v")} as v from ({source_sql})) s
        where s.v is not null
          and not exists (
              select 1 from {VAULT_TABLE} t where t.namespace = ? and t.source_value = s.v
          )
        """,
        [namespace],
    )
    for _attempt in range(MAX_ATTEMPTS):
        # Draw for rows without a surrogate yet, then clear any that collide so the next round
        # redraws them.
        con.execute(
            f"""
            update temp._vault_new set surrogate = ? || {RANDOM_HEX_SQL}
            where surrogate is null
            """,
            [prefix],
        )
        collisions = con.execute(
            f"""
            update temp._vault_new n set surrogate = null
            where n.surrogate in (
                select surrogate from temp._vault_new group by surrogate having count(*) > 1
                union all
                select surrogate from {VAULT_TABLE}
            )
            """
        ).fetchone()
        if not collisions or collisions[0] == 0:
            break
        log.warning(
            "vault: %d surrogate collisions in namespace %s, redrawing", collisions[0], namespace
        )
    else:
        raise VaultError(f"vault: could not draw unique surrogates for {label or namespace}")
    try:
        inserted = con.execute(
            f"""
            insert into {VAULT_TABLE} (namespace, source_value, surrogate, created_at)
            select ?, source_value, surrogate, now()::timestamp from temp._vault_new
            """,
            [namespace],
        ).fetchone()
    except duckdb.ConstraintException:
        # DuckDB's message quotes the duplicate key, i.e. the identifier: keep it out of tracebacks.
        raise VaultError(
            f"vault: unique constraint violated while issuing surrogates for {label or namespace}"
        ) from None
    con.execute("drop table if exists temp._vault_new")
    return int(inserted[0]) if inserted else 0


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
