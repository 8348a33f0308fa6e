"""`make bench`: every performance figure of the project, in one process run.

Usage::

    python -m bench.run                          # 10^4, 10^5, 10^6 works
    python -m bench.run --sizes 10000,100000     # fewer sizes
    python -m bench.run --sizes 300 --explorer-size 300 --out /tmp/b   # smoke run

Neo4j is measured when NEO4J_URI (NEO4J_USER, NEO4J_PASSWORD) is set; `scripts/bench.sh`
starts the project's local server and sets them. A stage that would overrun the time
budget is not started; the results say so and give the arithmetic. Results are printed
as a table (each figure beside its baseline or target, with the ratio) and written to
``bench/results.json`` with the machine they were measured on.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import orjson
import psutil
from neo4j.exceptions import Neo4jError

from bench import neo4j_load, stages
from bench.corpora import ensure_corpus
from bench.report import growth, print_table, rows_for_table
from graph.errors import TiesError
from ties.config import Config

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"parse_works_per_s": 20_000, "neo4j_vs_naive": 10.0, "paths_neo4j_1e6_s": 2.0,
           "paths_ladybug_1e6_s": 10.0, "explorer_100k_s": 3.0,
           # issue 15: every analysis within 3x of direct paths at 10^5 works; at 10^6 works
           "vs_direct_1e5_x": 3.0, "exposure_1e6_s": 5.0, "brokers_1e6_s": 30.0, "default_paths_1e6_s": 5.0,
           "peak_rss_1e6_mb": 9.5 * 1024}
PARSE_LIMIT = 100_000  # works read for the parse+normalise figure (larger corpora: the first 100k)


def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor()
    return {"cores": os.cpu_count(), "cpu": model or platform.machine(),
            "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(), "platform": platform.platform(),
            "date": datetime.now(UTC).isoformat(timespec="seconds")}


def neo4j_conn() -> tuple[str, str, str] | None:
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        return None
    return uri, os.environ.get("NEO4J_USER") or "neo4j", os.environ.get("NEO4J_PASSWORD") or ""


class Budget:
    """Wall-clock budget for the whole run; stages ask before they start."""

    def __init__(self, minutes: float) -> None:
        self.seconds = minutes * 60
        self.start = time.perf_counter()

    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def fits(self, estimate_s: float) -> bool:
        return self.elapsed() + estimate_s <= self.seconds


def _say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run_size(n: int, args: argparse.Namespace, budget: Budget, conn, results: dict) -> None:
    """Every stage for one corpus size; appends to ``results['sizes']``."""
    entry: dict = {"works": n, "notes": []}
    results["sizes"].append(entry)
    corpus, gen_s = ensure_corpus(args.out, n, seed=args.seed)
    entry["generate_s"] = gen_s
    entry["corpus_cached"] = gen_s is None
    _say(f"{n} works: corpus {'cached' if gen_s is None else f'generated in {gen_s:.1f}s'}; parsing")
    entry["parse"] = stages.parse_normalise(corpus, limit=PARSE_LIMIT)
    home = args.out / f"home-{n}"
    if not _fits(n, entry, budget, results, args.ignore_estimates):
        return
    _say(f"{n} works: ingest to tables")
    entry["ingest"] = stages.ingest_tables(corpus, home)
    gc.collect()
    _say(f"{n} works: embedded load")
    entry["ladybug_load"] = stages.ladybug_load(home)
    _say(f"{n} works: embedded queries")
    entry["ladybug_queries"] = stages.ladybug_queries(home, n)
    entry["peak_rss_mb_after_embedded"] = stages.peak_rss_mb()
    if n == args.explorer_size:
        _say(f"{n} works: first render of every dashboard page")
        results["explorer"] = {"works": n, **stages.dashboard_render(home)}
    if conn is None:
        entry["notes"].append("Neo4j not measured: NEO4J_URI is not set (make bench starts a local server)")
    elif results.get("_neo4j_failed"):
        entry["notes"].append(f"Neo4j not measured at {n} works: it failed at a smaller size (see above)")
    else:
        try:
            _neo4j(n, entry, home, conn, budget, results)
        except (TiesError, RuntimeError, Neo4jError) as exc:
            results["_neo4j_failed"] = True
            entry["notes"].append(f"Neo4j failed at {n} works: {type(exc).__name__}: {str(exc)[:300]}")
            _say(entry["notes"][-1])
    entry["peak_rss_mb"] = stages.peak_rss_mb()
    results["_previous"] = entry
    gc.collect()


def _fits(n: int, entry: dict, budget: Budget, results: dict, ignore: bool = False) -> bool:
    """Skip the table, store and query stages of a size that cannot fit, with the arithmetic.

    Estimates scale the previous size linearly: the peak memory of its ingest, embedded
    load and queries (before the Explorer and Neo4j stages, which hold less), and the time
    of ingest + embedded load + queries.
    """
    prev = results.get("_previous")
    if not prev or "ingest" not in prev:
        return True
    scale = n / prev["works"]
    ram_mb = psutil.virtual_memory().total / 2**20
    base = results.get("start_rss_mb", 0.0)  # the interpreter and its libraries: does not grow with n
    rss = base + (prev.get("peak_rss_mb_after_embedded", prev.get("peak_rss_mb", 0)) - base) * scale
    seconds = (prev["ingest"]["seconds"] + prev["ladybug_load"]["seconds"]
               + _query_seconds(prev["ladybug_queries"])) * scale
    left = budget.seconds - budget.elapsed()
    if ignore:  # --ignore-estimates: the estimate is kept beside the figures it was wrong about
        entry["notes"].append(f"estimate before this size (--ignore-estimates): ~{rss / 1024:.1f} GB peak RSS, "
                              f">= {seconds / 60:.1f} min")
        return True
    if rss > 0.85 * ram_mb or seconds > left:
        entry["notes"].append(
            f"tables, stores and queries not measured at {n:,} works: scaling {prev['works']:,} works by {scale:g}x "
            f"gives ~{rss / 1024:.1f} GB peak RSS (RAM {ram_mb / 1024:.1f} GB) and >= {seconds / 60:.1f} min "
            f"(ingest {prev['ingest']['seconds']:.0f}s + embedded load {prev['ladybug_load']['seconds']:.0f}s + "
            f"queries, each x{scale:g}), against {left / 60:.1f} min left of the budget")
        _say(entry["notes"][-1])
        return False
    return True


def _query_seconds(queries: dict) -> float:
    """Seconds of a size's queries that the next size runs too (indirect ties are timed at
    fewer bounds as sizes grow, `stages.indirect_hops`, so they do not scale into the next
    estimate)."""
    return sum(v for k, v in queries.items() if k.endswith("_s") and not k.startswith("indirect_"))


def _neo4j(n: int, entry: dict, home: Path, conn, budget: Budget, results: dict) -> None:
    rows = entry["ingest"]["rows"]
    rate = results.get("_neo4j_rate")
    if rate:
        prev = results.get("_previous") or {}
        scale = n / prev["works"] if prev.get("works") else 1.0
        queries = _query_seconds(prev.get("neo4j_queries", {})) * scale
        estimate = rows / rate + queries + 30  # load, queries scaled from the previous size, baseline
        if not budget.fits(estimate):
            left = budget.seconds - budget.elapsed()
            entry["notes"].append(
                f"Neo4j not measured at {n} works: {rows:,} rows / {rate:,.0f} rows/s (measured at the "
                f"previous size) = {rows / rate / 60:.1f} min load, + {queries / 60:.1f} min of queries, more "
                f"than the {left / 60:.1f} min left of the {budget.seconds / 60:.0f} min budget")
            _say(entry["notes"][-1])
            return
    tables = Config(home=home).tables_dir
    _say(f"{n} works: Neo4j naive baseline")
    entry["neo4j_naive"] = neo4j_load.naive_baseline(conn, tables, sample=results["baseline_sample"])
    _say(f"{n} works: Neo4j batched load of {rows:,} rows")
    entry["neo4j_load"] = neo4j_load.batched_load(conn, tables)
    results["_neo4j_rate"] = entry["neo4j_load"]["rows_per_s"]
    _say(f"{n} works: Neo4j queries")
    store = neo4j_load.open_reader(conn)
    try:
        entry["neo4j_queries"] = stages.timed_queries(store, n)
    finally:
        store.close()


def _write(results: dict, budget: Budget, path: Path) -> dict:
    """The results so far, with growth and table, written to `path` (private keys left out)."""
    out = {k: v for k, v in results.items() if not k.startswith("_")}
    out["growth"] = growth(out["sizes"])
    out["total_s"] = budget.elapsed()
    out["peak_rss_mb"] = stages.peak_rss_mb()
    out["table"] = rows_for_table(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(orjson.dumps(out, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="corpus sizes in works, comma-separated")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out", help="cache for corpora and stores")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results.json")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--explorer-size", type=int, default=100_000,
                        help="size at which the dashboard pages are timed")
    parser.add_argument("--baseline-sample", type=int, default=2000, help="rows per naive Neo4j baseline")
    parser.add_argument("--budget-minutes", type=float, default=28.0)
    parser.add_argument("--ignore-estimates", action="store_true",
                        help="measure every size even when the linear estimate from the previous size says it will "
                             "not fit in RAM or the budget (the estimate overstates memory: 22 GB estimated for "
                             "1,000,000 works from 100,000, 9.5 GB measured on 2026-11-29)")
    args = parser.parse_args(argv)
    try:
        sizes = sorted({int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()})
    except ValueError:
        parser.error(f"--sizes must be integers separated by commas, got {args.sizes!r}")
    if not sizes or min(sizes) < 1:
        parser.error("--sizes needs at least one positive size")
    args.out.mkdir(parents=True, exist_ok=True)
    budget = Budget(args.budget_minutes)
    conn = neo4j_conn()
    results: dict = {"machine": machine(), "targets": TARGETS, "budget_minutes": args.budget_minutes,
                     "baseline_sample": args.baseline_sample, "sizes": [], "start_rss_mb": stages.rss_mb(),
                     "explorer": {"measured": False, "note": f"not measured: {args.explorer_size} not in --sizes"}}
    for n in sizes:
        run_size(n, args, budget, conn, results)
        _write(results, budget, args.results)  # after each size: a run stopped later keeps these
    final = _write(results, budget, args.results)
    print_table(final)
    print(f"\nwritten {args.results}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
