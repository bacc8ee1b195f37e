"""Bulk Data export client against the local server: round trip, watermark, retries, errors."""

from __future__ import annotations

import json
import logging
from datetime import date, datetime
from pathlib import Path
from urllib.parse import parse_qs

import fsspec
import pytest

from pipelines.lib.fhir_bulk import (
    DEFAULT_TYPES,
    BulkExportError,
    BulkExportTimeout,
    export_from_env,
)
from tests.fhir_bulk.conftest import CLIENT_ID, KIDS, pem_of

pytestmark = pytest.mark.integration

SOURCE = "FACA"


def _day(result) -> str:
    return datetime.fromisoformat(result.transaction_time).date().isoformat()


def _landed(out: Path) -> dict[str, list[dict]]:
    """Landed NDJSON files (top level only) -> parsed lines."""
    return {
        p.name: [json.loads(line) for line in p.read_text().splitlines()]
        for p in sorted(out.glob("*.ndjson"))
    }


@pytest.mark.parametrize("alg", ["RS384", "ES384"])
def test_full_round_trip(alg, server, make_client, tmp_path):
    out = tmp_path / "landing" / "fhir"
    result = make_client(server, alg).export(
        out_dir=str(out), source_name=SOURCE, group_id="ops-cohort"
    )

    day = _day(result)
    landed = _landed(out)
    assert sorted(landed) == sorted(f"{SOURCE}_{day}_{t}.ndjson" for t in DEFAULT_TYPES)
    for rtype in DEFAULT_TYPES:
        rows = landed[f"{SOURCE}_{day}_{rtype}.ndjson"]
        assert len(rows) == server.count(rtype) == result.counts[rtype]
        assert {r["resourceType"] for r in rows} == {rtype}
    assert result.since is None
    assert result.extract_date == date.fromisoformat(day)
    # No temporary file is left behind, anywhere under the output folder.
    assert not [p for p in out.rglob("*") if p.name.startswith(".")]

    (kickoff,) = server.requests_to("/Group/ops-cohort/$export")
    assert kickoff.headers["prefer"] == "respond-async"
    assert kickoff.headers["accept"] == "application/fhir+json"
    assert kickoff.query["_type"] == [",".join(DEFAULT_TYPES)]
    assert "_since" not in kickoff.query
    files = server.requests_to("/files/")
    assert len(files) == 4 and all(r.headers["authorization"].startswith("Bearer ") for r in files)
    assert all(r.headers["accept"] == "application/fhir+ndjson" for r in files)
    (job,) = server.jobs.values()
    assert job.deleted and server.requests_to("/bulkstatus/", method="DELETE")

    state = json.loads((out / "_state" / f"{SOURCE}.json").read_text())
    assert state["watermarks"] == dict.fromkeys(DEFAULT_TYPES, result.transaction_time)
    assert state["kickoff"] == "Group/ops-cohort/$export"


def test_several_server_files_per_type_are_concatenated(make_server, make_client, tmp_path):
    server = make_server(max_lines_per_file=2, n_patients=5)
    result = make_client(server).export(out_dir=str(tmp_path), source_name=SOURCE)

    by_type = {f.resource_type: f for f in result.files}
    assert by_type["Patient"].parts == 3 and by_type["Patient"].lines == 5
    lines = Path(by_type["Patient"].path.removeprefix("file://")).read_text().splitlines()
    assert len(lines) == 5 and all(json.loads(line)["resourceType"] == "Patient" for line in lines)
    # Without a group the all-patients endpoint is used.
    assert server.requests_to("/fhir/Patient/$export")


def test_second_export_uses_transaction_time_as_since(server, make_client, tmp_path):
    client = make_client(server)
    first = client.export(out_dir=str(tmp_path), source_name=SOURCE, group_id="ops-cohort")
    new_encounters = server.add_resources("Encounter", 2)
    server.touch("Patient", ["pt-0001"])

    second = client.export(out_dir=str(tmp_path), source_name=SOURCE, group_id="ops-cohort")

    kickoffs = server.requests_to("/$export")
    assert kickoffs[1].query["_since"] == [first.transaction_time]
    assert second.since == first.transaction_time
    assert second.transaction_time > first.transaction_time
    assert second.counts == {"Patient": 1, "Encounter": 2}
    day = _day(second)
    landed = _landed(tmp_path)
    # The first export's files are kept; the second one lands beside them, never over them.
    assert len(landed[f"{SOURCE}_{day}_Patient.ndjson"]) == server.count("Patient")
    assert [r["id"] for r in landed[f"{SOURCE}_{day}_Encounter.2.ndjson"]] == new_encounters
    assert [r["id"] for r in landed[f"{SOURCE}_{day}_Patient.2.ndjson"]] == ["pt-0001"]
    assert f"{SOURCE}_{day}_Location.2.ndjson" not in landed
    state = json.loads((tmp_path / "_state" / f"{SOURCE}.json").read_text())
    assert set(state["watermarks"].values()) == {second.transaction_time}


