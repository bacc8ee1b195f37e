"""The DuckDB NDJSON reader returns exactly what the per-line Python reader (the reference) returns.

Same rows (every column, `_source_line`, `_row_hash`), same rejects (line, raw text, reason), same
record counts, on the fixtures, on edge-case lines, on mutated and generated files, on batches of
files read together, and on every public FHIR sample in ../shared/realdata.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.lib.readers import fhir_ndjson_bulk
from pipelines.lib.readers.base import ReadResult
from pipelines.lib.readers.fhir_ndjson import read_fhir_ndjson_lines
from pipelines.lib.readers.fhir_ndjson_bulk import read_fhir_ndjson, read_fhir_ndjson_files
from tests.readers.fixtures import fhir_lines
from tests.readers.helpers import (
    REALDATA,
    check_ledger,
    check_shape,
    needs_realdata,
    synthea_bundle_lines,
    write,
)
from tests.readers.test_readers_fuzz import mutate, mutations

FIXTURE = "\n".join(fhir_lines()) + "\n"


def assert_same(new: ReadResult, ref: ReadResult) -> None:
    """Field by field, with the first differing row named when tables differ."""
    assert new.source_file == ref.source_file
    assert new.source_records == ref.source_records
    assert new.rejects == ref.rejects
    assert list(new.tables) == list(ref.tables)
    for name, table in ref.tables.items():
        got = new.tables[name]
        assert got.schema == table.schema, name
        if not got.equals(table):
            for a, b in zip(got.to_pylist(), table.to_pylist(), strict=False):
                assert a == b, name
            assert got.num_rows == table.num_rows, name
    check_shape(new)
    check_ledger(new)


def same_as_reference(paths: Iterable[Path]) -> dict[Path, ReadResult]:
    paths = list(paths)
    results = read_fhir_ndjson_files(paths)
    for path in paths:
        assert_same(results[path], read_fhir_ndjson_lines(path))
    return results


def check_bytes(data: bytes) -> ReadResult:
    with tempfile.TemporaryDirectory() as tmp:
        path = write(Path(tmp), "export.ndjson", data)
        return same_as_reference([path])[path]


def line(resource: object, **dumps: object) -> str:
    return json.dumps(resource, **dumps)


PATIENT = json.loads(fhir_lines()[0])
APPOINTMENT = json.loads(fhir_lines()[4])
ENCOUNTER = json.loads(fhir_lines()[1])
LOCATION = json.loads(fhir_lines()[3])


def test_fixture_and_its_line_endings(tmp_path: Path) -> None:
    variants = {
        "lf.ndjson": FIXTURE.encode(),
        "crlf.ndjson": FIXTURE.replace("\n", "\r\n").encode(),
        "bom.ndjson": b"\xef\xbb\xbf" + FIXTURE.encode(),
        "no_final_newline.ndjson": FIXTURE.rstrip("\n").encode(),
        "blank_lines.ndjson": ("\n \n\t\r\n" + FIXTURE.replace("\n", "\n\n")).encode(),
        "cr_only.ndjson": FIXTURE.replace("\n", "\r").encode(),
        "empty.ndjson": b"",
        "bom_only.ndjson": b"\xef\xbb\xbf",
        "two_boms.ndjson": b"\xef\xbb\xbf\xef\xbb\xbf" + FIXTURE.encode(),
        "cp1252.ndjson": FIXTURE.encode() + b'{"resourceType": "Location", "name": "Caf\xe9"}\n',
        "indented.ndjson": "".join(f"  {x}  \n" for x in fhir_lines()).encode(),
    }
    paths = [write(tmp_path, name, data) for name, data in variants.items()]
    results = same_as_reference(paths)
    assert results[paths[0]].source_records == 9
    assert results[paths[-2]].tables["fhir_locations"].column("name").to_pylist() == [
        "4W-401-A",
        "Caf\u00e9",
    ]


EDGE_LINES = {
    # JSON DuckDB's parser accepts and orjson does not
    "nan": '{"resourceType": "Patient", "id": "p", "x": NaN}',
    "infinity": '{"resourceType": "Patient", "id": "p", "x": [-Infinity]}',
    "inf_lower": '{"resourceType":"Patient","id":"p","x":inf}',
    "trailing_comma": '{"resourceType": "Patient", "id": "p", "x": [1, 2,]}',
    "trailing_comma_object": '{"resourceType": "Patient", "id": "p",}',
    "overflow": '{"resourceType": "Patient", "id": "p", "x": 1e400}',
    "long_integer": '{"resourceType": "Patient", "id": "p", "x": ' + "9" * 400 + "}",
    "deep_1024": '{"resourceType": "Patient", "x": ' + "[" * 1023 + "]" * 1023 + "}",
    "deep_1025": '{"resourceType": "Patient", "x": ' + "[" * 1024 + "]" * 1024 + "}",
    "lone_surrogate": '{"resourceType": "Patient", "id": "\\ud800"}',
    "surrogate_pair": '{"resourceType": "Patient", "id": "\\ud83d\\ude00"}',
    "nul_escape": '{"resourceType": "Patient", "id": "a\\u0000b"}',
    "nul_raw": '{"resourceType": "Patient", "id": "a\x00b"}',
    "tab_raw": '{"resourceType": "Patient", "id": "a\tb"}',
    "comment": '{"resourceType": "Patient"} // x',
    "two_objects": '{"resourceType": "Patient"} {"resourceType": "Patient"}',
    "nan_in_text": '{"resourceType": "Patient", "id": "x: NaN, 1e999]"}',
    # duplicate keys (orjson keeps the last)
    "dup_type": '{"resourceType": "Observation", "resourceType": "Patient", "id": "p"}',
    "dup_type_back": '{"resourceType": "Patient", "resourceType": "Observation"}',
    "dup_id": '{"resourceType": "Patient", "id": "a", "id": "b"}',
    "dup_nested": '{"resourceType": "Patient", "name": [{"family": "A", "family": "B"}]}',
    "dup_unread": '{"resourceType": "Patient", "zz": 1, "zz": 2, "id": "p"}',
    "dup_in_reject": '{"resourceType": "Basic", "id": 1, "id": 2}',
    # keys and types
    "escaped_key": '{"resourceType": "Location", "\\u006eame": "N", "id": "l"}',
    "escaped_type": '{"resourceType": "Pati\\u0065nt", "id": "p"}',
    "type_not_first": '{"id": "p", "resourceType": "Patient"}',
    "type_in_contained": '{"resourceType": "Basic", "contained": [{"resourceType": "Patient"}]}',
    "type_number": '{"resourceType": 5}',
    "type_empty": '{"resourceType": ""}',
    "type_null": '{"resourceType": null}',
    "type_object": '{"resourceType": {"a": 1}}',
    "type_non_ascii": '{"resourceType": "P\\u00e4tient"}',
    "type_non_ascii_raw": '{"resourceType": "P\u00e4tient"}',
    "type_digits": '{"resourceType": "Obs3rvation"}',
    "type_long": '{"resourceType": "' + "A" * 65 + '"}',
    "type_64": '{"resourceType": "' + "A" * 64 + '"}',
    "type_space": '{"resourceType": "Obs ervation"}',
    "type_quote": '{"resourceType": "Obs\\"x"}',
    "array": "[1, 2]",
    "string": '"Patient"',
    "no_type": '{"id": "x"}',
    "empty_object": "{}",
    # values
    "numbers": '{"resourceType": "Patient", "id": 7, "gender": -12, "birthDate": 0}',
    "minus_zero": '{"resourceType": "Patient", "id": -0}',
    "float_id": '{"resourceType": "Patient", "id": 1.5}',
    "exp_id": '{"resourceType": "Patient", "id": 1E2}',
    "big_int_id": '{"resourceType": "Patient", "id": 123456789012345678901}',
    "bool_id": '{"resourceType": "Patient", "id": true, "gender": false}',
    "object_id": '{"resourceType": "Patient", "id": {"a": 1}, "gender": [1]}',
    "null_values": '{"resourceType": "Patient", "id": null, "name": null, "address": [null]}',
    "empty_strings": '{"resourceType": "Patient", "id": "", "gender": "", "name": [{"given": ""}]}',
    "given_string": '{"resourceType": "Patient", "name": {"given": "Al", "family": 3}}',
    "given_mixed": '{"resourceType": "Patient", "name": [{"given": [null, "", 4, "B", {}]}]}',
    "line_string": '{"resourceType": "Patient", "address": {"line": "1 Main", "use": "home"}}',
    "line_mixed": '{"resourceType": "Patient", "address": [{"line": [1.5, "x"]}]}',
    "line_bool": '{"resourceType": "Patient", "address": [{"line": [true, "", "y"]}]}',
    "identifier_object": '{"resourceType": "Patient", "identifier": '
    '{"type": {"coding": {"code": "MR"}}, "value": "M1"}}',
    "identifier_no_value": '{"resourceType": "Patient", "id": "p", "identifier": '
    '[{"type": {"coding": [{"code": "MR"}]}}, {"type": {"coding": [{"code": "MR"}]}, '
    '"value": "M2"}]}',
    "identifier_numbers": '{"resourceType": "Patient", "identifier": '
    '[{"type": {"coding": [{"code": 5}, {"code": "SS"}]}, "value": 99}]}',
    "telecom_odd": '{"resourceType": "Patient", "telecom": [{"system": "phone"}, '
    '{"system": "phone", "value": "2"}, {"system": "email", "value": 3}]}',
    "gender_other": '{"resourceType": "Patient", "gender": "robot"}',
    "names_no_official": '{"resourceType": "Patient", "name": [null, {"use": "official"}]}',
    "code_null": '{"resourceType": "Encounter", "class": {"code": null, '
    '"coding": [{"code": "X"}]}}',
    "code_empty": '{"resourceType": "Encounter", "class": {"code": "", "coding": [{"code": "X"}]}}',
    "code_text": '{"resourceType": "Encounter", "class": {"coding": [{"code": ""}, {}], '
    '"text": "T"}}',
    "code_number": '{"resourceType": "Encounter", "class": {"coding": [{"code": 3.5}]}}',
    "coding_object": '{"resourceType": "Encounter", "class": {"coding": {"code": "C"}}}',
    "class_list": '{"resourceType": "Encounter", "class": [{"code": "EMER"}]}',
    "service_list": '{"resourceType": "Encounter", "serviceType": [{"coding": [{"code": "A"}]}]}',
    "service_empty": '{"resourceType": "Encounter", "serviceType": []}',
    "service_null_first": '{"resourceType": "Encounter", "serviceType": [null, {"code": "B"}]}',
    "location_object": '{"resourceType": "Encounter", "location": {"location": '
    '{"reference": "Location/1"}}}',
    "period_list": '{"resourceType": "Encounter", "period": [], "status": 1}',
    "dates": '{"resourceType": "Encounter", "period": {"start": "2026-03-01T08:00", '
    '"end": "2026-03-01T08:00:00.5+01:00"}}',
    "date_only": '{"resourceType": "Appointment", "start": "2026-03-01", "end": "2026-03"}',
    "date_newline": '{"resourceType": "Appointment", "start": "2026-03-01T08:00:00\\n"}',
    "date_unicode_digits": '{"resourceType": "Appointment", "start": "\u0662026-03-01"}',
    "date_garbage": '{"resourceType": "Appointment", "start": "tomorrow", "end": 5}',
    "participants": json.dumps(
        {
            "resourceType": "Appointment",
            "status": "proposed",
            "participant": [
                {"actor": {"reference": "Practitioner/", "display": "First"}},
                {"actor": {"reference": "Practitioner/", "display": "Second"}},
                {"actor": {"reference": "Patient/", "identifier": {"value": ""}}},
                {"actor": {"reference": "Patient/p9"}},
                {"actor": {"reference": "Patient/p10", "identifier": {"value": "M"}}},
                {"actor": {"reference": "Location/"}},
                {"actor": {"reference": "Location/L1", "display": "Clinic"}},
                {"actor": {"reference": "Location/L2", "display": "Other"}},
                {"actor": {"reference": 7}},
                {"actor": "Patient/p11"},
                None,
            ],
        }
    ),
    "participants_no_id": json.dumps(
        {
            "resourceType": "Appointment",
            "status": "cancelled",
            "meta": {"lastUpdated": "2026-01-02T03:04:05Z"},
            "participant": [
                {"actor": {"reference": "Practitioner/", "display": "First"}},
                {"actor": {"reference": "Practitioner/", "display": "Second"}},
            ],
        }
    ),
    "participant_object": '{"resourceType": "Appointment", "participant": '
    '{"actor": {"reference": "Patient/p1"}}}',
    "reference_number": '{"resourceType": "Location", "partOf": {"reference": 12}}',
    "escapes": '{"resourceType": "Location", "name": "a\\"b\\\\c\\/d\\u00e9\\n", "id": "\\t"}',
    "unicode": '{"resourceType": "Location", "name": "Caf\u00e9 \u2028 \U0001f600"}',
    "whitespace": '{ "resourceType" : "Location" , "name" : "x" }',
    "huge": json.dumps({**LOCATION, "description": "x" * 2_000_000}),
}


def test_edge_case_lines(tmp_path: Path) -> None:
    # One file per line (a duplicate key sends its whole file to the reference) and all lines in
    # one file, read together in one batch.
    paths = [write(tmp_path, f"{name}.ndjson", text + "\n") for name, text in EDGE_LINES.items()]
    paths.append(write(tmp_path, "all.ndjson", "\n".join(EDGE_LINES.values()) + "\n"))
    paths.append(write(tmp_path, "fixture.ndjson", FIXTURE))
    same_as_reference(paths)


@pytest.mark.parametrize("groups", [1, 3])
def test_batch_of_good_and_bad_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, groups: int
) -> None:
    # Read as one group, or as three groups side by side (each its own DuckDB).
    monkeypatch.setattr(fhir_ndjson_bulk, "GROUP_MIN_BYTES", 1)
    monkeypatch.setattr(fhir_ndjson_bulk, "_cores", lambda: groups)
    good = [write(tmp_path, f"good{i}.ndjson", FIXTURE) for i in range(3)]
    dup = write(tmp_path, "dup.ndjson", FIXTURE + EDGE_LINES["dup_nested"] + "\n")
    latin = write(tmp_path, "latin.ndjson", FIXTURE.encode() + b'{"id": "\xff"}\n')
    globbed = write(tmp_path, "glob[1].ndjson", FIXTURE)
    results = same_as_reference([good[0], dup, good[1], latin, globbed, good[2], good[0]])
    assert len(results) == 6


def test_missing_file_raises_oserror(tmp_path: Path) -> None:
    with pytest.raises(OSError, match=r"missing\.ndjson"):
        read_fhir_ndjson(tmp_path / "missing.ndjson")


def test_generated_export_is_read_in_sql(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Synthea-shaped resources never need the reference: each line is mapped in SQL."""
    from bench.fhir_ndjson import write_export

    paths = write_export(tmp_path, resources=600, files=3, seed=3)
    calls = []
    original = fhir_ndjson_bulk.LineCollector.add

    def counting(self, number: int, text: str) -> None:
        calls.append(number)
        original(self, number, text)

    monkeypatch.setattr(fhir_ndjson_bulk.LineCollector, "add", counting)
    results = read_fhir_ndjson_files(paths)
    assert calls == []
    monkeypatch.undo()
    for path in paths:
        assert_same(results[path], read_fhir_ndjson_lines(path))
    assert sum(r.source_records for r in results.values()) == 600


FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)


@FUZZ
@given(ops=mutations(len(FIXTURE.encode())))
def test_mutated_fixture(ops: list[tuple]) -> None:
    check_bytes(mutate(FIXTURE.encode(), ops))


# Keys read below the top level (and a few that are not), for generated objects.
NESTED_KEYS = (
    "code coding text value type use system reference display identifier actor given family "
    "line city state postalCode start end location dischargeDisposition lastUpdated"
).split()
# JSON values of every type, to put where the mappers read.
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(
        [
            *["", "\\", "\u00e9", "Patient/p1", "Practitioner/", "Location/L"],
            *["2026-03-01T08:00:00Z", "2026-03-01"],
            *"MR SS official home phone email cancelled female noshow".split(),
        ]
    ),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(NESTED_KEYS), children, max_size=4)
    ),
    max_leaves=8,
)
# The top-level keys each mapper reads
READ_PATHS = {
    "Patient": "id identifier name gender birthDate address telecom".split(),
    "Appointment": (
        "id participant status meta appointmentType created start end cancelationReason comment"
    ).split(),
    "Encounter": "id subject class status period location serviceType hospitalization".split(),
    "Location": "id name physicalType operationalStatus partOf".split(),
}
BASES = {
    "Patient": PATIENT,
    "Appointment": APPOINTMENT,
    "Encounter": ENCOUNTER,
    "Location": LOCATION,
}


