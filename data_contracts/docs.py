"""Render the contracts as the feed guide a hospital data team reads: `data_contracts/FEEDS.md`.

`python -m data_contracts.docs` rewrites the file; a test fails when it is out of date, so the
guide and the YAML never disagree.
"""

from __future__ import annotations

import sys
from pathlib import Path

from data_contracts.contract import Contract, load_contracts

TARGET = Path(__file__).parent / "FEEDS.md"

PHI_LABELS = {
    "direct_identifier": "direct identifier",
    "quasi_identifier": "quasi-identifier",
    "free_text": "free text",
    "safe": "safe",
}


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def render_contract(contract: Contract) -> list[str]:
    """The Markdown section of one table."""
    keys = ", ".join(contract.primary_key)
    lines = [
        f"## `{contract.table}`",
        "",
        f"Feed folder `{contract.feed}/`, format `{contract.format}`, "
        f"files `{contract.landing_glob}`.",
        f"{contract.grain} Key: {keys}."
        + (
            f" Duplicates detected on: {', '.join(contract.dedupe_key)}."
            if contract.dedupe_key
            else ""
        ),
        "",
        "| column | type | required | PHI class | de-identification | allowed values | "
        "Epic Clarity | HL7 v2 | X12 | FHIR R4 | notes |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for col in contract.columns:
        action = col.deid + (f" → `{col.output_name}`" if col.output_name != col.name else "")
        allowed = ", ".join(str(v) for v in col.allowed) if col.allowed else ""
        lines.append(
            "| "
            + " | ".join(
                _cell(v)
                for v in (
                    f"`{col.name}`",
                    col.type,
                    "yes" if col.required else "",
                    PHI_LABELS[col.phi],
                    action,
                    allowed,
                    col.maps.get("clarity", ""),
                    col.maps.get("hl7", ""),
                    col.maps.get("x12", ""),
                    col.maps.get("fhir", ""),
                    col.description,
                )
            )
            + " |"
        )
    return [*lines, ""]


def render() -> str:
    """The whole guide."""
    contracts = load_contracts()
    lines = [
        "# Feed guide (generated from `contracts/*.yml` by `python -m data_contracts.docs`)",
        "",
        "What each extract must contain, and where each field comes from in Epic Clarity,",
        "HL7 v2, X12 and FHIR R4. File naming, CSV dialect and timestamps: `docs/architecture.md`.",
        "A required column that is empty, a value that does not parse as its type, or a value",
        "outside the allowed list sends the record to quarantine with the file, line and rule;",
        "the other records of the file still load. A column the contract does not list is not",
        "loaded and is reported as schema drift in the ledger.",
        "",
        "| table | feed folder | format | grain |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| [`{c.table}`](#{c.table}) | `{c.feed}/` | {c.format} | {c.grain} |"
        for c in contracts.values()
    ]
    lines.append("")
    for contract in contracts.values():
        lines += render_contract(contract)
    return "\n".join(lines)


def main() -> int:
    """Write the guide."""
    TARGET.write_text(render())
    sys.stdout.write(f"wrote {TARGET}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
