"""`make faults`: run each fault scenario, count what went in, what was stored and what
was lost, print a table and write faults/results.json. Exit 1 if any record is lost.

Scenarios: hostile input files; `ties fetch`, `ties load` and `ties sync` killed with
SIGKILL at random points and rerun; the Neo4j server stopped mid-sync and restarted; a
wrong Neo4j password; hostile search terms; payloads in every text field through every
export; one bad record in a page; the odd inputs of issue 18; a server echoing the API
key; a 1 MB author name synced to Neo4j. Every run is compared with an uninterrupted
run of the same input. The helpers here are also used by tests/test_interruptions.py and
tests/test_neo4j_faults.py.

Usage: python -m faults.run [--runs N] [--works N] [--seed S] [--no-neo4j]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "faults" / "results.json"
TIES = [sys.executable, "-c", "from ties.cli import main; main()"]


@dataclass
class Outcome:
    """One row of the fault table."""

    scenario: str
    runs: int = 0
    records_in: int = 0
    records_stored: int = 0
    records_lost: int = 0
    errors_reported: int = 0
    note: str = ""
    failed: bool = False  #: final state differs from an uninterrupted run (duplicates, a mix)

    def count_records(self, before: dict[str, int], after: dict[str, int]) -> None:
        """Records in, stored and lost, from the row counts per table before and after."""
        self.records_in = sum(before.values())
        self.records_stored = sum(min(after[k], before[k]) for k in before)
        self.records_lost = sum(max(0, before[k] - after[k]) for k in before)


# -- running `ties` and killing it ------------------------------------------------------


def ties_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment for a `ties` subprocess on `home` (embedded store unless told)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "TIES_"))}
    env.update(TIES_HOME=str(home), TIES_STORE="local", PYTHONPATH=str(ROOT))
    env.update(extra)
    return env


def run_ties(args: list[str], env: dict[str, str], kill_after: float | None = None,
             cwd: Path | None = None) -> tuple[int, str, str, bool]:
    """Run `ties ARGS`; with `kill_after`, SIGKILL it after that many seconds if still running.

    Returns (exit code, stdout, stderr, whether it was killed).
    """
    proc = subprocess.Popen([*TIES, *args], env=env, cwd=cwd or ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=kill_after)
        return proc.returncode, out, err, False
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        return proc.returncode, out, err, True


def timed_ties(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Run `ties ARGS` to the end; returns (seconds, stdout); raises if it fails."""
    started = time.monotonic()
    code, out, err, _ = run_ties(args, env)
    if code != 0:
        raise RuntimeError(f"ties {' '.join(args)} failed ({code}): {err.strip()[-500:]}")
    return time.monotonic() - started, out


# -- what a table set and a store hold ---------------------------------------------------


def table_snapshot(tables_dir: Path) -> dict[str, list[tuple]]:
    """Every table as a sorted list of row tuples (lists made tuples), for comparison."""
    def freeze(value: object) -> object:
        return tuple(value) if isinstance(value, list) else value

    snapshot = {}
    for path in sorted(Path(tables_dir).glob("*.parquet")):
        rows = pq.read_table(path).to_pylist()
        snapshot[path.stem] = sorted((tuple(freeze(v) for v in row.values()) for row in rows), key=repr)
    return snapshot


def local_counts(home: Path) -> dict[str, int]:
    from graph.ladybug_store import LadybugStore
    from queries.registry import render

    store = LadybugStore(Path(home) / "ladybug", read_only=True, queries=render)
    try:
        return store.counts()
    finally:
        store.close()


def expected_counts(tables_dir: Path) -> dict[str, int]:
    """Node and relationship counts a store must hold for this table set."""
    from graph.schema import load_schema

    schema = load_schema()
    counts = {label: 0 for label in schema.nodes} | {rtype: 0 for rtype in schema.relationships}
    for table, node in schema.node_tables().items():
        path = Path(tables_dir) / f"{table}.parquet"
        counts[node.label] += pq.read_metadata(path).num_rows if path.is_file() else 0
    for table, (rel, _end) in schema.edge_tables().items():
        path = Path(tables_dir) / f"{table}.parquet"
        counts[rel.type] += pq.read_metadata(path).num_rows if path.is_file() else 0
    return counts