@st.composite
def resources(draw: st.DrawFn) -> dict:
    """A fixture resource with some read paths replaced by arbitrary JSON (at any depth)."""
    kind = draw(st.sampled_from(sorted(BASES)))
    resource = json.loads(json.dumps(BASES[kind]))
    for key in draw(st.lists(st.sampled_from(READ_PATHS[kind]), max_size=3)):
        target = resource
        # sometimes replace a nested value of the key instead of the key itself
        while isinstance(target.get(key), dict | list) and draw(st.booleans()):
            inner = target[key]
            if isinstance(inner, list):
                if not inner:
                    break
                index = draw(st.integers(0, len(inner) - 1))
                if not isinstance(inner[index], dict) or not inner[index]:
                    break
                target, key = inner[index], draw(st.sampled_from(sorted(inner[index])))
            else:
                if not inner:
                    break
                target, key = inner, draw(st.sampled_from(sorted(inner)))
        target[key] = draw(json_values)
    return resource


@FUZZ
@given(
    items=st.lists(
        st.tuples(resources(), st.booleans(), st.sampled_from([(", ", ": "), (",", ":")])),
        min_size=1,
        max_size=6,
    ),
    ending=st.sampled_from(["\n", "\r\n"]),
)
def test_generated_resources(items: list, ending: str) -> None:
    text = ending.join(
        json.dumps(r, ensure_ascii=ascii_only, separators=sep) for r, ascii_only, sep in items
    )
    check_bytes((text + ending).encode())


