"""De-identification profiles as SQL: every contract column maps to one DuckDB expression.

Two profiles (docs/architecture.md, "Data contracts"):

* `limited` (default): a limited data set. ZIP -> ZIP3, birth date -> birth year, event times kept
  exact.
* `safe_harbor`: 45 CFR 164.514(b)(2). Restricted ZIP3s -> `000`, birth year nulled (with
  `is_age_90_plus`) when the age at the record's extract date is over 89, event times reduced to the
  year.

Option `date_shift=True` replaces exact/year event times with a per-patient random shift read from
the vault (namespace `date_shift`). Shifted full dates are not Safe Harbor, so a Safe Harbor table
with shifted dates is flagged as needing Expert Determination.

The expressions are generated from the contract and evaluated inside one `SELECT` over the raw table
aliased `r`, so de-identification stays set-based in DuckDB (no Python row loops). Surrogate columns
read the joined vault alias `sg_<column>`; the date shift reads alias `ds`; free text reads alias
`ft_<column>`.
"""

from __future__ import annotations

from dataclasses import dataclass

from data_contracts.contract import Column, Contract

PROFILES = ("limited", "safe_harbor")
DEFAULT_PROFILE = "limited"

# ZIP3 areas with 20,000 people or fewer: Safe Harbor (164.514(b)(2)(i)(B)) requires them to become
# `000`. Union of the two published lists, kept together so the dbt seed and this code never
# diverge:
# - HHS OCR de-identification guidance (2012), 2000 Census, 17 prefixes;
# - Microsoft Tools-for-Health-Data-Anonymization `restrictedZipCodeTabulationAreas`, 2010 Census,
# 14 prefixes. Some public copies of the 2000 list drop 063; it is kept here. No post-2010 list was
# found: recompute from current ZCTA populations before relying on this for a new Census vintage.
RESTRICTED_ZIP3_SOURCES: dict[str, tuple[str, ...]] = {
    "2000": tuple("036 059 063 102 203 556 692 790 821 823 830 831 878 879 884 890 893".split()),
    "2010": tuple("036 059 102 203 205 369 556 692 821 823 878 879 884 893".split()),
}
SOURCE_NAMES = {
    "2000": "HHS OCR guidance on de-identification (2012), 2000 Census",
    "2010": (
        "microsoft/Tools-for-Health-Data-Anonymization restrictedZipCodeTabulationAreas, "
        "2010 Census"
    ),
}
RESTRICTED_ZIP3: frozenset[str] = frozenset(
    z for codes in RESTRICTED_ZIP3_SOURCES.values() for z in codes
)

# Safe Harbor lets ages over 89 survive only as one "90 or older" category.
MAX_AGE = 89
# Date shift range in days (inclusive, zero excluded: a zero shift would publish the true date).
DATE_SHIFT_DAYS = 182
# Column added next to the birth year by the `birth_date` action.
AGE_90_FLAG = "is_age_90_plus"
DATE_IN_FILE_NAME = r"(\d{4})-\d{2}-\d{2}"


@dataclass(frozen=True)
class ProfileOptions:
    """A profile and its options, as recorded in `dq.deid_runs`."""

    profile: str = DEFAULT_PROFILE
    date_shift: bool = False

    def __post_init__(self) -> None:
        if self.profile not in PROFILES:
            raise ValueError(
                f"unknown de-identification profile {self.profile!r}; use one of {PROFILES}"
            )


def restricted_zip3_rows() -> list[tuple[str, str, str]]:
    """Rows (zip3, census_vintage, source) of the restricted ZIP3 seed, one per code (19).

    A code on both lists lists both vintages and sources, separated by `;`, so the seed stays unique
    on zip3.
    """
    rows = []
    for z in sorted(RESTRICTED_ZIP3):
        vintages = [v for v, codes in sorted(RESTRICTED_ZIP3_SOURCES.items()) if z in codes]
        rows.append((z, ";".join(vintages), "; ".join(SOURCE_NAMES[v] for v in vintages)))
    return rows


