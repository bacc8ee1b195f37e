"""FHIR R4 Bulk NDJSON read by DuckDB: one scan per batch of files, no Python loop over good lines.

`read_fhir_ndjson_files` splits every file of a batch into numbered lines, parses each line with
DuckDB's JSON functions and maps Patient, Appointment, Encounter and Location resources with the
rules of the per-line Python reader (`fhir_ndjson.py`, the reference). Whatever DuckDB would not
decide exactly like the reference is handed to the reference, so every line comes out with the same
row, line number, hash or reject reason as `read_fhir_ndjson_lines` gives:

- a whole file that is not valid UTF-8 (the reference decodes such a file line by line), or that
  DuckDB stops on for any reason (none is known; a batch is then halved until the file is found);
- a line that is not `{...}` (optionally ending in CR), that DuckDB's parser rejects, or that holds
  what DuckDB's parser accepts and orjson does not (NaN/Infinity, trailing commas, numbers that
  overflow a double, nesting deeper than 1024);
- a line whose values do not pass the checks below (duplicate keys, null or mistyped values around
  the keys read, numbers other than plain integers where a string is read, non-ASCII or multi-line
  date/times, non-ASCII resource types).

The resource is first read as a `MAP(VARCHAR, JSON)`: a map keeps every key, so a duplicate
top-level key is seen (orjson keeps the last value, DuckDB lookups and struct transforms the first).
Every value read keeps its JSON text, whose first character tells its type; `fj_str` converts it
like the reference's `_str` or marks it (`BAIL`), and a row holding the marker goes to the
reference. Objects and arrays below the top level are read with one STRUCT transform each, checked
by a key count (see FRAGMENTS). Rows are mapped per table in SQL built from STAGES and ROWS, which
mirror the mappers.

`tests/readers/test_fhir_ndjson_bulk.py` holds both readers equal on fixtures, edge cases, mutated
and generated input (duplicate keys included) and the public samples.
"""

from __future__ import annotations

import json
import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.lib.readers.base import ReadResult, Reject
from pipelines.lib.readers.fhir_ndjson import (
    APPOINTMENT_STATUS,
    MAPPERS,
    NO_RESOURCE_TYPE,
    SEX,
    TABLE_FOR_TYPE,
    LineCollector,
    not_read_reason,
    read_fhir_ndjson_lines,
    table_columns,
)

# A value the SQL does not convert itself; a row holding it is read again by the reference.
BAIL = "chr(0) || 'fhir-ndjson-bail' || chr(0)"
MAP_TYPE = "'\"MAP(VARCHAR, JSON)\"'"

# What DuckDB's JSON parser accepts and orjson rejects: NaN/Infinity literals (any case), trailing
# commas, numbers that overflow a double. A match inside a string only sends a line to the
# reference. One pattern per character that can precede a value: RE2 skips ahead to a single
# literal character far faster than to a set of them.
_END = r"[ \t\r]*[,}\]]"
_VALUE = (
    r"[ \t\r]*(?:[-+]?(?:[iI][nN][fF](?:[iI][nN][iI][tT][yY])?|[nN][aA][nN])"
    + _END
    + r"|-?[0-9]{100}|-?[0-9][0-9.]*[eE][+-]?[0-9]{3,}"
    + _END
    + ")"
)
LENIENT_JSON = [":" + _VALUE, "," + _VALUE, r"\[" + _VALUE, r",[ \t\r]*[\]}]"]
# Files of a batch are read in parallel groups of at least this many bytes (see `_groups`).
GROUP_MIN_BYTES = 8 << 20
# orjson refuses nesting deeper than 1024; a line with fewer than 1000 `{` and `[` cannot be.
MAX_OPENERS = 1000
# The usual first key, read from the text: `{"resourceType":"Patient",...`
RESOURCE_TYPE_KEY = '"resourceType"'

