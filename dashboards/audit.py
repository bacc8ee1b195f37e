"""Append-only, hash-chained audit store for dashboard access, with a FHIR R4 AuditEvent view.

Every event is a row in `audit_event` of its own DuckDB file (`OPS_AUDIT_PATH`, default
`<data_dir>/audit/audit.duckdb`), encrypted with its own key (`OPS_AUDIT_KEY` or the key file).
Each row carries `prev_hash` (the previous row's hash, 64 zeros for the first) and
`hash = sha256(prev_hash || canonical_json(event))`, so editing, deleting or reordering any row
breaks the chain from that row on. A head file beside the database (`audit.duckdb.head`) records
the last seq and hash, so truncating the tail is caught as well.

    python -m dashboards.audit verify     # exit 0 when intact, 1 naming the first bad record
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from pipelines.lib.duck import attach_encrypted, file_key, load_httpfs, open_encrypted
from pipelines.lib.settings import get_settings

GENESIS_HASH = "0" * 64
ACTIONS = ("view", "filter", "export", "login", "logout", "denied")

_DDL = """
create table if not exists audit_event (
    seq bigint primary key,
    recorded_at timestamp not null,
    user_name varchar,
    role varchar,
    facility_scope varchar[],
    page varchar,
    action varchar not null,
    query_id varchar,
    row_count bigint,
    outcome varchar not null,
    prev_hash varchar not null,
    hash varchar not null
)
"""

# One writer per process: Streamlit serves sessions from threads of one process, and the chain needs
# "read the head, append after it" to be atomic.
_write_lock = threading.Lock()


@dataclass(frozen=True)
class AuditEvent:
    """One audited action. `hash` covers every other field through `canonical_json`."""

    seq: int
    recorded_at: datetime
    user: str | None
    role: str | None
    facility_scope: tuple[str, ...]
    page: str | None
    action: str
    query_id: str | None
    row_count: int | None
    outcome: str
    prev_hash: str
    hash: str


def audit_path() -> Path:
    """The audit database: `OPS_AUDIT_PATH`, else `<data_dir>/audit/audit.duckdb`."""
    env = os.environ.get("OPS_AUDIT_PATH")
    return Path(env).resolve() if env else get_settings().data_dir / "audit" / "audit.duckdb"


def _head_path(path: Path) -> Path:
    return path.with_name(path.name + ".head")


def canonical_json(fields: dict[str, Any]) -> str:
    """Deterministic JSON for hashing: sorted keys, no spaces, UTC timestamps with microseconds."""

    def norm(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.replace(tzinfo=None).isoformat(timespec="microseconds")
        if isinstance(value, tuple | list):
            return [norm(v) for v in value]
        return value

    return json.dumps(
        {k: norm(v) for k, v in fields.items()},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def _hashed_fields(event: AuditEvent) -> dict[str, Any]:
    fields = asdict(event)
    fields.pop("hash")
    fields.pop("prev_hash")
    return fields


def compute_hash(prev_hash: str, event: AuditEvent) -> str:
    """sha256(prev_hash || canonical_json(event without prev_hash and hash)), hex."""
    payload = prev_hash + canonical_json(_hashed_fields(event))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def connect(path: Path | None = None, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    """Open the audit log (encrypted with `audit_key`; catalog `audit`, in use)."""
    path = path or audit_path()
    key = file_key(get_settings(), "audit_key", path)
    # Another process (a second server, the verify CLI) may hold the file for a moment.
    for attempt in range(20):
        try:
            return open_encrypted(path, key, alias="audit", read_only=read_only)
        except duckdb.IOException:
            if attempt == 19:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


# Writing an encrypted file needs the httpfs crypto module, and loading it costs about 90 ms per
# DuckDB instance: the process keeps one in-memory instance for appends (used under _write_lock)
# and attaches the audit file to it for each event only, so no file lock is held between events.
@functools.cache
def _appender() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    load_httpfs(con)
    return con


@contextmanager
def _attached_for_append(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The process's append connection with the audit file attached as `audit` and in use."""
    con = _appender()
    key = file_key(get_settings(), "audit_key", path)
    for attempt in range(20):  # another process may hold the file for a moment
        try:
            attach_encrypted(con, path, "audit", key)
            break
        except duckdb.IOException:
            if attempt == 19:
                raise
            time.sleep(0.05 * (attempt + 1))
    try:
        con.execute("USE audit")
        yield con
    finally:
        with suppress(duckdb.TransactionException):  # an event that failed mid-way
            con.execute("ROLLBACK")
        con.execute("USE memory")
        con.execute("DETACH audit")


