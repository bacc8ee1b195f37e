"""A local FHIR Bulk Data server with a SMART Backend Services token endpoint, for tests.

It binds 127.0.0.1 on a free port, serves from a daemon thread and shuts itself down after
`max_lifetime_s` even if a test forgets to. Behaviour follows HL7 SMART App Launch v2
(`client-confidential-asymmetric`, `backend-services`) and Bulk Data Access v2 (`export.md`):

- `GET /fhir/.well-known/smart-configuration` lists the token endpoint, `private_key_jwt`,
  RS384/ES384;
- `POST /auth/token` verifies the client assertion against the registered JWKS (kid + kty must
  match the alg), checks `iss` = `sub` = a registered client id, `aud` = the token URL, `exp` not
  expired and at most five minutes ahead, `jti` present and never seen before (replay ->
  `invalid_client`), and the requested `system/` scopes; it answers
  `{access_token, token_type, expires_in, scope}`;
- kick-off `GET /fhir/Group/<id>/$export`, `/fhir/Patient/$export`, `/fhir/$export` needs a bearer
  token covering the types, `Prefer: respond-async`, `Accept: application/fhir+json`; it validates
  `_type`, `_since`, `_outputFormat` and answers 202 + `Content-Location`;
- the status URL answers 202 + `Retry-After` + `X-Progress` for the first `polls_before_ready` polls
  (429 when polled before the advertised Retry-After), then 200 + manifest; DELETE -> 202, then 404;
- file URLs need the token when `requires_access_token`; `_since` filters on `meta.lastUpdated`.

Failures are injected per test with `fail_next(kind, status, ...)`. Every resource is synthetic.
"""

from __future__ import annotations

import json
import random
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import jwt

CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
SUPPORTED_TYPES = ("Patient", "Encounter", "Location", "Appointment")
MAX_ASSERTION_AHEAD_S = 300
CLOCK_SKEW_S = 5
NDJSON_FORMATS = {"application/fhir+ndjson", "application/ndjson", "ndjson"}


def instant(dt: datetime) -> str:
    """A FHIR instant in UTC with milliseconds."""
    return dt.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_instant(value: str) -> datetime:
    """Parse a FHIR instant (timezone required)."""
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError("instant without timezone")
    return parsed


def operation_outcome(code: str, text: str, severity: str = "error") -> dict[str, Any]:
    """A one-issue OperationOutcome."""
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": severity, "code": code, "details": {"text": text}}],
    }


# ---------------------------------------------------------------------------- synthetic data


