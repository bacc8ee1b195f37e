"""Residual-PHI gate (security.md R9): no PHI-zone identifier in the warehouse or published copy.

`build_canaries` gathers every value of every `direct_identifier` column of the PHI-zone raw tables
into a temp table, in exact and normalized forms. `scan` attaches each DuckDB file read-only and
looks for those canaries in every VARCHAR column of every table, with set-based joins:

* every column: exact equality of the lower-cased, trimmed value, and of the digits of values made
  only of digits and separators (a phone `(555) 123-4567` matches the raw `555-123-4567`);
* free-text columns (longest value over 20 characters): substring search (`contains`) for the
  canaries that are specific enough (not a lone first or last name), whole-word matches for cities,
  and exact matches of the digit runs.

The report names database, table, column and a count of matching rows, never a value. Free-text
spans planted by the generator are covered because they repeat the same identifiers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import duckdb

from data_contracts.contract import Contract, load_contracts
from deidentify.profiles import ident

CANARY_TABLE = "temp._leak_canaries"
MIN_CANARY_CHARS = 4
MIN_DIGITS = 6
FREE_TEXT_MIN_CHARS = 20
# Columns whose single values are too common to search inside free text ("Mary" is in "summary",
# "Will" in every plan); they still count as leaks when a whole column value equals them.
EXACT_ONLY_COLUMNS = frozenset({"first_name", "last_name", "given_name", "family_name"})
# Columns searched in free text as whole words ("Revere" but not "irreverent"); multi-word values
# ("New Bedford") are specific enough for a substring search.
WORD_COLUMNS = frozenset({"city"})
# Characters allowed in a value or a text run that we compare by its digits: phones, SSNs, numeric
# ids.
DIGIT_LIKE = r"^[0-9 ().+/\-]+$"
DIGIT_RUN = r"[0-9][0-9 ().\-]*[0-9]"
# md5 / sha256 in hex: the warehouse's surrogate keys.
HEX_DIGEST = r"[0-9a-f]{32}|[0-9a-f]{64}"
# Above this many (row, canary) pairs a free-text column is searched by word n-grams (hash joins)
# instead of `contains` (a nested loop).
CONTAINS_MAX_PAIRS = 20_000_000


class LeakHit(NamedTuple):
    """One column where canaries were found: where, and how many rows (never which values)."""

    database: str
    table: str
    column: str
    count: int


@dataclass
class LeakReport:
    """Result of a scan: the hits, and what was scanned."""

    hits: list[LeakHit] = field(default_factory=list)
    databases: list[str] = field(default_factory=list)
    columns_scanned: int = 0
    canaries: int = 0

    @property
    def passed(self) -> bool:
        """No canary found anywhere."""
        return not self.hits


def _text(expr: str) -> str:
    return f"lower(trim({expr}::varchar))"


def _digits(expr: str) -> str:
    return f"regexp_replace({expr}::varchar, '[^0-9]', '', 'g')"


def _name_forms(first: str, last: str) -> list[str]:
    """'first last', 'last, first', 'last^first' (lower-cased) from two SQL expressions."""
    f, la = f"lower(trim({first}))", f"lower(trim({last}))"
    return [f"{f} || ' ' || {la}", f"{la} || ', ' || {f}", f"{la} || '^' || {f}"]


def _canary_selects(contract: Contract) -> list[str]:
    """SELECTs `(canary, form, substring_ok)` over one raw table's direct identifiers."""
    raw = f"phi.raw.{ident(contract.table)}"
    selects: list[str] = []
    names = {c.name for c in contract.columns}
    for col in contract.columns:
        if col.phi != "direct_identifier":
            continue
        src = f"r.{ident(col.name)}"
        substring_ok = "false" if col.name in EXACT_ONLY_COLUMNS else "true"
        if col.name in WORD_COLUMNS:
            substring_ok = f"contains({_text(src)}, ' ')"
            selects.append(f"select {_text(src)}, 'word', true from {raw} r")
        selects.append(f"select {_text(src)}, 'text', {substring_ok} from {raw} r")
        selects.append(f"select {_digits(src)}, 'digits', true from {raw} r")
        # A 10-digit phone is also written with the country code.
        selects.append(
            f"select '1' || {_digits(src)}, 'digits', true from {raw} r "
            f"where length({_digits(src)}) = 10"
        )
        if col.name == "patient_name":
            # HL7 XPN: LAST^FIRST^MIDDLE...
            first, last = f"split_part({src}, '^', 2)", f"split_part({src}, '^', 1)"
            selects += [
                f"select {form}, 'text', true from {raw} r where {first} <> '' and {last} <> ''"
                for form in _name_forms(first, last)
            ]
    if {"first_name", "last_name"} <= names:
        first, last = "r.first_name", "r.last_name"
        selects += [
            f"select {form}, 'text', true from {raw} r where {first} <> '' and {last} <> ''"
            for form in _name_forms(first, last)
        ]
    return selects


