"""SMART Backend Services: assertion claims, token requests, replay, caching, no key leaks."""

from __future__ import annotations

import json
import logging
import time
from urllib.parse import parse_qs

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

from pipelines.lib.fhir_bulk.smart import (
    CLIENT_ASSERTION_TYPE,
    SmartAuthError,
    SmartBackendAuth,
    build_client_assertion,
    load_private_key,
    public_jwks,
)
from tests.fhir_bulk.conftest import CLIENT_ID, KIDS, pem_of

TOKEN_URL = "https://ehr.example.org/auth/token"

pytestmark = pytest.mark.unit


def _pem_body_lines(key) -> list[str]:
    """The base64 lines of a PEM: any one of them in a log would be key material."""
    return [line for line in pem_of(key).decode().splitlines() if "-----" not in line]


@pytest.mark.parametrize("alg", ["RS384", "ES384"])
def test_assertion_header_and_claims(alg, private_keys, key_files):
    key = load_private_key(key_files[alg], alg)
    before = time.time()
    token = build_client_assertion(
        key=key, client_id=CLIENT_ID, token_url=TOKEN_URL, key_id=KIDS[alg], alg=alg
    )

    header = jwt.get_unverified_header(token)
    assert header == {"alg": alg, "kid": KIDS[alg], "typ": "JWT"}
    claims = jwt.decode(
        token,
        private_keys[alg].public_key(),
        algorithms=[alg],
        audience=TOKEN_URL,
        issuer=CLIENT_ID,
    )
    assert claims["iss"] == claims["sub"] == CLIENT_ID
    assert claims["aud"] == TOKEN_URL
    assert 0 < claims["exp"] - before <= 300
    assert claims["exp"] - time.time() <= 300
    assert abs(claims["iat"] - before) <= 2
    assert len(claims["jti"]) >= 32


def test_jti_unique_across_calls(key_files):
    key = load_private_key(key_files["ES384"], "ES384")
    jtis = {
        jwt.decode(
            build_client_assertion(
                key=key, client_id=CLIENT_ID, token_url=TOKEN_URL, key_id="k", alg="ES384"
            ),
            options={"verify_signature": False},
        )["jti"]
        for _ in range(200)
    }
    assert len(jtis) == 200


def test_lifetime_above_five_minutes_refused(key_files):
    key = load_private_key(key_files["RS384"], "RS384")
    with pytest.raises(SmartAuthError, match="lifetime"):
        build_client_assertion(
            key=key,
            client_id=CLIENT_ID,
            token_url=TOKEN_URL,
            key_id="k",
            alg="RS384",
            lifetime_s=301,
        )


@pytest.mark.parametrize("alg", ["RS384", "ES384"])
def test_token_via_discovery(alg, server, key_files):
    auth = SmartBackendAuth(
        base_url=server.base_url,
        client_id=CLIENT_ID,
        private_key_path=key_files[alg],
        key_id=KIDS[alg],
        alg=alg,
    )
    token = auth.get_token("system/Patient.rs system/Encounter.rs")

    assert token in server.tokens
    assert auth.token_url == server.token_url
    assert server.requests_to("/.well-known/smart-configuration")
    (post,) = server.requests_to("/auth/token", method="POST")
    form = parse_qs(post.body)
    assert form["grant_type"] == ["client_credentials"]
    assert form["client_assertion_type"] == [CLIENT_ASSERTION_TYPE]
    assert form["scope"] == ["system/Patient.rs system/Encounter.rs"]
    assert post.headers["content-type"] == "application/x-www-form-urlencoded"
    claims = jwt.decode(form["client_assertion"][0], options={"verify_signature": False})
    assert claims["aud"] == server.token_url


def test_replayed_jti_rejected(server, key_files):
    key = load_private_key(key_files["RS384"], "RS384")
    assertion = build_client_assertion(
        key=key,
        client_id=CLIENT_ID,
        token_url=server.token_url,
        key_id=KIDS["RS384"],
        alg="RS384",
    )
    form = {
        "grant_type": "client_credentials",
        "scope": "system/Patient.rs",
        "client_assertion_type": CLIENT_ASSERTION_TYPE,
        "client_assertion": assertion,
    }
    first = requests.post(server.token_url, data=form, timeout=5)
    replay = requests.post(server.token_url, data=form, timeout=5)

    assert first.status_code == 200
    assert first.json()["token_type"] == "bearer"
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_client"
    assert ("invalid_client", "jti replayed") in server.token_errors


def _post_assertion(server, claims, key, alg="RS384", kid=KIDS["RS384"]):
    assertion = jwt.encode(claims, key, algorithm=alg, headers={"kid": kid, "typ": "JWT"})
    return requests.post(
        server.token_url,
        data={
            "grant_type": "client_credentials",
            "scope": "system/Patient.rs",
            "client_assertion_type": CLIENT_ASSERTION_TYPE,
            "client_assertion": assertion,
        },
        timeout=5,
    )