MACROS = f"""
-- the line as the reference strips it, when it is a JSON object at all (see `checked`)
create or replace temp macro fj_raw(line) as
    case when ends_with(line, chr(13)) then left(line, -1) else line end;
-- a map with a duplicate key (a map keeps them all; orjson keeps the last, a lookup the first)
create or replace temp macro fj_dup(o) as
    coalesce(list_unique(map_keys(o)) <> cardinality(o), false);
-- _str() of a JSON text: strings ('' is NULL), booleans as true/false, plain integers as written,
-- objects, arrays and null NULL; other numbers (Python prints floats its own way) the marker.
create or replace temp macro fj_str(j) as
    case when starts_with(j, '"') then nullif(json_extract_string(j, '$'), '')
         when j <> '-0' and regexp_full_match(j, 'true|false|-?(0|[1-9][0-9]{{0,17}})')
             then j::varchar
         when j is null or regexp_full_match(j, 'null|(?s:[\\[{{].*)') then null
         else {BAIL} end;
-- _code() of a concept (a struct of CONCEPT): `code` when the key is there (the key check rules out
-- a null code), else the first non-empty code of its codings, else `text`.
create or replace temp macro fj_code(c) as
    case when struct_extract(c, 'code') is not null then fj_str(struct_extract(c, 'code'))
         else coalesce(
             list_filter(list_transform(struct_extract(c, 'coding'),
                                        x -> fj_str(struct_extract(x, 'code'))),
                         s -> s is not null)[1],
             fj_str(struct_extract(c, 'text'))) end;
-- _list_of_str() of an array read as JSON texts: its non-empty items
create or replace temp macro fj_strs(l) as
    list_filter(list_transform(l, v -> fj_str(v)), s -> s is not null);
-- fhir_datetime() of a string already read: ASCII only (Python's \\d also matches other digits)
create or replace temp macro fj_dt(s) as
    case when s is null then null
         when strlen(s) <> length(s) or contains(s, chr(10)) then {BAIL}
         when regexp_full_match(s, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}T[0-9]{{2}}:[0-9]{{2}}'
                                   || '(:[0-9]{{2}})?(\\.[0-9]+)?(Z|[+-][0-9]{{2}}:[0-9]{{2}})?')
             then substr(s, 1, 10) || ' '
                  || case when substr(s, 17, 1) = ':' then substr(s, 12, 8)
                          else substr(s, 12, 5) || ':00' end
         when regexp_full_match(s, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') then s || ' 00:00:00'
         else s end;
"""


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _case(value: str, mapping: dict[str, str]) -> str:
    """SQL for `mapping.get(value, value)`."""
    whens = " ".join(f"when {_sql_str(k)} then {_sql_str(v)}" for k, v in mapping.items())
    return f"case {value} {whens} else {value} end"


J = "JSON"  # a value read as its JSON text (fj_str decides what the reference makes of it)
CONCEPT = {"code": J, "coding": [{"code": J}], "text": J}
# Per table: the top-level keys read as an object or a list of objects, with the structure read from
# them (dict: object, [x]: array of x). Each such value is read with one STRUCT json_transform, and
# the line goes to the reference unless a key check proves the transform read exactly what the
# reference reads: the value's JSON text (as DuckDB writes it: minified, keys unescaped) holds
# `"key":` exactly as many times as the struct holds non-null values under that key, summed over the
# structure's keys. Each occurrence of a key is either read by the transform (once, and not null)
# or raises the text count, so equal sums rule out a duplicate key (the transform keeps the first,
# orjson the last), a key present with null (`"code" in concept`), and an array or object in place
# of the other around a key that is read. Keys under `_shadow` are counted, never read: common
# places of a read key's name outside the read paths, which would otherwise send the line to the
# reference for nothing. A lone object where an array is read is the one-item array, as in `_list`.
FRAGMENTS: dict[str, dict[str, object]] = {
    "patients": {
        "identifier": [{"type": {"coding": [{"code": J}]}, "value": J}],
        "name": [{"use": J, "family": J, "given": [J]}],
        "address": [{"use": J, "line": [J], "city": J, "state": J, "postalCode": J}],
        "telecom": [{"system": J, "value": J}],
    },
    "appointments": {
        "meta": {"lastUpdated": J},
        "appointmentType": CONCEPT,
        "cancelationReason": CONCEPT,
        "participant": [
            {
                "actor": {"reference": J, "display": J, "identifier": {"value": J}},
                "_shadow": {"type": [{"coding": [{"display": J}]}]},
            }
        ],
    },
    "fhir_encounters": {
        "subject": {"reference": J},
        "class": CONCEPT,
        "period": {"start": J, "end": J},
        "location": [{"location": {"reference": J}}],
        "serviceType": CONCEPT,  # an array reads as its first item
        "hospitalization": {"dischargeDisposition": CONCEPT},
    },
    "fhir_locations": {
        "physicalType": CONCEPT,
        "operationalStatus": CONCEPT,
        "partOf": {"reference": J},
    },
}
FIRST_ITEM = {"serviceType"}

