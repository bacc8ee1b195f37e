"""End-to-end benchmark: `python -m bench --tier clinic|hospital|system` (or `make bench TIER=...`).

Times every stage in one run on the same files and machine, next to a ceiling measured in the
same run:

| stage | ceiling | |---|---| | ingest (CSV feeds) | bare DuckDB `create table as select * from
read_csv(...)` of the same files | | structured de-identification | DuckDB `sha256` over the same
identifiers | | free-text de-identification | bare spaCy `nlp.pipe` with the same model over the
same texts |

Prints a Markdown table and writes it, with a JSON file, under `bench/results/`. Nothing here
asserts a goal: the goals are printed next to the figures, and the README quotes them.

"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
CACHE = REPO / "bench" / "cache"
START = date(2026, 1, 1)
SEED = 7
TIER_DAYS = {"demo": 30, "clinic": 365, "hospital": 365, "system": 365}
TEXT_SAMPLE = {"demo": 300, "clinic": 1000, "hospital": 2000, "system": 2000}


@dataclass
class Stage:
    """One measured stage."""

    name: str
    rows: int
    seconds: float
    peak_rss_mib: float
    ceiling_name: str = ""
    ceiling_rows_per_s: float | None = None
    goal: str = ""
    notes: dict = field(default_factory=dict)

    @property
    def rows_per_s(self) -> float:
        """Throughput of the stage."""
        return self.rows / self.seconds if self.seconds else 0.0

    @property
    def ratio(self) -> float | None:
        """Throughput as a share of the ceiling's."""
        if not self.ceiling_rows_per_s:
            return None
        return self.rows_per_s / self.ceiling_rows_per_s


def _reset_peak_rss() -> None:
    # Writing 5 to clear_refs resets this process's peak RSS (VmHWM) on Linux >= 4.0.
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def _peak_rss_mib() -> float:
    own = 0.0
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                own = int(line.split()[1]) / 1024
    except OSError:
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return max(own, children)


def measure(name: str, func: Callable[[], int], **extra) -> Stage:
    """Run `func` (which returns a row count) and record time and peak memory."""
    _reset_peak_rss()
    t0 = time.perf_counter()
    rows = func()
    seconds = time.perf_counter() - t0
    stage = Stage(name, rows, seconds, _peak_rss_mib(), **extra)
    print(f"  {name}: {rows:,} rows in {seconds:.1f} s", file=sys.stderr)
    return stage


def _env(data: Path) -> None:
    os.environ["OPS_DATA_DIR"] = str(data)
    os.environ["OPS_LANDING_URL"] = str(data / "landing")
    os.environ["OPS_SECRETS_DIR"] = str(data / "secrets")
    for var in ("OPS_PHI_DB", "OPS_VAULT_PATH", "OPS_WAREHOUSE_PATH", "OPS_PUBLISHED_PATH"):
        os.environ.pop(var, None)
    os.environ["OPS_WAREHOUSE_PATH"] = str(data / "warehouse" / "warehouse.duckdb")


def generate_tier(tier: str, days: int) -> tuple[Path, Stage]:
    """Generate the tier plus one more day, once per seed and day count (cached).

    The generator is deterministic but not prefix-stable (a 366-day run differs from a 365-day run
    in its first days), so the daily increment is the last day of one run, held back from the year.
    """
    from pipelines.synthetic.generator import generate

    folder = CACHE / f"{tier}-seed{SEED}-{days}d"
    marker = folder / ".complete.json"
    if marker.exists():
        info = json.loads(marker.read_text())
        # A cache from before the held-back day existed has no increment to measure: make it again.
        if info.get("generated_days") == days + 1:
            stage = Stage("generate (cached)", info["rows"], info["seconds"], info["peak_rss_mib"])
            return folder, stage
    shutil.rmtree(folder, ignore_errors=True)

    def run() -> int:
        summary = generate(folder / "landing", tier, days + 1, SEED, START)
        return sum(summary.rows.values())

    stage = measure(f"generate ({days} + 1 days)", run, goal="hospital year <= 180 s")
    marker.write_text(
        json.dumps(
            {
                "rows": stage.rows,
                "seconds": stage.seconds,
                "peak_rss_mib": stage.peak_rss_mib,
                "generated_days": days + 1,
            }
        )
    )
    return folder, stage