def build_canaries(
    con: duckdb.DuckDBPyConnection, contracts: dict[str, Contract] | None = None
) -> int:
    """Collect the canaries of every PHI-zone raw table into a temp table.

    Args:
        con: a connection with the PHI zone attached as `phi`.
        contracts: the contracts (default: all).

    Returns:
        The number of distinct canaries (kept in `temp._leak_canaries`, in memory, for `scan`).
    """
    contracts = contracts or load_contracts()
    existing = {
        r[0]
        for r in con.execute(
            "select table_name from duckdb_tables() "
            "where database_name = 'phi' and schema_name = 'raw'"
        ).fetchall()
    }
    selects: list[str] = []
    for name, contract in sorted(contracts.items()):
        if name in existing:
            selects += _canary_selects(contract)
    con.execute(
        f"create or replace temp table {CANARY_TABLE.removeprefix('temp.')} "
        "(canary varchar, form varchar, substring_ok boolean, norm varchar, ntok integer)"
    )
    if selects:
        union = "\nunion all\n".join(selects)
        con.execute(
            f"""
            insert into {CANARY_TABLE}
            select canary, form, bool_or(substring_ok), null, null
            from ({union}) c(canary, form, substring_ok)
            where canary is not null
              and ((form in ('text', 'word') and length(canary) >= {MIN_CANARY_CHARS})
                   or (form = 'digits' and length(canary) >= {MIN_DIGITS}))
            group by canary, form
            """
        )
    # Token form for the hash-joined substring search of large free-text columns.
    con.execute(
        f"update {CANARY_TABLE} set norm = {_tokens_sql('canary')} "
        "where form = 'text' and substring_ok"
    )
    con.execute(f"update {CANARY_TABLE} set ntok = len(string_split(norm, ' ')) where norm <> ''")
    row = con.execute(f"select count(*) from {CANARY_TABLE}").fetchone()
    return int(row[0]) if row else 0


def _tokens_sql(expr: str) -> str:
    """Lower-case words separated by single spaces (punctuation, `^` and `@` become spaces)."""
    return f"trim(regexp_replace(lower({expr}), '[^a-z0-9]+', ' ', 'g'))"


def _substring_parts(con: duckdb.DuckDBPyConnection, rows: int) -> list[str]:
    """SQL finding substring canaries in `n`: `contains` when small enough, else word n-grams.

    `contains` is a nested-loop join (rows x canaries); past `CONTAINS_MAX_PAIRS` the canaries are
    matched as word n-grams with hash joins instead, which needs them to sit on word boundaries.
    """
    count = con.execute(
        f"select count(*) from {CANARY_TABLE} where form = 'text' and substring_ok"
    ).fetchone()
    if rows * (int(count[0]) if count else 0) <= CONTAINS_MAX_PAIRS:
        return [
            f"select n.rid from ft n join {CANARY_TABLE} k "
            f"on k.form = 'text' and k.substring_ok and contains(n.lv, k.canary)"
        ]
    sizes = [
        int(r[0])
        for r in con.execute(
            f"select distinct ntok from {CANARY_TABLE} where ntok is not null order by 1"
        ).fetchall()
    ]
    return [
        f"select rid from (select rid, unnest(list_transform(range(1, len(toks) - {k} + 2), "
        f"i -> array_to_string(toks[i:i + {k - 1}], ' '))) as g from ntoks) x "
        f"where g in (select norm from {CANARY_TABLE} where ntok = {k})"
        for k in sizes
    ]