# Per table: stages of named expressions (each may use the names of earlier stages, `j_<key>` the
# JSON text of a top-level value and `v_<key>` the structs of FRAGMENTS), then the row (contract
# column -> SQL). Mirrors the mappers of `fhir_ndjson.py`. Macros repeat their arguments, so what
# they are given is a column, never a lookup or a transform.
STAGES: dict[str, list[dict[str, str]]] = {
    "patients": [
        {
            "gender": "fj_str(j_gender)",
            "name": "coalesce(list_filter(v_name, x -> x.use = '\"official\"')[1], v_name[1])",
            "address": "coalesce(list_filter(v_address, x -> x.use = '\"home\"')[1], v_address[1])",
            "phone_telecom": "list_filter(v_telecom, x -> x.system = '\"phone\"')[1]",
            "email_telecom": "list_filter(v_telecom, x -> x.system = '\"email\"')[1]",
            "type_codes": "list_transform(v_identifier, i -> list_transform("
            "i.type.coding, c -> fj_str(c.code)))",
        },
        {
            # _identifier(): the first identifier whose type has the code
            "mr_identifier": "v_identifier[list_position("
            "list_transform(type_codes, cs -> list_contains(cs, 'MR')), true)]",
            "ss_identifier": "v_identifier[list_position("
            "list_transform(type_codes, cs -> list_contains(cs, 'SS')), true)]",
            "given": "fj_strs(name.given)",
            "address_lines": "fj_strs(address.line)",
        },
    ],
    "appointments": [
        {
            "status": "fj_str(j_status)",
            "last_updated": "fj_str(v_meta.lastUpdated)",
            "created_text": "fj_str(j_created)",
            "start_text": "fj_str(j_start)",
            "end_text": "fj_str(j_end)",
            "parts": "list_transform(v_participant, p -> {"
            "'ref': coalesce(fj_str(p.actor.reference), ''), "
            "'ident': fj_str(p.actor.identifier.value), 'display': fj_str(p.actor.display)})",
        },
        {
            "patient_parts": "list_filter(parts, p -> starts_with(p.ref, 'Patient/'))",
            "practitioner_parts": "list_filter(parts, p -> starts_with(p.ref, 'Practitioner/'))",
            "location_parts": "list_filter(parts, p -> starts_with(p.ref, 'Location/'))",
            "last_updated_at": "fj_dt(last_updated)",
        },
        {
            # The first participant of a kind whose reference names an id wins; when none does, the
            # last one's display stays (the reference overwrites while the id is still None).
            "provider": "coalesce(list_filter(practitioner_parts, "
            "p -> p.ref <> 'Practitioner/')[1], list_extract(practitioner_parts, -1))",
            "department": "coalesce(list_filter(location_parts, "
            "p -> p.ref <> 'Location/')[1], list_extract(location_parts, -1))",
        },
    ],
    "fhir_encounters": [
        {
            "period_start": "fj_str(v_period.start)",
            "period_end": 'fj_str(v_period."end")',
        },
    ],
    "fhir_locations": [],
}

