"""Load and check the YAML data contracts in `data_contracts/contracts/`."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

CONTRACTS_DIR = Path(__file__).parent / "contracts"

PHI_CLASSES = {"direct_identifier", "quasi_identifier", "free_text", "safe"}
# Which de-identification actions each PHI class may take: a direct identifier can never be kept.
ALLOWED_ACTIONS = {
    "direct_identifier": {"surrogate", "drop"},
    "quasi_identifier": {"zip3", "birth_date", "event_time", "drop"},
    "free_text": {"free_text", "drop"},
    "safe": {"keep"},
}
DUCKDB_TYPES = {"varchar", "date", "timestamp", "integer", "bigint", "boolean", "double"}


class ContractError(ValueError):
    """A contract file is malformed, or a table does not match its contract."""


@dataclass(frozen=True)
class Column:
    """One column of a contract."""

    name: str
    type: str
    phi: str
    deid: str
    required: bool = False
    allowed: tuple[Any, ...] | None = None
    deid_as: str | None = None
    surrogate_namespace: str | None = None
    description: str = ""
    maps: dict[str, str] = field(default_factory=dict)

    @property
    def output_name(self) -> str | None:
        """The column's name after de-identification (None when dropped)."""
        if self.deid == "drop":
            return None
        if self.deid == "birth_date":
            return self.deid_as or "birth_year"
        return self.deid_as or self.name


@dataclass(frozen=True)
class Contract:
    """A table's contract: grain, keys and columns."""

    table: str
    feed: str
    format: str
    landing_glob: str
    grain: str
    primary_key: tuple[str, ...]
    dedupe_key: tuple[str, ...] | None
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column:
        """Return the column called `name`."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.table} has no column {name!r}")

    @property
    def column_names(self) -> list[str]:
        """The source column names, in contract order."""
        return [c.name for c in self.columns]


def _check_type(table: str, col: dict[str, Any]) -> None:
    typ = str(col.get("type", "")).lower()
    if typ not in DUCKDB_TYPES and not typ.startswith("decimal("):
        raise ContractError(f"{table}.{col.get('name')}: unknown type {typ!r}")


def parse_contract(data: dict[str, Any], source: str = "<dict>") -> Contract:
    """Build a Contract from parsed YAML, failing on any untagged or mis-tagged column."""
    table = data.get("table")
    if not table:
        raise ContractError(f"{source}: no 'table'")
    columns = []
    for raw in data.get("columns", []):
        name = raw.get("name")
        phi, deid = raw.get("phi"), raw.get("deid")
        if phi not in PHI_CLASSES:
            raise ContractError(f"{source}: column {table}.{name} has no valid PHI class ({phi!r})")
        if deid not in ALLOWED_ACTIONS[phi]:
            raise ContractError(
                f"{source}: column {table}.{name} ({phi}) cannot take de-identification "
                f"action {deid!r}; allowed: {sorted(ALLOWED_ACTIONS[phi])}"
            )
        if deid == "surrogate" and not raw.get("surrogate_namespace"):
            raise ContractError(f"{source}: column {table}.{name} needs a surrogate_namespace")
        _check_type(table, raw)
        allowed = raw.get("allowed")
        columns.append(
            Column(
                name=name,
                type=str(raw["type"]).lower(),
                phi=phi,
                deid=deid,
                required=bool(raw.get("required", False)),
                allowed=tuple(allowed) if allowed is not None else None,
                deid_as=raw.get("deid_as"),
                surrogate_namespace=raw.get("surrogate_namespace"),
                description=raw.get("description", ""),
                maps=dict(raw.get("maps") or {}),
            )
        )
    names = [c.name for c in columns]
    for key in list(data.get("primary_key", [])) + list(data.get("dedupe_key") or []):
        if key not in names:
            raise ContractError(f"{source}: key column {key!r} is not a column of {table}")
    return Contract(
        table=table,
        feed=data["feed"],
        format=data["format"],
        landing_glob=data["landing_glob"],
        grain=data.get("grain", ""),
        primary_key=tuple(data.get("primary_key", [])),
        dedupe_key=tuple(data["dedupe_key"]) if data.get("dedupe_key") else None,
        columns=tuple(columns),
    )


@cache
def load_contracts(directory: Path = CONTRACTS_DIR) -> dict[str, Contract]:
    """All contracts in `directory`, keyed by table name."""
    contracts = {}
    for path in sorted(directory.glob("*.yml")):
        contract = parse_contract(yaml.safe_load(path.read_text()), source=path.name)
        contracts[contract.table] = contract
    return contracts


def contracts_for_feed(feed: str) -> list[Contract]:
    """The contracts of every table a feed's files fill."""
    return [c for c in load_contracts().values() if c.feed == feed]


def unexpected_columns(contract: Contract, columns: list[str]) -> list[str]:
    """Columns in the data that the contract lacks (they would bypass de-identification)."""
    known = set(contract.column_names)
    return [c for c in columns if c not in known and not c.startswith("_")]
