"""Fixtures: throwaway signing keys (never committed), a running Bulk Data server, a client."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from pipelines.lib.fhir_bulk import BulkExportClient
from pipelines.lib.fhir_bulk.smart import public_jwk
from tests.fhir_bulk.server import BulkDataServer

CLIENT_ID = "ops-warehouse-test"
KIDS = {"RS384": "rs384-test-1", "ES384": "es384-test-1"}


@pytest.fixture(scope="session")
def private_keys() -> dict[str, Any]:
    """One RSA-2048 and one P-384 key per test session, generated in memory."""
    return {
        "RS384": rsa.generate_private_key(public_exponent=65537, key_size=2048),
        "ES384": ec.generate_private_key(ec.SECP384R1()),
    }


def pem_of(key: Any) -> bytes:
    """PKCS#8 PEM bytes of a private key."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


@pytest.fixture
def key_files(tmp_path: Path, private_keys: dict[str, Any]) -> dict[str, Path]:
    """The keys as PEM files in the test's temp folder (mode 0600, as in production)."""
    paths = {}
    for alg, key in private_keys.items():
        path = tmp_path / "keys" / f"{alg.lower()}.pem"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(pem_of(key))
        path.chmod(0o600)
        paths[alg] = path
    return paths


@pytest.fixture
def jwks(private_keys: dict[str, Any]) -> dict[str, Any]:
    """The client's public JWK Set (both keys), as registered with the server."""
    return {"keys": [public_jwk(k, KIDS[alg], alg) for alg, k in private_keys.items()]}


@pytest.fixture
def make_server(jwks: dict[str, Any]) -> Iterator[Callable[..., BulkDataServer]]:
    """Start servers with custom options; all are stopped at teardown."""
    started: list[BulkDataServer] = []

    def factory(**options: Any) -> BulkDataServer:
        server = BulkDataServer(max_lifetime_s=30, **options).start()
        server.register_client(CLIENT_ID, jwks)
        started.append(server)
        return server

    yield factory
    for server in started:
        server.stop()


@pytest.fixture
def server(make_server: Callable[..., BulkDataServer]) -> BulkDataServer:
    """A default server: one in-progress poll with `Retry-After: 0`, then the manifest."""
    return make_server()


@pytest.fixture
def make_client(
    key_files: dict[str, Path],
) -> Callable[..., BulkExportClient]:
    """Build a client for a server, fast polling by default."""

    def factory(server: BulkDataServer, alg: str = "RS384", **options: Any) -> BulkExportClient:
        options.setdefault("initial_poll_interval_s", 0.01)
        options.setdefault("poll_timeout_s", 10)
        return BulkExportClient(
            server.base_url,
            CLIENT_ID,
            key_files[alg],
            KIDS[alg],
            alg,
            **options,
        )

    return factory