ROWS: dict[str, dict[str, str]] = {
    "patients": {
        "mrn": "coalesce(fj_str(mr_identifier.value), fj_str(j_id))",
        "first_name": "given[1]",
        "last_name": "fj_str(name.family)",
        "birth_date": "fj_str(j_birthDate)",
        "sex": _case("gender", SEX),
        "address_line": "array_to_string(address_lines, ', ')",
        "city": "fj_str(address.city)",
        "state": "fj_str(address.state)",
        "zip": "fj_str(address.postalCode)",
        "phone": "fj_str(phone_telecom.value)",
        "email": "fj_str(email_telecom.value)",
        "ssn": "fj_str(ss_identifier.value)",
        "member_id": "null",
        "payer_id": "null",
    },
    "appointments": {
        "appointment_id": "fj_str(j_id)",
        "mrn": "list_filter(list_transform(patient_parts, "
        "p -> coalesce(p.ident, nullif(p.ref[9:], ''))), x -> x is not null)[1]",
        "facility_id": "null",
        "department_id": "nullif(department.ref[10:], '')",
        "department_name": "department.display",
        "provider_id": "nullif(provider.ref[14:], '')",
        "provider_name": "provider.display",
        "visit_type": "fj_code(v_appointmentType)",
        "is_new_patient": "null",
        "booked_at": "fj_dt(created_text)",
        "slot_start_at": "fj_dt(start_text)",
        "slot_end_at": "fj_dt(end_text)",
        "status": _case("status", APPOINTMENT_STATUS),
        "status_changed_at": "last_updated_at",
        "cancelled_at": "case when status = 'cancelled' then last_updated_at end",
        "cancel_reason": "fj_code(v_cancelationReason)",
        "cancel_initiator": "null",
        "checked_in_at": "null",
        "comment": "fj_str(j_comment)",
    },
    "fhir_encounters": {
        "encounter_id": "fj_str(j_id)",
        "patient_reference": "fj_str(v_subject.reference)",
        "class_code": "fj_code(v_class)",
        "status": "fj_str(j_status)",
        "period_start": "fj_dt(period_start)",
        "period_end": "fj_dt(period_end)",
        "location_reference": "fj_str(v_location[1].location.reference)",
        "service_type": "fj_code(v_serviceType)",
        "discharge_disposition": "fj_code(v_hospitalization.dischargeDisposition)",
    },
    "fhir_locations": {
        "location_id": "fj_str(j_id)",
        "name": "fj_str(j_name)",
        "physical_type": "fj_code(v_physicalType)",
        "operational_status": "fj_code(v_operationalStatus)",
        "part_of_reference": "fj_str(v_partOf.reference)",
    },
}
BASE_COLUMNS = {"f", "n", "line", "raw", "simple", "m", "resource_type", "kind", "bail"}
_names = [name for stages in STAGES.values() for stage in stages for name in stage]
assert len(_names) == len(set(_names)) and not set(_names) & (BASE_COLUMNS | set(ROWS))
assert all(list(ROWS[t]) == table_columns(t) for t in ROWS) and set(ROWS) == set(MAPPERS)


def _structure(node: object) -> object:
    """The json_transform structure of a FRAGMENTS node (shadows included: they are counted)."""
    if node == J:
        return J
    if isinstance(node, list):
        return [_structure(node[0])]
    assert isinstance(node, dict)
    fields = {k: _structure(v) for k, v in node.items() if k != "_shadow"}
    fields.update({k: _structure(v) for k, v in node.get("_shadow", {}).items()})
    return fields