def record(
    *,
    user: str | None,
    role: str | None,
    facility_scope: tuple[str, ...] | list[str],
    page: str | None,
    action: str,
    query_id: str | None = None,
    row_count: int | None = None,
    outcome: str = "success",
    path: Path | None = None,
) -> AuditEvent:
    """Append one event to the chain and return it.

    Raises:
        ValueError: for an action outside `ACTIONS`.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    path = path or audit_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with _write_lock, _attached_for_append(path) as con:
        con.execute(_DDL)
        con.execute("begin transaction")
        head = con.execute("select seq, hash from audit_event order by seq desc limit 1").fetchone()
        seq, prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
        draft = AuditEvent(
            seq=seq,
            recorded_at=datetime.now(UTC).replace(tzinfo=None),
            user=user,
            role=role,
            facility_scope=tuple(sorted(facility_scope)),
            page=page,
            action=action,
            query_id=query_id,
            row_count=row_count,
            outcome=outcome,
            prev_hash=prev_hash,
            hash="",
        )
        event = AuditEvent(**{**asdict(draft), "hash": compute_hash(prev_hash, draft)})
        con.execute(
            "insert into audit_event values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                event.seq,
                event.recorded_at,
                event.user,
                event.role,
                list(event.facility_scope),
                event.page,
                event.action,
                event.query_id,
                event.row_count,
                event.outcome,
                event.prev_hash,
                event.hash,
            ],
        )
        con.execute("commit")
        head_file = _head_path(path)
        tmp = head_file.with_suffix(".tmp")
        tmp.write_text(json.dumps({"seq": event.seq, "hash": event.hash}))
        os.replace(tmp, head_file)
    return event


def read_events(path: Path | None = None) -> list[AuditEvent]:
    """All events in seq order (empty when the store does not exist yet)."""
    path = path or audit_path()
    if not path.exists():
        return []
    con = connect(path, read_only=True)
    try:
        rows = con.execute(
            "select seq, recorded_at, user_name, role, facility_scope, page, action, query_id, "
            "row_count, outcome, prev_hash, hash from audit_event order by seq"
        ).fetchall()
    except duckdb.CatalogException:
        rows = []
    finally:
        con.close()
    return [
        AuditEvent(
            seq=r[0],
            recorded_at=r[1],
            user=r[2],
            role=r[3],
            facility_scope=tuple(r[4] or ()),
            page=r[5],
            action=r[6],
            query_id=r[7],
            row_count=r[8],
            outcome=r[9],
            prev_hash=r[10],
            hash=r[11],
        )
        for r in rows
    ]


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of `verify`: ok, or the first seq that does not check out and why."""

    ok: bool
    checked: int
    first_bad_seq: int | None = None
    reason: str | None = None


def verify(path: Path | None = None) -> VerifyResult:
    """Walk the chain from the first record and report the first record that does not check out."""
    path = path or audit_path()
    events = read_events(path)
    prev_hash = GENESIS_HASH
    for expected_seq, event in enumerate(events, start=1):
        if event.seq != expected_seq:
            return VerifyResult(
                False, expected_seq - 1, expected_seq, f"record {expected_seq} is missing"
            )
        if event.prev_hash != prev_hash:
            return VerifyResult(
                False, expected_seq - 1, event.seq, "prev_hash does not match the previous record"
            )
        if compute_hash(prev_hash, event) != event.hash:
            return VerifyResult(
                False, expected_seq - 1, event.seq, "contents do not match the record's hash"
            )
        prev_hash = event.hash
    head_file = _head_path(path)
    if head_file.exists():
        head = json.loads(head_file.read_text())
        last_seq = events[-1].seq if events else 0
        if head["seq"] > last_seq:
            return VerifyResult(
                False, len(events), last_seq + 1, f"records after {last_seq} were removed"
            )
        if events[head["seq"] - 1].hash != head["hash"]:
            return VerifyResult(
                False, len(events), head["seq"], "hash differs from the recorded head"
            )
    return VerifyResult(True, len(events))


