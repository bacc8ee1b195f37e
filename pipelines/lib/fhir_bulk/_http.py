"""HTTP helpers shared by the SMART token client and the Bulk Data client.

Everything here is about keeping secrets out of messages: URLs lose credential-like query values,
server
text is scrubbed of the current token and assertion, and OperationOutcome text is cut to a readable
size.
"""

from __future__ import annotations

import email.utils
import json
import re
import time
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests

# Query parameters that carry credentials in pre-signed file URLs (S3, Azure SAS, GCS).
_SECRET_PARAM = re.compile(r"(sig|signature|token|key|credential|secret|password|code|auth)", re.I)
_REDACTED = "[REDACTED]"
# Long enough to read an OperationOutcome, short enough that a chatty server cannot flood the logs.
MAX_DETAIL_CHARS = 500


def redact_url(url: str) -> str:
    """Return `url` with credential-like query values replaced (safe for logs and messages)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable url>"
    if not parts.query:
        return url
    query = [
        (k, _REDACTED if _SECRET_PARAM.search(k) else v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
    ]
    # `safe` keeps `$`, `,` and `:` readable in `_type=Patient,Encounter` and `_since=...`.
    return urlunsplit(parts._replace(query=urlencode(query, safe="$,:/")))


def scrub(text: str, secrets: Iterable[str | None]) -> str:
    """Replace each secret in `text` (defence in depth against a server echoing them)."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, _REDACTED)
    return text


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Parse a `Retry-After` header: delay-seconds or an HTTP-date (RFC 9110 §10.2.3).

    Returns:
        The delay in seconds (never negative), or None when the header is absent or unparseable.
    """
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


def outcome_text(response: requests.Response) -> str:
    """Summarize an error body: OperationOutcome issues, an OAuth error, or the text's start."""
    try:
        body = response.json()
    except ValueError:
        body = None
    text = ""
    if isinstance(body, dict) and body.get("resourceType") == "OperationOutcome":
        issues = []
        for issue in body.get("issue") or []:
            if not isinstance(issue, dict):
                continue
            detail = (issue.get("details") or {}).get("text") or issue.get("diagnostics") or ""
            issues.append(
                f"{issue.get('severity', '?')}/{issue.get('code', '?')}: {detail}".rstrip(": ")
            )
        text = "; ".join(issues) or "OperationOutcome without issues"
    elif isinstance(body, dict) and "error" in body:
        text = str(body.get("error"))
        if body.get("error_description"):
            text += f": {body['error_description']}"
    elif body is not None:
        text = json.dumps(body)[:MAX_DETAIL_CHARS]
    else:
        text = (response.text or "").strip()
    return text[:MAX_DETAIL_CHARS]


def outcome_is_transient(response: requests.Response) -> bool:
    """True when an error OperationOutcome says "try again later" (issue code `transient`).

    The Bulk Data spec asks servers to use a transient code for a polling failure that does not mean
    the export job failed, so the client keeps polling instead of giving up.
    """
    try:
        body = response.json()
    except ValueError:
        return False
    if not isinstance(body, dict) or body.get("resourceType") != "OperationOutcome":
        return False
    codes = {i.get("code") for i in body.get("issue") or [] if isinstance(i, dict)}
    # Children of `transient` in the IssueType code system, minus `exception` and `incomplete`,
    # which servers also use for hard failures (retrying those would only burn the time budget).
    transient = {"transient", "lock-error", "no-store", "timeout", "throttled"}
    return bool(codes) and codes <= transient