def _keys(node: object) -> set[str]:
    if isinstance(node, list):
        return _keys(node[0])
    if isinstance(node, dict):
        node = {**{k: v for k, v in node.items() if k != "_shadow"}, **node.get("_shadow", {})}
        return set(node) | {k for child in node.values() for k in _keys(child)}
    return set()


def _present(expr: str, node: object, depth: int = 0) -> str:
    """SQL counting the non-null values under the keys of `node` in the struct `expr`."""
    if isinstance(node, list):
        if node[0] == J:
            return "0"
        var = f"x{depth}"
        return (
            f"coalesce(list_sum(list_transform({expr}, {var} -> "
            f"{_present(var, node[0], depth + 1)})), 0)"
        )
    assert isinstance(node, dict)
    terms = []
    for key, child in _structure(node).items():  # type: ignore[union-attr]
        value = f"struct_extract({expr}, {_sql_str(key)})"
        terms.append(f"({value} is not null)::int")
        if child != J:
            terms.append(_present(value, child, depth))
    return "(" + " + ".join(terms) + ")"


def _fragment_text(key: str, node: object) -> str:
    """SQL for the JSON text a fragment is read from."""
    value = f"m[{_sql_str(key)}]"
    if key in FIRST_ITEM:
        first = f"json_extract({value}, '$[0]')"
        return f"case when starts_with({value}, '[') then {first} else {value} end"
    if isinstance(node, list):
        return f"case when starts_with({value}, '{{') then '[' || {value} || ']' else {value} end"
    return value


def _lines_sql() -> str:
    """SQL filling `_fhir_lines` from `_fhir_files`: one row per non-blank line and its route.

    `kind` is a table name, `reject` (a resource the reference rejects: the reason is computed in
    `_rejects_sql`) or `fallback` (a line the reference reads). The reference drops a leading BOM
    from the file and strips each line; a line ending in CR is the line without it.
    """
    known = ", ".join(f"{_sql_str(t)}: {_sql_str(table)}" for t, table in TABLE_FOR_TYPE.items())
    lenient = "\n".join(
        f"                     when regexp_matches(raw, {_sql_str(p)}) then false"
        for p in LENIENT_JSON
    )
    return f"""
        create or replace temp table _fhir_lines as
        with lines as (
            select f, unnest(parts) as line, unnest(range(1, len(parts) + 1)) as n
            from (select f, string_split(text, chr(10)) as parts
                  from _fhir_files where text is not null)
        ),
        unbom as (
            select f, n, case when n = 1 and starts_with(line, chr(65279)) then substr(line, 2)
                              else line end as line
            from lines
        ),
        stripped as (
            select f, n, line, fj_raw(line) as raw from unbom
        ),
        checked as (
            select f, n, line, raw,
                case when not (starts_with(raw, '{{') and ends_with(raw, '}}')) then false
                     when not json_valid(raw) then false
{lenient}
                     when strlen(raw) > {2 * MAX_OPENERS}
                          and strlen(raw) - strlen(replace(replace(raw, '{{', ''), '[', ''))
                              > {MAX_OPENERS} then false
                     else true end as simple
            from stripped where raw <> ''
        ),
        -- resourceType from the text when it is the first key, appears once and has no escape
        -- (only a \\u escape could spell the key another way), else from the parsed object.
        headed as (
            select f, n, line, raw, simple,
                case when simple and not contains(raw, '\\u')
                          and not contains(substr(raw, 16), '{RESOURCE_TYPE_KEY}') then
                    case when starts_with(raw, '{{{RESOURCE_TYPE_KEY}:"') then substr(raw, 18, 72)
                         when starts_with(raw, '{{{RESOURCE_TYPE_KEY}: "') then substr(raw, 19, 72)
                    end
                end as head
            from checked
        ),
        typed as (
            select f, n, line, simple,
                case when contains(head, '"') and not contains(split_part(head, '"', 1), '\\')
                         then split_part(head, '"', 1)
                     when simple then list_transform(
                         [json_transform(raw, {MAP_TYPE})],
                         o -> case when fj_dup(o) then {BAIL}
                                   when starts_with(o['resourceType'], '"')
                                       then json_extract_string(o['resourceType'], '$') end)[1]
                end as resource_type
            from headed
        )
        select f, n, line, resource_type,
            case when not simple then 'fallback'
                 when resource_type is null or resource_type = '' then 'reject'
                 when resource_type = {BAIL} then 'fallback'
                 when map_contains(MAP {{{known}}}, resource_type)
                     then MAP {{{known}}}[resource_type]
                 -- Python's isalpha() decides whether a non-ASCII type name is shown
                 when strlen(resource_type) <> length(resource_type) then 'fallback'
                 else 'reject' end as kind
        from typed
    """