def test_watermark_is_per_type_and_endpoint(server, make_client, tmp_path):
    client = make_client(server)
    first = client.export(out_dir=str(tmp_path), source_name=SOURCE, types=("Patient",))
    # Encounter was never exported: a full export, not one from the Patient watermark.
    client.export(out_dir=str(tmp_path), source_name=SOURCE, types=("Patient", "Encounter"))
    # Another endpoint (a group) does not reuse the all-patients watermark either.
    client.export(out_dir=str(tmp_path), source_name=SOURCE, group_id="ops-cohort")
    # An explicit since wins.
    client.export(out_dir=str(tmp_path), source_name=SOURCE, since=first.transaction_time)

    sinces = [r.query.get("_since") for r in server.requests_to("/$export")]
    assert sinces == [None, None, None, [first.transaction_time]]


def test_retry_after_honored(make_server, make_client, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="pipelines.lib.fhir_bulk")
    server = make_server(polls_before_ready=1, retry_after="1")
    make_client(server).export(out_dir=str(tmp_path), source_name=SOURCE)

    (job,) = server.jobs.values()
    assert len(job.poll_times) == 2
    assert job.poll_times[1] - job.poll_times[0] >= 0.95
    assert server.too_early_polls == 0
    assert "50% complete" in caplog.text


def test_kickoff_429_and_file_503_retried(server, make_client, tmp_path):
    server.fail_next("kickoff", 429, retry_after="0", code="throttled", text="export running")
    server.fail_next("file", 503, retry_after="0", code="transient", text="busy")
    result = make_client(server).export(out_dir=str(tmp_path), source_name=SOURCE)

    assert len(server.requests_to("/$export")) == 2
    assert sum(result.counts.values()) == sum(server.count(t) for t in DEFAULT_TYPES)


def test_transient_status_error_keeps_polling(server, make_client, tmp_path):
    server.fail_next("status", 500, code="transient", text="database busy")
    result = make_client(server).export(out_dir=str(tmp_path), source_name=SOURCE)
    assert result.counts["Patient"] == server.count("Patient")


def test_status_error_names_url_and_status_without_token(server, make_client, tmp_path):
    server.fail_next("status", 500, text="An internal timeout has occurred")
    client = make_client(server)
    with pytest.raises(BulkExportError) as failed:
        client.export(out_dir=str(tmp_path), source_name=SOURCE)

    message = str(failed.value)
    (job,) = server.jobs.values()
    assert f"{server.base_url}/bulkstatus/{job.job_id}" in message
    assert "HTTP 500" in message and "An internal timeout has occurred" in message
    assert failed.value.status == 500
    assert not any(token in message for token in server.tokens)
    # The failed job is cancelled and the watermark does not move.
    assert job.deleted
    assert not (tmp_path / "_state").exists()
    assert not list(tmp_path.glob("*.ndjson"))


def test_kickoff_error_carries_operation_outcome(server, make_client, tmp_path):
    with pytest.raises(BulkExportError) as failed:
        make_client(server).export(out_dir=str(tmp_path), source_name=SOURCE, group_id="nope")
    message = str(failed.value)
    assert f"{server.base_url}/Group/nope/$export" in message
    assert "HTTP 404" in message and "Group/nope not found" in message
    assert not any(token in message for token in server.tokens)


def test_revoked_token_is_refreshed_once(server, make_client, tmp_path):
    client = make_client(server)
    client.export(out_dir=str(tmp_path), source_name=SOURCE, types=("Location",))
    server.tokens.clear()  # the server forgets every token it issued
    client.export(out_dir=str(tmp_path), source_name=SOURCE, types=("Location",))
    assert len(server.requests_to("/auth/token", method="POST")) == 2


def test_poll_timeout_cancels_the_job(make_server, make_client, tmp_path):
    server = make_server(polls_before_ready=10_000, retry_after="0")
    with pytest.raises(BulkExportTimeout, match="did not complete"):
        make_client(server, poll_timeout_s=0.3).export(out_dir=str(tmp_path), source_name=SOURCE)
    (job,) = server.jobs.values()
    assert job.deleted


def test_count_mismatch_fails_without_landing(server, make_client, tmp_path):
    server.corrupt_counts = True
    out = tmp_path / "fhir"
    with pytest.raises(BulkExportError, match="manifest count"):
        make_client(server).export(out_dir=str(out), source_name=SOURCE)
    assert not [p for p in out.rglob("*") if p.is_file()]


def test_error_files_land_under_errors(server, make_client, tmp_path):
    server.export_errors = [
        {
            "resourceType": "OperationOutcome",
            "issue": [{"severity": "warning", "code": "processing", "diagnostics": "skipped 1"}],
        }
    ]
    result = make_client(server).export(out_dir=str(tmp_path), source_name=SOURCE)
    (errors,) = result.error_files
    assert errors.lines == 1
    assert errors.path.endswith(f"/_errors/{SOURCE}_{_day(result)}_errors.ndjson")
    # Error files stay out of the folder the ingest glob reads.
    assert all(
        name.endswith(tuple(f"_{t}.ndjson" for t in DEFAULT_TYPES)) for name in _landed(tmp_path)
    )


