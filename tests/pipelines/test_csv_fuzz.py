"""Fuzzed CSV extracts never crash ingest and always balance the ledger."""

from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.lib.duck import phi_connection
from pipelines.lib.ingest import ingest_feeds

GOOD = (
    "snapshot_date,facility_id,facility_name,unit_id,unit_name,unit_type,room_id,bed_id,"
    "bed_status,is_staffed,is_licensed\n"
    + "".join(f"2026-03-02,FAC_A,North,U1,ICU One,ICU,R{i},B{i},O,Y,Y\n" for i in range(1, 9))
).encode()

mutation = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, len(GOOD) - 1), st.integers(0, 255)),
    st.tuples(st.just("insert"), st.integers(0, len(GOOD)), st.binary(min_size=1, max_size=8)),
    st.tuples(st.just("delete"), st.integers(0, len(GOOD) - 1), st.integers(1, 40)),
    st.tuples(
        st.just("insert"),
        st.integers(0, len(GOOD)),
        st.sampled_from([b'"', b",", b"\n", b"\r\n", b"\xef\xbb\xbf", b"\xff\xfe", b'""', b"\x00"]),
    ),
)


def mutate(data: bytes, ops: list[tuple]) -> bytes:
    buf = bytearray(data)
    for kind, pos, arg in ops:
        pos = min(pos, len(buf))
        if kind == "flip" and buf:
            buf[min(pos, len(buf) - 1)] = arg
        elif kind == "insert":
            buf[pos:pos] = arg
        elif kind == "delete":
            del buf[pos : pos + arg]
    return bytes(buf)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(mutation, min_size=1, max_size=4))
def test_fuzzed_bed_master_balances(ops_env: Path, ops: list[tuple]) -> None:
    landing = ops_env / "landing"
    shutil.rmtree(ops_env, ignore_errors=True)
    (landing / "bed_master").mkdir(parents=True)
    (landing / "bed_master" / "FAC_A_2026-03-02.csv").write_bytes(mutate(GOOD, ops))
    con = phi_connection(with_warehouse=True)
    try:
        [outcome] = ingest_feeds(con, str(landing), ["bed_master"])
        assert outcome.balanced, outcome
        in_raw = con.execute("select count(*) from phi.raw.bed_master").fetchone()[0]
        quarantined = con.execute("select count(*) from phi.raw._quarantine").fetchone()[0]
        assert in_raw == outcome.loaded_rows
        assert quarantined == outcome.quarantined_rows
    finally:
        con.close()
