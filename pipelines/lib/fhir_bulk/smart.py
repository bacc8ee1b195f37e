"""SMART Backend Services authorization: signed client assertion in, short-lived bearer token out.

Follows HL7 SMART App Launch v2 `client-confidential-asymmetric` + `backend-services`:

- the client assertion is a one-time JWT signed with RS384 or ES384; header `alg`, `kid`,
  `typ: JWT`; claims `iss` = `sub` = client_id, `aud` = the token URL, `exp` no more than five
  minutes ahead, a unique `jti` nonce (servers reject a replayed one with `invalid_client`);
- the token request is a form POST with `grant_type=client_credentials`,
  `client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer`,
  `client_assertion`, `scope`;
- the token URL comes from `<base>/.well-known/smart-configuration` unless configured.

The private key is read from a PEM file once and kept only as a key object. Neither the key, the
assertion nor the access token ever appears in a log record or an exception message.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from pipelines.lib.fhir_bulk._http import outcome_text, parse_retry_after, redact_url, scrub

log = logging.getLogger(__name__)

SUPPORTED_ALGS = ("RS384", "ES384")
CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
# The spec caps `exp` at five minutes ahead; staying below it leaves room for server clock skew.
MAX_ASSERTION_LIFETIME_S = 300
DEFAULT_ASSERTION_LIFETIME_S = 240
# RS384 with a short modulus is weak; 2048 bits is the NIST floor.
MIN_RSA_BITS = 2048

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


class SmartAuthError(RuntimeError):
    """Authorization failed: key loading, discovery or the token request.

    The message names the URL and HTTP status when there is one, never the key, assertion or token.
    """

    def __init__(self, message: str, *, url: str | None = None, status: int | None = None):
        super().__init__(message)
        self.url = url
        self.status = status


def load_private_key(path: str | Path, alg: str, password: bytes | None = None) -> PrivateKey:
    """Load the signing key from a PEM file and check that it fits `alg`.

    Args:
        path: PEM file with a PKCS#8 or traditional private key.
        alg: `RS384` (RSA, at least 2048 bits) or `ES384` (EC on P-384).
        password: the PEM passphrase, if the file is encrypted.

    Returns:
        The key object (the PEM text is not kept).

    Raises:
        SmartAuthError: unreadable file, not a private key, or a key that does not match `alg`. The
            message names the path, never the content.
    """
    if alg not in SUPPORTED_ALGS:
        raise SmartAuthError(f"unsupported signing algorithm {alg!r}: use one of {SUPPORTED_ALGS}")
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SmartAuthError(f"cannot read the private key file {path}: {exc.strerror}") from None
    try:
        key = serialization.load_pem_private_key(data, password=password)
    except (ValueError, TypeError):
        # `from None`: the cryptography error adds nothing useful and must not drag key bytes along.
        raise SmartAuthError(
            f"{path} is not a PEM private key (or the passphrase is wrong or missing)"
        ) from None
    finally:
        del data
    if alg == "RS384":
        if not isinstance(key, rsa.RSAPrivateKey):
            raise SmartAuthError(f"{path}: RS384 needs an RSA private key")
        if key.key_size < MIN_RSA_BITS:
            raise SmartAuthError(f"{path}: RSA key has {key.key_size} bits, need {MIN_RSA_BITS}+")
    elif not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP384R1):
        raise SmartAuthError(f"{path}: ES384 needs an EC private key on curve P-384")
    return key


def public_jwk(key: PrivateKey, key_id: str, alg: str) -> dict[str, Any]:
    """The public JWK to register with the server (bare `n`/`e` or `crv`/`x`/`y` values)."""
    public = key.public_key()
    if isinstance(public, rsa.RSAPublicKey):
        jwk = RSAAlgorithm.to_jwk(public, as_dict=True)
    else:
        jwk = ECAlgorithm.to_jwk(public, as_dict=True)
    jwk.update({"kid": key_id, "alg": alg, "use": "sig", "key_ops": ["verify"]})
    return dict(jwk)


def public_jwks(key: PrivateKey, key_id: str, alg: str) -> dict[str, Any]:
    """A JWK Set holding the one public key (host it at a TLS URL, or hand it over)."""
    return {"keys": [public_jwk(key, key_id, alg)]}


def build_client_assertion(
    *,
    key: PrivateKey,
    client_id: str,
    token_url: str,
    key_id: str,
    alg: str,
    lifetime_s: int = DEFAULT_ASSERTION_LIFETIME_S,
    now: float | None = None,
) -> str:
    """Sign a one-time authentication JWT for the token endpoint.

    Args:
        key: the private key from `load_private_key`.
        client_id: the registered client id (`iss` and `sub`).
        token_url: the token endpoint (`aud`, exactly as the assertion is POSTed to it).
        key_id: `kid` of the registered public key.
        alg: `RS384` or `ES384`.
        lifetime_s: seconds until `exp`, at most 300.
        now: the current time (seconds since the epoch), for tests.

    Returns:
        The compact JWS.
    """
    if alg not in SUPPORTED_ALGS:
        raise SmartAuthError(f"unsupported signing algorithm {alg!r}: use one of {SUPPORTED_ALGS}")
    if not 0 < lifetime_s <= MAX_ASSERTION_LIFETIME_S:
        raise SmartAuthError(f"assertion lifetime must be 1..{MAX_ASSERTION_LIFETIME_S} s")
    issued = int(time.time() if now is None else now)
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": token_url,
        "iat": issued,
        "exp": issued + lifetime_s,
        # 32 random bytes: the server keeps every jti for the assertion lifetime and rejects
        # repeats, so a collision would fail a run.
        "jti": secrets.token_urlsafe(32),
    }
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": key_id, "typ": "JWT"})


def discover_smart_configuration(
    base_url: str, session: requests.Session, *, timeout: float = 30.0
) -> dict[str, Any]:
    """Fetch `<base>/.well-known/smart-configuration`.

    Raises:
        SmartAuthError: HTTP error or a body without `token_endpoint`.
    """
    url = base_url.rstrip("/") + "/.well-known/smart-configuration"
    try:
        response = session.get(url, headers={"Accept": "application/json"}, timeout=timeout)
    except requests.RequestException as exc:
        raise SmartAuthError(
            f"SMART discovery at {redact_url(url)} failed: {type(exc).__name__}", url=url
        ) from None
    if response.status_code != 200:
        raise SmartAuthError(
            f"SMART discovery at {redact_url(url)} failed: HTTP {response.status_code}: "
            f"{outcome_text(response)}",
            url=url,
            status=response.status_code,
        )
    try:
        config = response.json()
    except ValueError:
        config = None
    if not isinstance(config, dict) or not config.get("token_endpoint"):
        raise SmartAuthError(f"SMART discovery at {redact_url(url)}: no token_endpoint", url=url)
    return config


def default_scope(types: Iterable[str], *, v1: bool = False) -> str:
    """`system/<Type>.rs` for each type (SMART v2), or `system/<Type>.read` for v1-only servers."""
    suffix = "read" if v1 else "rs"
    return " ".join(f"system/{t}.{suffix}" for t in types)


@dataclass
class _CachedToken:
    value: str
    expires_at: float
    scope: str


class SmartBackendAuth:
    """Obtains and caches SMART Backend Services access tokens.

    Thread-safe: one token request at a time, every caller shares the cached token until shortly
    before `expires_in` runs out.
    """

    def __init__(
        self,
        *,
        base_url: str,
        client_id: str,
        private_key_path: str | Path,
        key_id: str,
        alg: str = "RS384",
        token_url: str | None = None,
        scope: str | None = None,
        session: requests.Session | None = None,
        key_password: bytes | None = None,
        timeout: float = 30.0,
        max_retries: int = 3,
        max_retry_after_s: float = 60.0,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ):
        """Load the key and remember the configuration (no network call yet).

        Args:
            base_url: FHIR base URL, used for discovery when `token_url` is not given.
            client_id: the registered client id.
            private_key_path: PEM file of the signing key.
            key_id: `kid` of the registered public key.
            alg: `RS384` or `ES384`.
            token_url: the token endpoint; discovered when None.
            scope: requested scopes; when None, set per request by the caller (see `get_token`).
            session: shared requests session.
            key_password: PEM passphrase for an encrypted key file.
            timeout: per-request timeout in seconds.
            max_retries: retries of a token request answered 429/503.
            max_retry_after_s: cap on a server's Retry-After.
            clock: time source for the token cache (seconds since the epoch), for tests; the
                assertion always uses the wall clock, which the server checks.
            sleep: sleep function, for tests.
        """
        if alg not in SUPPORTED_ALGS:
            raise SmartAuthError(
                f"unsupported signing algorithm {alg!r}: use one of {SUPPORTED_ALGS}"
            )
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self.key_id = key_id
        self.alg = alg
        self.scope = scope
        self.session = session or requests.Session()
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_retry_after_s = max_retry_after_s
        self._clock = clock
        self._sleep = sleep
        self._key = load_private_key(private_key_path, alg, key_password)
        self._token_url = token_url
        self._configuration: dict[str, Any] | None = None
        self._token: _CachedToken | None = None
        self._lock = threading.Lock()
        # Every secret this object has handled, scrubbed from any text that ends up in an exception.
        self._secrets: list[str] = []

    def __repr__(self) -> str:
        return (
            f"SmartBackendAuth(client_id={self.client_id!r}, kid={self.key_id!r}, alg={self.alg})"
        )

    @property
    def token_url(self) -> str:
        """The token endpoint, discovered on first use when not configured."""
        if self._token_url is None:
            config = self.configuration
            self._token_url = str(config["token_endpoint"])
        return self._token_url

    @property
    def configuration(self) -> dict[str, Any]:
        """The server's `.well-known/smart-configuration` (fetched once)."""
        if self._configuration is None:
            config = discover_smart_configuration(self.base_url, self.session, timeout=self.timeout)
            algs = config.get("token_endpoint_auth_signing_alg_values_supported")
            if isinstance(algs, list) and algs and self.alg not in algs:
                raise SmartAuthError(
                    f"the server does not accept {self.alg} client assertions (it lists {algs})"
                )
            methods = config.get("token_endpoint_auth_methods_supported")
            if isinstance(methods, list) and methods and "private_key_jwt" not in methods:
                log.warning("SMART configuration does not list private_key_jwt: %s", methods)
            self._configuration = config
        return self._configuration

    def supports_scopes_v2(self) -> bool:
        """True unless discovery says the server knows only SMART v1 scopes (`.read`)."""
        try:
            capabilities = self.configuration.get("capabilities") or []
        except SmartAuthError:
            return True
        return not ("permission-v1" in capabilities and "permission-v2" not in capabilities)

    def signing_jwks(self) -> dict[str, Any]:
        """The public JWK Set for this client's key (what to register with the server)."""
        return public_jwks(self._key, self.key_id, self.alg)

    def client_assertion(self) -> str:
        """A fresh signed assertion for the token endpoint (new `jti` every call)."""
        return build_client_assertion(
            key=self._key,
            client_id=self.client_id,
            token_url=self.token_url,
            key_id=self.key_id,
            alg=self.alg,
        )

    def invalidate(self) -> None:
        """Drop the cached token (after a 401 from the resource server)."""
        with self._lock:
            self._token = None

    def get_token(self, scope: str | None = None, *, force_refresh: bool = False) -> str:
        """Return a valid access token; a new one only when the cached one is about to expire.

        Args:
            scope: scopes to request; defaults to the constructor's `scope`. A cached token is
                reused only for the same requested scope.
            force_refresh: ignore the cache.

        Raises:
            SmartAuthError: the token request failed (message names the URL and status).
        """
        scope = scope or self.scope
        if not scope:
            raise SmartAuthError("no scope to request: pass scope= (e.g. 'system/Patient.rs')")
        with self._lock:
            cached = self._token
            if (
                not force_refresh
                and cached is not None
                and cached.scope == scope
                and self._clock() < cached.expires_at
            ):
                return cached.value
            self._token = self._request_token(scope)
            return self._token.value

    def _request_token(self, scope: str) -> _CachedToken:
        url = self.token_url
        for attempt in range(self.max_retries + 1):
            # A new assertion per attempt: the server may have recorded the previous jti already.
            assertion = self.client_assertion()
            self._remember_secret(assertion)
            form = {
                "grant_type": "client_credentials",
                "scope": scope,
                "client_assertion_type": CLIENT_ASSERTION_TYPE,
                "client_assertion": assertion,
            }
            requested_at = self._clock()
            try:
                response = self.session.post(
                    url, data=form, headers={"Accept": "application/json"}, timeout=self.timeout
                )
            except requests.RequestException as exc:
                raise SmartAuthError(
                    f"token request to {redact_url(url)} failed: {type(exc).__name__}", url=url
                ) from None
            finally:
                del form, assertion
            if response.status_code in (429, 503) and attempt < self.max_retries:
                delay = parse_retry_after(response.headers.get("Retry-After"))
                delay = min(self.max_retry_after_s, 2.0**attempt if delay is None else delay)
                log.warning(
                    "token endpoint %s answered %s; retrying in %.1f s",
                    redact_url(url),
                    response.status_code,
                    delay,
                )
                self._sleep(delay)
                continue
            return self._parse_token_response(url, scope, response, requested_at)
        raise AssertionError("unreachable")  # pragma: no cover

    def _parse_token_response(
        self, url: str, scope: str, response: requests.Response, requested_at: float
    ) -> _CachedToken:
        if response.status_code != 200:
            detail = scrub(outcome_text(response), self._secrets)
            raise SmartAuthError(
                f"token request to {redact_url(url)} failed: HTTP {response.status_code}: {detail}",
                url=url,
                status=response.status_code,
            )
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or not body.get("access_token"):
            raise SmartAuthError(
                f"token response from {redact_url(url)} has no access_token", url=url, status=200
            )
        token_type = str(body.get("token_type", "")).lower()
        if token_type != "bearer":
            raise SmartAuthError(
                f"token response from {redact_url(url)} has token_type {token_type!r}, not bearer",
                url=url,
                status=200,
            )
        token = str(body["access_token"])
        self._remember_secret(token)
        try:
            expires_in = float(body.get("expires_in", 300))
        except (TypeError, ValueError):
            expires_in = 300.0
        # Refresh a little early so a token never expires between our check and the server's: a
        # fifth of the lifetime, at most a minute (300 s tokens are reused for 240 s).
        margin = min(60.0, expires_in / 5)
        granted = body.get("scope", scope)
        log.info(
            "SMART token issued by %s for client %s: expires_in=%s scope=%s",
            redact_url(url),
            self.client_id,
            int(expires_in),
            granted,
        )
        return _CachedToken(value=token, expires_at=requested_at + expires_in - margin, scope=scope)

    def _remember_secret(self, value: str) -> None:
        # Keep only the last few: enough to scrub echoes of the live token and recent assertions.
        self._secrets = [*self._secrets[-7:], value]

    def secrets_to_scrub(self) -> list[str]:
        """Tokens and assertions handled recently, to be scrubbed from exception text by callers."""
        return list(self._secrets)
