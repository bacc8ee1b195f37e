"""The contracts load, reject untagged columns, and the feed guide matches them."""

from __future__ import annotations

import pandas as pd
import pytest

from data_contracts.contract import ContractError, load_contracts, parse_contract
from data_contracts.docs import TARGET, render
from data_contracts.suites import validate


def test_every_column_has_a_phi_class_and_an_allowed_action() -> None:
    contracts = load_contracts()
    assert len(contracts) == 14
    for contract in contracts.values():
        for col in contract.columns:
            if col.phi == "direct_identifier":
                assert col.deid in {"surrogate", "drop"}, (contract.table, col.name)


def test_an_untagged_column_is_refused() -> None:
    data = {
        "table": "t",
        "feed": "f",
        "format": "csv",
        "landing_glob": "f/*.csv",
        "columns": [{"name": "mrn", "type": "varchar"}],
    }
    with pytest.raises(ContractError, match="no valid PHI class"):
        parse_contract(data)


def test_a_direct_identifier_cannot_be_kept() -> None:
    data = {
        "table": "t",
        "feed": "f",
        "format": "csv",
        "landing_glob": "f/*.csv",
        "columns": [{"name": "ssn", "type": "varchar", "phi": "direct_identifier", "deid": "keep"}],
    }
    with pytest.raises(ContractError, match="cannot take de-identification action 'keep'"):
        parse_contract(data)


def test_feed_guide_is_up_to_date() -> None:
    assert TARGET.read_text() == render(), "run: python -m data_contracts.docs"


def test_suite_counts_failures_without_values() -> None:
    contract = load_contracts()["ed_visits"]
    frame = pd.DataFrame({col: [None, None, None] for col in contract.column_names})
    frame["ed_visit_id"] = ["1", "2", "3"]
    frame["mrn"] = ["a", "b", "c"]
    frame["facility_id"] = "FAC_A"
    frame["disposition"] = ["admitted", "elsewhere", "lwbs"]
    frame["arrival_at"] = pd.to_datetime(
        ["2026-01-01 10:00", "2026-01-01 11:00", "2026-01-01 12:00"]
    )
    frame["departure_at"] = pd.to_datetime(["2026-01-01 09:00", None, "2026-01-01 13:00"])
    outcome = validate(contract, frame)
    failed = {(o.expectation, o.column): (o.unexpected_count, o.severity) for o in outcome.failed}
    assert failed == {
        ("expect_column_values_to_be_in_set", "disposition"): (1, "error"),
        ("expect_column_pair_values_a_to_be_greater_than_b", "departure_at>=arrival_at"): (
            1,
            "warn",
        ),
    }
    assert not outcome.passed