def _table_sql(table: str) -> str:
    """SQL mapping the `_fhir_lines` of one table: row hash, contract columns, `bail`."""
    fragments = FRAGMENTS[table]
    leaves = sorted({k for expr in _expressions(table) for k in re.findall(r"\bj_(\w+)", expr)})
    texts = ", ".join(
        [f"{_fragment_text(k, node)} as t_{k}" for k, node in fragments.items()]
        + [f"m[{_sql_str(k)}] as j_{k}" for k in leaves]
    )
    structs = ", ".join(
        f"json_transform(t_{k}, {_sql_str(json.dumps(_structure(node)))}) as v_{k}, "
        f"coalesce(len(regexp_extract_all(t_{k}, {_sql_str(_key_pattern(node))})), 0) as c_{k}"
        for k, node in fragments.items()
    )
    ctes = [
        f"""s as (
            select f, n, line, fj_raw(line) as raw, json_transform(fj_raw(line), {MAP_TYPE}) as m
            from _fhir_lines where kind = {_sql_str(table)}
        )""",
        f"texts as (select *{', ' + texts if texts else ''} from s)",
        f"structs as (select *{', ' + structs if structs else ''} from texts)",
    ]
    previous = "structs"
    for level, stage in enumerate(STAGES[table]):
        columns = ", ".join(f"{expr} as {name}" for name, expr in stage.items())
        ctes.append(f"s{level} as (select *, {columns} from {previous})")
        previous = f"s{level}"
    # Empty strings are None, as in build_table.
    columns = ", ".join(
        f"nullif(({expr})::varchar, '') as {_ident(col)}" for col, expr in ROWS[table].items()
    )
    checks = " and ".join(
        ["not fj_dup(m)"] + [f"c_{k} = {_present(f'v_{k}', node)}" for k, node in fragments.items()]
    )
    ctes.append(f"mapped as (select f, n, line, raw, {columns}, {checks} as exact from {previous})")
    names = ", ".join(_ident(col) for col in ROWS[table])
    return f"""
        with {", ".join(ctes)},
        checked as (
            select *, not exact or contains(concat_ws('', {names}), {BAIL}) as bail from mapped
        )
        select f, n, bail, case when bail then line end as line,
            case when not bail then sha256(raw) end as _row_hash, {names}
        from checked
    """


def _expressions(table: str) -> list[str]:
    return [e for stage in STAGES[table] for e in stage.values()] + list(ROWS[table].values())


def _key_pattern(node: object) -> str:
    """The regex matching `"key":` for every key of a FRAGMENTS node."""
    return '"(?:' + "|".join(sorted(_keys(node))) + ')":'


