"""Dashboard response times through Streamlit's AppTest (script execution, no browser).

Three situations a morning user meets, each measured `repeats` times on one page:
- cold page: caches cleared, a new session opens the page (connect + every query);
- cached rerun: the same session reruns with nothing changed;
- filter change: the date range moves to a window not seen before (cache misses on every query).

AppTest does not read the app's `dashboards/.streamlit/config.toml` (`streamlit run` finds it
beside the script), so the probe applies that file's `[runner]` options first: without them every
measured run also rewrote both scripts for "magic" display, which the server has switched off.
AppTest still compiles both scripts on every run where a server compiles them once: a few
milliseconds of each figure that a server does not spend.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import tomllib
from datetime import timedelta
from pathlib import Path

APP = str(Path(__file__).resolve().parents[1] / "dashboards" / "streamlit_app.py")
APP_CONFIG = Path(APP).parent / ".streamlit" / "config.toml"
PAGE = "app_pages/bed_utilization.py"  # the heaviest page: the unit x hour heatmap


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else values[0]


def probe(repeats: int = 20) -> dict[str, float]:
    """p95 seconds of cold page, cached rerun and filter change, as an executive."""
    from dashboards.users import write_users
    from pipelines.lib.duck import file_key, published_connection
    from pipelines.lib.settings import get_settings

    # A throwaway user store and audit file; the run's own secrets (encryption keys) stay untouched,
    # and the published copy's key is handed over in the environment, as to a dashboard server.
    settings = get_settings()
    published_key = file_key(settings, "published_key", settings.published_path)
    names = ("OPS_SECRETS_DIR", "OPS_AUDIT_PATH", "OPS_PUBLISHED_KEY")
    saved = {k: os.environ.get(k) for k in names}
    # Streamlit's script runner installs the app as `__main__` and leaves it there; the
    # increment's HL7/X12 worker processes would then re-run the app at start-up and die.
    main = sys.modules["__main__"]
    secrets = Path(tempfile.mkdtemp(prefix="bench-secrets-"))
    os.environ["OPS_SECRETS_DIR"] = str(secrets)
    os.environ["OPS_AUDIT_PATH"] = str(secrets / "audit.duckdb")
    os.environ["OPS_PUBLISHED_KEY"] = published_key
    try:
        # The pages turn an unreadable copy into a notice, which renders fast: open it here first.
        published_connection().close()
        write_users({"bench": {"role": "executive", "facilities": ["*"], "password_hash": ""}})
        return _measure(repeats)
    finally:
        sys.modules["__main__"] = main
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _apply_runner_config() -> None:
    """Run the scripts as the server does: with the app's own `[runner]` options."""
    from streamlit import config

    runner = tomllib.loads(APP_CONFIG.read_text()).get("runner", {})
    for key, value in runner.items():
        config.set_option(f"runner.{key}", value)


def _measure(repeats: int) -> dict[str, float]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from dashboards.auth import IDENTITY_KEY

    _apply_runner_config()

    def open_page() -> AppTest:
        at = AppTest.from_file(APP, default_timeout=120)
        at.session_state[IDENTITY_KEY] = "bench"
        at.run()
        at.switch_page(PAGE).run()
        # A page that failed (no published copy, a wrong key) renders fast: never time one.
        errors = [e.value for e in at.exception] + [e.value for e in at.error]
        if errors:
            raise RuntimeError(f"the dashboard page failed, nothing to measure: {errors[:2]}")
        return at

    open_page()  # warm-up: the first AppTest pays Python imports, which a running server has done
    cold, cached, filtered = [], [], []
    for _ in range(max(3, repeats // 4)):
        st.cache_data.clear()
        st.cache_resource.clear()
        t0 = time.perf_counter()
        at = open_page()
        cold.append(time.perf_counter() - t0)
    for _ in range(repeats):
        t0 = time.perf_counter()
        at.run()
        cached.append(time.perf_counter() - t0)
    dates = at.date_input[0]
    start, end = dates.value
    for i in range(1, repeats + 1):
        dates.set_value((start - timedelta(days=i), end - timedelta(days=i)))
        t0 = time.perf_counter()
        at.run()
        filtered.append(time.perf_counter() - t0)
    return {"cold_p95_s": _p95(cold), "cached_p95_s": _p95(cached), "filter_p95_s": _p95(filtered)}
