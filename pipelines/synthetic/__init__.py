"""Synthetic health system: extracts in the formats hospitals really send (CSV, HL7 v2, X12).

Python API: `generate(out, scale, days, seed, start)`; CLI: `python -m pipelines.synthetic --help`;
benchmark: `time_generation(scale, days)`.
"""

from pipelines.synthetic.bench import time_generation
from pipelines.synthetic.generator import GenerationSummary, generate

__all__ = ["GenerationSummary", "generate", "time_generation"]
