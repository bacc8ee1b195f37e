"""R4/R5: the hash-chained audit store, its verify command and the FHIR AuditEvent mapping."""

from __future__ import annotations

from itertools import pairwise

import pytest

from dashboards import audit


def _fill(n: int = 4) -> list[audit.AuditEvent]:
    return [
        audit.record(
            user="mgr_a",
            role="facility_manager",
            facility_scope=("FAC_A",),
            page="overview",
            action="view",
            query_id=f"q{i}",
            row_count=i,
        )
        for i in range(n)
    ]


@pytest.mark.unit
def test_chain_links_and_verifies(dash_env, capsys):
    events = _fill()
    assert [e.seq for e in events] == [1, 2, 3, 4]
    assert events[0].prev_hash == audit.GENESIS_HASH
    assert all(b.prev_hash == a.hash for a, b in pairwise(events))
    assert audit.read_events() == events
    assert audit.verify().ok
    assert audit.main(["verify"]) == 0
    assert "intact: 4 records" in capsys.readouterr().out


@pytest.mark.unit
@pytest.mark.parametrize(
    "tamper",
    [
        "update audit_event set row_count = 999 where seq = 2",
        "update audit_event set user_name = 'someone' where seq = 2",
        "update audit_event set facility_scope = ['FAC_A', 'FAC_B'] where seq = 2",
    ],
)
def test_verify_names_the_edited_record(dash_env, capsys, tamper):
    _fill()
    con = audit.connect(read_only=False)
    con.execute(tamper)
    con.close()
    result = audit.verify()
    assert not result.ok and result.first_bad_seq == 2
    assert audit.main(["verify"]) == 1
    assert "record 2" in capsys.readouterr().out


@pytest.mark.unit
def test_verify_catches_a_deleted_record(dash_env):
    _fill()
    con = audit.connect(read_only=False)
    con.execute("delete from audit_event where seq = 3")
    con.close()
    result = audit.verify()
    assert not result.ok and result.first_bad_seq == 3


@pytest.mark.unit
def test_verify_catches_a_rehashed_edit(dash_env):
    # An attacker who recomputes the edited row's hash still breaks the next row's prev_hash.
    events = _fill()
    edited = audit.AuditEvent(**{**events[1].__dict__, "row_count": 999})
    new_hash = audit.compute_hash(edited.prev_hash, edited)
    con = audit.connect(read_only=False)
    con.execute("update audit_event set row_count = 999, hash = ? where seq = 2", [new_hash])
    con.close()
    result = audit.verify()
    assert not result.ok and result.first_bad_seq == 3


@pytest.mark.unit
def test_verify_catches_a_truncated_tail(dash_env):
    _fill()
    con = audit.connect(read_only=False)
    con.execute("delete from audit_event where seq = 4")
    con.close()
    result = audit.verify()
    assert not result.ok and result.first_bad_seq == 4


@pytest.mark.unit
def test_unknown_action_is_refused(dash_env):
    with pytest.raises(ValueError):
        audit.record(user="u", role=None, facility_scope=(), page=None, action="delete")


@pytest.mark.unit
def test_fhir_audit_event_mapping(dash_env):
    event = _fill(1)[0]
    resource = audit.to_fhir_audit_event(event)
    assert resource["resourceType"] == "AuditEvent"
    assert resource["action"] == "R"
    assert resource["outcome"] == "0"
    assert resource["recorded"].endswith("+00:00")
    assert resource["agent"][0]["who"]["identifier"]["value"] == "mgr_a"
    assert resource["agent"][0]["requestor"] is True
    assert resource["source"]["observer"]
    details = {d["type"]: d["valueString"] for d in resource["entity"][0]["detail"]}
    assert details["facility_scope"] == "FAC_A"
    assert details["row_count"] == "0"
    login = audit.record(
        user="mgr_a", role="facility_manager", facility_scope=(), page="session", action="login"
    )
    assert audit.to_fhir_audit_event(login)["subtype"][0]["code"] == "110122"
