"""FHIR Bulk Data `$export` client with SMART Backend Services authorization (see README.md)."""

from pipelines.lib.fhir_bulk.client import (
    DEFAULT_TYPES,
    BulkExportClient,
    BulkExportError,
    BulkExportTimeout,
    ExportedFile,
    ExportResult,
    client_from_env,
    export_from_env,
)
from pipelines.lib.fhir_bulk.smart import (
    SUPPORTED_ALGS,
    SmartAuthError,
    SmartBackendAuth,
    build_client_assertion,
    load_private_key,
    public_jwks,
)

__all__ = [
    "DEFAULT_TYPES",
    "SUPPORTED_ALGS",
    "BulkExportClient",
    "BulkExportError",
    "BulkExportTimeout",
    "ExportResult",
    "ExportedFile",
    "SmartAuthError",
    "SmartBackendAuth",
    "build_client_assertion",
    "client_from_env",
    "export_from_env",
    "load_private_key",
    "public_jwks",
]
