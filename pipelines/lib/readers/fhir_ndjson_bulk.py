"""FHIR R4 Bulk NDJSON read by DuckDB: one scan over many files, no Python loop over good lines.

`read_fhir_ndjson_files` splits every file of a batch into lines, parses each line once with DuckDB's
JSON functions and maps Patient, Appointment, Encounter and Location resources with the same rules as
the per-line Python reader (`fhir_ndjson.py`, the reference). What DuckDB does not decide exactly
like the reference goes to the reference, so every line is accounted for with the same row, line
number, hash and reject reason:

- a whole file, when it is not valid UTF-8 (the reference decodes such files line by line) or when
  DuckDB stops on it (an object with a duplicate key on a path that is read: see below);
- a line, when it does not look like one JSON object (`{...}`, optionally followed by a CR), when
  DuckDB's parser rejects it, when it holds something DuckDB's parser accepts and orjson does not
  (NaN/Infinity, trailing commas, numbers that overflow a double, nesting deeper than 1024), or when
  a value it reads is one the SQL does not convert itself (a number other than a plain integer, a
  non-ASCII or multi-line date/time, a non-ASCII resourceType).

Objects are read as `MAP(VARCHAR, JSON)`, level by level along the paths read: a JSON value keeps
its type (the first character of its JSON text), a key present with null is told apart from a
missing key, and an object with a duplicate key makes DuckDB stop (orjson keeps the last value,
DuckDB's struct transform the first, so such a file goes to the reference). Values that cannot be
converted here become a marker string; a row holding the marker goes to the reference.

`tests/readers/test_fhir_ndjson_bulk.py` holds both readers equal on fixtures, mutated and generated
input and the public samples.
"""

from __future__ import annotations

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
    r"[ \t\r]*(?:[-+]?(?:[iI][nN][fF](?:[iI][nN][iI][tT][yY])?|[nN][aA][nN])" + _END
    + r"|-?[0-9]{100}|-?[0-9][0-9.]*[eE][+-]?[0-9]{3,}" + _END + ")"
)
LENIENT_JSON = [":" + _VALUE, "," + _VALUE, r"\[" + _VALUE, r",[ \t\r]*[\]}]"]
# orjson refuses nesting deeper than 1024; a line with fewer than 1000 `{` and `[` cannot be.
MAX_OPENERS = 1000
# The usual first key, read from the text: `{"resourceType":"Patient",...`
RESOURCE_TYPE_KEY = '"resourceType"'

