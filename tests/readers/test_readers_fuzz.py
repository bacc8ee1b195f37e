"""Mutated HL7/X12/NDJSON files never crash a reader and always balance the ledger."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.lib.readers import read_fhir_ndjson, read_hl7v2, read_x12
from pipelines.lib.readers.base import ReadResult
from tests.readers.fixtures import (
    CLAIMS_837P,
    REMITS_835,
    adt_message,
    fhir_lines,
    hl7_file,
    siu_message,
    x12_interchange,
)
from tests.readers.helpers import check_ledger, check_shape

HL7 = hl7_file(adt_message("M1"), adt_message("M2", "A02"), siu_message("S1")).encode()
X12_837 = x12_interchange([CLAIMS_837P, CLAIMS_837P[:]]).encode()
X12_835 = x12_interchange([REMITS_835], code="835", version="005010X221A1").encode()
NDJSON = ("\n".join(fhir_lines()) + "\n").encode()
# Values of the fixtures that must never appear in a reject reason (reasons reach dq.quarantine).
PHI_VALUES = ["MRN123", "ACCT789", "999001234", "MEM001", "ACCT001", "MRN900", "Testperson"]

SPECIALS = [
    b"\r",
    b"\n",
    b"\r\n",
    b"\x0b",
    b"\x1c",
    b"\xef\xbb\xbf",
    b"\xff",
    b"\x00",
    b"|",
    b"^",
    b"~",
    b"*",
    b":",
    b"MSH|^~\\&|",
    b"ISA",
    b"SE*3*0001~",
    b"CLM*X*1~",
    b"{",
    b'"resourceType"',
]


def mutations(size: int) -> st.SearchStrategy:
    position = st.integers(0, size)
    return st.lists(
        st.one_of(
            st.tuples(st.just("truncate"), position, st.just(b"")),
            st.tuples(st.just("flip"), position, st.binary(min_size=1, max_size=1)),
            st.tuples(st.just("insert"), position, st.sampled_from(SPECIALS)),
            st.tuples(st.just("insert"), position, st.binary(min_size=1, max_size=12)),
            st.tuples(st.just("delete"), position, st.binary(min_size=1, max_size=40)),
            st.tuples(
                st.just("drop"), st.just(0), st.sampled_from([b"MSH", b"ISA", b"IEA", b"SE*"])
            ),
        ),
        min_size=1,
        max_size=4,
    )


def mutate(data: bytes, ops: list[tuple]) -> bytes:
    buf = bytearray(data)
    for kind, pos, arg in ops:
        pos = min(pos, len(buf))
        if kind == "truncate":
            del buf[pos:]
        elif kind == "flip" and buf:
            buf[min(pos, len(buf) - 1)] = arg[0]
        elif kind == "insert":
            buf[pos:pos] = arg
        elif kind == "delete":
            del buf[pos : pos + len(arg)]
        elif kind == "drop":
            buf = bytearray(bytes(buf).replace(arg, b"", 1))
    return bytes(buf)


def run(reader: Callable[[Path], ReadResult], data: bytes) -> ReadResult:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzzed.dat"
        path.write_bytes(data)
        result = reader(path)
    check_shape(result)
    check_ledger(result)
    for reject in result.rejects:
        assert not any(value in reject.reason for value in PHI_VALUES), reject.reason
    return result


def check_children(result: ReadResult, parent: str, child: str, key: str) -> None:
    """Child rows only for emitted parents (PLB rows, clp_sequence 0, belong to no CLP)."""
    parents = set(result.tables[parent].column(key).to_pylist())
    for value in result.tables[child].column(key).to_pylist():
        assert value in parents or (key == "clp_sequence" and value == "0")


FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)


@FUZZ
@given(ops=mutations(len(HL7)), table=st.sampled_from(["adt_events", "siu_events"]))
def test_hl7_fuzz(ops: list[tuple], table: str) -> None:
    run(lambda p: read_hl7v2(p, table), mutate(HL7, ops))


@FUZZ
@given(ops=mutations(len(X12_837)), strict=st.booleans())
def test_x12_837_fuzz(ops: list[tuple], strict: bool) -> None:
    result = run(lambda p: read_x12(p, "claims", strict_segment_count=strict), mutate(X12_837, ops))
    check_children(result, "claims", "claim_lines", "claim_id")


@FUZZ
@given(ops=mutations(len(X12_835)))
def test_x12_835_fuzz(ops: list[tuple]) -> None:
    result = run(lambda p: read_x12(p, "remits"), mutate(X12_835, ops))
    check_children(result, "remits", "remit_adjustments", "clp_sequence")


@FUZZ
@given(ops=mutations(len(NDJSON)))
def test_ndjson_fuzz(ops: list[tuple]) -> None:
    run(read_fhir_ndjson, mutate(NDJSON, ops))


@settings(max_examples=100, deadline=None, database=None)
@given(data=st.binary(max_size=400))
def test_random_bytes(data: bytes) -> None:
    run(lambda p: read_hl7v2(p, "adt_events"), data)
    run(lambda p: read_x12(p, "claims"), b"ISA*" + data)
    run(lambda p: read_x12(p, "remits"), data)
    run(read_fhir_ndjson, data)
