"""X12 child rows (claim lines, remit adjustments) load in full, de-duplicated with their parent."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from pipelines.lib.duck import phi_connection
from pipelines.lib.ingest import ingest_feeds
from tests.readers.fixtures import REMITS_835, x12_interchange

# A third claim whose CAS segment is the same text as the first claim's: a different adjustment.
SAME_CAS_ON_ANOTHER_CLAIM = [
    *REMITS_835[:-1],
    "CLP*ACCT003*1*30.00*0*0*12*PCN003",
    "CAS*CO*45*30.00",
    REMITS_835[-1],
]


def _write(landing: Path, name: str) -> None:
    folder = landing / "remits_835"
    folder.mkdir(parents=True, exist_ok=True)
    text = x12_interchange([SAME_CAS_ON_ANOTHER_CLAIM], code="835", version="005010X221A1")
    (folder / name).write_text(text)


@pytest.fixture
def landing(ops_env: Path) -> Path:
    _write(ops_env / "landing", "FAC_A_2026-03-15.x12")
    return ops_env / "landing"


def test_every_adjustment_is_loaded(landing: Path) -> None:
    con = phi_connection(with_warehouse=True)
    [outcome] = ingest_feeds(con, str(landing), ["remits_835"])

    assert (outcome.source_rows, outcome.loaded_rows, outcome.duplicate_rows) == (3, 3, 0)
    rows = con.execute(
        "select claim_id, level, group_code, reason_code, amount from phi.raw.remit_adjustments "
        "order by _source_line, adjustment_sequence"
    ).fetchall()
    # CO-45 on claim 1; PR-1 and PR-2 from one CAS segment; CO-50 on claim 2; CO-45 again (same
    # text) on claim 3; the PLB's two pairs.
    assert [(r[0], r[2], r[3], r[4]) for r in rows] == [
        ("ACCT001", "CO", "45", Decimal("30.00")),
        ("ACCT001", "PR", "1", Decimal("20.00")),
        ("ACCT001", "PR", "2", Decimal("0.00")),
        ("ACCT002", "CO", "50", Decimal("75.50")),
        ("ACCT003", "CO", "45", Decimal("30.00")),
        (None, "WO", None, Decimal("-10.00")),
        (None, "L6", None, Decimal("5.00")),
    ]
    assert outcome.child_rows_loaded == 7


def test_a_resent_file_adds_no_adjustment(landing: Path) -> None:
    con = phi_connection(with_warehouse=True)
    ingest_feeds(con, str(landing), ["remits_835"])
    # The same interchange again under another name (a re-sent file): every row a duplicate.
    (landing / "remits_835" / "FAC_A_2026-03-16.x12").write_text(
        (landing / "remits_835" / "FAC_A_2026-03-15.x12").read_text() + "\n"
    )
    [_, again] = ingest_feeds(con, str(landing), ["remits_835"])

    assert (again.source_rows, again.loaded_rows, again.duplicate_rows) == (3, 0, 3)
    assert again.child_rows_loaded == 0
    assert con.execute("select count(*) from phi.raw.remit_adjustments").fetchone()[0] == 7