MACROS = f"""
-- the line as the reference strips it, when it is a JSON object at all (see `checked`)
create or replace temp macro fj_raw(line) as
    case when ends_with(line, chr(13)) then left(line, -1) else line end;
-- _obj(): the object as a map of JSON texts (NULL for anything else). A map keeps every key, so
-- fj_dup() tells an object with a duplicate key (orjson keeps its last value, a lookup the first).
create or replace temp macro fj_obj(j) as
    case when starts_with(j, '{{') then json_transform(j, {MAP_TYPE}) end;
-- _list(): an array's items as maps (non-objects NULL); a lone object is a one-item array.
create or replace temp macro fj_objs(j) as
    case when starts_with(j, '[') then json_transform(j, '["MAP(VARCHAR, JSON)"]')
         when starts_with(j, '{{') then [json_transform(j, {MAP_TYPE})]
         else []::MAP(VARCHAR, JSON)[] end;
create or replace temp macro fj_dup(o) as
    coalesce(list_unique(map_keys(o)) <> cardinality(o), false);
create or replace temp macro fj_dups(l) as
    coalesce(list_bool_or(list_transform(l, o -> fj_dup(o))), false);
create or replace temp macro fj_dupss(ll) as
    coalesce(list_bool_or(list_transform(ll, l -> fj_dups(l))), false);
-- a JSON string's text
create or replace temp macro fj_text(j) as
    case when contains(j, '\\') then json_extract_string(j, '$')
         else substr(j, 2, length(j) - 2) end;
-- _str(): strings ('' is NULL), booleans as true/false, plain integers as written; objects and
-- arrays NULL; other numbers (Python prints floats its own way) the marker.
create or replace temp macro fj_str(j) as
    case when starts_with(j, '"') then nullif(fj_text(j), '')
         when j is null or j = 'null' or starts_with(j, '{{') or starts_with(j, '[') then null
         when j = 'true' or j = 'false' then j::varchar
         when j <> '-0' and regexp_full_match(j, '-?(0|[1-9][0-9]{{0,17}})') then j::varchar
         else {BAIL} end;
-- _list_of_str(): a string is a one-item list (kept even when empty), an array its non-empty items
create or replace temp macro fj_strs(j) as
    case when starts_with(j, '[') then list_filter(
             list_transform(json_transform(j, '["JSON"]'), v -> fj_str(v)), s -> s is not null)
         when starts_with(j, '"') then [fj_text(j)]
         else []::varchar[] end;
-- _code() of a concept read as a map: `code` when the key is there (even null), else the first
-- non-empty code of its codings (read only then, by fj_codings), else `text`.
create or replace temp macro fj_codings(c) as
    case when not map_contains(c, 'code') then fj_objs(c['coding']) end;
create or replace temp macro fj_code(c, codings) as
    case when map_contains(c, 'code') then fj_str(c['code'])
         else coalesce(
             list_filter(list_transform(codings, x -> fj_str(x['code'])), s -> s is not null)[1],
             fj_str(c['text'])) end;
-- fhir_datetime() of a string already read: ASCII only (Python's \\d also matches other digits)
create or replace temp macro fj_dt(s) as
    case when s is null then null
         when strlen(s) <> length(s) or contains(s, chr(10)) then {BAIL}
         when regexp_full_match(s, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}T[0-9]{{2}}:[0-9]{{2}}(:[0-9]{{2}})?'
                                   || '(\\.[0-9]+)?(Z|[+-][0-9]{{2}}:[0-9]{{2}})?')
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


# Per table: stages of named expressions (each stage may use the names of the stages before it and
# `m`, the resource as a map), the maps whose duplicate keys send the line to the reference, and
# the row (contract column -> SQL). Mirrors the mappers of `fhir_ndjson.py`. Every object read is a
# stage column (so that its keys can be checked); so is an expression a macro would repeat. Names
# are unique across tables.
STAGES: dict[str, list[dict[str, str]]] = {
    "patients": [
        {
            "ids": "fj_objs(m['identifier'])",
            "names": "fj_objs(m['name'])",
            "addresses": "fj_objs(m['address'])",
            "telecom": "fj_objs(m['telecom'])",
            "gender": "fj_str(m['gender'])",
        },
        {
            "id_types": "list_transform(ids, i -> fj_obj(i['type']))",
            "name": "coalesce(list_filter(names, x -> x['use'] = '\"official\"')[1], names[1])",
            "address": "coalesce(list_filter(addresses, x -> x['use'] = '\"home\"')[1], addresses[1])",
            "phone_telecom": "list_filter(telecom, x -> x['system'] = '\"phone\"')[1]",
            "email_telecom": "list_filter(telecom, x -> x['system'] = '\"email\"')[1]",
        },
        {
            "id_codings": "list_transform(id_types, t -> fj_objs(t['coding']))",
            "given": "fj_strs(name['given'])",
            "address_lines": "fj_strs(address['line'])",
        },
        {
            "type_codes": "list_transform(id_codings, cs -> list_transform(cs, c -> fj_str(c['code'])))",
        },
        {
            # _identifier(): the first identifier whose type has the code
            "mr_identifier": "ids[list_position("
            "list_transform(type_codes, cs -> list_contains(cs, 'MR')), true)]",
            "ss_identifier": "ids[list_position("
            "list_transform(type_codes, cs -> list_contains(cs, 'SS')), true)]",
        },
    ],
    "appointments": [
        {
            "participants": "fj_objs(m['participant'])",
            "status": "fj_str(m['status'])",
            "meta": "fj_obj(m['meta'])",
            "created_text": "fj_str(m['created'])",
            "start_text": "fj_str(m['start'])",
            "end_text": "fj_str(m['end'])",
            "appointment_type": "fj_obj(m['appointmentType'])",
            "cancelation_reason": "fj_obj(m['cancelationReason'])",
        },
        {
            "actors": "list_transform(participants, p -> fj_obj(p['actor']))",
            "last_updated": "fj_str(meta['lastUpdated'])",
            "appointment_type_codings": "fj_codings(appointment_type)",
            "cancelation_reason_codings": "fj_codings(cancelation_reason)",
        },
        {
            "actor_identifiers": "list_transform(actors, a -> fj_obj(a['identifier']))",
            "last_updated_at": "fj_dt(last_updated)",
        },
        {
            "parts": "list_transform(actors, (a, i) -> {'ref': coalesce(fj_str(a['reference']), ''), "
            "'ident': fj_str(actor_identifiers[i]['value']), 'display': fj_str(a['display'])})",
        },
        {
            "patient_parts": "list_filter(parts, p -> starts_with(p.ref, 'Patient/'))",
            "practitioner_parts": "list_filter(parts, p -> starts_with(p.ref, 'Practitioner/'))",
            "location_parts": "list_filter(parts, p -> starts_with(p.ref, 'Location/'))",
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
            "period": "fj_obj(m['period'])",
            "subject": "fj_obj(m['subject'])",
            "hospitalization": "fj_obj(m['hospitalization'])",
            "locations": "fj_objs(m['location'])",
            "class": "fj_obj(m['class'])",
            # serviceType: a list reads as its first item
            "service": "fj_obj(case when starts_with(m['serviceType'], '[') "
            "then json_transform(m['serviceType'], '[\"JSON\"]')[1] else m['serviceType'] end)",
        },
        {
            "period_start": "fj_str(period['start'])",
            "period_end": "fj_str(period['end'])",
            "location": "fj_obj(locations[1]['location'])",
            "discharge": "fj_obj(hospitalization['dischargeDisposition'])",
            "class_codings": "fj_codings(class)",
            "service_codings": "fj_codings(service)",
        },
        {
            "discharge_codings": "fj_codings(discharge)",
        },
    ],
    "fhir_locations": [
        {
            "part_of": "fj_obj(m['partOf'])",
            "physical": "fj_obj(m['physicalType'])",
            "operational": "fj_obj(m['operationalStatus'])",
        },
        {
            "physical_codings": "fj_codings(physical)",
            "operational_codings": "fj_codings(operational)",
        },
    ],
}
# Maps (fj_dup), lists of maps (fj_dups) and lists of those (fj_dupss) read: a duplicate key in one sends the line to the
# reference. `m` is checked for every table.
OBJECTS: dict[str, dict[str, str]] = {
    "patients": {
        "ids": "fj_dups",
        "names": "fj_dups",
        "addresses": "fj_dups",
        "telecom": "fj_dups",
        "id_types": "fj_dups",
        "id_codings": "fj_dupss",
    },
    "appointments": {
        "participants": "fj_dups",
        "actors": "fj_dups",
        "actor_identifiers": "fj_dups",
        "meta": "fj_dup",
        "appointment_type": "fj_dup",
        "appointment_type_codings": "fj_dups",
        "cancelation_reason": "fj_dup",
        "cancelation_reason_codings": "fj_dups",
    },
    "fhir_encounters": {
        "period": "fj_dup",
        "subject": "fj_dup",
        "hospitalization": "fj_dup",
        "locations": "fj_dups",
        "location": "fj_dup",
        "class": "fj_dup",
        "class_codings": "fj_dups",
        "service": "fj_dup",
        "service_codings": "fj_dups",
        "discharge": "fj_dup",
        "discharge_codings": "fj_dups",
    },
    "fhir_locations": {
        "part_of": "fj_dup",
        "physical": "fj_dup",
        "physical_codings": "fj_dups",
        "operational": "fj_dup",
        "operational_codings": "fj_dups",
    },
}

ROWS: dict[str, dict[str, str]] = {
    "patients": {
        "mrn": "coalesce(fj_str(mr_identifier['value']), fj_str(m['id']))",
        "first_name": "given[1]",
        "last_name": "fj_str(name['family'])",
        "birth_date": "fj_str(m['birthDate'])",
        "sex": _case("gender", SEX),
        "address_line": "array_to_string(address_lines, ', ')",
        "city": "fj_str(address['city'])",
        "state": "fj_str(address['state'])",
        "zip": "fj_str(address['postalCode'])",
        "phone": "fj_str(phone_telecom['value'])",
        "email": "fj_str(email_telecom['value'])",
        "ssn": "fj_str(ss_identifier['value'])",
        "member_id": "null",
        "payer_id": "null",
    },
    "appointments": {
        "appointment_id": "fj_str(m['id'])",
        "mrn": "list_filter(list_transform(patient_parts, "
        "p -> coalesce(p.ident, nullif(p.ref[9:], ''))), x -> x is not null)[1]",
        "facility_id": "null",
        "department_id": "nullif(department.ref[10:], '')",
        "department_name": "department.display",
        "provider_id": "nullif(provider.ref[14:], '')",
        "provider_name": "provider.display",
        "visit_type": "fj_code(appointment_type, appointment_type_codings)",
        "is_new_patient": "null",
        "booked_at": "fj_dt(created_text)",
        "slot_start_at": "fj_dt(start_text)",
        "slot_end_at": "fj_dt(end_text)",
        "status": _case("status", APPOINTMENT_STATUS),
        "status_changed_at": "last_updated_at",
        "cancelled_at": "case when status = 'cancelled' then last_updated_at end",
        "cancel_reason": "fj_code(cancelation_reason, cancelation_reason_codings)",
        "cancel_initiator": "null",
        "checked_in_at": "null",
        "comment": "fj_str(m['comment'])",
    },
    "fhir_encounters": {
        "encounter_id": "fj_str(m['id'])",
        "patient_reference": "fj_str(subject['reference'])",
        "class_code": "fj_code(class, class_codings)",
        "status": "fj_str(m['status'])",
        "period_start": "fj_dt(period_start)",
        "period_end": "fj_dt(period_end)",
        "location_reference": "fj_str(location['reference'])",
        "service_type": "fj_code(service, service_codings)",
        "discharge_disposition": "fj_code(discharge, discharge_codings)",
    },
    "fhir_locations": {
        "location_id": "fj_str(m['id'])",
        "name": "fj_str(m['name'])",
        "physical_type": "fj_code(physical, physical_codings)",
        "operational_status": "fj_code(operational, operational_codings)",
        "part_of_reference": "fj_str(part_of['reference'])",
    },
}
BASE_COLUMNS = {"f", "n", "line", "raw", "simple", "m", "resource_type", "kind", "bail"}
_names = [name for stages in STAGES.values() for stage in stages for name in stage]
assert len(_names) == len(set(_names)) and not set(_names) & (BASE_COLUMNS | set(ROWS))
assert all(set(OBJECTS[t]) <= set(_names) - set(ROWS[t]) for t in OBJECTS)
assert all(list(ROWS[t]) == table_columns(t) for t in ROWS) and set(ROWS) == set(MAPPERS)


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
                                       then fj_text(o['resourceType']) end)[1]
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
    ctes = [
        f"""s as (
            select f, n, line, fj_raw(line) as raw, json_transform(fj_raw(line), {MAP_TYPE}) as m
            from _fhir_lines where kind = {_sql_str(table)}
        )"""
    ]
    previous = "s"
    for level, stage in enumerate(STAGES[table]):
        columns = ", ".join(f"{expr} as {name}" for name, expr in stage.items())
        ctes.append(f"s{level} as (select *, {columns} from {previous})")
        previous = f"s{level}"
    # Empty strings are None, as in build_table.
    columns = ", ".join(
        f"nullif(({expr})::varchar, '') as {_ident(col)}" for col, expr in ROWS[table].items()
    )
    objects = ", ".join(["m", *(_ident(name) for name in OBJECTS[table])])
    ctes.append(f"mapped as (select f, n, line, raw, {objects}, {columns} from {previous})")
    names = ", ".join(_ident(col) for col in ROWS[table])
    duplicates = " or ".join(
        ["fj_dup(m)"]
        + [f"{check}({_ident(name)})" for name, check in OBJECTS[table].items()]
    )
    return f"""
        with {", ".join(ctes)},
        checked as (
            select *, {duplicates} or contains(concat_ws('', {names}), {BAIL}) as bail
            from mapped
        )
        select f, n, bail, case when bail then line end as line,
            case when not bail then sha256(raw) end as _row_hash, {names}
        from checked
    """


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
        results.update(_read_halving(scanned))
    return {path: results[path] for path in paths}


def _read_halving(paths: list[Path]) -> dict[Path, ReadResult]:
    """Scan the files together; when DuckDB stops on one, scan each half again, so that only the
    file(s) it stops on go to the reference. A mistake in the SQL itself is raised."""
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
    con = duckdb.connect()
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
