"""One function per measured stage; each returns plain numbers for the report.

Why separate from the driver: each stage calls the project's real code path (readers,
normalise_work, ingest, LadybugStore.load, find_paths (and find_evidence + paths_report), exposure, the
Streamlit Explorer page) and only adds a clock around it, so a figure here is what a
user's command would take.
"""

from __future__ import annotations

import os
import resource
import time
from pathlib import Path

import psutil
from neo4j.exceptions import Neo4jError

from graph.errors import TiesError
from graph.ladybug_store import LadybugStore
from graph.tables import read_meta
from loaders.ingest import ingest
from loaders.normalise import RecordError, involves, normalise_work
from loaders.readers import iter_records
from loaders.resolve import ProjectResolver
from queries.brokers import brokers
from queries.evidence import TieQuery, find_evidence
from queries.exposure import DIMENSIONS, exposure
from queries.paths import paths_report
from queries.ranked import find_paths
from queries.registry import render
from ties.config import Config

ROOT = Path(__file__).resolve().parents[1]
#: all direct ties from the Netherlands to anything under the CMC
DIRECT_NL_CMC = TieQuery(country="NL", target="cmc", kinds=("direct",))
#: what `ties paths` searches with no options
DEFAULT_PATHS = TieQuery()
#: `ties paths --since 2018` and `ties paths --field "Computer Science"`: ranked per window
WINDOWS = {"since_2018": TieQuery(since=2018), "field_cs": TieQuery(field="Computer Science")}
#: indirect ties are measured at these bounds, at corpus sizes up to INDIRECT_MAX_WORKS, and at 2 hops
#: up to INDIRECT_2_HOPS_MAX_WORKS. With the search on integer codes (queries.indirect) 3 hops at
#: 100,000 works is 712,000 evidence rows and took 61 s (4 hops: 2.1 million rows): building the rows,
#: not the search, is then the cost, so only 2 hops (97,000 rows, about 12 s) is timed at that size
INDIRECT_HOPS = (2, 3, 4)
INDIRECT_MAX_WORKS = 10_000
INDIRECT_2_HOPS_MAX_WORKS = 100_000


def indirect_hops(works: int) -> tuple[int, ...]:
    """The hop bounds at which indirect ties are timed for a corpus of `works` works."""
    if works <= INDIRECT_MAX_WORKS:
        return INDIRECT_HOPS
    return (2,) if works <= INDIRECT_2_HOPS_MAX_WORKS else ()


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    return psutil.Process(os.getpid()).memory_info().rss / 2**20


def parse_normalise(corpus: Path, limit: int | None = None) -> dict:
    """Works/s for reading snapshot parts and normalising every kept work, one core.

    The same calls as ``ties load --country NL`` makes, without building tables: records
    from loaders.readers, the country filter, normalise_work with the project resolver.
    """
    resolver = ProjectResolver()
    rejections: list = []
    seen = kept = 0
    started = time.perf_counter()
    cpu = time.process_time()
    for record in iter_records([corpus], rejections):
        seen += 1
        if involves(record.work, ("NL",)):
            try:
                normalise_work(record.work, resolver)
            except RecordError:
                pass
            kept += 1
        if limit and seen >= limit:
            break
    seconds = time.perf_counter() - started
    cpu_s = time.process_time() - cpu
    return {"works": seen, "kept_nl": kept, "seconds": seconds, "cpu_seconds": cpu_s,
            "works_per_s": seen / seconds}


def ingest_tables(corpus: Path, home: Path) -> dict:
    """``ties load`` minus the store: files to the published Parquet table set."""
    config = Config(home=home)
    started = time.perf_counter()
    report = ingest([corpus], config, countries=("NL",), progress=False)
    seconds = time.perf_counter() - started
    counts = read_meta(config.tables_dir).get("counts", {})
    return {"works": report.works, "seconds": seconds, "works_per_s": report.works / seconds,
            "rows": int(sum(counts.values())), "counts": counts}


def ladybug_load(home: Path) -> dict:
    """Rebuild the embedded store from the table set (COPY from Parquet)."""
    config = Config(home=home)
    store = LadybugStore(config.ladybug_dir, queries=render)
    started = time.perf_counter()
    counts = store.load(config.tables_dir)
    seconds = time.perf_counter() - started
    store.close()
    rows = int(sum(counts.values()))
    return {"seconds": seconds, "rows": rows, "rows_per_s": rows / seconds}


def _clock(out: dict, key: str, call):
    """Time one analysis into ``out[key]``; a failure is recorded (``key_error``), not raised,
    so one analysis that fails on one store does not take the other figures with it."""
    started = time.perf_counter()
    try:
        result = call()
    except (TiesError, RuntimeError, Neo4jError, MemoryError) as exc:
        out[key.removesuffix("_s") + "_error"] = f"{type(exc).__name__}: {str(exc)[:300]}"
        return None
    out[key] = time.perf_counter() - started
    return result