def ident(name: str) -> str:
    """Quote a SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _restricted_list_sql() -> str:
    return ", ".join(f"'{z}'" for z in sorted(RESTRICTED_ZIP3))


def zip3_sql(src: str, profile: str) -> str:
    """ZIP (5/9 digits, ZIP+4, Excel-stripped 4/8) -> ZIP3; restricted -> `000` (Safe Harbor).

    Args:
        src: SQL expression of the raw ZIP.
        profile: `limited` or `safe_harbor`.

    Returns:
        A SQL expression yielding a 3-character string or NULL when no ZIP can be read.
    """
    digits = f"regexp_replace(coalesce({src}::varchar, ''), '[^0-9]', '', 'g')"
    # Spreadsheets drop the leading zero of New England ZIPs (02134 -> 2134): restore it for 4 and 8
    # digits.
    fixed = f"(case when length({digits}) in (4, 8) then '0' || {digits} else {digits} end)"
    zip3 = f"(case when length({fixed}) >= 5 then substr({fixed}, 1, 3) end)"
    if profile == "safe_harbor":
        # list_contains, not IN: DuckDB turns a long IN list into a mark join whose condition
        # re-evaluates the regexp chain per row (3.5 s per million ZIPs against 0.2 s).
        return (
            f"(case when list_contains([{_restricted_list_sql()}], {zip3}) then '000' "
            f"else {zip3} end)"
        )
    return zip3


def age_sql(birth: str, as_of: str) -> str:
    """Completed years between `birth` and `as_of` (the extract date; today when unknown)."""
    return f"date_sub('year', {birth}::date, coalesce({as_of}, current_date)::date)"


def birth_year_sql(src: str, profile: str, as_of: str = "r._extract_date") -> str:
    """Birth date -> birth year; NULL under Safe Harbor when the age at `as_of` is over 89."""
    year = f"year({src})::integer"
    if profile == "safe_harbor":
        return f"(case when {age_sql(src, as_of)} > {MAX_AGE} then null else {year} end)"
    return year


def age_90_flag_sql(src: str, as_of: str = "r._extract_date") -> str:
    """True when the age at `as_of` is over 89 (the aggregated "90 or older" category)."""
    return f"({age_sql(src, as_of)} > {MAX_AGE})"


def shift_days_sql(surrogate: str) -> str:
    """Turn a random date-shift surrogate (`D` + 16 hex) into a non-zero offset in -182..182 days.

    The offset comes from the surrogate's random bits, never from the identifier (45 CFR
    164.514(c)).
    """
    span = 2 * DATE_SHIFT_DAYS
    raw = f"((('0x' || substr({surrogate}, 2, 8))::bigint % {span}) - {DATE_SHIFT_DAYS})"
    return f"(case when {raw} >= 0 then {raw} + 1 else {raw} end)::integer"


def event_time_sql(
    src: str, col_type: str, profile: str, *, date_shift: bool, shift_alias: str | None = "ds"
) -> str:
    """Event time: exact (limited), year (Safe Harbor), or shifted by the patient's vault offset."""
    if date_shift and shift_alias:
        return f"cast({src} + to_days({shift_days_sql(shift_alias + '.surrogate')}) as {col_type})"
    if profile == "safe_harbor":
        return f"cast(date_trunc('year', {src}) as {col_type})"
    return src


# Which entity a table's date shift follows, best first: the patient keeps every interval of a
# person; billing tables without an MRN follow the account, so claims, claim lines and A/R agree.
DATE_SHIFT_KEY_ORDER = ("patient", "account", "encounter", "member", "appointment", "ed_visit")


def date_shift_key_column(contract: Contract) -> Column | None:
    """The surrogate column the date shift follows (see `DATE_SHIFT_KEY_ORDER`), or None."""
    surrogates = [c for c in contract.columns if c.deid == "surrogate"]
    for namespace in DATE_SHIFT_KEY_ORDER:
        for col in surrogates:
            if col.surrogate_namespace == namespace:
                return col
    return surrogates[0] if surrogates else None


def uses_date_shift(contract: Contract, options: ProfileOptions) -> bool:
    """Whether this table's event times are shifted (needs the option, an event time and a key)."""
    return (
        options.date_shift
        and any(c.deid == "event_time" for c in contract.columns)
        and date_shift_key_column(contract) is not None
    )


def needs_expert_determination(contract: Contract, options: ProfileOptions) -> bool:
    """Safe Harbor with shifted full dates is no longer Safe Harbor: an expert must sign off."""
    return options.profile == "safe_harbor" and uses_date_shift(contract, options)


def is_person_level(contract: Contract) -> bool:
    """A table holding any PHI (not only `safe` columns) describes individuals."""
    return any(c.phi != "safe" for c in contract.columns)


