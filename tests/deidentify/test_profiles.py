"""Profiles: ZIP3 with the restricted list, birth year and the 90+ boundary, event times, Safe
Harbor property.
"""

from __future__ import annotations

import csv
import re
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data_contracts.contract import Column, load_contracts
from deidentify import profiles
from deidentify.profiles import (
    AGE_90_FLAG,
    RESTRICTED_ZIP3,
    ProfileOptions,
    column_outputs,
    column_sql,
    output_schema,
)

CON = duckdb.connect()
SEED = Path(profiles.__file__).parent / "reference" / "restricted_zip3.csv"
UNRESTRICTED = [
    ("02134", "021"),
    ("2134", "021"),  # spreadsheet-stripped leading zero
    ("10001", "100"),
    ("94110-1234", "941"),
    ("941101234", "941"),
    ("03700", "037"),
    ("55699", "556"),  # restricted prefix: see the safe_harbor case below
]


def _eval(expr: str, **values: object) -> object:
    cols = ", ".join(f"? as {name}" for name in values) or "1 as _"
    return CON.execute(f"select {expr} from (select {cols}) r", list(values.values())).fetchone()[0]


def test_restricted_list_is_the_union_of_both_vintages():
    assert len(RESTRICTED_ZIP3) == 19
    assert "063" in RESTRICTED_ZIP3  # the code several public copies lose
    assert {"205", "369", "790", "830", "831", "890"} <= RESTRICTED_ZIP3
    with SEED.open() as fh:
        rows = list(csv.DictReader(fh))
    assert {r["zip3"] for r in rows} == RESTRICTED_ZIP3
    assert len(rows) == 19
    assert all(r["census_vintage"] and r["source"] for r in rows)


@pytest.mark.parametrize("zip3", sorted(RESTRICTED_ZIP3))
def test_restricted_zip3_becomes_000_under_safe_harbor(zip3):
    for raw in (f"{zip3}45", f"{zip3}45-6789"):
        assert _eval(profiles.zip3_sql("r.zip", "safe_harbor"), zip=raw) == "000"
        assert _eval(profiles.zip3_sql("r.zip", "limited"), zip=raw) == zip3


@pytest.mark.parametrize(("raw", "expected"), UNRESTRICTED[:-1])
def test_unrestricted_zip3_kept(raw, expected):
    assert _eval(profiles.zip3_sql("r.zip", "safe_harbor"), zip=raw) == expected
    assert _eval(profiles.zip3_sql("r.zip", "limited"), zip=raw) == expected


@pytest.mark.parametrize("raw", ["abc", "123", "", None])
def test_unreadable_zip_is_null(raw):
    assert _eval(profiles.zip3_sql("r.zip", "safe_harbor"), zip=raw) is None


@pytest.mark.parametrize(
    ("birth", "extract", "limited", "safe_harbor", "flag"),
    [
        (date(1936, 3, 9), date(2026, 3, 8), 1936, 1936, False),  # 89 the day before the birthday
        (date(1936, 3, 8), date(2026, 3, 8), 1936, None, True),  # 90 on the birthday
        (date(1937, 1, 1), date(2026, 12, 31), 1937, 1937, False),  # 89
        (date(1920, 6, 1), date(2026, 3, 8), 1920, None, True),
        (date(2026, 1, 1), date(2026, 3, 8), 2026, 2026, False),
    ],
)
def test_birth_year_and_age_boundary(birth, extract, limited, safe_harbor, flag):
    col = Column(name="birth_date", type="date", phi="quasi_identifier", deid="birth_date")
    for profile, expected in (("limited", limited), ("safe_harbor", safe_harbor)):
        outputs = dict(column_outputs(col, profile))
        assert _eval(outputs["birth_year"], birth_date=birth, _extract_date=extract) == expected
        assert _eval(outputs[AGE_90_FLAG], birth_date=birth, _extract_date=extract) is flag


def test_event_time_exact_under_limited_and_year_under_safe_harbor():
    ts = Column(name="admit_at", type="timestamp", phi="quasi_identifier", deid="event_time")
    day = Column(name="discharge_date", type="date", phi="quasi_identifier", deid="event_time")
    when = datetime(2026, 3, 8, 2, 30)
    assert _eval(column_sql(ts, "limited"), admit_at=when) == when
    assert _eval(column_sql(ts, "safe_harbor"), admit_at=when) == datetime(2026, 1, 1)
    assert _eval(column_sql(day, "safe_harbor"), discharge_date=date(2026, 3, 8)) == date(
        2026, 1, 1
    )