@pytest.mark.parametrize(
    "change",
    [
        {"exp_offset": 600},  # more than five minutes ahead
        {"exp_offset": -10},  # expired
        {"aud": "https://elsewhere.example.org/token"},
        {"sub": "someone-else"},
        {"iss": "unknown-client", "sub": "unknown-client"},
        {"kid": "not-registered"},
        {"alg": "ES384"},  # RSA kid with an EC algorithm: kty mismatch
    ],
)
def test_server_rejects_bad_assertions(change, server, private_keys):
    now = int(time.time())
    claims = {
        "iss": change.get("iss", CLIENT_ID),
        "sub": change.get("sub", CLIENT_ID),
        "aud": change.get("aud", server.token_url),
        "exp": now + change.get("exp_offset", 120),
        "jti": f"jti-{time.monotonic_ns()}",
    }
    alg = change.get("alg", "RS384")
    response = _post_assertion(
        server, claims, private_keys[alg], alg=alg, kid=change.get("kid", KIDS["RS384"])
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_client"


def test_token_cached_until_shortly_before_expiry(server, key_files):
    now = [1_000_000.0]
    auth = SmartBackendAuth(
        base_url=server.base_url,
        client_id=CLIENT_ID,
        private_key_path=key_files["RS384"],
        key_id=KIDS["RS384"],
        alg="RS384",
        token_url=server.token_url,
        scope="system/Patient.rs",
        clock=lambda: now[0],  # drives the cache only; assertions use the wall clock
    )
    first = auth.get_token()
    now[0] += 200  # within 300 s - 60 s margin
    assert auth.get_token() == first
    now[0] += 50  # 250 s: inside the refresh margin
    second = auth.get_token()
    assert second != first
    assert len(server.requests_to("/auth/token", method="POST")) == 2
    assert auth.get_token(force_refresh=True) not in (first, second)


def test_token_429_retried_with_a_new_jti(server, key_files):
    server.fail_next("token", 429, retry_after="0")
    auth = SmartBackendAuth(
        base_url=server.base_url,
        client_id=CLIENT_ID,
        private_key_path=key_files["ES384"],
        key_id=KIDS["ES384"],
        alg="ES384",
        token_url=server.token_url,
        scope="system/Patient.rs",
    )
    assert auth.get_token()
    posts = server.requests_to("/auth/token", method="POST")
    jtis = [
        jwt.decode(parse_qs(p.body)["client_assertion"][0], options={"verify_signature": False})[
            "jti"
        ]
        for p in posts
    ]
    assert len(jtis) == 2 and len(set(jtis)) == 2


def test_key_loading_errors_name_the_path_not_the_key(tmp_path, key_files, private_keys):
    with pytest.raises(SmartAuthError, match="ES384 needs an EC private key") as wrong_type:
        load_private_key(key_files["RS384"], "ES384")
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n")
    with pytest.raises(SmartAuthError, match="not a PEM private key") as not_pem:
        load_private_key(garbage, "RS384")
    small = tmp_path / "small.pem"
    small.write_bytes(pem_of(rsa.generate_private_key(public_exponent=65537, key_size=1024)))
    with pytest.raises(SmartAuthError, match="1024 bits"):
        load_private_key(small, "RS384")
    with pytest.raises(SmartAuthError, match="cannot read"):
        load_private_key(tmp_path / "missing.pem", "RS384")
    with pytest.raises(SmartAuthError, match="unsupported"):
        load_private_key(key_files["RS384"], "RS256")

    for exc in (wrong_type.value, not_pem.value):
        text = str(exc) + repr(exc.__cause__) + repr(exc.__context__)
        assert not any(line in text for line in _pem_body_lines(private_keys["RS384"]))


def test_public_jwks_shape(key_files):
    rsa_jwk = public_jwks(load_private_key(key_files["RS384"], "RS384"), "k1", "RS384")["keys"][0]
    ec_jwk = public_jwks(load_private_key(key_files["ES384"], "ES384"), "k2", "ES384")["keys"][0]
    assert {"kty", "kid", "n", "e", "alg"} <= set(rsa_jwk) and rsa_jwk["kty"] == "RSA"
    assert "d" not in rsa_jwk and "d" not in ec_jwk
    assert ec_jwk["kty"] == "EC" and ec_jwk["crv"] == "P-384" and {"x", "y"} <= set(ec_jwk)


def test_no_key_assertion_or_token_in_logs_or_errors(server, key_files, private_keys, caplog):
    caplog.set_level(logging.DEBUG)
    good = SmartBackendAuth(
        base_url=server.base_url,
        client_id=CLIENT_ID,
        private_key_path=key_files["RS384"],
        key_id=KIDS["RS384"],
        alg="RS384",
        scope="system/Patient.rs",
    )
    token = good.get_token()
    unknown = SmartBackendAuth(
        base_url=server.base_url,
        client_id="not-registered",
        private_key_path=key_files["ES384"],
        key_id=KIDS["ES384"],
        alg="ES384",
        scope="system/Patient.rs",
    )
    with pytest.raises(SmartAuthError) as failed:
        unknown.get_token()

    message = str(failed.value)
    assert "HTTP 400" in message and server.token_url in message and "invalid_client" in message
    assertions = [
        parse_qs(p.body)["client_assertion"][0]
        for p in server.requests_to("/auth/token", method="POST")
    ]
    assert len(assertions) == 2
    secrets_ = [token, *assertions]
    for alg in ("RS384", "ES384"):
        secrets_ += _pem_body_lines(private_keys[alg])
    haystacks = [caplog.text, message, repr(good), repr(unknown)]
    for secret in secrets_:
        assert all(secret not in h for h in haystacks)
    # The logs did record something useful.
    assert "SMART token issued" in caplog.text


def test_cli_prints_public_jwks_only(key_files, private_keys, capsys):
    from pipelines.lib.fhir_bulk.__main__ import main

    assert main(["jwks", "--key", str(key_files["ES384"]), "--kid", "k-1", "--alg", "ES384"]) == 0
    out = capsys.readouterr().out
    (jwk,) = json.loads(out)["keys"]
    assert jwk["kid"] == "k-1" and jwk["crv"] == "P-384" and "d" not in jwk
    assert not any(line in out for line in _pem_body_lines(private_keys["ES384"]))