def timed_queries(store, works: int = 0) -> dict:
    """Direct NL > CMC paths and exposure by sector, cold then warm; then the same paths
    ranked from every evidence row (the way before tie summaries), as their baseline.
    Then every other analysis once, each compared with the direct paths of the same run:
    `ties paths` with its defaults and with a year or field window, exposure by every
    dimension, brokers, and indirect ties (at the bounds `indirect_hops` gives for the size)."""
    out: dict = {}
    for attempt in ("cold", "warm"):
        started = time.perf_counter()
        report = find_paths(store, DIRECT_NL_CMC)
        out[f"paths_{attempt}_s"] = time.perf_counter() - started
        started = time.perf_counter()
        table = exposure(store, "sector", TieQuery())
        out[f"exposure_{attempt}_s"] = time.perf_counter() - started
    started = time.perf_counter()
    baseline = paths_report(find_evidence(store, DIRECT_NL_CMC), DIRECT_NL_CMC.filters(), k=DIRECT_NL_CMC.k)
    out["paths_from_evidence_s"] = time.perf_counter() - started
    out.update(evidence_rows=report["summary"]["evidence_rows"], paths=report["summary"]["paths"],
               paths_equal_to_baseline=report == baseline, exposure_units=len(table))
    _clock(out, "default_paths_s", lambda: find_paths(store, DEFAULT_PATHS))
    for name, query in WINDOWS.items():
        _clock(out, f"paths_{name}_s", lambda q=query: find_paths(store, q))
    for by in DIMENSIONS:
        _clock(out, f"exposure_{by}_s", lambda b=by: exposure(store, b, TieQuery()))
    found = _clock(out, "brokers_s", lambda: brokers(store, TieQuery()))
    if found is not None:
        out["brokers_with_betweenness"] = int((found["authors"]["betweenness"] > 0).sum())
    if works:
        for hops in indirect_hops(works):
            rows = _clock(out, f"indirect_{hops}_hops_s",
                          lambda h=hops: find_evidence(store, TieQuery(kinds=("indirect",), max_hops=h)))
            if rows is not None:
                out[f"indirect_{hops}_hops_rows"] = len(rows)
    return out


def ladybug_queries(home: Path, works: int = 0) -> dict:
    store = LadybugStore(Config(home=home).ladybug_dir, read_only=True, queries=render)
    try:
        return timed_queries(store, works)
    finally:
        store.close()


#: the dashboard's pages in its navigation order (dashboards/app.py); the first is the entry page
DASHBOARD_PAGES = ("overview", "explorer", "entity", "institution", "author", "export", "changes")


def dashboard_render(home: Path, timeout: float = 600) -> dict:
    """First render of every dashboard page with default settings, headless (streamlit AppTest).

    Issue 15: no page may wait more than 3 s at 100,000 works. Each page is timed as a user
    opening it first: the store is already open (the entry page opened it), the query caches
    (``st.cache_data``) are empty. ``explorer_s`` keeps the name earlier results used.
    """
    app = ROOT / "dashboards" / "app.py"
    views = ROOT / "dashboards" / "views"
    missing = [name for name in DASHBOARD_PAGES if not (views / f"{name}.py").is_file()]
    if not app.is_file() or missing:
        return {"measured": False, "note": f"not measured: dashboards/app.py or a page is missing ({missing})"}
    import streamlit as st  # the bench imports Streamlit only when it times the dashboard
    from streamlit.testing.v1 import AppTest

    saved = {k: os.environ.get(k) for k in ("TIES_HOME", "TIES_STORE")}
    os.environ["TIES_HOME"], os.environ["TIES_STORE"] = str(home), "local"
    pages: dict[str, float] = {}
    cpu: dict[str, float] = {}  #: CPU seconds of this process (the embedded store runs in it): on a shared machine
    errors: list[str] = []
    try:
        for name in DASHBOARD_PAGES:
            at = AppTest.from_file(str(app), default_timeout=timeout)
            if name != DASHBOARD_PAGES[0]:  # the entry page opened the store; the others start with empty caches
                st.cache_data.clear()
                at.switch_page(f"views/{name}.py")
            started, cpu_started = time.perf_counter(), time.process_time()
            at.run()
            pages[name] = time.perf_counter() - started
            cpu[name] = time.process_time() - cpu_started
            errors += [f"{name}: {e.value}" for e in [*at.exception, *at.error]]
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return {"measured": True, "pages_s": pages, "pages_cpu_s": cpu, "entry_page_s": pages[DASHBOARD_PAGES[0]],
            "explorer_s": pages["explorer"], "slowest_page": max(pages, key=pages.get),
            "errors": [e[:300] for e in errors]}
