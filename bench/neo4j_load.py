"""Neo4j load throughput: the store's batched sync against a naive baseline.

The baseline is what a first attempt looks like: the same ``MERGE`` statement, but one
row per transaction (``batch_rows=1``), on a sample of author nodes and AUTHORED
relationships. It runs on an empty database (so MERGE creates, as in the real load) and
is measured in the same run, against the same server, as the batched load.

The batched load is ``Neo4jStore.load`` itself; its write calls are timed per kind
(node or relationship statement) by wrapping the instance's ``write_batches``, so the
figure is the store's real code path, not a re-implementation.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

from graph.neo4j_store import Neo4jStore, node_merge, rel_merge
from queries.registry import render


def _store(conn: tuple[str, str, str], state_dir: Path, batch_rows: int | None = None) -> Neo4jStore:
    uri, user, password = conn
    kwargs = {"batch_rows": batch_rows} if batch_rows else {}
    return Neo4jStore(uri, user, password, state_dir=state_dir, **kwargs)


def _sample(tables_dir: Path, table: str, n: int) -> list[dict]:
    path = tables_dir / f"{table}.parquet"
    return pq.read_table(path).slice(0, n).to_pylist() if path.is_file() else []


def _shape(record: dict, key: tuple[str, ...]) -> dict:
    """A row as Neo4jStore's MERGE statements take it (id/from/to, key, props)."""
    key_values = {k: ("" if record.get(k) is None else record[k]) for k in key}
    props = {k: v for k, v in record.items() if k not in ("from", "to")}
    return {"id": record.get("id"), "from": record.get("from"), "to": record.get("to"),
            "key": key_values, "props": props}


def _count(store: Neo4jStore, pattern: str) -> int:
    records, _, _ = store.driver.execute_query(f"{pattern} RETURN count(*) AS c", database_=store.database)
    return int(records[0]["c"])


def naive_baseline(conn: tuple[str, str, str], tables_dir: Path, sample: int = 2000) -> dict:
    """Rows/s for one-row-per-transaction MERGE of author nodes and AUTHORED edges.

    Clears the database first and afterwards. Raises RuntimeError if the statements did
    not create what they should (a silent no-op would flatter the baseline).
    """
    with tempfile.TemporaryDirectory() as state:
        naive = _store(conn, Path(state), batch_rows=1)
        try:
            naive.clear()
            naive.ensure_schema()
            schema = naive.schema
            authors = [_shape(r, ("id",)) for r in _sample(tables_dir, "authors", sample)]
            started = time.perf_counter()
            naive.write_batches(node_merge("Author"), authors)
            node_s = time.perf_counter() - started
            edges = _sample(tables_dir, "authored", sample)
            rel, end = schema.edge_tables()["authored"]
            # end nodes for the sampled edges, written in one batch, untimed
            ends = {r["from"]: {"id": r["from"], "props": {"id": r["from"]}} for r in edges}
            works = {r["to"]: {"id": r["to"], "props": {"id": r["to"]}} for r in edges}
            naive.batch_rows = 10_000
            naive.write_batches(node_merge("Author"), list(ends.values()))
            naive.write_batches(node_merge("Work"), list(works.values()))
            naive.batch_rows = 1
            shaped = [_shape(r, rel.key) for r in edges]
            started = time.perf_counter()
            naive.write_batches(rel_merge(rel.type, end.source, end.target, rel.key), shaped)
            rel_s = time.perf_counter() - started
            made_rels = _count(naive, "MATCH ()-[r:AUTHORED]->()")
            if made_rels != len({(r["from"], r["to"]) for r in edges}) or not authors:
                raise RuntimeError(f"naive baseline wrote {made_rels} AUTHORED edges for {len(edges)} rows")
            naive.clear()
        finally:
            naive.close()
    return {
        "sample_nodes": len(authors), "node_seconds": node_s, "node_rows_per_s": len(authors) / node_s,
        "sample_rels": len(edges), "rel_seconds": rel_s, "rel_rows_per_s": len(edges) / rel_s,
    }


def batched_load(conn: tuple[str, str, str], tables_dir: Path) -> dict:
    """Clear the database, then time ``Neo4jStore.load`` on the whole table set."""
    timings = {"node": [0, 0.0], "rel": [0, 0.0]}
    with tempfile.TemporaryDirectory() as state:
        store = _store(conn, Path(state))
        try:
            store.clear()
            original = store.write_batches

            def timed(query: str, rows: list[dict], first_attempt: str | None = None) -> None:
                kind = "node" if query.startswith("UNWIND $rows AS row MERGE (n:") else "rel"
                started = time.perf_counter()
                original(query, rows, first_attempt)
                timings[kind][0] += len(rows)
                timings[kind][1] += time.perf_counter() - started

            store.write_batches = timed  # type: ignore[method-assign]
            started = time.perf_counter()
            counts = store.load(tables_dir)
            total_s = time.perf_counter() - started
        finally:
            store.close()
    rows = timings["node"][0] + timings["rel"][0]
    return {
        "batch_rows": store.batch_rows, "seconds": total_s, "rows": rows, "rows_per_s": rows / total_s,
        "node_rows": timings["node"][0], "node_write_seconds": timings["node"][1],
        "node_rows_per_s": timings["node"][0] / timings["node"][1] if timings["node"][1] else None,
        "rel_rows": timings["rel"][0], "rel_write_seconds": timings["rel"][1],
        "rel_rows_per_s": timings["rel"][0] / timings["rel"][1] if timings["rel"][1] else None,
        "counts": counts,
    }


def open_reader(conn: tuple[str, str, str]) -> Neo4jStore:
    """A store for running queries on what :func:`batched_load` loaded."""
    uri, user, password = conn
    return Neo4jStore(uri, user, password, state_dir=None, queries=render)