def _rejects_sql() -> str:
    """SQL of the lines rejected without the reference: no resourceType, or one not read."""
    shown = _sql_str(not_read_reason("X").split("(", 1)[1])
    return f"""
        select f, n, fj_raw(line) as raw,
            case when resource_type is null or resource_type = ''
                     then {_sql_str(NO_RESOURCE_TYPE)}
                 when regexp_full_match(resource_type, '[A-Za-z]{{1,64}}')
                     then 'resourceType ' || resource_type || ' is not read (' || {shown}
                 else {_sql_str(not_read_reason(""))} end as reason
        from _fhir_lines where kind = 'reject'
    """


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def read_fhir_ndjson(path: Path) -> ReadResult:
    """Read one FHIR Bulk Data NDJSON file (see `read_fhir_ndjson_files`)."""
    path = Path(path)
    return read_fhir_ndjson_files([path])[path]


def read_fhir_ndjson_files(paths: list[Path]) -> dict[Path, ReadResult]:
    """Read FHIR Bulk NDJSON files with one DuckDB scan; each file its ReadResult.

    Each result equals `read_fhir_ndjson_lines` of the file (rows, line numbers, hashes, rejects,
    record counts). Raises OSError (naming the file) when a file cannot be read.
    """
    paths = list(dict.fromkeys(Path(p) for p in paths))
    results: dict[Path, ReadResult] = {}
    scanned = []
    for path in paths:
        if not path.is_file() or any(c in str(path) for c in "*?["):
            # Missing (the reference raises the OSError) or a name DuckDB would read as a glob.
            results[path] = read_fhir_ndjson_lines(path)
        else:
            scanned.append(path)
    if scanned:
        groups = _groups(scanned, _cores())
        if len(groups) == 1:
            results.update(_read_halving(scanned))
        else:
            # One single-threaded DuckDB per group of files, side by side: a batch's lines fit in
            # one row group, which one DuckDB would scan on one thread anyway.
            with ThreadPoolExecutor(len(groups)) as pool:
                for part in pool.map(_read_halving, groups):
                    results.update(part)
    return {path: results[path] for path in paths}


def _cores() -> int:
    """Cores this process may run on (a container's share, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _groups(paths: list[Path], count: int) -> list[list[Path]]:
    """Split files into at most `count` groups of about equal bytes (at least 8 MB per group)."""
    sizes = {path: path.stat().st_size for path in paths}
    count = max(1, min(count, len(paths), sum(sizes.values()) // GROUP_MIN_BYTES))
    groups: list[list[Path]] = [[] for _ in range(count)]
    loads = [0] * count
    for path in sorted(paths, key=lambda p: -sizes[p]):
        index = loads.index(min(loads))
        groups[index].append(path)
        loads[index] += sizes[path]
    return [group for group in groups if group]


def _read_halving(paths: list[Path]) -> dict[Path, ReadResult]:
    """Scan the files together; when DuckDB stops on one, scan each half again.

    Only the file(s) DuckDB stops on go to the reference. A mistake in the SQL itself is raised.
    """
    try:
        return _read_with_duckdb(paths)
    except (duckdb.BinderException, duckdb.ParserException, duckdb.CatalogException):
        raise
    except duckdb.Error:
        if len(paths) == 1:
            return {paths[0]: read_fhir_ndjson_lines(paths[0])}
        half = len(paths) // 2
        return {**_read_halving(paths[:half]), **_read_halving(paths[half:])}


def _read_with_duckdb(paths: list[Path]) -> dict[Path, ReadResult]:
    con = duckdb.connect(config={"threads": 1})
    try:
        con.execute(MACROS)
        listing = "[" + ", ".join(_sql_str(str(p)) for p in paths) + "]"
        con.execute(
            f"""
            create temp table _fhir_files as
            select list_position({listing}, filename) - 1 as f, try(decode(content)) as text
            from read_blob({listing})
            """
        )
        unreadable = {
            f for (f,) in con.execute("select f from _fhir_files where text is null").fetchall()
        }
        con.execute(_lines_sql())
        con.execute("drop table _fhir_files")
        present = {k for (k,) in con.execute("select distinct kind from _fhir_lines").fetchall()}
        queries = {table: _table_sql(table) for table in ROWS}
        queries["reject"] = _rejects_sql()
        queries["fallback"] = "select f, n, line from _fhir_lines where kind = 'fallback'"
        # A query per kind present (planning one costs more than reading a few lines)
        parts = {kind: _arrow(con, sql) for kind, sql in queries.items() if kind in present}
    finally:
        con.close()
    return _split(paths, parts, unreadable)


def _arrow(con: duckdb.DuckDBPyConnection, sql: str) -> pa.Table:
    """A query's rows as one Arrow table, in file and line order (checked, not assumed)."""
    rows = con.execute(sql).arrow()
    if isinstance(rows, pa.RecordBatchReader):
        rows = rows.read_all()
    order = _order(rows)
    if len(order) and np.any(np.diff(order) < 0):
        rows = rows.take(np.argsort(order, kind="stable"))
    return rows