@FUZZ
@given(
    parts=st.lists(
        st.one_of(
            st.sampled_from(fhir_lines() + list(EDGE_LINES.values())[:-1]),
            st.sampled_from(["", " ", "\r", "\t", "\ufeff", "\x0c", "\x1c", "\u3000"]),
            st.text(max_size=20),
        ),
        max_size=12,
    ),
    ending=st.sampled_from(["\n", "\r\n", "\r", "\n\n"]),
    bom=st.booleans(),
)
def test_mixed_lines(parts: list[str], ending: str, bom: bool) -> None:
    data = ending.join(parts).encode("utf-8", errors="surrogatepass")
    check_bytes((b"\xef\xbb\xbf" if bom else b"") + data)


@settings(max_examples=60, deadline=None, database=None)
@given(data=st.binary(max_size=300))
def test_random_bytes(data: bytes) -> None:
    check_bytes(data)


FHIR_DIR = REALDATA / "fhir-bulk-ndjson"
SYNTHEA_FHIR = REALDATA / "synthea-2024-run" / "fhir"


@pytest.mark.realdata
@needs_realdata()
def test_every_public_fhir_sample() -> None:
    paths = sorted(FHIR_DIR.glob("*/*.ndjson"))
    if not paths:
        pytest.skip("no FHIR NDJSON samples")
    results = same_as_reference(paths)
    assert sum(r.tables["fhir_encounters"].num_rows for r in results.values()) >= 1