def work_ids_in(folder: Path) -> set[str]:
    """Distinct work ids in a generated corpus (what a load must store)."""
    from loaders.readers import iter_records

    return {r.work["id"] for r in iter_records([folder], [])}


def stored_work_ids(home: Path) -> set[str]:
    path = Path(home) / "tables" / "works.parquet"
    return set(pq.read_table(path, columns=["id"]).column("id").to_pylist()) if path.is_file() else set()


def make_corpus(folder: Path, works: int, seed: int) -> Path:
    from loaders.generate import write_corpus

    write_corpus(folder, works, seed, "snapshot")
    return folder


# -- scenarios ---------------------------------------------------------------------------


def scenario_bad_input(tmp: Path, rng: random.Random) -> Outcome:
    """A folder of good works mixed with hostile records and broken files."""
    import orjson

    from loaders.ingest import ingest
    from tests.corpus import authorship, work
    from ties.config import Config

    good = [work(n, 2019, [authorship(f"g{n}", ["TUD"]), authorship("y1", ["NUDT"])]) for n in range(1, 41)]
    hostile = [
        {"id": None}, {"id": "https://openalex.org/A1"}, {"id": "https://openalex.org/W1", "authorships": 5},
        {"id": "https://openalex.org/W2", "publication_year": "soon"},
        {"id": "https://openalex.org/W3", "authorships": [{"institutions": "TU Delft"}]},
        {"id": "https://openalex.org/W4", "authorships": [{"raw_affiliation_strings": {"a": 1}}]}, 42, "work",
    ]
    folder = tmp / "bad_input"
    folder.mkdir()
    lines = [orjson.dumps(w) for w in good[:20] + hostile]
    rng.shuffle(lines)
    (folder / "mixed.jsonl").write_bytes(b"\n".join(lines) + b"\n{\"id\": \"https://openalex.org/W5\", \"trunc")
    latin = orjson.dumps({"results": good[20:] + [dict(good[0], title="caf\u00e9")]})
    (folder / "page.json").write_bytes(latin.replace("caf\u00e9".encode(), "caf\u00e9".encode("latin-1")))
    (folder / "empty.json").write_bytes(b"")
    (folder / "cut.json").write_bytes(orjson.dumps({"results": good[:3]})[:-9])
    records_in = len(good) + len(hostile) + 4  # + a truncated line, a Latin-1 record, an empty and a cut file
    config = Config(home=tmp / "bad_input_home")
    report = ingest([folder], config, progress=False)
    stored = stored_work_ids(config.home)
    lost = len({w["id"] for w in good} - stored)
    return Outcome("bad input (10 kinds of hostile record/file)", 1, records_in, len(stored), lost,
                   report.rejected, f"{report.duplicates} duplicate copies folded")


def scenario_load_sigkill(tmp: Path, rng: random.Random, corpus: Path, runs: int,
                          over_previous: bool = False) -> Outcome:
    """SIGKILL `ties load` at a random point, check the last complete set survives, rerun."""
    wanted = work_ids_in(corpus)
    first, rest = _split_corpus(corpus, tmp / "split") if over_previous else (None, corpus)
    reference = tmp / f"reference_{over_previous}"
    if first is not None:
        timed_ties(["load", str(first), "--json"], ties_env(reference))
    seconds, _ = timed_ties(["load", str(rest), "--json"], ties_env(reference))
    ref_tables = table_snapshot(reference / "tables")
    ref_counts = local_counts(reference)
    outcome = Outcome("ties load + SIGKILL" + (" over a loaded set" if over_previous else "") + ", rerun")
    for run in range(runs):
        home = tmp / f"load_{over_previous}_{run}"
        before: dict = {}
        if first is not None:
            timed_ties(["load", str(first), "--json"], ties_env(home))
            before = table_snapshot(home / "tables")
        delay = rng.uniform(0.1, seconds)
        _, _, _, killed = run_ties(["load", str(rest), "--json"], ties_env(home), kill_after=delay)
        middle = table_snapshot(home / "tables") if (home / "tables").exists() else {}
        if killed and middle not in ({}, before, ref_tables):
            outcome.failed = True
            outcome.note = "a killed load left a mixed table set"
        timed_ties(["load", str(rest), "--json"], ties_env(home))
        stored = stored_work_ids(home)
        outcome.runs += 1
        outcome.records_in += len(wanted)
        outcome.records_stored += len(stored & wanted)
        outcome.records_lost += len(wanted - stored)
        if table_snapshot(home / "tables") != ref_tables or local_counts(home) != ref_counts:
            outcome.failed = True
            outcome.note = "final tables or store differ from an uninterrupted load"
        shutil.rmtree(home, ignore_errors=True)
    return outcome