def _order(rows: pa.Table) -> np.ndarray:
    files = rows.column("f").to_numpy(zero_copy_only=False).astype(np.int64)
    return files * (1 << 32) + rows.column("n").to_numpy(zero_copy_only=False).astype(np.int64)


def _split(
    paths: list[Path], parts: dict[str, pa.Table], unreadable: set[int]
) -> dict[Path, ReadResult]:
    """Cut the queries' rows back into one ReadResult per file, adding the reference's lines."""
    counts = {
        kind: np.bincount(
            part.column("f").to_numpy(zero_copy_only=False).astype(np.int64),
            minlength=len(paths),
        )
        for kind, part in parts.items()
    }
    offsets = dict.fromkeys(parts, 0)
    results = {}
    for index, path in enumerate(paths):
        if index in unreadable:  # not UTF-8: the reference decodes it line by line
            results[path] = read_fhir_ndjson_lines(path)
            continue
        sliced = {}
        for kind, part in parts.items():
            count = int(counts[kind][index])
            sliced[kind] = part.slice(offsets[kind], count)
            offsets[kind] += count
        results[path] = _file_result(path, sliced)
    return results


def _file_result(path: Path, sliced: dict[str, pa.Table]) -> ReadResult:
    """One file's ReadResult: the SQL's rows and rejects, and the reference's for other lines."""
    collector = LineCollector()
    empty = collector.tables()  # the reference's tables, for the schema of a table without rows
    fallback = [sliced["fallback"]] if "fallback" in sliced else []
    tables = {}
    for table in ROWS:
        part = sliced.get(table)
        if part is None:
            tables[table] = empty[table]
            continue
        bail = part.column("bail")
        if pc.any(bail).as_py():
            fallback.append(part.filter(bail).select(["f", "n", "line"]))
            part = part.filter(pc.invert(bail))
        columns = {col: part.column(col) for col in table_columns(table)}
        columns["_source_line"] = part.column("n").cast(pa.int64())
        columns["_row_hash"] = part.column("_row_hash")
        tables[table] = pa.table(columns)
    rejects = []
    if "reject" in sliced:
        part = sliced["reject"]
        rejects = [
            Reject(None, n, raw, reason)
            for n, raw, reason in zip(
                part.column("n").to_pylist(),
                part.column("raw").to_pylist(),
                part.column("reason").to_pylist(),
                strict=True,
            )
        ]
    records = sum(t.num_rows for t in tables.values()) + len(rejects)
    if fallback:
        lines = pa.concat_tables(fallback)
        lines = lines.take(pc.sort_indices(lines.column("n")))
        for n, line in zip(
            lines.column("n").to_pylist(), lines.column("line").to_pylist(), strict=True
        ):
            collector.add(n, line)
        records += collector.records
        for table, extra in collector.tables().items():
            if extra.num_rows:
                merged = pa.concat_tables([tables[table], extra])
                tables[table] = merged.take(pc.sort_indices(merged.column("_source_line")))
        if collector.rejects:
            rejects = sorted(rejects + collector.rejects, key=lambda r: r.source_line)
    return ReadResult(path.name, records, tables, rejects)