def _column_hits(con: duckdb.DuckDBPyConnection, table_sql: str, column: str) -> int:
    """Rows of one VARCHAR column holding a canary (exact/normalized; substring in free text)."""
    c = ident(column)
    longest = con.execute(f"select max(length({c})) from {table_sql}").fetchone()
    if not longest or longest[0] is None:
        return 0
    parts = [
        f"select rid from n where lv in (select canary from {CANARY_TABLE} where form = 'text')",
        f"select rid from n where regexp_matches(v, '{DIGIT_LIKE}') and length(dv) >= {MIN_DIGITS} "
        f"and dv in (select canary from {CANARY_TABLE} where form = 'digits')",
    ]
    if longest[0] > FREE_TEXT_MIN_CHARS:
        rows = con.execute(f"select count({c}) from {table_sql}").fetchone()
        parts += _substring_parts(con, int(rows[0]) if rows else 0)
        parts += [
            f"select rid from (select rid, unnest(regexp_extract_all(v, '{DIGIT_RUN}')) as run "
            f"from ft) x "
            f"where {_digits('run')} in (select canary from {CANARY_TABLE} where form = 'digits')",
            f"select rid from (select rid, unnest(string_split_regex(lv, '[^a-z0-9]+')) as w "
            f"from ft) x where w in (select canary from {CANARY_TABLE} where form = 'word')",
        ]
    union = "\nunion\n".join(parts)
    row = con.execute(
        f"""
        with n as (
            select row_number() over () as rid, {c} as v, {_text(c)} as lv, {_digits(c)} as dv
            from {table_sql} where {c} is not null
        ),
        -- Free text: not a hex digest (a dbt surrogate key), whose digits form runs by chance
        -- (one md5 key in a demo year held a six-digit canary); a digest is still matched whole.
        ft as (select * from n where not regexp_full_match(v, '{HEX_DIGEST}')),
        ntoks as (select rid, string_split({_tokens_sql("v")}, ' ') as toks from ft)
        select count(*) from ({union})
        """
    ).fetchone()
    return int(row[0]) if row else 0


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _attach(
    con: duckdb.DuckDBPyConnection, path: Path, alias: str, key: str | None
) -> tuple[str, bool]:
    """Attach `path` read-only with its key, or reuse it; returns (alias, attached_here)."""
    resolved = str(path.resolve())
    for name, db_path in con.execute(
        "select database_name, path from duckdb_databases() where path is not null"
    ).fetchall():
        if db_path and str(Path(db_path).resolve()) == resolved:
            return name, False
    options = f"read_only, encryption_key {_sql_str(key)}" if key else "read_only"
    con.execute(f"attach {_sql_str(resolved)} as {ident(alias)} ({options})")
    return alias, True


def scan(
    con: duckdb.DuckDBPyConnection,
    db_paths: list[Path],
    *,
    key_for: Callable[[Path], str | None] = lambda _path: None,
    skip_columns: frozenset[str] = frozenset(),
) -> LeakReport:
    """Look for the `build_canaries` canaries in every VARCHAR column of each file's tables.

    Args:
        con: the connection `build_canaries` filled.
        db_paths: DuckDB files to scan (e.g. warehouse and published copy); each is attached
            read-only.
        key_for: The encryption key of a file, None for a plain one
            (`pipelines.lib.duck.zone_key`).
        skip_columns: `schema.table.column` names not to scan (e.g. a vetted workforce-name column).

    Returns:
        A LeakReport whose hits name database, table, column and a row count, never a value.
    """
    count = con.execute(f"select count(*) from {CANARY_TABLE}").fetchone()
    report = LeakReport(canaries=int(count[0]) if count else 0)
    for i, path in enumerate(db_paths):
        alias, attached = _attach(con, Path(path), f"leak_scan_{i}", key_for(Path(path)))
        report.databases.append(str(path))
        try:
            columns = con.execute(
                """
                select c.schema_name, c.table_name, c.column_name
                from duckdb_columns() c
                join duckdb_tables() t using (database_name, schema_name, table_name)
                where c.database_name = ? and c.data_type = 'VARCHAR'
                order by c.schema_name, c.table_name, c.column_index
                """,
                [alias],
            ).fetchall()
            for schema, table, column in columns:
                if f"{schema}.{table}.{column}" in skip_columns:
                    continue
                table_sql = f"{ident(alias)}.{ident(schema)}.{ident(table)}"
                report.columns_scanned += 1
                hits = _column_hits(con, table_sql, column)
                if hits:
                    report.hits.append(LeakHit(str(path), f"{schema}.{table}", column, hits))
        finally:
            if attached:
                con.execute(f"detach {ident(alias)}")
    return report