class SyntheticData:
    """A small, fully synthetic hospital: beds, patients, encounters, appointments."""

    def __init__(self, seed: int = 7, n_patients: int = 6, n_beds: int = 4):
        self.rng = random.Random(seed)
        self.resources: dict[str, dict[str, dict[str, Any]]] = {t: {} for t in SUPPORTED_TYPES}
        self._counters = dict.fromkeys(SUPPORTED_TYPES, 0)
        # Everything initial is older than the server start, so the first export sees all of it.
        self._base = datetime.now(UTC) - timedelta(days=2)
        for _ in range(n_beds):
            self.new("Location", self._stamp_past())
        for _ in range(n_patients):
            patient = self.new("Patient", self._stamp_past())
            self.new("Encounter", self._stamp_past(), patient_id=patient["id"])
            self.new("Appointment", self._stamp_past(), patient_id=patient["id"])

    def _stamp_past(self) -> datetime:
        return self._base + timedelta(minutes=self.rng.randint(0, 24 * 60))

    def _next_id(self, rtype: str) -> str:
        self._counters[rtype] += 1
        prefix = {"Patient": "pt", "Encounter": "enc", "Location": "bed", "Appointment": "appt"}
        return f"{prefix[rtype]}-{self._counters[rtype]:04d}"

    def new(self, rtype: str, updated: datetime, patient_id: str | None = None) -> dict[str, Any]:
        """Create one resource of `rtype` with `meta.lastUpdated` = `updated`."""
        rid = self._next_id(rtype)
        rng = self.rng
        patients = list(self.resources["Patient"])
        beds = list(self.resources["Location"]) or ["bed-0000"]
        if rtype in ("Encounter", "Appointment") and patient_id is None:
            patient_id = rng.choice(patients)
        start = self._base + timedelta(hours=rng.randint(0, 48))
        if rtype == "Patient":
            n = self._counters[rtype]
            resource = {
                "identifier": [{"system": "urn:example:synthetic-mrn", "value": f"SYN{n:06d}"}],
                "name": [{"family": "Synthetic", "given": [f"Test{n}"]}],
                "gender": rng.choice(["female", "male", "other", "unknown"]),
                "birthDate": f"{rng.randint(1930, 2020)}-{rng.randint(1, 12):02d}-01",
            }
        elif rtype == "Location":
            resource = {
                "status": "active",
                "name": f"Synthetic Unit A Bed {self._counters[rtype]}",
                "physicalType": {"coding": [{"code": "bd", "display": "Bed"}]},
                "operationalStatus": {"code": rng.choice(["O", "U", "C", "H"])},
            }
        elif rtype == "Encounter":
            end = start + timedelta(hours=rng.randint(2, 96))
            resource = {
                "status": rng.choice(["in-progress", "finished"]),
                "class": {"code": rng.choice(["IMP", "EMER", "OBSENC"])},
                "subject": {"reference": f"Patient/{patient_id}"},
                "period": {"start": instant(start), "end": instant(end)},
                "location": [
                    {
                        "location": {"reference": f"Location/{rng.choice(beds)}"},
                        "period": {"start": instant(start), "end": instant(end)},
                    }
                ],
            }
        else:
            resource = {
                "status": rng.choice(["booked", "fulfilled", "noshow", "cancelled", "arrived"]),
                "start": instant(start),
                "end": instant(start + timedelta(minutes=30)),
                "created": instant(start - timedelta(days=rng.randint(1, 30))),
                "participant": [
                    {"actor": {"reference": f"Patient/{patient_id}"}, "status": "accepted"}
                ],
            }
        resource = {
            "resourceType": rtype,
            "id": rid,
            "meta": {"lastUpdated": instant(updated)},
            **resource,
        }
        self.resources[rtype][rid] = resource
        return resource

    def patient_of(self, resource: dict[str, Any]) -> str | None:
        """The patient id a resource belongs to (None for Location)."""
        if resource["resourceType"] == "Patient":
            return resource["id"]
        if resource["resourceType"] == "Encounter":
            return resource["subject"]["reference"].split("/", 1)[1]
        if resource["resourceType"] == "Appointment":
            return resource["participant"][0]["actor"]["reference"].split("/", 1)[1]
        return None


# ---------------------------------------------------------------------------- server state


@dataclass
class Failure:
    """An injected failure for the next matching request(s)."""

    kind: str  # token | kickoff | status | file | delete
    status: int
    retry_after: str | None = None
    times: int = 1
    code: str = "processing"
    text: str = "Injected failure"


@dataclass
class Job:
    """One kick-off."""

    job_id: str
    client_id: str
    request_url: str
    transaction_time: str
    files: dict[str, list[str]]  # name -> NDJSON lines
    manifest_output: list[dict[str, Any]]
    manifest_error: list[dict[str, Any]]
    polls: int = 0
    next_poll_at: float = 0.0
    poll_times: list[float] = field(default_factory=list)
    deleted: bool = False


