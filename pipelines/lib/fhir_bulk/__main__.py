"""Command line: print the public JWKS to register, or run an export configured by environment.

python -m pipelines.lib.fhir_bulk jwks --key fhir-es384.pem --kid ops-2026-1 --alg ES384
python -m pipelines.lib.fhir_bulk export --out data/landing/fhir
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence

from pipelines.lib.fhir_bulk.client import BulkExportError, export_from_env
from pipelines.lib.fhir_bulk.smart import (
    SUPPORTED_ALGS,
    SmartAuthError,
    load_private_key,
    public_jwks,
)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m pipelines.lib.fhir_bulk")
    commands = parser.add_subparsers(dest="command", required=True)
    jwks = commands.add_parser("jwks", help="print the public JWK Set for a private key")
    jwks.add_argument("--key", required=True, help="PEM private key file")
    jwks.add_argument("--kid", required=True, help="key id to register")
    jwks.add_argument("--alg", default="RS384", choices=SUPPORTED_ALGS)
    export = commands.add_parser("export", help="run an export configured by OPS_FHIR_* variables")
    export.add_argument("--out", required=True, help="output folder or fsspec URL")
    args = parser.parse_args(argv)

    try:
        if args.command == "jwks":
            key = load_private_key(args.key, args.alg)
            print(json.dumps(public_jwks(key, args.kid, args.alg), indent=2))
        else:
            logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
            result = export_from_env(args.out)
            print(json.dumps(result.metadata(), indent=2))
    except (SmartAuthError, BulkExportError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
