"""FHIR Bulk Data `$export` client: kick-off, poll, land NDJSON, keep a `_since` watermark.

Flow (HL7 FHIR Bulk Data Access v2, `export.md`, on the FHIR async request pattern):

1. kick-off `GET [base]/Group/[id]/$export` (or `[base]/Patient/$export`, `[base]/$export`) with
   `Accept: application/fhir+json`, `Prefer: respond-async`, `_type`, `_since`; the server answers
   `202 Accepted` with the status URL in `Content-Location`;
2. poll the status URL: `202` (+ `Retry-After`, `X-Progress`) while running, `200` + manifest
   when done, `429` when polled too often, `4xx/5xx` + OperationOutcome on failure (a `transient`
   issue code means "poll again later");
3. download every `output[].url` (with the bearer token when `requiresAccessToken`), streamed into
   `<out_dir>/<source>_<YYYY-MM-DD>_<Type>.ndjson` through a temporary name and a rename, so a
   reader never sees half a file; `error[]` files go to `<out_dir>/_errors/`, `deleted[]` to
   `<out_dir>/_deleted/`;
4. persist the manifest's `transactionTime` as the next `_since` (per resource type) in
   `<out_dir>/_state/<source>.json`, then `DELETE` the status URL so the server can drop the files.

The watermark is safe because the manifest "SHALL include any matching resources modified up to and
including" `transactionTime`, and `_since` returns resources changed after it: no gap, and any
overlap is removed by ingest de-duplication. It only advances after every file is written, so a
failed run is repeated in full by the next one.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

import fsspec
import requests

from pipelines.lib.fhir_bulk._http import (
    outcome_is_transient,
    outcome_text,
    parse_retry_after,
    redact_url,
    scrub,
)
from pipelines.lib.fhir_bulk.smart import SmartAuthError, SmartBackendAuth, default_scope

log = logging.getLogger(__name__)

DEFAULT_TYPES: tuple[str, ...] = ("Patient", "Encounter", "Location", "Appointment")
NDJSON = "application/fhir+ndjson"
STATE_DIR = "_state"
ERRORS_DIR = "_errors"
DELETED_DIR = "_deleted"
_CHUNK = 1 << 20
_RESOURCE_TYPE = re.compile(r"^[A-Z][A-Za-z]{1,63}$")

Level = Literal["group", "patient", "system"]


class BulkExportError(RuntimeError):
    """A Bulk Data request failed.

    The message names the step, the URL (credential-like query values redacted) and the HTTP status,
    with the server's OperationOutcome text; it never contains the access token or the assertion.

    Attributes:
        url: the URL that failed (redacted).
        status: the HTTP status, or None for network errors and integrity checks.
        detail: the server's OperationOutcome / error text (scrubbed).
    """

    def __init__(
        self, message: str, *, url: str | None = None, status: int | None = None, detail: str = ""
    ):
        super().__init__(message)
        self.url = url
        self.status = status
        self.detail = detail


class BulkExportTimeout(BulkExportError):
    """The export did not complete within the polling budget (the server job is cancelled)."""


@dataclass(frozen=True)
class ExportedFile:
    """One landed NDJSON file (counts only: safe for logs and Dagster metadata)."""

    resource_type: str
    path: str  # fsspec URL of the landed file
    lines: int
    size_bytes: int
    parts: int  # server files concatenated into it


@dataclass(frozen=True)
class ExportResult:
    """What one export produced.

    Attributes:
        transaction_time: the manifest's `transactionTime`, the `_since` of the next export.
        since: the `_since` this export used (None for a full export).
        request: the kick-off URL as the manifest reports it (redacted).
        files: landed resource files, one per resource type.
        error_files: landed OperationOutcome files (`error[]`), if any.
        deleted_files: landed deletion bundles (`deleted[]`), if any.
        state_path: the watermark file.
        extract_date: the date in the file names.
    """

    transaction_time: str
    since: str | None
    request: str
    files: tuple[ExportedFile, ...]
    error_files: tuple[ExportedFile, ...] = ()
    deleted_files: tuple[ExportedFile, ...] = ()
    state_path: str = ""
    extract_date: date | None = None

    @property
    def counts(self) -> dict[str, int]:
        """Lines landed per resource type."""
        return {f.resource_type: f.lines for f in self.files}

    def metadata(self) -> dict[str, Any]:
        """A JSON-safe summary without PHI (for Dagster materialization metadata)."""
        out = asdict(self)
        out["extract_date"] = self.extract_date.isoformat() if self.extract_date else None
        out["counts"] = self.counts
        return out


@dataclass
class _Progress:
    lines: int = 0
    size_bytes: int = 0
    parts: int = 0


def _parse_instant(value: str | datetime, what: str) -> datetime:
    """Parse a FHIR instant (timezone required)."""
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = datetime.fromisoformat(value)
        except (TypeError, ValueError):
            raise ValueError(f"{what} is not a FHIR instant: {value!r}") from None
    if parsed.tzinfo is None:
        raise ValueError(f"{what} needs a timezone (FHIR instant): {value!r}")
    return parsed


def _format_instant(value: str | datetime) -> str:
    if isinstance(value, str):
        _parse_instant(value, "since")
        return value
    return _parse_instant(value, "since").isoformat()


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class BulkExportClient:
    """Runs FHIR Bulk Data exports with SMART Backend Services authorization.

    One export at a time per instance (the token cache is thread-safe, the export state is not);
    use one instance per source.
    """

    def __init__(
        self,
        base_url: str,
        client_id: str,
        private_key_path: str | Path,
        key_id: str,
        alg: str = "RS384",
        token_url: str | None = None,
        session: requests.Session | None = None,
        *,
        scope: str | None = None,
        key_password: bytes | None = None,
        poll_timeout_s: float = 6 * 3600,
        initial_poll_interval_s: float = 2.0,
        max_poll_interval_s: float = 120.0,
        max_retries: int = 5,
        max_retry_after_s: float = 600.0,
        request_timeout: tuple[float, float] = (10.0, 300.0),
        trusted_origins: Iterable[str] = (),
        sleep: Callable[[float], None] = time.sleep,
    ):
        """Configure the client (loads the key; no network call yet).

        Args:
            base_url: FHIR base URL, e.g. `https://ehr.example.org/fhir/R4`.
            client_id: client id registered with the FHIR authorization server.
            private_key_path: PEM file of the signing key (RS384: RSA >= 2048 bits; ES384: P-384).
            key_id: `kid` of the registered public key.
            alg: `RS384` or `ES384`.
            token_url: the token endpoint; discovered from `.well-known/smart-configuration` when
                None.
            session: shared requests session.
            scope: scopes to request; default `system/<Type>.rs` for each exported type.
            key_password: PEM passphrase for an encrypted key file.
            poll_timeout_s: total budget from kick-off to a complete manifest.
            initial_poll_interval_s: first wait when the server sends no Retry-After (then x1.5 each
                poll).
            max_poll_interval_s: cap on that backoff.
            max_retries: retries of one request answered 429/503 or failing on the network.
            max_retry_after_s: cap on a server's Retry-After.
            request_timeout: (connect, read) timeout per HTTP request.
            trusted_origins: other origins (`https://files.example.org`) that may receive the bearer
                token, e.g. a separate output file server. The FHIR base origin is always trusted.
            sleep: sleep function, for tests.
        """
        self.base_url = base_url.rstrip("/")
        self.session = session or requests.Session()
        self.scope = scope
        self.poll_timeout_s = poll_timeout_s
        self.initial_poll_interval_s = initial_poll_interval_s
        self.max_poll_interval_s = max_poll_interval_s
        self.max_retries = max_retries
        self.max_retry_after_s = max_retry_after_s
        self.request_timeout = request_timeout
        self._sleep = sleep
        self._trusted = {_origin(self.base_url), *(_origin(o) for o in trusted_origins)}
        self.auth = SmartBackendAuth(
            base_url=self.base_url,
            client_id=client_id,
            private_key_path=private_key_path,
            key_id=key_id,
            alg=alg,
            token_url=token_url,
            session=self.session,
            key_password=key_password,
            timeout=request_timeout[1],
            max_retries=max_retries,
            max_retry_after_s=max_retry_after_s,
            sleep=sleep,
        )
        self._scope_for_export: str | None = None

    def __repr__(self) -> str:
        return f"BulkExportClient(base_url={self.base_url!r}, auth={self.auth!r})"

    # ------------------------------------------------------------------ public API

    def export(
        self,
        *,
        out_dir: str,
        source_name: str,
        group_id: str | None = None,
        types: Sequence[str] = DEFAULT_TYPES,
        since: str | datetime | None = None,
        level: Level | None = None,
        extract_date: date | None = None,
    ) -> ExportResult:
        """Run one export and land its files.

        Args:
            out_dir: folder (path or fsspec URL, e.g. `<landing>/fhir` or `s3://bucket/landing/fhir`).
            source_name: facility or source code used in the file names (`FAC_A`).
            group_id: export `Group/<id>`; without it the `level` endpoint is used.
            types: resource types (`_type`).
            since: `_since` (FHIR instant). When None, the watermark stored for this source,
                endpoint and types is used; a full export runs when there is none.
            level: `group`, `patient` (`Patient/$export`) or `system` (`$export`). Default: `group`
                when `group_id` is given, else `patient`.
            extract_date: date in the file names; default the date of `transactionTime`.

        Returns:
            The landed files and the new watermark.

        Raises:
            BulkExportError: a request failed (names URL and status) or a file failed its count
                check.
            BulkExportTimeout: the export did not finish within `poll_timeout_s`.
            SmartAuthError: the token could not be obtained.
        """
        if not types:
            raise ValueError("types must name at least one resource type")
        if not source_name or "/" in source_name or source_name.startswith("."):
            raise ValueError(f"source_name must be a plain file-name prefix: {source_name!r}")
        level = level or ("group" if group_id else "patient")
        path = self._kickoff_path(level, group_id)
        fs, root = fsspec.core.url_to_fs(out_dir)
        root = root.rstrip("/")
        state_path = f"{root}/{STATE_DIR}/{source_name}.json"
        state = self._read_state(fs, state_path, path)

        used_since: str | None
        if since is not None:
            used_since = _format_instant(since)
        else:
            marks = [state.get("watermarks", {}).get(t) for t in types]
            # One `_since` serves every type, so take the oldest: a type exported less recently
            # must not miss changes (the overlap for the others is de-duplicated at ingest).
            used_since = None if None in marks else min(marks, key=lambda m: _parse_instant(m, "m"))

        self._scope_for_export = self.scope or default_scope(
            types, v1=not self.auth.supports_scopes_v2()
        )
        kickoff_url = f"{self.base_url}/{path}"
        params = {"_type": ",".join(types), "_outputFormat": NDJSON}
        if used_since:
            params["_since"] = used_since
        log.info(
            "bulk export kick-off %s types=%s since=%s", kickoff_url, params["_type"], used_since
        )
        status_url = self._kickoff(kickoff_url, params)
        try:
            manifest = self._poll(status_url)
            result = self._land(
                manifest=manifest,
                fs=fs,
                root=root,
                source_name=source_name,
                since=used_since,
                state_path=state_path,
                extract_date=extract_date,
            )
            self._write_state(fs, state_path, state, path, types, manifest)
        except BaseException:
            # Nothing is resumed: cancel the job (or free its files) so the next run starts clean.
            self._delete_status(status_url, why="cancel after failure")
            raise
        self._delete_status(status_url, why="done")
        return result

    # ------------------------------------------------------------------ HTTP

    def _kickoff_path(self, level: Level, group_id: str | None) -> str:
        if level == "group":
            if not group_id:
                raise ValueError("level='group' needs group_id")
            return f"Group/{group_id}/$export"
        if level == "patient":
            return "Patient/$export"
        if level == "system":
            return "$export"
        raise ValueError(f"unknown export level {level!r}")

    def _token(self, *, force: bool = False) -> str:
        return self.auth.get_token(self._scope_for_export, force_refresh=force)

    def _fail(
        self, what: str, url: str, response: requests.Response | None, exc: Exception | None = None
    ) -> BulkExportError:
        shown = redact_url(url)
        if response is None:
            reason = type(exc).__name__ if exc else "no response"
            return BulkExportError(f"{what} {shown} failed: {reason}", url=shown)
        detail = scrub(outcome_text(response), self.auth.secrets_to_scrub())
        message = f"{what} {shown} failed: HTTP {response.status_code}"
        if detail:
            message += f": {detail}"
        return BulkExportError(message, url=shown, status=response.status_code, detail=detail)

    def _request(
        self,
        method: str,
        url: str,
        *,
        what: str,
        accept: str,
        ok: Iterable[int],
        authorize: bool = True,
        params: dict[str, str] | None = None,
        extra_headers: dict[str, str] | None = None,
        stream: bool = False,
        retry_statuses: Iterable[int] = (429, 503),
        deadline: float | None = None,
    ) -> requests.Response:
        """Send one request with the bearer token, retrying 429/503, network errors and one 401."""
        ok = set(ok)
        retry_statuses = set(retry_statuses)
        if authorize and _origin(url) not in self._trusted:
            raise BulkExportError(
                f"{what} {redact_url(url)}: refusing to send the access token to an untrusted "
                "origin (add it to trusted_origins)",
                url=redact_url(url),
            )
        refreshed = False
        attempt = 0
        while True:
            headers = {"Accept": accept, **(extra_headers or {})}
            if authorize:
                headers["Authorization"] = f"Bearer {self._token()}"
            try:
                response = self.session.request(
                    method,
                    url,
                    params=params,
                    headers=headers,
                    stream=stream,
                    timeout=self.request_timeout,
                )
            except requests.RequestException as exc:
                if method in ("GET", "DELETE") and attempt < self.max_retries:
                    attempt += 1
                    self._wait(min(self.max_retry_after_s, 2.0**attempt), deadline)
                    log.warning(
                        "%s %s: %s; retry %d", what, redact_url(url), type(exc).__name__, attempt
                    )
                    continue
                raise self._fail(what, url, None, exc) from None
            finally:
                headers.pop("Authorization", None)
            if response.status_code in ok:
                return response
            if response.status_code == 401 and authorize and not refreshed:
                # The token may have been revoked or expired early: one fresh token, then give up.
                response.close()
                self.auth.invalidate()
                refreshed = True
                continue
            if response.status_code in retry_statuses and attempt < self.max_retries:
                attempt += 1
                delay = self._retry_delay(response, attempt)
                log.warning(
                    "%s %s: HTTP %s, retry %d in %.1f s",
                    what,
                    redact_url(url),
                    response.status_code,
                    attempt,
                    delay,
                )
                response.close()
                self._wait(delay, deadline)
                continue
            error = self._fail(what, url, response)
            response.close()
            raise error

    def _retry_delay(self, response: requests.Response, attempt: int) -> float:
        delay = parse_retry_after(response.headers.get("Retry-After"))
        if delay is None:
            delay = self.initial_poll_interval_s * 2 ** (attempt - 1)
        return min(self.max_retry_after_s, delay)

    def _wait(self, delay: float, deadline: float | None) -> None:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or delay > remaining:
                raise BulkExportTimeout(
                    f"bulk export did not complete within {self.poll_timeout_s:.0f} s"
                )
        if delay > 0:
            self._sleep(delay)

    def _kickoff(self, url: str, params: dict[str, str]) -> str:
        response = self._request(
            "GET",
            url,
            what="bulk export kick-off",
            accept="application/fhir+json",
            extra_headers={"Prefer": "respond-async"},
            params=params,
            ok={202},
        )
        location = response.headers.get("Content-Location")
        response.close()
        if not location:
            raise BulkExportError(
                f"bulk export kick-off {redact_url(response.url)}: 202 without Content-Location",
                url=redact_url(response.url),
                status=202,
            )
        return urljoin(response.url, location)

    def _poll(self, status_url: str) -> dict[str, Any]:
        deadline = time.monotonic() + self.poll_timeout_s
        interval = self.initial_poll_interval_s
        polls = 0
        while True:
            polls += 1
            response = self._request(
                "GET",
                status_url,
                what="bulk export status",
                accept="application/json",
                ok={200, 202, 429, 500, 502, 503, 504},
                deadline=deadline,
            )
            status = response.status_code
            if status == 200:
                try:
                    manifest = response.json()
                except ValueError:
                    raise BulkExportError(
                        f"bulk export status {redact_url(status_url)}: manifest is not JSON",
                        url=redact_url(status_url),
                        status=200,
                    ) from None
                log.info("bulk export complete after %d status polls", polls)
                return self._check_manifest(manifest, status_url)
            if status >= 500 and status != 503 and not outcome_is_transient(response):
                error = self._fail("bulk export status", status_url, response)
                response.close()
                raise error
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            if status == 202:
                log.info(
                    "bulk export in progress (%s); next poll in %s s",
                    (response.headers.get("X-Progress") or "no progress reported")[:100],
                    retry_after if retry_after is not None else round(interval, 1),
                )
            else:
                log.warning("bulk export status: HTTP %s (transient), polling again", status)
            response.close()
            if retry_after is None:
                delay = interval
                interval = min(self.max_poll_interval_s, interval * 1.5)
            else:
                delay = min(self.max_retry_after_s, retry_after)
            self._wait(delay, deadline)

    def _check_manifest(self, manifest: Any, status_url: str) -> dict[str, Any]:
        def bad(why: str) -> BulkExportError:
            shown = redact_url(status_url)
            return BulkExportError(
                f"bulk export manifest from {shown}: {why}", url=shown, status=200
            )

        if not isinstance(manifest, dict):
            raise bad("not a JSON object")
        tt = manifest.get("transactionTime")
        if not isinstance(tt, str):
            raise bad("no transactionTime")
        try:
            _parse_instant(tt, "transactionTime")
        except ValueError as exc:
            raise bad(str(exc)) from None
        for key in ("output", "error", "deleted"):
            items = manifest.get(key) or []
            if not isinstance(items, list) or not all(
                isinstance(i, dict) and isinstance(i.get("url"), str) and i.get("type")
                for i in items
            ):
                raise bad(f"{key} must be a list of {{type, url}} items")
            # The type becomes part of a file name: a server must not steer it out of out_dir.
            odd = sorted(
                {str(i["type"]) for i in items if not _RESOURCE_TYPE.match(str(i["type"]))}
            )
            if odd:
                raise bad(f"{key} has invalid resource types {odd[:3]}")
        if not isinstance(manifest.get("requiresAccessToken"), bool):
            raise bad("requiresAccessToken must be true or false")
        return manifest

    def _delete_status(self, status_url: str, *, why: str) -> None:
        """DELETE the status URL: frees the server's files (or cancels the job). Best effort."""
        try:
            self._request(
                "DELETE",
                status_url,
                what="bulk export delete",
                accept="application/fhir+json",
                ok={200, 202, 204, 404},
            ).close()
            log.info("bulk export status URL deleted (%s)", why)
        except (BulkExportError, SmartAuthError) as exc:
            log.warning("could not delete the bulk export status URL (%s): %s", why, exc)

    # ------------------------------------------------------------------ landing

    def _land(
        self,
        *,
        manifest: dict[str, Any],
        fs: fsspec.AbstractFileSystem,
        root: str,
        source_name: str,
        since: str | None,
        state_path: str,
        extract_date: date | None,
    ) -> ExportResult:
        tt = manifest["transactionTime"]
        day = extract_date or _parse_instant(tt, "transactionTime").date()
        needs_token = manifest["requiresAccessToken"]
        by_type: dict[str, list[dict[str, Any]]] = {}
        for item in manifest.get("output") or []:
            by_type.setdefault(str(item["type"]), []).append(item)
        stem = f"{source_name}_{day.isoformat()}"
        fs.makedirs(root, exist_ok=True)
        suffix = self._free_suffix(fs, root, stem, list(by_type))
        files = []
        for rtype, items in by_type.items():
            target = f"{root}/{stem}_{rtype}{suffix}.ndjson"
            files.append(self._download(fs, target, rtype, items, needs_token))
        error_files = []
        if manifest.get("error"):
            target = f"{root}/{ERRORS_DIR}/{stem}_errors{suffix}.ndjson"
            error_files.append(
                self._download(fs, target, "OperationOutcome", manifest["error"], needs_token)
            )
            log.warning(
                "bulk export reported %d OperationOutcome lines; landed in %s",
                error_files[0].lines,
                ERRORS_DIR,
            )
        deleted_files = []
        if manifest.get("deleted"):
            target = f"{root}/{DELETED_DIR}/{stem}_deleted{suffix}.ndjson"
            deleted_files.append(
                self._download(fs, target, "Bundle", manifest["deleted"], needs_token)
            )
        result = ExportResult(
            transaction_time=tt,
            since=since,
            request=redact_url(str(manifest.get("request", ""))),
            files=tuple(files),
            error_files=tuple(error_files),
            deleted_files=tuple(deleted_files),
            state_path=fs.unstrip_protocol(state_path),
            extract_date=day,
        )
        log.info("bulk export landed %s (transactionTime %s)", result.counts, tt)
        return result

    @staticmethod
    def _free_suffix(fs: fsspec.AbstractFileSystem, root: str, stem: str, types: list[str]) -> str:
        """`""` for the first export of a day, else `.2`, `.3` ...: never overwrite a landed file.

        The ingest ledger keys on the file path and skips known contents, so rewriting a landed
        file would either lose the first export or collide with its ledger row.
        """
        n = 1
        while True:
            suffix = "" if n == 1 else f".{n}"
            names = [f"{root}/{stem}_{t}{suffix}.ndjson" for t in types]
            names += [
                f"{root}/{ERRORS_DIR}/{stem}_errors{suffix}.ndjson",
                f"{root}/{DELETED_DIR}/{stem}_deleted{suffix}.ndjson",
            ]
            if not any(fs.exists(name) for name in names):
                return suffix
            n += 1

    def _download(
        self,
        fs: fsspec.AbstractFileSystem,
        target: str,
        rtype: str,
        items: list[dict[str, Any]],
        needs_token: bool,
    ) -> ExportedFile:
        """Stream the server files of one type into `target` (temp name, then rename)."""
        parent, name = target.rsplit("/", 1)
        fs.makedirs(parent, exist_ok=True)
        # Not `*.ndjson`, so the ingest glob never picks up a half-written file.
        tmp = f"{parent}/.{name}.{secrets.token_hex(6)}.tmp"
        progress = _Progress()
        try:
            with fs.open(tmp, "wb") as out:
                for item in items:
                    self._download_part(out, item, rtype, needs_token, progress)
            fs.mv(tmp, target)
        except BaseException:
            try:
                if fs.exists(tmp):
                    fs.rm(tmp)
            except OSError:
                log.warning("could not remove the temporary file %s", tmp)
            raise
        url = fs.unstrip_protocol(target)
        log.info("landed %s: %d lines, %d bytes", url, progress.lines, progress.size_bytes)
        return ExportedFile(rtype, url, progress.lines, progress.size_bytes, progress.parts)

    def _download_part(
        self, out: Any, item: dict[str, Any], rtype: str, needs_token: bool, progress: _Progress
    ) -> None:
        url = item["url"]
        response = self._request(
            "GET",
            url,
            what=f"bulk export file ({rtype})",
            accept=NDJSON,
            ok={200},
            authorize=needs_token,
            stream=True,
        )
        lines = 0
        try:
            for line in self._lines(response.iter_content(chunk_size=_CHUNK)):
                out.write(line)
                lines += 1
                progress.size_bytes += len(line)
        except requests.RequestException as exc:
            raise self._fail(f"bulk export file ({rtype})", url, None, exc) from None
        finally:
            response.close()
        expected = item.get("count")
        if isinstance(expected, int) and expected != lines:
            # A short read is the usual cause: fail rather than land a partial extract.
            shown = redact_url(url)
            raise BulkExportError(
                f"bulk export file ({rtype}) {shown}: {lines} lines, manifest count {expected}",
                url=shown,
                status=200,
            )
        progress.lines += lines
        progress.parts += 1

    @staticmethod
    def _lines(chunks: Iterator[bytes]) -> Iterator[bytes]:
        """Split a byte stream into non-empty NDJSON lines, each ending in one newline.

        Joining several server files must give valid NDJSON even when one lacks its final newline,
        and a blank line would reach the reader as a bad record.
        """
        pending = b""
        for chunk in chunks:
            if not chunk:
                continue
            pending += chunk
            *complete, pending = pending.split(b"\n")
            for line in complete:
                if line.strip():
                    yield line.rstrip(b"\r") + b"\n"
        if pending.strip():
            yield pending.rstrip(b"\r") + b"\n"

    # ------------------------------------------------------------------ watermark state

    def _read_state(self, fs: fsspec.AbstractFileSystem, path: str, kickoff: str) -> dict:
        if not fs.exists(path):
            return {}
        try:
            with fs.open(path, "rb") as fh:
                state = json.loads(fh.read())
        except (OSError, ValueError):
            log.warning("unreadable watermark file %s: running a full export", path)
            return {}
        if state.get("base_url") != self.base_url or state.get("kickoff") != kickoff:
            log.warning(
                "watermark file %s belongs to %s/%s: running a full export",
                path,
                state.get("base_url"),
                state.get("kickoff"),
            )
            return {}
        return state

    def _write_state(
        self,
        fs: fsspec.AbstractFileSystem,
        path: str,
        state: dict,
        kickoff: str,
        types: Sequence[str],
        manifest: dict[str, Any],
    ) -> None:
        marks = dict(state.get("watermarks", {}))
        for t in types:
            marks[t] = manifest["transactionTime"]
        new_state = {
            "version": 1,
            "base_url": self.base_url,
            "kickoff": kickoff,
            "watermarks": marks,
            "request": redact_url(str(manifest.get("request", ""))),
            "updated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        parent = path.rsplit("/", 1)[0]
        fs.makedirs(parent, exist_ok=True)
        tmp = f"{path}.{secrets.token_hex(6)}.tmp"
        with fs.open(tmp, "wb") as fh:
            fh.write(json.dumps(new_state, indent=2, sort_keys=True).encode())
        fs.mv(tmp, path)


ENV_VARS = (
    "OPS_FHIR_BASE_URL",
    "OPS_FHIR_CLIENT_ID",
    "OPS_FHIR_PRIVATE_KEY_PATH",
    "OPS_FHIR_KEY_ID",
)


def client_from_env(session: requests.Session | None = None) -> BulkExportClient:
    """Build a client from `OPS_FHIR_*` variables (read now, never at import time).

    Required: `OPS_FHIR_BASE_URL`, `OPS_FHIR_CLIENT_ID`, `OPS_FHIR_PRIVATE_KEY_PATH`,
        `OPS_FHIR_KEY_ID`.
    Optional: `OPS_FHIR_ALG` (RS384), `OPS_FHIR_TOKEN_URL`, `OPS_FHIR_SCOPE`,
    `OPS_FHIR_PRIVATE_KEY_PASSWORD`, `OPS_FHIR_POLL_TIMEOUT_S`.
    """
    missing = [v for v in ENV_VARS if not os.environ.get(v)]
    if missing:
        raise ValueError(f"missing environment variables: {', '.join(missing)}")
    password = os.environ.get("OPS_FHIR_PRIVATE_KEY_PASSWORD")
    return BulkExportClient(
        base_url=os.environ["OPS_FHIR_BASE_URL"],
        client_id=os.environ["OPS_FHIR_CLIENT_ID"],
        private_key_path=os.environ["OPS_FHIR_PRIVATE_KEY_PATH"],
        key_id=os.environ["OPS_FHIR_KEY_ID"],
        alg=os.environ.get("OPS_FHIR_ALG") or "RS384",
        token_url=os.environ.get("OPS_FHIR_TOKEN_URL") or None,
        session=session,
        scope=os.environ.get("OPS_FHIR_SCOPE") or None,
        key_password=password.encode() if password else None,
        poll_timeout_s=float(os.environ.get("OPS_FHIR_POLL_TIMEOUT_S") or 6 * 3600),
    )


def export_from_env(out_dir: str, *, session: requests.Session | None = None) -> ExportResult:
    """Run an export configured by `OPS_FHIR_*` variables into `out_dir` (e.g. `<landing>/fhir`).

    Besides the client variables (see `client_from_env`): `OPS_FHIR_GROUP_ID` (optional; without it
    the all-patients endpoint is used), `OPS_FHIR_TYPES` (comma list, default
    `Patient,Encounter,Location,Appointment`), `OPS_FHIR_SOURCE_NAME` (file-name prefix, default
    `FHIR`).
    """
    client = client_from_env(session)
    types_env = os.environ.get("OPS_FHIR_TYPES")
    types = (
        tuple(t.strip() for t in types_env.split(",") if t.strip()) if types_env else DEFAULT_TYPES
    )
    return client.export(
        out_dir=out_dir,
        source_name=os.environ.get("OPS_FHIR_SOURCE_NAME") or "FHIR",
        group_id=os.environ.get("OPS_FHIR_GROUP_ID") or None,
        types=types,
    )
