"""Readers: one per landing format, each returning a `ReadResult` of all-string contract columns."""

from pipelines.lib.readers.base import ReadResult, Reject
from pipelines.lib.readers.fhir_ndjson_bulk import read_fhir_ndjson
from pipelines.lib.readers.hl7v2 import read_hl7v2
from pipelines.lib.readers.x12 import read_x12

# Contract `format` -> reader. The CSV entry is added by the CSV reader's module owner.
READERS_BY_FORMAT = {
    "hl7v2": read_hl7v2,
    "x12_837": read_x12,
    "x12_835": read_x12,
    "fhir_ndjson": read_fhir_ndjson,
}

__all__ = [
    "READERS_BY_FORMAT",
    "ReadResult",
    "Reject",
    "read_fhir_ndjson",
    "read_hl7v2",
    "read_x12",
]
