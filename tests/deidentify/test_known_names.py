"""The dictionary pass redacts names the PHI zone knows, and spares eponyms used as terms."""

from __future__ import annotations

import pytest

from data_contracts.contract import load_contracts
from deidentify.known_names import KnownNameRedactor, load_known_names
from pipelines.lib.duck import phi_connection
from pipelines.lib.ingest import ensure_raw_table

NAMES = frozenset({"grant", "miguel", "hoffman", "salazar", "parkinson"})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Allergic reaction - per EMS, Grant, Miguel found at home",
            "Allergic reaction - per EMS, <PERSON>, <PERSON> found at home",
        ),
        ("Hoffman, <PERSON> found at home", "<PERSON>, <PERSON> found at home"),
        ("Hoffman sign positive", "Hoffman sign positive"),
        ("Parkinson disease, on carbidopa", "Parkinson disease, on carbidopa"),
        ("grant approved (lower case is not a name)", "grant approved (lower case is not a name)"),
        ("SALAZAR called back", "<PERSON> called back"),
        ("Pt Salazar.", "Pt <PERSON>."),
    ],
)
def test_known_names_are_redacted(text: str, expected: str) -> None:
    assert KnownNameRedactor(NAMES)([text]) == [expected]


def test_none_and_empty_pass_through() -> None:
    assert KnownNameRedactor(NAMES)([None, ""]) == [None, ""]


def test_names_come_from_every_name_column_of_the_phi_zone(ops_env) -> None:
    con = phi_connection()
    contracts = load_contracts()
    for table in ("patients", "adt_events"):
        ensure_raw_table(con, contracts[table])
    con.execute(
        "insert into phi.raw.patients (mrn, first_name, last_name) values ('M1', 'Zyxwa', 'Qorth')"
    )
    con.execute("insert into phi.raw.adt_events (mrn, patient_name) values ('M2', 'VELDRA^JO^K')")
    names = load_known_names(con)
    # Two-letter and one-letter tokens are left to Presidio (they collide with abbreviations).
    assert names == frozenset({"zyxwa", "qorth", "veldra"})
