"""Keep the garbage collector's full passes off the page runs.

A full (generation 2) collection walks every object the collector tracks. Once Streamlit, pandas,
DuckDB and Altair's Vega-Lite schema are loaded that is about 130,000 objects, and one pass took
70-140 ms on the reference machine (2 cores), paid by whichever run happens to trigger it: roughly
one cached rerun in a hundred, so the p95 of a short series jumps with it. The objects that exist
once the first page has rendered (modules, classes, the schema, the chart specs) live as long as
the process, so they are collected once and then moved out of the collector's way (`gc.freeze`).
Reference counting still frees them; only a reference cycle among them would now stay in memory.
"""

from __future__ import annotations

import gc
import threading

_lock = threading.Lock()
_frozen = False


def freeze_startup_objects() -> None:
    """Collect once, then exclude every surviving object from later collections (once a process)."""
    global _frozen  # noqa: PLW0603 - once per process, whichever session gets here first
    with _lock:
        if _frozen:
            return
        _frozen = True
    gc.collect()
    gc.freeze()