_FHIR_ACTION = {
    "view": "R",
    "filter": "E",
    "export": "R",
    "login": "E",
    "logout": "E",
    "denied": "E",
}
_DCM = "http://dicom.nema.org/resources/ontology/DCM"
_FHIR_TYPE = {
    "view": (_DCM, "110112", "Query"),
    "filter": (_DCM, "110112", "Query"),
    "export": (_DCM, "110106", "Export"),
    "login": (_DCM, "110114", "User Authentication"),
    "logout": (_DCM, "110114", "User Authentication"),
    "denied": (_DCM, "110113", "Security Alert"),
}
_FHIR_SUBTYPE = {"login": (_DCM, "110122", "Login"), "logout": (_DCM, "110123", "Logout")}
# R4 AuditEvent.outcome: 0 success, 4 minor failure, 8 serious failure, 12 major failure.
_FHIR_OUTCOME = {"success": "0", "failure": "4", "denied": "4", "idle_timeout": "0", "error": "8"}


def to_fhir_audit_event(event: AuditEvent) -> dict[str, Any]:
    """Map an event to a FHIR R4 `AuditEvent` resource (as a JSON-ready dict)."""
    system, code, display = _FHIR_TYPE[event.action]
    resource: dict[str, Any] = {
        "resourceType": "AuditEvent",
        "id": f"ops-dashboard-{event.seq}",
        "type": {"system": system, "code": code, "display": display},
        "action": _FHIR_ACTION[event.action],
        "recorded": event.recorded_at.replace(tzinfo=UTC).isoformat(),
        "outcome": _FHIR_OUTCOME.get(event.outcome, "4"),
        "outcomeDesc": event.outcome,
        "agent": [
            {
                "who": {"identifier": {"value": event.user or "anonymous"}},
                "requestor": True,
                "role": [
                    {
                        "coding": [
                            {
                                "system": "urn:hospital-ops:dashboard-role",
                                "code": event.role or "none",
                            }
                        ]
                    }
                ],
            }
        ],
        "source": {
            "site": "hospital-ops-dashboards",
            "observer": {"display": "hospital-ops dashboards"},
            "type": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/security-source-type",
                    "code": "4",
                    "display": "Application Server",
                }
            ],
        },
        "entity": [
            {
                "what": {"identifier": {"value": event.query_id or event.page or "session"}},
                "type": {
                    "system": "http://terminology.hl7.org/CodeSystem/audit-entity-type",
                    "code": "2",
                    "display": "System Object",
                },
                "name": event.page or "",
                "detail": [
                    {"type": "facility_scope", "valueString": ",".join(event.facility_scope)},
                    {"type": "row_count", "valueString": str(event.row_count or 0)},
                    {"type": "seq", "valueString": str(event.seq)},
                    {"type": "hash", "valueString": event.hash},
                ],
            }
        ],
    }
    if event.action in _FHIR_SUBTYPE:
        s_system, s_code, s_display = _FHIR_SUBTYPE[event.action]
        resource["subtype"] = [{"system": s_system, "code": s_code, "display": s_display}]
    return resource


def main(argv: list[str] | None = None) -> int:
    """`python -m dashboards.audit verify|export-fhir`."""
    parser = argparse.ArgumentParser(prog="python -m dashboards.audit", description=__doc__)
    parser.add_argument("command", choices=["verify", "export-fhir"])
    parser.add_argument("--path", type=Path, default=None, help="audit database (OPS_AUDIT_PATH)")
    args = parser.parse_args(argv)
    if args.command == "export-fhir":
        for event in read_events(args.path):
            sys.stdout.write(json.dumps(to_fhir_audit_event(event)) + "\n")
        return 0
    result = verify(args.path)
    if result.ok:
        sys.stdout.write(f"audit chain intact: {result.checked} records\n")
        return 0
    sys.stdout.write(
        f"audit chain BROKEN at record {result.first_bad_seq}: {result.reason} "
        f"({result.checked} records verified before it)\n"
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