def test_no_token_sent_when_files_do_not_require_it(make_server, make_client, tmp_path):
    server = make_server(requires_access_token=False)
    make_client(server).export(out_dir=str(tmp_path), source_name=SOURCE, types=("Patient",))
    (file_request,) = server.requests_to("/files/")
    assert "authorization" not in file_request.headers


def test_fsspec_out_dir(server, make_client):
    fs = fsspec.filesystem("memory")
    try:
        result = make_client(server).export(
            out_dir="memory://landing/fhir", source_name=SOURCE, types=("Patient", "Location")
        )
        day = _day(result)
        with fs.open(f"/landing/fhir/{SOURCE}_{day}_Patient.ndjson", "rb") as fh:
            assert len(fh.read().splitlines()) == server.count("Patient")
        assert fs.exists(f"/landing/fhir/_state/{SOURCE}.json")
        assert result.files[0].path.startswith("memory://")
        assert not [p for p in fs.find("/landing") if "/." in p]
    finally:
        fs.rm("/landing", recursive=True)


def test_export_from_env(server, key_files, tmp_path, monkeypatch):
    monkeypatch.setenv("OPS_FHIR_BASE_URL", server.base_url)
    monkeypatch.setenv("OPS_FHIR_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("OPS_FHIR_PRIVATE_KEY_PATH", str(key_files["ES384"]))
    monkeypatch.setenv("OPS_FHIR_KEY_ID", KIDS["ES384"])
    monkeypatch.setenv("OPS_FHIR_ALG", "ES384")
    monkeypatch.setenv("OPS_FHIR_GROUP_ID", "ops-cohort")
    monkeypatch.setenv("OPS_FHIR_SOURCE_NAME", "FACB")
    monkeypatch.setenv("OPS_FHIR_TYPES", "Patient,Appointment")

    result = export_from_env(str(tmp_path / "fhir"))

    assert set(result.counts) == {"Patient", "Appointment"}
    assert (tmp_path / "fhir" / f"FACB_{_day(result)}_Appointment.ndjson").exists()
    assert server.requests_to("/Group/ops-cohort/$export")
    json.dumps(result.metadata())  # JSON-safe for Dagster metadata

    monkeypatch.delenv("OPS_FHIR_KEY_ID")
    with pytest.raises(ValueError, match="OPS_FHIR_KEY_ID"):
        export_from_env(str(tmp_path / "fhir"))


def test_no_key_token_or_assertion_in_logs(server, make_client, private_keys, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    client = make_client(server)
    client.export(out_dir=str(tmp_path), source_name=SOURCE, types=("Patient",))
    server.touch("Patient", ["pt-0002"])
    server.fail_next("file", 500, text="disk full")
    with pytest.raises(BulkExportError) as failed:
        client.export(out_dir=str(tmp_path), source_name=SOURCE, types=("Patient",))

    assertions = [
        parse_qs(p.body)["client_assertion"][0]
        for p in server.requests_to("/auth/token", method="POST")
    ]
    pem_lines = [
        line
        for key in private_keys.values()
        for line in pem_of(key).decode().splitlines()
        if "-----" not in line
    ]
    secrets_ = [*server.tokens, *assertions, *pem_lines]
    assert server.tokens and assertions
    haystacks = [caplog.text, str(failed.value), repr(client)]
    for secret in secrets_:
        assert all(secret not in h for h in haystacks)
    assert "HTTP 500" in str(failed.value) and "/files/" in str(failed.value)


def test_manifest_type_cannot_escape_out_dir(server, make_client, tmp_path, monkeypatch):
    real = server.manifest

    def evil(job):
        manifest = real(job)
        manifest["output"][0]["type"] = "../../etc/Patient"
        return manifest

    monkeypatch.setattr(server, "manifest", evil)
    out = tmp_path / "fhir"
    with pytest.raises(BulkExportError, match="invalid resource types"):
        make_client(server).export(out_dir=str(out), source_name=SOURCE, types=("Patient",))
    assert not [p for p in tmp_path.rglob("*") if p.is_file() and "keys" not in p.parts]


def test_token_only_sent_to_trusted_origins(server, make_client, tmp_path, monkeypatch):
    real = server.manifest
    other = server.origin.replace("127.0.0.1", "localhost")  # same server, another origin

    def elsewhere(job):
        manifest = real(job)
        for item in manifest["output"]:
            item["url"] = item["url"].replace(server.origin, other)
        return manifest

    monkeypatch.setattr(server, "manifest", elsewhere)
    with pytest.raises(BulkExportError, match="untrusted origin"):
        make_client(server).export(out_dir=str(tmp_path / "a"), source_name=SOURCE)
    assert not server.requests_to("/files/")

    result = make_client(server, trusted_origins=[other]).export(
        out_dir=str(tmp_path / "b"), source_name=SOURCE, types=("Patient",)
    )
    assert result.counts == {"Patient": server.count("Patient")}