def split_landing(folder: Path, days: int) -> None:
    """Link the year into work/landing and keep the extra day aside in increment/."""
    held_back = (START + timedelta(days=days)).isoformat()
    for path in sorted((folder / "landing").glob("*/*")):
        target = "increment" if held_back in path.name else "work/landing"
        dest = folder / target / path.parent.name
        dest.mkdir(parents=True, exist_ok=True)
        _link_or_copy(path, dest / path.name)


def _link_or_copy(source: Path, dest: Path) -> None:
    # Readers never write to landing, so a hard link serves; the system year would need 9 GB more.
    try:
        os.link(source, dest)
    except OSError:
        shutil.copy2(source, dest)


def csv_ceiling(landing: Path) -> tuple[int, float]:
    """Rows and seconds of a bare DuckDB read of every CSV extract into a table."""
    import duckdb

    con = duckdb.connect()
    rows, seconds = 0, 0.0
    for feed in sorted(p.name for p in landing.iterdir() if p.is_dir()):
        files = sorted((landing / feed).glob("*.csv"))
        if not files:
            continue
        listing = ", ".join(f"'{f}'" for f in files)
        t0 = time.perf_counter()
        con.execute(
            f"create or replace table t as select * from read_csv([{listing}], header = true, "
            "union_by_name = true)"
        )
        seconds += time.perf_counter() - t0
        rows += con.execute("select count(*) from t").fetchone()[0]
    con.close()
    return rows, seconds


def run_ingest(
    data: Path, feeds: list[str] | None, extract_dates: tuple[date, date] | None = None
) -> int:
    """Ingest the given feeds (all when None) into the PHI zone; returns source records.

    `extract_dates` (first, last) limits the run to those days' files, as a partitioned run does.
    """
    from data_contracts.contract import load_contracts
    from pipelines.lib.duck import phi_connection
    from pipelines.lib.ingest import ensure_raw_table, ingest_feeds, summarize

    con = phi_connection(with_warehouse=True)
    try:
        # As the Dagster ingest assets do: a feed with no files (a clinic has no ADT or bed feed)
        # still gets its empty tables, so de-identification and dbt find every source.
        con.execute("create schema if not exists phi.raw")
        for contract in load_contracts().values():
            ensure_raw_table(con, contract)
        totals = summarize(
            ingest_feeds(con, str(data / "landing"), feeds, extract_dates=extract_dates)
        )
    finally:
        con.close()
    return totals["source_rows"]


def identifier_ceiling(data: Path) -> tuple[int, float]:
    """Rows and seconds of DuckDB sha256 over every surrogate-bound identifier in the PHI zone."""
    from data_contracts.contract import load_contracts
    from pipelines.lib.duck import phi_connection

    con = phi_connection()
    rows, seconds = 0, 0.0
    for contract in load_contracts().values():
        for col in contract.columns:
            if col.deid != "surrogate":
                continue
            exists = con.execute(
                "select count(*) from duckdb_tables() where database_name = 'phi' "
                "and schema_name = 'raw' and table_name = ?",
                [contract.table],
            ).fetchone()[0]
            if not exists:
                continue
            t0 = time.perf_counter()
            n = con.execute(
                f"select count(sha256('salt' || {col.name})) from phi.raw.{contract.table}"
            ).fetchone()[0]
            seconds += time.perf_counter() - t0
            rows += n
    con.close()
    return rows, seconds


def run_structured_deid() -> int:
    """De-identify every table, with free text replaced wholesale (text is measured on its own)."""
    from deidentify.run import deidentify_all
    from deidentify.structured import redact_everything

    results = deidentify_all(text_redactor=redact_everything)
    return sum(int(r.get("rows_in", 0)) for r in results.values())


