"""Great Expectations suites built from the data contracts (suites as code, no `gx/` folder).

Hard rules (required, allowed values, key uniqueness) are also enforced row by row at ingest, where
failing rows are quarantined; the suite re-checks what was loaded, so a reader or casting bug cannot
slip through. Soft rules (event ordering) are only checked here: they flag a feed problem without
holding rows back.

GX runs on a pandas batch from an ephemeral context: GX's SQL path through duckdb-engine fails in
metric resolution (GX issues #10738, #11579), see ../shared/reference/style.md §5.

"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import cache

import great_expectations as gx
import pandas as pd
from great_expectations.data_context.types.base import ProgressBarsConfig

from data_contracts.contract import Contract

# GX logs progress bars and, at INFO, parts of results; neither may reach the pipeline logs.
logging.getLogger("great_expectations").setLevel(logging.WARNING)

# Event-ordering rules per table: (later, earlier). Checked on loaded rows, ignoring rows where
# either is null.
ORDERING_RULES: dict[str, list[tuple[str, str]]] = {
    "ed_visits": [
        ("triage_at", "arrival_at"),
        ("first_provider_at", "arrival_at"),
        ("departure_at", "arrival_at"),
        ("departure_at", "decision_to_admit_at"),
    ],
    "appointments": [("slot_end_at", "slot_start_at"), ("slot_start_at", "booked_at")],
    "adt_events": [("discharge_at", "admit_at")],
}


@dataclass
class ExpectationOutcome:
    """One expectation's result, without any data values."""

    expectation: str
    column: str
    success: bool
    unexpected_count: int
    severity: str


@dataclass
class SuiteOutcome:
    """A validation of one batch: counts and rule names only (safe for Dagster metadata)."""

    table: str
    rows: int
    outcomes: list[ExpectationOutcome] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """True when no error-severity expectation failed."""
        return all(o.success for o in self.outcomes if o.severity == "error")

    @property
    def failed(self) -> list[ExpectationOutcome]:
        """The expectations that failed."""
        return [o for o in self.outcomes if not o.success]


def build_suite(contract: Contract) -> gx.ExpectationSuite:
    """The expectation suite of a table, derived from its contract."""
    suite = gx.ExpectationSuite(name=f"{contract.table}_contract")
    for col in contract.columns:
        suite.add_expectation(
            gx.expectations.ExpectColumnToExist(column=col.name, meta={"severity": "error"})
        )
        if col.required:
            suite.add_expectation(
                gx.expectations.ExpectColumnValuesToNotBeNull(
                    column=col.name, meta={"severity": "error"}
                )
            )
        if col.allowed:
            suite.add_expectation(
                gx.expectations.ExpectColumnValuesToBeInSet(
                    column=col.name, value_set=list(col.allowed), meta={"severity": "error"}
                )
            )
    for later, earlier in ORDERING_RULES.get(contract.table, []):
        suite.add_expectation(
            gx.expectations.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A=later,
                column_B=earlier,
                or_equal=True,
                ignore_row_if="either_value_is_missing",
                meta={"severity": "warn"},
            )
        )
    return suite


@cache
def _context() -> gx.data_context.AbstractDataContext:
    context = gx.get_context(mode="ephemeral")
    # Progress bars would flood the Dagster run logs.
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return context


def validate(contract: Contract, frame: pd.DataFrame) -> SuiteOutcome:
    """Validate a batch against the contract's suite; the result holds counts, never values."""
    context = _context()
    name = f"{contract.table}_batch"
    try:
        source = context.data_sources.get(name)
    except (KeyError, ValueError):
        source = context.data_sources.add_pandas(name)
    try:
        asset = source.get_asset(name)
    except LookupError:
        asset = source.add_dataframe_asset(name)
    try:
        batch_definition = asset.get_batch_definition(name)
    except (KeyError, ValueError, LookupError):
        batch_definition = asset.add_batch_definition_whole_dataframe(name)
    suite = build_suite(contract)
    batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
    result = batch.validate(suite, result_format="BASIC")
    outcome = SuiteOutcome(table=contract.table, rows=len(frame))
    for res in result.results:
        config = res.expectation_config
        kwargs = config.kwargs
        column = kwargs.get("column") or f"{kwargs.get('column_A')}>={kwargs.get('column_B')}"
        outcome.outcomes.append(
            ExpectationOutcome(
                expectation=config.type,
                column=column,
                success=bool(res.success),
                unexpected_count=int((res.result or {}).get("unexpected_count") or 0),
                severity=(config.meta or {}).get("severity", "error"),
            )
        )
    return outcome