@pytest.mark.realdata
@needs_realdata()
def test_synthea_bundles_as_ndjson(tmp_path: Path) -> None:
    bundles = sorted(SYNTHEA_FHIR.glob("*.json"))
    if not bundles:
        pytest.skip("no Synthea bundles")
    lines = synthea_bundle_lines(bundles)
    path = write(tmp_path, "bundles.ndjson", "\n".join(lines) + "\n")
    [result] = same_as_reference([path]).values()
    assert result.tables["patients"].num_rows >= 1


def test_empty_tables_have_the_reference_schema(tmp_path: Path) -> None:
    path = write(tmp_path, "one.ndjson", fhir_lines()[3] + "\n")
    result = same_as_reference([path])[path]
    assert result.tables["patients"].num_rows == 0
    assert isinstance(result.tables["patients"], pa.Table)


KEYS = sorted({"resourceType", *NESTED_KEYS, *(k for keys in READ_PATHS.values() for k in keys)})


def _dump(value: object) -> str:
    """JSON text of a value whose objects are lists of (key, value) pairs: keys may repeat."""
    if isinstance(value, tuple):  # an object
        return "{" + ",".join(f"{json.dumps(k)}:{_dump(v)}" for k, v in value) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_dump(v) for v in value) + "]"
    return json.dumps(value)


pair_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 5)
    | st.sampled_from(
        [
            *["", "2026-03-01T08:00:00Z", "Patient/p", "Practitioner/d", "Location/l"],
            *"MR official home phone cancelled x".split(),
        ]
    ),
    lambda children: (
        st.lists(children, max_size=3)
        | st.lists(st.tuples(st.sampled_from(KEYS), children), max_size=4).map(tuple)
    ),
    max_leaves=10,
)


@FUZZ
@given(
    kind=st.sampled_from(sorted(BASES)),
    body=st.lists(st.tuples(st.sampled_from(KEYS), pair_values), max_size=6),
)
def test_duplicate_keys_anywhere(kind: str, body: list) -> None:
    """Objects with repeated keys at any depth: the reference keeps the last value of a key."""
    resource = (("resourceType", kind), *body)
    check_bytes((_dump(resource) + "\n").encode())