def _split_corpus(corpus: Path, out: Path) -> tuple[Path, Path]:
    """Two overlapping inputs: the first half of the parts, and the whole corpus."""
    parts = sorted(corpus.rglob("part_*.gz"))
    first = out / "first"
    for part in parts[: max(1, len(parts) // 2)]:
        target = first / part.relative_to(corpus)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(part, target)
    return first, corpus


def scenario_fetch_sigkill(tmp: Path, rng: random.Random, runs: int) -> Outcome:
    """SIGKILL `ties fetch` (against the local replay server) at a random point, rerun."""
    from tests.replay_server import ReplayServer

    key = "faults-key-5b1e"
    works = 600
    outcome = Outcome("ties fetch + SIGKILL, rerun")
    with ReplayServer(works=works, api_key=key) as server:
        args = ["fetch", "--country", "NL", "--partner-country", "CN", "--rate", "100", "--no-progress",
                "--per-page", "50"]
        env = ties_env(tmp / "fetch_ref", OPENALEX_API_KEY=key, OPENALEX_BASE_URL=server.url)
        seconds, _ = timed_ties(args, env)
        for run in range(runs):
            home = tmp / f"fetch_{run}"
            env = ties_env(home, OPENALEX_API_KEY=key, OPENALEX_BASE_URL=server.url)
            run_ties(args, env, kill_after=rng.uniform(0.1, seconds))
            code, out, err, _ = run_ties([*args, "--json"], env)
            ids: list[str] = []
            for page in sorted((home / "raw").rglob("page_*.json")):
                ids += [w["id"] for w in json.loads(page.read_text())["response"]["results"]]
            outcome.runs += 1
            outcome.records_in += works
            outcome.records_stored += len(set(ids))
            outcome.records_lost += works - len(set(ids))
            if code != 0 or len(ids) != len(set(ids)):
                outcome.failed = True
                outcome.note = err.strip()[-200:] or "duplicate works in the pages"
            shutil.rmtree(home, ignore_errors=True)
    return outcome


def neo4j_env(home: Path, connection: tuple[str, str, str]) -> dict[str, str]:
    uri, user, password = connection
    return ties_env(home, NEO4J_URI=uri, NEO4J_USER=user, NEO4J_PASSWORD=password)


def neo4j_counts(connection: tuple[str, str, str]) -> dict[str, int]:
    from graph.neo4j_store import Neo4jStore

    store = Neo4jStore(*connection)
    try:
        return store.counts()
    finally:
        store.close()


def clear_neo4j(connection: tuple[str, str, str], home: Path) -> None:
    """Empty the database and forget what `home` remembers having pushed."""
    from graph.neo4j_store import Neo4jStore

    store = Neo4jStore(*connection)
    try:
        store.clear()
    finally:
        store.close()
    shutil.rmtree(home / "state" / "sync", ignore_errors=True)


def scenario_sync_sigkill(tmp: Path, rng: random.Random, loaded: Path, connection: tuple[str, str, str],
                          runs: int) -> Outcome:
    """SIGKILL `ties sync` at a random point, rerun; Neo4j must hold exactly the tables."""
    want = expected_counts(loaded / "tables")
    wanted_rows = sum(want.values())
    clear_neo4j(connection, loaded)
    seconds, _ = timed_ties(["sync", "--json"], neo4j_env(loaded, connection))
    outcome = Outcome("ties sync + SIGKILL, rerun")
    for _ in range(runs):
        clear_neo4j(connection, loaded)
        run_ties(["sync", "--json"], neo4j_env(loaded, connection), kill_after=rng.uniform(0.1, seconds))
        timed_ties(["sync", "--json"], neo4j_env(loaded, connection))
        got = neo4j_counts(connection)
        outcome.runs += 1
        outcome.records_in += wanted_rows
        outcome.records_stored += sum(min(got[k], want[k]) for k in want)
        outcome.records_lost += sum(max(0, want[k] - got[k]) for k in want)
        if got != want:
            outcome.failed = True
            outcome.note = f"counts differ: {got} vs {want}"
    return outcome


def own_server(home: Path) -> dict:
    """Start a Neo4j server of our own in `home` (jars shared with the test server if present)."""
    from graph import neo4j_server

    lib = neo4j_server.server_dir(home) / "lib"
    for candidate in (ROOT / ".ties-test", Path(tempfile.gettempdir()) / f"ties-neo4j-test-{os.getuid()}",
                      ROOT / ".ties"):
        shared = neo4j_server.server_dir(candidate) / "lib"
        if (shared / ".pom-sha256").is_file() and not lib.exists():
            lib.parent.mkdir(parents=True, exist_ok=True)
            lib.symlink_to(shared.resolve(), target_is_directory=True)
            break
    with socket.socket() as sock:  # any free port: never the shared test server's
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return neo4j_server.start(home, port=port, progress=lambda _m: None)


def restart_mid_sync(server_home: Path, loaded: Path, rng: random.Random, seconds: float) -> tuple[int, str]:
    """Start a sync, stop the server under it at a random point, start it again on the same
    port, and let the sync (or a rerun) finish. Returns (first run's exit code, its stderr)."""
    from graph import neo4j_server

    info = neo4j_server.local_connection(server_home)
    connection = (info["uri"], info["user"], info["password"])
    env = neo4j_env(loaded, connection)
    proc = subprocess.Popen([*TIES, "sync", "--json"], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    time.sleep(rng.uniform(0.1, seconds))
    neo4j_server.stop(server_home)
    neo4j_server.start(server_home, port=info["port"], progress=lambda _m: None)
    _, err = proc.communicate(timeout=300)
    code = proc.returncode
    timed_ties(["sync", "--json"], env)
    return code, err


def scenario_neo4j_restart(tmp: Path, rng: random.Random, loaded: Path, server_home: Path, runs: int) -> Outcome:
    from graph import neo4j_server

    info = neo4j_server.local_connection(server_home)
    connection = (info["uri"], info["user"], info["password"])
    want = expected_counts(loaded / "tables")
    clear_neo4j(connection, loaded)
    seconds, _ = timed_ties(["sync", "--json"], neo4j_env(loaded, connection))
    outcome = Outcome("Neo4j stopped mid-sync, restarted, rerun")
    for _ in range(runs):
        clear_neo4j(connection, loaded)
        code, err = restart_mid_sync(server_home, loaded, rng, seconds)
        got = neo4j_counts(connection)
        outcome.runs += 1
        outcome.records_in += sum(want.values())
        outcome.records_stored += sum(min(got[k], want[k]) for k in want)
        outcome.records_lost += sum(max(0, want[k] - got[k]) for k in want)
        outcome.errors_reported += int(code != 0)
        outcome.failed = outcome.failed or got != want
        if code != 0 and ("Traceback" in err or len(err.strip().splitlines()) != 1):
            outcome.failed = True
            outcome.note = f"the interrupted sync did not fail in one line: {err.strip()[-200:]}"
    return outcome


def scenario_wrong_password(tmp: Path, loaded: Path, connection: tuple[str, str, str]) -> Outcome:
    uri, user, password = connection
    wrong = "Wrong" + password[::-1]
    code, out, err, _ = run_ties(["sync"], neo4j_env(loaded, (uri, user, wrong)))
    ok = code == 1 and "NEO4J_PASSWORD" in err and wrong not in out + err and password not in out + err
    return Outcome("wrong Neo4j password", 1, 0, 0, 0, int(code != 0),
                   "clear one-line message, password not shown" if ok else f"unclear: {err.strip()[-200:]}",
                   failed=not ok)


def scenario_injection(tmp: Path, loaded: Path) -> Outcome:
    hostile = ["x' OR 1=1 //", '") MATCH (n) DETACH DELETE n //', "'}) DETACH DELETE n RETURN 1 //"]
    before = local_counts(loaded)
    outcome = Outcome("hostile search terms (paths --from-institution/--from-department/--to)")
    for value in hostile:
        for option in ("--from-institution", "--from-department", "--to"):
            code, out, err, _ = run_ties(["paths", option, value, "--json"], ties_env(loaded))
            outcome.runs += 1
            # two right answers: no path (the text matched nothing), or the value refused in
            # one error line (an id that cannot be an OpenAlex id); the data is unchanged either way
            refused = code in (1, 2) and err.strip().startswith("error:") and len(err.strip().splitlines()) == 1
            outcome.errors_reported += int(refused)
            if not refused and (code != 0 or json.loads(out)["paths"]):
                outcome.failed = True
                outcome.note = f"{option} {value!r}: {err.strip()[-200:]}"
    after = local_counts(loaded)
    outcome.count_records(before, after)
    return outcome


def scenario_hostile_text(tmp: Path) -> Outcome:
    """Payloads in every text field (tests/hostile.py): every record loads, and every export
    keeps them as text (CommonMark shows no HTML/link/image from data, no CSV formula, a CSP)."""
    import csv
    import io
    import re
    import zipfile

    from graph.ladybug_store import LadybugStore
    from graph.tables import read_meta
    from loaders.ingest import ingest
    from queries.evidence import KINDS, TieQuery
    from queries.export import gather, render
    from queries.registry import render as render_query
    from tests.hostile import hostile_works, write_hostile_corpus
    from ties.config import Config

    config = Config(home=tmp / "hostile_home")
    report = ingest([write_hostile_corpus(tmp / "hostile")], config, progress=False)
    with LadybugStore(config.ladybug_dir, queries=render_query) as store:
        store.load(config.tables_dir)
    with LadybugStore(config.ladybug_dir, read_only=True, queries=render_query) as store:
        bundle = gather(store, TieQuery(target="all", max_hops=3, kinds=KINDS), read_meta(config.tables_dir))
    problems = []
    try:
        from markdown_it import MarkdownIt

        def walk(tokens):
            for token in tokens:
                yield token
                yield from walk(token.children or [])
        bad = [t.type for t in walk(MarkdownIt("commonmark").parse(render(bundle, "md").decode()))
               if t.type in ("html_inline", "html_block", "image")]
        problems += [f"markdown: {len(bad)} raw HTML or image tokens"] if bad else []
    except ImportError:
        problems.append("markdown-it-py missing (pip install -e '.[test]')")
    archive = zipfile.ZipFile(io.BytesIO(render(bundle, "csv")))
    for name in archive.namelist():
        if name.endswith(".csv"):
            for row in csv.reader(io.StringIO(archive.read(name).decode())):
                problems += [f"{name}: {c[:30]!r}" for c in row
                             if c and c[0] in "=+-@\t\r" and not re.fullmatch(r"-?[0-9][0-9,.]*", c)]
    page = render(bundle, "html").decode()
    if "Content-Security-Policy" not in page or "<img" in page:
        problems.append("html: no CSP or raw markup")
    works = len(hostile_works())
    stored = len(stored_work_ids(config.home))
    return Outcome("hostile text in every field (exports: HTML, Markdown, CSV)", 1, works, stored, works - stored,
                   report.rejected, "; ".join(problems[:3]), failed=bool(problems))


def scenario_one_bad_record(tmp: Path) -> Outcome:
    """A 200-work page with a lone surrogate in one title and one broken record: only the
    broken one is lost (it used to cost the whole page)."""
    import orjson

    from loaders.ingest import ingest
    from tests.corpus import authorship, work
    from ties.config import Config

    good = [work(n, 2019, [authorship(f"g{n}", ["TUD"]), authorship("y1", ["NUDT"])]) for n in range(1, 201)]
    parts = [orjson.dumps(w) for w in good]
    parts[7] = parts[7].replace(b'"Test work 8"', b'"Test work 8\\ud800"')
    broken = orjson.dumps(work(999, 2019, [authorship("b", ["TUD"])])).replace(b'"publication_year":2019',
                                                                               b'"publication_year":20x9')
    folder = tmp / "one_bad"
    folder.mkdir()
    (folder / "page_00001.json").write_bytes(b'{"meta": {}, "results": [' + b",".join(parts + [broken]) + b"]}")
    config = Config(home=tmp / "one_bad_home")
    report = ingest([folder], config, progress=False)
    stored = stored_work_ids(config.home)
    lost = len({w["id"] for w in good} - stored)
    return Outcome("one bad record in a page (a lone surrogate, one broken record)", 1, len(good) + 1, len(stored),
                   lost, report.rejected, f"{len(report.repairs)} file(s) repaired",
                   failed=report.rejected != 1 or not report.repairs)


def scenario_odd_use(tmp: Path, loaded: Path) -> Outcome:
    """The issue's odd inputs through the real command line: each must end in one `error:`
    line and a non-zero exit, never a traceback (records: the store's, which must not change)."""
    (tmp / "latin.txt").write_bytes("Universit\u00e9 de Caf\u00e9\n".encode("latin-1"))
    cases = [
        (["paths", "-k", "99999999999999999999"], {}), (["paths", "--to", ""], {}),
        (["paths", "--from-country", ""], {}), (["load", ""], {}),
        (["paths", "--store", "neo4j"], {"NEO4J_URI": "notauri"}),
        (["paths", "--store", "neo4j"], {"NEO4J_URI": "http://127.0.0.1:7474"}),
        (["match", str(tmp / "latin.txt")], {}), (["match", "/dev/zero"], {}),
        (["watchlist", "update", "--from", str(tmp / "latin.txt")], {}),
        (["export", "--format", "md", "--out", str(tmp / "missing" / "x.md")], {}),
    ]
    before = local_counts(loaded)
    outcome = Outcome(f"odd input and odd use ({len(cases)} cases: -k 10^20, --to '', NEO4J_URI=notauri, ...)")
    for args, extra in cases:
        code, out, err, _ = run_ties(args, ties_env(loaded, **extra))
        outcome.runs += 1
        ok = code != 0 and "Traceback" not in err and "error:" in err
        outcome.errors_reported += int(ok)
        if not ok:
            outcome.failed = True
            outcome.note = f"{' '.join(args)}: {err.strip()[-200:]}"
    after = local_counts(loaded)
    outcome.count_records(before, after)
    return outcome


def scenario_echoed_key(tmp: Path) -> Outcome:
    """A server that echoes every request (with the API key) in bodies and headers, for
    400/401/404/429 and 200: the key must appear in no output line, page or state file."""
    from tests.replay_server import ReplayServer

    key = "fault-key-51c0ffee"
    outcome = Outcome("API key echoed by the server (400/401/404/429/200)")
    for fault in ("400", "401", "404", "quota", "429", None):
        home = tmp / f"echo_{fault}"
        with ReplayServer(works=20, api_key=key) as server:
            server.echo = True
            if fault == "429":
                server.faults[1] = ["429"]
            elif fault:
                server.always[1] = fault
            env = ties_env(home, OPENALEX_API_KEY=key, OPENALEX_BASE_URL=server.url)
            code, out, err, _ = run_ties(["fetch", "--country", "NL", "--per-page", "10", "--rate", "1000",
                                          "--no-progress"], env)
        outcome.runs += 1
        leaked = key in out + err or any(key.encode() in p.read_bytes() for p in home.rglob("*") if p.is_file())
        pages = list(home.rglob("page_*.json"))
        outcome.records_in += 20 if fault in (None, "429") else 0
        outcome.records_stored += sum(len(__import__("orjson").loads(p.read_bytes())["response"]["results"])
                                      for p in pages)
        outcome.errors_reported += int(code != 0)
        if leaked:
            outcome.failed = True
            outcome.note = f"key leaked with {fault}"
    outcome.records_lost = outcome.records_in - outcome.records_stored
    return outcome


def scenario_huge_value_sync(tmp: Path, loaded: Path, connection: tuple[str, str, str]) -> Outcome:
    """A table set holding a 1 MB author name (as an older loader stored it): `ties sync`
    must still write every row (it failed with "Property value is too large to index")."""
    from graph.tables import read_meta, read_tables, write_tables

    home = tmp / "huge_home"
    shutil.copytree(loaded, home, symlinks=True)
    tables = (home / "tables").resolve()
    frames = read_tables(tables)
    frames["authors"].loc[frames["authors"].index[0], "name"] = "N" * 1_000_000
    write_tables(home / "tables", frames, read_meta(home / "tables"))
    clear_neo4j(connection, home)
    expected = expected_counts(home / "tables")
    code, out, err, _ = run_ties(["sync"], neo4j_env(home, connection))
    got = neo4j_counts(connection)
    records_in, stored = sum(expected.values()), sum(min(got.get(k, 0), v) for k, v in expected.items())
    return Outcome("1 MB author name, then ties sync to Neo4j", 1, records_in, stored, records_in - stored,
                   int(code != 0), "" if code == 0 else err.strip()[-200:], failed=code != 0)


# -- the table ---------------------------------------------------------------------------

COLUMNS = ("scenario", "runs", "records_in", "records_stored", "records_lost", "errors_reported")


def render(outcomes: list[Outcome]) -> str:
    """A Markdown table, pasteable into the README."""
    header = "| scenario | runs | records in | records stored | records lost | errors reported |"
    lines = [header, "|---|---:|---:|---:|---:|---:|"]
    for o in outcomes:
        lines.append(f"| {o.scenario} | {o.runs} | {o.records_in:,} | {o.records_stored:,} | "
                     f"{o.records_lost:,} | {o.errors_reported} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="interrupted runs per scenario")
    parser.add_argument("--works", type=int, default=3000, help="works in the synthetic corpus")
    parser.add_argument("--seed", type=int, default=9, help="random seed (corpus and kill points)")
    parser.add_argument("--no-neo4j", action="store_true", help="skip the Neo4j scenarios")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    logging.getLogger("neo4j").setLevel(logging.ERROR)  # "type does not exist" notices on counts
    rng = random.Random(args.seed)
    outcomes: list[Outcome] = []

    def step(name: str, func: Callable[[], Outcome]) -> None:
        print(f"faults: {name} ...", file=sys.stderr, flush=True)
        try:
            outcomes.append(func())
        except Exception as exc:  # noqa: BLE001 - a broken scenario is a row, not a crash
            outcomes.append(Outcome(name, failed=True, note=f"{type(exc).__name__}: {exc}"))

    with tempfile.TemporaryDirectory(prefix="ties-faults-") as tmp_name:
        tmp = Path(tmp_name)
        corpus = make_corpus(tmp / "corpus", args.works, args.seed)
        loaded = tmp / "loaded"
        timed_ties(["load", str(corpus), "--json"], ties_env(loaded))
        step("bad input", lambda: scenario_bad_input(tmp, rng))
        step("fetch", lambda: scenario_fetch_sigkill(tmp, rng, args.runs))
        step("load", lambda: scenario_load_sigkill(tmp, rng, corpus, args.runs))
        step("load over", lambda: scenario_load_sigkill(tmp, rng, corpus, args.runs, over_previous=True))
        step("injection", lambda: scenario_injection(tmp, loaded))
        step("hostile text", lambda: scenario_hostile_text(tmp))
        step("one bad record", lambda: scenario_one_bad_record(tmp))
        step("odd use", lambda: scenario_odd_use(tmp, loaded))
        step("echoed key", lambda: scenario_echoed_key(tmp))
        if not args.no_neo4j:
            from graph import neo4j_server

            server_home = tmp / "neo4j-server"
            try:
                info = own_server(server_home)
                connection = (info["uri"], info["user"], info["password"])
                step("sync", lambda: scenario_sync_sigkill(tmp, rng, loaded, connection, args.runs))
                step("neo4j restart", lambda: scenario_neo4j_restart(tmp, rng, loaded, server_home, args.runs))
                step("wrong password", lambda: scenario_wrong_password(tmp, loaded, connection))
                step("huge value", lambda: scenario_huge_value_sync(tmp, loaded, connection))
            finally:
                neo4j_server.stop(server_home)
    table = render(outcomes)
    print(table)
    for o in outcomes:
        if o.note:
            print(f"  {o.scenario}: {o.note}", file=sys.stderr)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"seed": args.seed, "works": args.works,
                                    "scenarios": [asdict(o) for o in outcomes]}, indent=2) + "\n")
    bad = [o for o in outcomes if o.records_lost != 0 or o.failed]
    if bad:
        print(f"faults: records lost or final state wrong in {len(bad)} scenario(s): "
              + ", ".join(o.scenario for o in bad), file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
