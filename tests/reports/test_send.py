"""Delivery through a real SMTP server on loopback: envelopes, headers, both parts, isolation."""

from __future__ import annotations

import email
import logging
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest

from pipelines.lib.reports.build import build_weekly_report
from pipelines.lib.reports.render import RenderedReport, render_report
from pipelines.lib.reports.send import (
    SmtpConfig,
    load_recipients,
    parse_recipients_env,
    send_reports,
)
from tests.reports.conftest import SmtpServer
from tests.reports.fixture import WEEK_ENDING

SENDER = "ops-reports@warehouse.example.org"
RECIPIENTS = {
    "FAC_A": ["lead@fac-a.example.org", "beds@fac-a.example.org"],
    "FAC_B": ["lead@fac-b.example.org"],
}
# Values only FAC_B's pack holds (see fixture.py).
FAC_B_MARKERS = ("FAC_B", "South Community", "88.8", "Dermatology-B", "B-only group", "$19,980")


@pytest.fixture(scope="module")
def rendered(published: Path) -> list[RenderedReport]:
    return [
        render_report(build_weekly_report(published, fac, WEEK_ENDING))
        for fac in ("FAC_A", "FAC_B")
    ]


def _send(server: SmtpServer, reports, recipients=RECIPIENTS, **kwargs):
    return send_reports(
        reports, server.host, server.port, SENDER, recipients, starttls=False, **kwargs
    )


def _parse(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=default)  # type: ignore[return-value]


def test_one_message_per_facility_to_its_own_recipients_only(
    smtp_server: SmtpServer, rendered: list[RenderedReport]
) -> None:
    results = _send(smtp_server, rendered)
    assert [(r.facility_id, r.recipients, r.sent, r.error) for r in results] == [
        ("FAC_A", 2, True, None),
        ("FAC_B", 1, True, None),
    ]
    assert len(smtp_server.messages) == 2
    by_subject = {_parse(m.content)["Subject"]: m for m in smtp_server.messages}
    a = by_subject["Weekly huddle pack: North General (FAC_A), week ending 2026-03-15"]
    b = by_subject["Weekly huddle pack: South Community (FAC_B), week ending 2026-03-15"]
    assert a.mail_from == SENDER
    assert sorted(a.rcpt_tos) == sorted(RECIPIENTS["FAC_A"])
    assert b.rcpt_tos == RECIPIENTS["FAC_B"]

    msg = _parse(a.content)
    assert msg["From"] == SENDER
    assert sorted(str(msg["To"]).split(", ")) == sorted(RECIPIENTS["FAC_A"])
    assert msg.get_content_type() == "multipart/alternative"
    parts = {p.get_content_type(): p.get_content() for p in msg.iter_parts()}
    assert set(parts) == {"text/plain", "text/html"}
    assert "- ED visits: 20 (last week 16, change +4)" in parts["text/plain"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in parts["text/html"]
    assert "<script" not in parts["text/html"].lower()
    # Nothing of FAC_B in FAC_A's message, headers included.
    raw = a.content.decode("utf-8", "replace") + parts["text/plain"] + parts["text/html"]
    for marker in FAC_B_MARKERS:
        assert marker not in raw, marker
    for address in RECIPIENTS["FAC_B"]:
        assert address not in raw


def test_facility_without_recipients_is_skipped_not_sent_elsewhere(
    smtp_server: SmtpServer, rendered: list[RenderedReport]
) -> None:
    results = _send(smtp_server, rendered, {"FAC_A": RECIPIENTS["FAC_A"]})
    assert [(r.facility_id, r.sent) for r in results] == [("FAC_B", False), ("FAC_A", True)]
    assert results[0].error == "no recipients configured"
    assert len(smtp_server.messages) == 1
    assert "FAC_B" not in smtp_server.messages[0].content.decode()


def test_logs_hold_counts_not_addresses_or_passwords(
    smtp_server: SmtpServer, rendered: list[RenderedReport], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="pipelines.lib.reports")
    # aiosmtpd offers no AUTH without TLS, so only the refusal path can carry a password here.
    with pytest.raises(ValueError, match="without TLS"):
        send_reports(
            rendered,
            "smtp.example.org",
            25,
            SENDER,
            RECIPIENTS,
            starttls=False,
            username="svc",
            password="hunter2-secret",
        )
    _send(smtp_server, rendered)
    assert "sent pack for facility FAC_A to 2 of 2 recipient(s)" in caplog.text
    assert "@" not in caplog.text
    assert "hunter2-secret" not in caplog.text


def test_smtp_config_from_env_never_shows_the_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("OPS_SMTP_STARTTLS", "false")
    monkeypatch.setenv("OPS_SMTP_USER", "svc")
    monkeypatch.setenv("OPS_SMTP_PASSWORD", "hunter2-secret")
    monkeypatch.setenv("OPS_REPORT_FROM", SENDER)
    monkeypatch.delenv("OPS_SMTP_PORT", raising=False)
    monkeypatch.delenv("OPS_SMTP_SSL", raising=False)
    config = SmtpConfig.from_env()
    assert (config.host, config.port, config.starttls, config.use_tls) == (
        "127.0.0.1",
        25,
        False,
        False,
    )
    assert config.password == "hunter2-secret"
    assert "hunter2" not in repr(config)
    monkeypatch.delenv("OPS_SMTP_STARTTLS")
    assert SmtpConfig.from_env().port == 587  # STARTTLS by default
    monkeypatch.setenv("OPS_REPORT_FROM", "not an address")
    with pytest.raises(ValueError):
        SmtpConfig.from_env()


def test_recipients_from_toml_and_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPS_REPORT_RECIPIENTS", raising=False)
    assert load_recipients(tmp_path) == {}
    (tmp_path / "report_recipients.toml").write_text(
        '[facilities.FAC_A]\nto = ["lead@fac-a.example.org", "lead@fac-a.example.org"]\n'
        '[facilities.FAC_B]\nto = ["lead@fac-b.example.org"]\n'
    )
    assert load_recipients(tmp_path) == {
        "FAC_A": ["lead@fac-a.example.org"],
        "FAC_B": ["lead@fac-b.example.org"],
    }
    monkeypatch.setenv("OPS_REPORT_RECIPIENTS", "FAC_A: a@x.example.org, b@x.example.org")
    assert load_recipients(tmp_path) == {"FAC_A": ["a@x.example.org", "b@x.example.org"]}


@pytest.mark.parametrize(
    "value",
    [
        "FAC_A:a@x.example.org\r\nBcc: evil@y.example.org",
        "FAC_A:Alice <a@x.example.org>",
        "FAC_A:nobody",
        "a@x.example.org",
    ],
)
def test_malformed_recipients_are_refused_without_echoing_them(value: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_recipients_env(value)
    assert "example.org" not in str(info.value)