@dataclass
class Recorded:
    """A request as the server saw it (headers lower-cased)."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    status: int = 0
    body: str = ""


@dataclass
class IssuedToken:
    """An access token the server issued."""

    client_id: str
    scopes: set[str]
    expires_at: float


class BulkDataServer:
    """See the module docstring. Use as a context manager or call `start()` / `stop()`."""

    def __init__(
        self,
        *,
        polls_before_ready: int = 1,
        retry_after: str = "0",
        token_lifetime_s: int = 300,
        max_lines_per_file: int | None = None,
        requires_access_token: bool = True,
        max_lifetime_s: float = 60.0,
        seed: int = 7,
        n_patients: int = 6,
        n_beds: int = 4,
    ):
        self.polls_before_ready = polls_before_ready
        self.retry_after = retry_after
        self.token_lifetime_s = token_lifetime_s
        self.max_lines_per_file = max_lines_per_file
        self.requires_access_token = requires_access_token
        self.max_lifetime_s = max_lifetime_s
        self.data = SyntheticData(seed=seed, n_patients=n_patients, n_beds=n_beds)
        self.groups: dict[str, set[str] | None] = {"ops-cohort": None}  # None = every patient
        self.clients: dict[str, dict[str, Any]] = {}
        self.seen_jti: dict[str, set[str]] = {}
        self.tokens: dict[str, IssuedToken] = {}
        self.token_errors: list[tuple[str, str]] = []  # (error, description)
        self.jobs: dict[str, Job] = {}
        self.requests: list[Recorded] = []
        self.failures: list[Failure] = []
        self.export_errors: list[dict[str, Any]] = []  # OperationOutcomes for manifest error[]
        self.corrupt_counts = False
        self.too_early_polls = 0
        self.lock = threading.RLock()
        self._last_tt: datetime | None = None
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._watchdog: threading.Timer | None = None

    # -- lifecycle

    def start(self) -> BulkDataServer:
        """Bind 127.0.0.1 on a free port and serve in a daemon thread."""
        handler = type("Handler", (_Handler,), {"state": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        # A short poll interval keeps `shutdown()` (and so each test's teardown) fast.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        # Never outlive a test run, even when `stop()` is not reached.
        self._watchdog = threading.Timer(self.max_lifetime_s, self.stop)
        self._watchdog.daemon = True
        self._watchdog.start()
        return self

    def stop(self) -> None:
        """Shut the server down (idempotent)."""
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()
        if self._watchdog is not None and self._watchdog is not threading.current_thread():
            self._watchdog.cancel()

    def __enter__(self) -> BulkDataServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def origin(self) -> str:
        """`http://127.0.0.1:<port>`."""
        assert self._httpd is not None, "server not started"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    @property
    def base_url(self) -> str:
        """FHIR base URL."""
        return f"{self.origin}/fhir"

    @property
    def token_url(self) -> str:
        """Token endpoint."""
        return f"{self.origin}/auth/token"

    # -- test controls

    def register_client(self, client_id: str, jwks: dict[str, Any], scopes=("system/*.rs",)):
        """Register a client's public JWK Set and pre-authorized scopes."""
        with self.lock:
            self.clients[client_id] = {"jwks": jwks, "scopes": set(scopes)}

    def fail_next(self, kind: str, status: int, **kwargs: Any) -> None:
        """Make the next `times` requests of `kind` fail with `status` (see `Failure`)."""
        with self.lock:
            self.failures.append(Failure(kind=kind, status=status, **kwargs))

    def _fresh_stamp(self) -> datetime:
        now = datetime.now(UTC)
        if self._last_tt is not None and now <= self._last_tt:
            now = self._last_tt + timedelta(milliseconds=1)
        return now

    def add_resources(self, rtype: str, count: int) -> list[str]:
        """Create `count` new resources updated now (after every earlier transactionTime)."""
        with self.lock:
            return [self.data.new(rtype, self._fresh_stamp())["id"] for _ in range(count)]

    def touch(self, rtype: str, ids: list[str]) -> None:
        """Mark existing resources as updated now."""
        with self.lock:
            for rid in ids:
                self.data.resources[rtype][rid]["meta"]["lastUpdated"] = instant(
                    self._fresh_stamp()
                )

    def count(self, rtype: str) -> int:
        """How many resources of `rtype` exist."""
        return len(self.data.resources[rtype])

    def requests_to(self, fragment: str, method: str = "GET") -> list[Recorded]:
        """Recorded requests whose path contains `fragment`."""
        with self.lock:
            return [r for r in self.requests if fragment in r.path and r.method == method]

    def take_failure(self, kind: str) -> Failure | None:
        """Pop one injected failure of `kind`."""
        with self.lock:
            for failure in self.failures:
                if failure.kind == kind:
                    failure.times -= 1
                    if failure.times <= 0:
                        self.failures.remove(failure)
                    return failure
        return None

    # -- token endpoint

    def issue_token(self, form: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        """Validate a client-credentials token request; return (status, JSON body)."""

        def error(code: str, description: str) -> tuple[int, dict[str, Any]]:
            with self.lock:
                self.token_errors.append((code, description))
            return 400, {"error": code, "error_description": description}

        def one(name: str) -> str | None:
            values = form.get(name) or []
            return values[0] if len(values) == 1 else None

        if one("grant_type") != "client_credentials":
            return error("unsupported_grant_type", "grant_type must be client_credentials")
        if one("client_assertion_type") != CLIENT_ASSERTION_TYPE:
            return error("invalid_client", "client_assertion_type must be jwt-bearer")
        assertion = one("client_assertion")
        if not assertion:
            return error("invalid_client", "client_assertion missing")
        try:
            header = jwt.get_unverified_header(assertion)
            unverified = jwt.decode(assertion, options={"verify_signature": False})
        except jwt.PyJWTError:
            return error("invalid_client", "client_assertion is not a JWT")
        alg = header.get("alg")
        if alg not in ("RS384", "ES384"):
            return error("invalid_client", f"alg {alg} not supported")
        if header.get("typ") != "JWT" or not header.get("kid"):
            return error("invalid_client", "header needs typ JWT and kid")
        client_id = unverified.get("iss")
        client = self.clients.get(client_id) if isinstance(client_id, str) else None
        if client is None:
            return error("invalid_client", "unknown client")
        kty = "RSA" if alg.startswith("RS") else "EC"
        candidates = [
            k
            for k in client["jwks"].get("keys", [])
            if k.get("kid") == header["kid"] and k.get("kty") == kty
        ]
        if len(candidates) != 1:
            return error("invalid_client", "no single registered key matches kid and kty")
        try:
            key = jwt.PyJWK(candidates[0], algorithm=alg)
            claims = jwt.decode(
                assertion,
                key,
                algorithms=[alg],
                audience=self.token_url,
                issuer=client_id,
                options={"require": ["iss", "sub", "aud", "exp", "jti"]},
            )
        except jwt.PyJWTError as exc:
            return error("invalid_client", f"assertion rejected: {type(exc).__name__}")
        if claims["sub"] != client_id:
            return error("invalid_client", "sub must equal iss")
        if claims["exp"] > time.time() + MAX_ASSERTION_AHEAD_S + CLOCK_SKEW_S:
            return error("invalid_client", "exp more than five minutes in the future")
        with self.lock:
            seen = self.seen_jti.setdefault(client_id, set())
            if claims["jti"] in seen:
                self.token_errors.append(("invalid_client", "jti replayed"))
                return 400, {"error": "invalid_client", "error_description": "jti replayed"}
            seen.add(claims["jti"])
        scope = one("scope")
        if not scope:
            return error("invalid_scope", "scope required")
        requested = set(scope.split())
        for s in requested:
            context, _, rest = s.partition("/")
            rtype, _, perm = rest.partition(".")
            if context != "system" or (rtype != "*" and rtype not in SUPPORTED_TYPES):
                return error("invalid_scope", f"scope {s} not allowed")
            if perm not in ("rs", "read", "r", "s", "cruds", "*"):
                return error("invalid_scope", f"scope {s} not allowed")
        token = secrets.token_urlsafe(32)
        with self.lock:
            self.tokens[token] = IssuedToken(
                client_id, requested, time.time() + self.token_lifetime_s
            )
        return 200, {
            "access_token": token,
            "token_type": "bearer",
            "expires_in": self.token_lifetime_s,
            "scope": " ".join(sorted(requested)),
        }

    def check_bearer(self, headers: dict[str, str]) -> IssuedToken | None:
        """The valid token presented in `Authorization`, or None."""
        value = headers.get("authorization", "")
        if not value.startswith("Bearer "):
            return None
        token = self.tokens.get(value[len("Bearer ") :])
        if token is None or token.expires_at <= time.time():
            return None
        return token

    @staticmethod
    def covers(token: IssuedToken, rtype: str) -> bool:
        """True when the token's scopes allow reading `rtype`."""
        return any(
            s.split("/", 1)[1].split(".", 1)[0] in (rtype, "*") and s.endswith(("rs", "read", "r"))
            for s in token.scopes
        )

    # -- export

    def create_job(
        self,
        token: IssuedToken,
        request_url: str,
        level: str,
        group: str | None,
        types: list[str],
        since: datetime | None,
    ) -> Job:
        """Snapshot the matching resources at a new transactionTime."""
        with self.lock:
            tt_dt = self._fresh_stamp()
            self._last_tt = tt_dt
            members = self.groups.get(group) if group else None
            job_id = secrets.token_hex(8)
            files: dict[str, list[str]] = {}
            output = []
            for rtype in types:
                rows = []
                for res in self.data.resources[rtype].values():
                    updated = parse_instant(res["meta"]["lastUpdated"])
                    if updated > tt_dt or (since is not None and updated <= since):
                        continue
                    patient = self.data.patient_of(res)
                    if members is not None and patient is not None and patient not in members:
                        continue
                    rows.append(json.dumps(res, separators=(",", ":")))
                size = self.max_lines_per_file or max(1, len(rows))
                for part, start in enumerate(range(0, len(rows), size), 1):
                    name = f"{rtype}-{part}.ndjson"
                    files[name] = rows[start : start + size]
                    count = len(files[name]) + (1 if self.corrupt_counts else 0)
                    output.append(
                        {
                            "type": rtype,
                            "url": f"{self.origin}/files/{job_id}/{name}",
                            "count": count,
                        }
                    )
            errors = []
            if self.export_errors:
                files["errors-1.ndjson"] = [json.dumps(o) for o in self.export_errors]
                errors.append(
                    {
                        "type": "OperationOutcome",
                        "url": f"{self.origin}/files/{job_id}/errors-1.ndjson",
                    }
                )
            job = Job(
                job_id=job_id,
                client_id=token.client_id,
                request_url=request_url,
                transaction_time=instant(tt_dt),
                files=files,
                manifest_output=output,
                manifest_error=errors,
            )
            self.jobs[job_id] = job
            return job

    def manifest(self, job: Job) -> dict[str, Any]:
        """The complete-status body."""
        return {
            "transactionTime": job.transaction_time,
            "request": job.request_url,
            "requiresAccessToken": self.requires_access_token,
            "output": job.manifest_output,
            "error": job.manifest_error,
        }


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: without this, Nagle + delayed ACK add ~40 ms to
    # every keep-alive request.
    disable_nagle_algorithm = True
    state: BulkDataServer  # set on the subclass made by `BulkDataServer.start`

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr access log (it would print tokens in query strings)."""

    # -- plumbing

    def _record(self) -> Recorded:
        parts = urlsplit(self.path)
        rec = Recorded(
            method=self.command,
            path=unquote(parts.path),
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
        )
        with self.state.lock:
            self.state.requests.append(rec)
        return rec

    def _send(
        self,
        rec: Recorded,
        status: int,
        body: bytes | dict[str, Any] | None = None,
        *,
        content_type: str = "application/fhir+json",
        headers: dict[str, str] | None = None,
    ) -> None:
        rec.status = status
        payload = b""
        if isinstance(body, dict):
            payload = json.dumps(body).encode()
        elif body is not None:
            payload = body
        self.send_response(status)
        if payload:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if payload and self.command != "HEAD":
            self.wfile.write(payload)

    def _outcome(self, rec: Recorded, status: int, code: str, text: str, **headers: str) -> None:
        self._send(rec, status, operation_outcome(code, text), headers=headers or None)

    def _injected(self, rec: Recorded, kind: str) -> bool:
        failure = self.state.take_failure(kind)
        if failure is None:
            return False
        headers = {"Retry-After": failure.retry_after} if failure.retry_after is not None else {}
        if kind == "token":
            body = {"error": "temporarily_unavailable", "error_description": failure.text}
            self._send(rec, failure.status, body, content_type="application/json", headers=headers)
        else:
            self._outcome(rec, failure.status, failure.code, failure.text, **headers)
        return True

    def _bearer(self, rec: Recorded) -> IssuedToken | None:
        token = self.state.check_bearer(rec.headers)
        if token is None:
            self._outcome(
                rec, 401, "login", "valid bearer token required", **{"WWW-Authenticate": "Bearer"}
            )
        return token

    # -- routes

    def do_GET(self) -> None:
        rec = self._record()
        path = rec.path
        if path == "/fhir/.well-known/smart-configuration":
            self._send(rec, 200, self._smart_configuration(), content_type="application/json")
        elif path.endswith("/$export") and path.startswith("/fhir/"):
            self._kickoff(rec)
        elif path.startswith("/fhir/bulkstatus/"):
            self._status(rec, path.rsplit("/", 1)[1])
        elif path.startswith("/files/"):
            self._file(rec)
        else:
            self._outcome(rec, 404, "not-found", f"no route for {path}")

    def do_POST(self) -> None:
        rec = self._record()
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode()
        rec.body = raw
        if rec.path != "/auth/token":
            self._outcome(rec, 404, "not-found", "no route")
            return
        if self._injected(rec, "token"):
            return
        if not rec.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            body = {"error": "invalid_request", "error_description": "form encoding required"}
            self._send(rec, 400, body, content_type="application/json")
            return
        status, body = self.state.issue_token(parse_qs(raw, keep_blank_values=True))
        self._send(
            rec,
            status,
            body,
            content_type="application/json",
            headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
        )

    def do_DELETE(self) -> None:
        rec = self._record()
        if not rec.path.startswith("/fhir/bulkstatus/"):
            self._outcome(rec, 404, "not-found", "no route")
            return
        if self._injected(rec, "delete") or self._bearer(rec) is None:
            return
        job = self.state.jobs.get(rec.path.rsplit("/", 1)[1])
        if job is None or job.deleted:
            self._outcome(rec, 404, "not-found", "unknown or deleted export job")
            return
        job.deleted = True
        self._outcome_info(rec, 202, "export job deleted")

    def _outcome_info(self, rec: Recorded, status: int, text: str, **headers: str) -> None:
        body = operation_outcome("informational", text, severity="information")
        self._send(rec, status, body, headers=headers or None)

    def _smart_configuration(self) -> dict[str, Any]:
        return {
            "issuer": self.state.origin,
            "token_endpoint": self.state.token_url,
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            "token_endpoint_auth_signing_alg_values_supported": ["RS384", "ES384"],
            "grant_types_supported": ["client_credentials"],
            "scopes_supported": ["system/*.rs"],
            "capabilities": ["client-confidential-asymmetric", "permission-v2"],
        }

    def _kickoff(self, rec: Recorded) -> None:
        if self._injected(rec, "kickoff"):
            return
        token = self._bearer(rec)
        if token is None:
            return
        if "respond-async" not in rec.headers.get("prefer", ""):
            self._outcome(rec, 400, "invalid", "Prefer: respond-async is required")
            return
        if rec.headers.get("accept", "application/fhir+json") != "application/fhir+json":
            self._outcome(rec, 400, "invalid", "Accept must be application/fhir+json")
            return
        lenient = "handling=lenient" in rec.headers.get("prefer", "")
        unknown = set(rec.query) - {"_type", "_since", "_outputFormat"}
        if unknown and not lenient:
            self._outcome(rec, 400, "not-supported", f"unsupported parameters {sorted(unknown)}")
            return
        fmt = (rec.query.get("_outputFormat") or ["application/fhir+ndjson"])[0]
        if fmt not in NDJSON_FORMATS:
            self._outcome(rec, 400, "not-supported", f"_outputFormat {fmt} not supported")
            return
        types = [t for v in rec.query.get("_type", []) for t in v.split(",") if t]
        types = types or list(SUPPORTED_TYPES)
        bad = [t for t in types if t not in SUPPORTED_TYPES]
        if bad:
            self._outcome(rec, 400, "not-supported", f"resource types not supported: {bad}")
            return
        if not all(self.state.covers(token, t) for t in types):
            self._outcome(rec, 403, "forbidden", "token scopes do not cover the requested types")
            return
        since = None
        if rec.query.get("_since"):
            try:
                since = parse_instant(rec.query["_since"][0])
            except ValueError:
                self._outcome(rec, 400, "invalid", "_since must be a FHIR instant")
                return
        parts = rec.path.strip("/").split("/")  # fhir, [Group, id | Patient], $export
        group = None
        if len(parts) == 4 and parts[1] == "Group":
            group = parts[2]
            if group not in self.state.groups:
                self._outcome(rec, 404, "not-found", f"Group/{group} not found")
                return
            level = "group"
        elif parts[1:] == ["Patient", "$export"]:
            level = "patient"
        elif parts[1:] == ["$export"]:
            level = "system"
        else:
            self._outcome(rec, 404, "not-found", "unknown export endpoint")
            return
        request_url = f"{self.state.origin}{self.path}"
        job = self.state.create_job(token, request_url, level, group, types, since)
        self._outcome_info(
            rec,
            202,
            "export accepted",
            **{"Content-Location": f"{self.state.base_url}/bulkstatus/{job.job_id}"},
        )

    def _status(self, rec: Recorded, job_id: str) -> None:
        if self._injected(rec, "status"):
            return
        if self._bearer(rec) is None:
            return
        state = self.state
        job = state.jobs.get(job_id)
        if job is None or job.deleted:
            self._outcome(rec, 404, "not-found", "unknown or deleted export job")
            return
        now = time.monotonic()
        with state.lock:
            job.poll_times.append(now)
            # Servers SHOULD answer 429 to a client that polls faster than Retry-After asked.
            if now < job.next_poll_at - 0.05:
                state.too_early_polls += 1
                self._outcome(
                    rec, 429, "throttled", "polling too frequently", **{"Retry-After": "1"}
                )
                return
            if job.polls < state.polls_before_ready:
                job.polls += 1
                pct = int(100 * job.polls / (state.polls_before_ready + 1))
                job.next_poll_at = now + float(state.retry_after)
                self._send(
                    rec,
                    202,
                    headers={"Retry-After": state.retry_after, "X-Progress": f"{pct}% complete"},
                )
                return
        expires = (datetime.now(UTC) + timedelta(hours=1)).strftime("%a, %d %b %Y %H:%M:%S GMT")
        self._send(
            rec,
            200,
            state.manifest(job),
            content_type="application/json",
            headers={"Expires": expires},
        )

    def _file(self, rec: Recorded) -> None:
        if self._injected(rec, "file"):
            return
        if self.state.requires_access_token and self._bearer(rec) is None:
            return
        parts = rec.path.strip("/").split("/")
        job = self.state.jobs.get(parts[1]) if len(parts) == 3 else None
        if job is None or job.deleted or parts[2] not in job.files:
            self._outcome(rec, 404, "not-found", "no such file")
            return
        lines = job.files[parts[2]]
        body = "".join(line + "\n" for line in lines).encode()
        self._send(rec, 200, body, content_type="application/fhir+ndjson")