def text_sample(data: Path, n: int) -> list[str]:
    """Up to n free-text values from the PHI zone notes, chief complaints and comments."""
    from pipelines.lib.duck import phi_connection

    con = phi_connection()
    texts: list[str] = []
    for table, column in (
        ("notes", "note_text"),
        ("ed_visits", "chief_complaint"),
        ("appointments", "comment"),
    ):
        try:
            texts += [
                r[0]
                for r in con.execute(
                    f"select {column} from phi.raw.{table} where {column} is not null "
                    f"order by _raw_id limit {n}"
                ).fetchall()
            ]
        except Exception:
            continue
    con.close()
    return texts[:n]


def run_dbt(args: tuple[str, ...] = ("build",)) -> int:
    """`dbt build` (or `args`) on the warehouse; returns the number of nodes that ran."""
    dbt = REPO / ".venv" / "bin" / "dbt"
    proc = subprocess.run(
        [
            str(dbt),
            *args,
            "--project-dir",
            "dbt_project",
            "--profiles-dir",
            "dbt_project",
            "--quiet",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        print(proc.stdout[-3000:], proc.stderr[-2000:], file=sys.stderr)
        raise RuntimeError("dbt build failed")
    run_results = json.loads((REPO / "dbt_project" / "target" / "run_results.json").read_text())
    return len(run_results["results"])


def run_publish() -> int:
    """Publish the marts; returns rows copied."""
    from pipelines.lib.publish import publish

    return sum(publish().values())


def dashboard_timings(repeats: int = 20) -> list[Stage]:
    """p95 of cached reruns, filter changes and cold pages through the dashboards' query layer."""
    from bench.dashboards import probe

    figures = probe(repeats)
    return [
        Stage(f"dashboard {kind} (p95)", 1, seconds, _peak_rss_mib(), goal=goal)
        for kind, seconds, goal in (
            ("cached rerun", figures["cached_p95_s"], "<= 0.1 s"),
            ("filter change", figures["filter_p95_s"], "<= 1 s"),
            ("cold page", figures["cold_p95_s"], "<= 3 s"),
        )
    ]


def daily_increment(folder: Path, days: int) -> Stage:
    """One more extract day on top of the year: ingest, de-identify, build, publish."""
    held_back = sorted((folder / "increment").glob("*/*"))
    if not held_back:
        raise RuntimeError(f"{folder}: no held-back day in increment/; delete the cache and rerun")
    for path in held_back:
        _link_or_copy(path, folder / "work" / "landing" / path.parent.name / path.name)

    from pipelines.lib.dbt import DAILY_BUILD_ARGS

    steps: dict[str, float] = {}

    def timed(name: str, func: Callable[[], int]) -> int:
        t0 = time.perf_counter()
        result = func()
        steps[name] = round(time.perf_counter() - t0, 2)
        return result

    # The daily schedule runs yesterday's partition, whose ingest lists and hashes that day's files
    # only (pipelines/defs/automation/jobs.py); a run without a partition would hash the whole year.
    day = START + timedelta(days=days)

    def run() -> int:
        rows = timed("ingest", lambda: run_ingest(folder / "work", None, (day, day)))
        timed("deidentify", run_structured_deid)
        # the scheduled job's dbt command (incremental models, no unit tests)
        timed("dbt", lambda: run_dbt(tuple(DAILY_BUILD_ARGS)))
        timed("publish", run_publish)
        return rows

    stage = measure("daily increment (ingest..publish)", run, goal="<= 15 s", notes=steps)
    print(f"  daily increment steps (s): {steps}", file=sys.stderr)
    return stage


def render(tier: str, stages: list[Stage], total: float) -> str:
    """The Markdown table of a run."""
    lines = [
        f"## Benchmark: tier `{tier}`, {datetime.now():%Y-%m-%d %H:%M}",
        "",
        f"Machine: {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, "
        f"{platform.processor() or platform.machine()}, Python {platform.python_version()}",
        "",
        "| stage | rows | seconds | rows/s | peak RSS MiB | ceiling | ratio | goal |",
        "|---|---:|---:|---:|---:|---|---:|---|",
    ]
    for s in stages:
        ratio = f"{s.ratio:.2f}x" if s.ratio is not None else ""
        ceiling = f"{s.ceiling_name} {s.ceiling_rows_per_s:,.0f}/s" if s.ceiling_rows_per_s else ""
        lines.append(
            f"| {s.name} | {s.rows:,} | {s.seconds:.2f} | {s.rows_per_s:,.0f} | "
            f"{s.peak_rss_mib:,.0f} | {ceiling} | {ratio} | {s.goal} |"
        )
    lines += ["", f"End to end (structured, excluding generation): {total:.1f} s"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark for one tier."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--tier", default="hospital", choices=sorted(TIER_DAYS))
    parser.add_argument("--days", type=int, default=None)
    parser.add_argument("--skip-text", action="store_true")
    args = parser.parse_args(argv)
    days = args.days or TIER_DAYS[args.tier]

    print(f"benchmark tier {args.tier}, {days} days", file=sys.stderr)
    folder, gen = generate_tier(args.tier, days)
    work = folder / "work"
    shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(folder / "increment", ignore_errors=True)
    split_landing(folder, days)
    _env(work)
    stages = [gen]

    csv_feeds = sorted({p.parent.name for p in (work / "landing").glob("*/*.csv")})
    ceiling_rows, ceiling_s = csv_ceiling(work / "landing")
    stages.append(
        measure(
            "ingest CSV feeds (contracts, ledger)",
            lambda: run_ingest(work, csv_feeds),
            ceiling_name="DuckDB read_csv",
            ceiling_rows_per_s=ceiling_rows / ceiling_s,
            goal=">= 0.5x ceiling",
        )
    )
    stages.append(measure("ingest HL7 + X12 feeds", lambda: run_ingest(work, None)))
    id_rows, id_s = identifier_ceiling(work)
    stages.append(
        measure(
            "de-identify structured",
            run_structured_deid,
            ceiling_name="DuckDB sha256",
            ceiling_rows_per_s=id_rows / id_s if id_s else None,
        )
    )
    if not args.skip_text:
        from deidentify.evaluate import measure_throughput

        texts = text_sample(work, TEXT_SAMPLE[args.tier])
        figures = measure_throughput(texts)
        stages.append(
            Stage(
                f"de-identify free text ({len(texts)} texts, chars)",
                int(figures.get("chars", 0)),
                float(figures.get("ours_seconds", 0.0)),
                _peak_rss_mib(),
                ceiling_name="spaCy nlp.pipe",
                ceiling_rows_per_s=figures.get("spacy_chars_per_s"),
                goal=">= 0.8x ceiling",
            )
        )
    stages.append(measure("dbt build", run_dbt, goal="<= 60 s"))
    stages.append(measure("publish", run_publish))
    stages += dashboard_timings()
    structured = [
        s
        for s in stages
        if s.name.startswith(("ingest", "de-identify structured", "dbt", "publish"))
    ]
    total = sum(s.seconds for s in structured)
    stages.append(daily_increment(folder, days))

    RESULTS.mkdir(parents=True, exist_ok=True)
    table = render(args.tier, stages, total)
    print(table)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"{args.tier}-latest.md").write_text(table + "\n")
    (RESULTS / f"{args.tier}-{stamp}.json").write_text(
        json.dumps(
            {
                "tier": args.tier,
                "days": days,
                "cores": os.cpu_count(),
                "memory_gib": os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30,
                "end_to_end_structured_s": total,
                "stages": [
                    {**asdict(s), "rows_per_s": s.rows_per_s, "ratio": s.ratio} for s in stages
                ],
            },
            indent=2,
            default=str,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