def column_sql(
    column: Column,
    profile: str | ProfileOptions = DEFAULT_PROFILE,
    *,
    src_alias: str = "r",
    date_shift: bool | None = None,
) -> str | None:
    """The SQL expression of a contract column's (main) output under a profile.

    Args:
        column: the contract column.
        profile: a profile name or ProfileOptions.
        src_alias: alias of the raw table in the query.
        date_shift: overrides the options' date_shift (the caller knows whether a shift key exists).

    Returns:
        The expression, or None for a dropped column. A birth date's second output
        (`is_age_90_plus`) comes from `column_outputs`.
    """
    outputs = column_outputs(column, profile, src_alias=src_alias, date_shift=date_shift)
    return outputs[0][1] if outputs else None


def column_outputs(
    column: Column,
    profile: str | ProfileOptions = DEFAULT_PROFILE,
    *,
    src_alias: str = "r",
    date_shift: bool | None = None,
) -> list[tuple[str, str]]:
    """Every output of one contract column under a profile, as SQL.

    Args:
        column: the contract column.
        profile: a profile name or ProfileOptions.
        src_alias: alias of the raw table in the query.
        date_shift: overrides the options' date_shift (the caller knows whether a shift key exists).

    Returns:
        `(output_name, sql_expression)` pairs: none for a dropped column, two for a birth date
            (`birth_year` and `is_age_90_plus`), one otherwise.
    """
    options = profile if isinstance(profile, ProfileOptions) else ProfileOptions(profile)
    shift = options.date_shift if date_shift is None else date_shift
    src = f"{src_alias}.{ident(column.name)}"
    as_of = f"{src_alias}._extract_date"
    out = column.output_name
    if column.deid == "drop" or out is None:
        return []
    if column.deid == "keep":
        return [(out, src)]
    if column.deid == "surrogate":
        return [(out, f"sg_{column.name}.surrogate")]
    if column.deid == "zip3":
        return [(out, zip3_sql(src, options.profile))]
    if column.deid == "birth_date":
        return [
            (out, birth_year_sql(src, options.profile, as_of)),
            (AGE_90_FLAG, age_90_flag_sql(src, as_of)),
        ]
    if column.deid == "event_time":
        return [(out, event_time_sql(src, column.type, options.profile, date_shift=shift))]
    if column.deid == "free_text":
        return [(out, f"ft_{column.name}.redacted")]
    raise ValueError(f"column {column.name}: unknown de-identification action {column.deid!r}")


def lineage_sql(contract: Contract, profile: str, src_alias: str = "r") -> list[tuple[str, str]]:
    """The lineage columns every deid table carries.

    Under Safe Harbor the extract date and the date in the file name of a person-level table would
    date the record to the day, so they keep the year only; `_raw_id` still links each row to the
    PHI zone.
    """
    a = src_alias
    if profile == "safe_harbor" and is_person_level(contract):
        return [
            ("_raw_id", f"{a}._raw_id"),
            (
                "_source_file",
                f"regexp_replace({a}._source_file, '{DATE_IN_FILE_NAME}', '\\1', 'g')",
            ),
            ("_source_line", f"{a}._source_line"),
            ("_extract_date", f"cast(date_trunc('year', {a}._extract_date) as date)"),
        ]
    return [
        ("_raw_id", f"{a}._raw_id"),
        ("_source_file", f"{a}._source_file"),
        ("_source_line", f"{a}._source_line"),
        ("_extract_date", f"{a}._extract_date"),
    ]


def output_schema(contract: Contract) -> list[tuple[str, str]]:
    """`(name, duckdb_type)` of `deid.<table>`: contract outputs in order, then lineage."""
    cols: list[tuple[str, str]] = []
    for col in contract.columns:
        out = col.output_name
        if col.deid == "drop" or out is None:
            continue
        if col.deid == "surrogate":
            cols.append((out, "varchar"))
        elif col.deid == "zip3":
            cols.append((out, "varchar"))
        elif col.deid == "birth_date":
            cols += [(out, "integer"), (AGE_90_FLAG, "boolean")]
        elif col.deid == "free_text":
            cols.append((out, "varchar"))
        else:
            cols.append((out, col.type))
    cols += [
        ("_raw_id", "bigint"),
        ("_source_file", "varchar"),
        ("_source_line", "bigint"),
        ("_extract_date", "date"),
    ]
    return cols
