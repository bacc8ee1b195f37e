"""Send rendered huddle packs by SMTP: one message per facility, to that facility's recipients only.

Recipients come from `OPS_REPORT_RECIPIENTS` when set, else from
`<secrets_dir>/report_recipients.toml`:

    [facilities.FAC_A]
    to = ["ops-lead@fac-a.example.org", "bed-office@fac-a.example.org"]

A facility without recipients is skipped: there is no default or catch-all list, so a pack can never
reach another facility's staff. Logs carry facility ids and counts, never addresses or credentials.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path

from pipelines.lib.reports.render import RenderedReport

log = logging.getLogger(__name__)

RECIPIENTS_FILE = "report_recipients.toml"
NO_RECIPIENTS = "no recipients configured"
_LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}


@dataclass(frozen=True)
class SmtpConfig:
    """SMTP settings, from `OPS_SMTP_*` and `OPS_REPORT_FROM`."""

    host: str
    port: int
    sender: str
    starttls: bool = True
    use_tls: bool = False
    username: str | None = None
    password: str | None = None

    def __repr__(self) -> str:
        # Keep the password out of logs, tracebacks and Dagster's repr of objects.
        return (
            f"SmtpConfig(host={self.host!r}, port={self.port}, starttls={self.starttls}, "
            f"use_tls={self.use_tls}, username={'set' if self.username else None})"
        )

    @classmethod
    def from_env(cls) -> SmtpConfig:
        """Read the configuration at call time.

        `OPS_SMTP_HOST` (default localhost), `OPS_SMTP_PORT` (default 465 with `OPS_SMTP_SSL`,
        else 587 with STARTTLS, else 25), `OPS_SMTP_STARTTLS` (default true), `OPS_SMTP_SSL`
        (implicit TLS, default false), `OPS_SMTP_USER`, `OPS_SMTP_PASSWORD`, `OPS_REPORT_FROM`
        (required).

        Raises:
            ValueError: when `OPS_REPORT_FROM` is missing or not an address.
        """
        use_tls = _env_bool("OPS_SMTP_SSL", default=False)
        starttls = not use_tls and _env_bool("OPS_SMTP_STARTTLS", default=True)
        default_port = 465 if use_tls else 587 if starttls else 25
        sender = os.environ.get("OPS_REPORT_FROM", "").strip()
        if not _is_address(sender):
            raise ValueError("OPS_REPORT_FROM must be set to the sender's e-mail address")
        return cls(
            host=os.environ.get("OPS_SMTP_HOST", "localhost"),
            port=int(os.environ.get("OPS_SMTP_PORT") or default_port),
            sender=sender,
            starttls=starttls,
            use_tls=use_tls,
            username=os.environ.get("OPS_SMTP_USER") or None,
            password=os.environ.get("OPS_SMTP_PASSWORD") or None,
        )


@dataclass(frozen=True)
class SendResult:
    """What happened to one facility's pack (no addresses: counts only)."""

    facility_id: str
    recipients: int
    sent: bool
    error: str | None = None


def _env_bool(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name} must be true or false")


def _is_address(value: str) -> bool:
    """A bare address without header-breaking characters (display names are not accepted)."""
    if not value or any(c in value for c in "\r\n,;<>\"'") or value.count("@") != 1:
        return False
    _, parsed = parseaddr(value)
    local, _, domain = parsed.partition("@")
    return parsed == value and bool(local) and "." in domain


def _clean(facility: str, addresses: object) -> list[str]:
    if not isinstance(addresses, list) or not all(isinstance(a, str) for a in addresses):
        raise ValueError(f"recipients of {facility} must be a list of addresses")
    cleaned = [a.strip() for a in addresses if a.strip()]
    bad = sum(not _is_address(a) for a in cleaned)
    if bad:
        # Name the facility and the count, not the address (it may belong to a person).
        raise ValueError(f"{bad} invalid recipient address(es) for facility {facility}")
    return list(dict.fromkeys(cleaned))


def parse_recipients_env(value: str) -> dict[str, list[str]]:
    """Parse `FAC_A:a@x.org,b@x.org;FAC_B:c@y.org` (the `OPS_REPORT_RECIPIENTS` format).

    Raises:
        ValueError: for an entry without a facility or with an invalid address.
    """
    result: dict[str, list[str]] = {}
    for entry in filter(None, (e.strip() for e in value.split(";"))):
        facility, sep, addresses = entry.partition(":")
        if not sep or not facility.strip():
            raise ValueError("OPS_REPORT_RECIPIENTS entries must look like FACILITY:addr,addr")
        result[facility.strip()] = _clean(facility.strip(), addresses.split(","))
    return result