def test_date_shift_offsets_are_nonzero_and_bounded():
    expr = profiles.shift_days_sql("s")
    rows = CON.execute(
        f"select min({expr}), max({expr}), count(*) filter ({expr} = 0) "
        "from (select 'D' || upper(replace(gen_random_uuid()::varchar, '-', '')) as s "
        "from range(20000))"
    ).fetchone()
    assert -182 <= rows[0] < -170
    assert 170 < rows[1] <= 182
    assert rows[2] == 0


def test_date_shift_replaces_event_time_and_flags_safe_harbor():
    contract = load_contracts()["notes"]
    col = contract.column("written_at")
    sql = column_sql(col, ProfileOptions("safe_harbor", date_shift=True))
    assert "ds.surrogate" in sql
    assert profiles.needs_expert_determination(contract, ProfileOptions("safe_harbor", True))
    assert not profiles.needs_expert_determination(contract, ProfileOptions("safe_harbor", False))
    assert not profiles.needs_expert_determination(contract, ProfileOptions("limited", True))


def test_output_schema_drops_identifiers_and_renames():
    names = [n for n, _ in output_schema(load_contracts()["patients"])]
    for gone in ("mrn", "first_name", "last_name", "address_line", "city", "phone", "email", "ssn"):
        assert gone not in names
    assert names[:3] == ["patient_key", "birth_year", AGE_90_FLAG]
    assert "member_key" in names
    assert names[-4:] == ["_raw_id", "_source_file", "_source_line", "_extract_date"]
    assert column_sql(load_contracts()["patients"].column("ssn"), "safe_harbor") is None


def test_unknown_profile_rejected():
    with pytest.raises(ValueError, match="profile"):
        ProfileOptions("none")


ZIPS = st.one_of(
    st.from_regex(r"\A[0-9]{3,10}\Z"),
    st.from_regex(r"\A[0-9]{5}-[0-9]{4}\Z"),
    st.sampled_from([f"{z}01" for z in sorted(RESTRICTED_ZIP3)]),
    st.text(max_size=12),
)
DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31))
TIMES = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2030, 12, 31))


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(st.tuples(ZIPS, DATES, TIMES, DATES, DATES), min_size=1, max_size=20),
)
def test_safe_harbor_outputs_hold_no_5_digit_zip_sub_year_date_or_age_over_89(rows):
    cols = [
        Column(name="zip", type="varchar", phi="quasi_identifier", deid="zip3"),
        Column(name="birth_date", type="date", phi="quasi_identifier", deid="birth_date"),
        Column(name="admit_at", type="timestamp", phi="quasi_identifier", deid="event_time"),
        Column(name="discharge_date", type="date", phi="quasi_identifier", deid="event_time"),
    ]
    exprs = [(n, e) for c in cols for n, e in column_outputs(c, "safe_harbor")]
    con = duckdb.connect()
    con.execute(
        "create table r (zip varchar, birth_date date, admit_at timestamp, discharge_date date, "
        "_extract_date date)"
    )
    con.executemany("insert into r values (?, ?, ?, ?, ?)", [list(row) for row in rows])
    select = ", ".join(f"{e} as {n}" for n, e in exprs)
    out = con.execute(f"select {select}, r.birth_date, r._extract_date from r").fetchall()
    con.close()
    for zip3, birth_year, age_90, admit, discharge, birth, extract in out:
        assert zip3 is None or re.fullmatch(r"[0-9]{3}", zip3)
        assert zip3 not in RESTRICTED_ZIP3
        assert (admit.month, admit.day, admit.hour, admit.minute, admit.second) == (1, 1, 0, 0, 0)
        assert (discharge.month, discharge.day) == (1, 1)
        assert isinstance(birth_year, int | type(None))
        age = _age(birth, extract)
        if age > 89:
            assert birth_year is None and age_90 is True
        else:
            assert birth_year == birth.year and age_90 is False


def test_date_shift_follows_patient_then_account():
    contracts = load_contracts()
    assert profiles.date_shift_key_column(contracts["adt_events"]).name == "mrn"
    assert profiles.date_shift_key_column(contracts["claims"]).surrogate_namespace == "account"
    assert profiles.date_shift_key_column(contracts["claim_lines"]).surrogate_namespace == "account"
    assert profiles.date_shift_key_column(contracts["bed_master"]) is None
