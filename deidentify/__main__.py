"""Command line: `python -m deidentify run` and `python -m deidentify leak-gate`.

Output is counts and table/column names only, never values.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from deidentify.profiles import PROFILES
from deidentify.structured import TextRedactor


def _text_redactor(disabled: bool) -> TextRedactor | None:
    """The Presidio engine when installed (unless disabled); None redacts texts whole."""
    if disabled:
        return None
    try:
        from deidentify.text import redact_batch
    except ImportError:
        print("deidentify.text is not available: free text is redacted whole", file=sys.stderr)
        return None
    return redact_batch


def _run(args: argparse.Namespace) -> int:
    from deidentify.run import deidentify_all

    results = deidentify_all(
        profile=args.profile,
        tables=args.table or None,
        text_redactor=_text_redactor(args.no_text_engine),
        date_shift=args.date_shift,
    )
    print(json.dumps(results, indent=2, sort_keys=True))
    return 0


def _leak_gate(args: argparse.Namespace) -> int:
    from deidentify.leak_gate import build_canaries, scan
    from pipelines.lib.duck import phi_connection, zone_key
    from pipelines.lib.settings import get_settings

    settings = get_settings()
    if not settings.phi_db_path.exists():
        print("leak-gate: no PHI zone to take canaries from", file=sys.stderr)
        return 2
    if args.db:
        paths = [Path(p) for p in args.db]
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            print(f"leak-gate: database files not found: {missing}", file=sys.stderr)
            return 2
    else:
        paths = [p for p in (settings.warehouse_path, settings.published_path) if p.exists()]
    con = phi_connection(settings)
    try:
        canaries = build_canaries(con)
        report = scan(con, paths, key_for=lambda path: zone_key(settings, path))
    finally:
        con.close()
    print(
        f"leak-gate: {canaries} canaries, {report.columns_scanned} columns in "
        f"{len(report.databases)} databases"
    )
    for hit in report.hits:
        print(f"LEAK {hit.database} {hit.table}.{hit.column}: {hit.count} rows")
    print(
        "leak-gate: PASSED" if report.passed else f"leak-gate: FAILED ({len(report.hits)} columns)"
    )
    return 0 if report.passed else 1


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments and run a subcommand; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m deidentify")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="de-identify the PHI zone into wh.deid.*")
    run.add_argument("--profile", choices=PROFILES, help="default: OPS_DEID_PROFILE or limited")
    run.add_argument("--date-shift", action="store_true", help="shift event times per patient")
    run.add_argument("--table", action="append", help="only this contract table (repeatable)")
    run.add_argument(
        "--no-text-engine", action="store_true", help="redact free text whole instead of Presidio"
    )
    gate = sub.add_parser("leak-gate", help="fail when a PHI-zone identifier appears in a database")
    gate.add_argument(
        "--db", action="append", help="DuckDB file (repeatable); default warehouse + published"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if args.command == "run":
        return _run(args)
    return _leak_gate(args)


if __name__ == "__main__":
    sys.exit(main())