def load_recipients(secrets_dir: Path) -> dict[str, list[str]]:
    """Recipients per facility from `OPS_REPORT_RECIPIENTS`, else the secrets-folder TOML file.

    Returns:
        facility_id -> addresses; empty when neither source is configured.

    Raises:
        ValueError: for a malformed file or an invalid address.
    """
    env = os.environ.get("OPS_REPORT_RECIPIENTS", "").strip()
    if env:
        return parse_recipients_env(env)
    path = secrets_dir / RECIPIENTS_FILE
    if not path.exists():
        return {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    facilities = data.get("facilities", {})
    if not isinstance(facilities, dict):
        raise ValueError(f"{RECIPIENTS_FILE}: [facilities] must be a table")
    result: dict[str, list[str]] = {}
    for facility, entry in facilities.items():
        if not isinstance(entry, dict):
            raise ValueError(f"{RECIPIENTS_FILE}: [facilities.{facility}] must be a table")
        result[str(facility)] = _clean(str(facility), entry.get("to", []))
    return result


def build_message(report: RenderedReport, sender: str, recipients: Sequence[str]) -> EmailMessage:
    """A multipart/alternative message: plain text first, HTML preferred by capable clients."""
    msg = EmailMessage()
    msg["Subject"] = report.subject
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=sender.partition("@")[2] or None)
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: suppress auto-replies
    msg.set_content(report.text)
    msg.add_alternative(report.html, subtype="html")
    return msg


def _connect(
    host: str, port: int, *, use_tls: bool, starttls: bool, timeout: float
) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if use_tls:
        return smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    smtp = smtplib.SMTP(host, port, timeout=timeout)
    if starttls:
        try:
            smtp.starttls(context=context)
        except BaseException:
            smtp.close()
            raise
    return smtp


def send_reports(
    reports: Sequence[RenderedReport],
    smtp_host: str,
    smtp_port: int,
    sender: str,
    recipients_by_facility: Mapping[str, Sequence[str]],
    *,
    starttls: bool = True,
    use_tls: bool = False,
    username: str | None = None,
    password: str | None = None,
    timeout: float = 30.0,
) -> list[SendResult]:
    """Send each facility's pack to that facility's recipients, over one SMTP session.

    Args:
        reports: rendered packs, one per facility.
        smtp_host: SMTP server.
        smtp_port: SMTP port.
        sender: the From address (`OPS_REPORT_FROM`).
        recipients_by_facility: facility_id -> addresses (see `load_recipients`).
        starttls: upgrade the connection with STARTTLS (ignored with `use_tls`).
        use_tls: connect with implicit TLS (SMTPS, usually port 465).
        username: SMTP user (`OPS_SMTP_USER`), or None for no authentication.
        password: SMTP password (`OPS_SMTP_PASSWORD`); never logged.
        timeout: socket timeout in seconds.

    Returns:
        One result per report. A facility without recipients is skipped (sent=False); a refused
        message is reported (sent=False, error) and the others are still attempted.

    Raises:
        ValueError: when credentials would cross a non-loopback connection in clear text.
        OSError, smtplib.SMTPException: when the server cannot be reached or refuses the login.
    """
    if username and not (use_tls or starttls) and smtp_host not in _LOOPBACK_HOSTS:
        raise ValueError("refusing to send SMTP credentials without TLS; set OPS_SMTP_STARTTLS")
    results: list[SendResult] = []
    to_send: list[tuple[RenderedReport, list[str]]] = []
    for report in reports:
        recipients = list(recipients_by_facility.get(report.facility_id, []))
        if recipients:
            to_send.append((report, recipients))
        else:
            log.warning(
                "no recipients configured for facility %s: pack not sent", report.facility_id
            )
            results.append(SendResult(report.facility_id, 0, False, NO_RECIPIENTS))
    if not to_send:
        return results

    with _connect(
        smtp_host, smtp_port, use_tls=use_tls, starttls=starttls, timeout=timeout
    ) as smtp:
        if username:
            smtp.login(username, password or "")
        for report, recipients in to_send:
            msg = build_message(report, sender, recipients)
            try:
                # Explicit envelope: exactly this facility's list, whatever the headers say.
                refused = smtp.send_message(msg, from_addr=sender, to_addrs=recipients)
            except smtplib.SMTPException as exc:
                log.error(
                    "pack for facility %s not sent: %s", report.facility_id, type(exc).__name__
                )
                results.append(
                    SendResult(report.facility_id, len(recipients), False, type(exc).__name__)
                )
                continue
            accepted = len(recipients) - len(refused)
            log.info(
                "sent pack for facility %s to %d of %d recipient(s)",
                report.facility_id,
                accepted,
                len(recipients),
            )
            error = f"{len(refused)} recipient(s) refused" if refused else None
            results.append(SendResult(report.facility_id, accepted, accepted > 0, error))
    return results
