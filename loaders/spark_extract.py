"""Cut a national extract from the full OpenAlex works snapshot with Apache Spark.

Why Spark: the snapshot is ~330 GB of gzip JSON Lines (~270M works); one process reads
it at ~10-20k works/s, i.e. most of a week. Each ``part_NNN.gz`` is one Spark task, so a
cluster reads, filters and normalises parts in parallel; only the kept works (a national
extract is well under 1% of the snapshot) come back to the driver.

Output (``--out DIR``), both usable by the rest of the project:

- ``DIR/tables``: the normalised Parquet table set, the same files ``ties load`` writes
  (``graph.tables.read_tables`` reads it; point ``TIES_HOME`` at ``DIR`` and every
  command uses it). Rows come from ``loaders.normalise.normalise_work`` run inside the
  Spark tasks, then pass through the loader's own merge and enrichment
  (``loaders.ingest.enrich``), so the tables equal what ``ties load`` would write for
  the same input (``tests/test_spark.py`` checks this).
- ``DIR/works/part_NNNN.jsonl.gz``: the kept work records as published, in snapshot
  order, so ``ties load DIR/works`` rebuilds the same tables (e.g. after a normaliser
  change) without touching the full snapshot again.

Identical by construction: exact duplicate rows are dropped in Spark keeping the last
copy by (part, line, position), then the driver restores that order and runs the same
"last row per key wins" merge as the single-process loader.

Run::

    spark-submit loaders/spark_extract.py --input /data/openalex/works --out extract --country NL --watchlist
    spark-submit --master yarn loaders/spark_extract.py --input s3a://BUCKET/data/works --out /mnt/extract \\
        --country NL --watchlist
"""

from __future__ import annotations

import argparse
import gzip
import sys
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pandas as pd

from graph.errors import InputError
from graph.schema import load_schema
from graph.tables import empty_frame, merge_frames, write_tables
from loaders.ingest import enrich, prefer_openalex
from loaders.normalise import RecordError, involves, normalise_work
from loaders.resolve import ProjectResolver, watchlist_institution_ids

PART_GLOB = "updated_date=*/part_*.gz"
WORKS_PER_FILE = 100_000

__all__ = ["run_extract", "snapshot_files", "main"]


def snapshot_files(spark, source: str) -> list[str]:
    """The snapshot part files under `source`, in the order ``ties load`` reads them.

    `source` is the ``works`` folder (or the snapshot root holding ``works/``), local or
    any Hadoop file system URI (``s3a://``, ``gs://``, ``abfss://``, ``hdfs://``).
    """
    if "://" not in source or source.startswith("file://"):
        root = Path(source.removeprefix("file://"))
        if (root / "works").is_dir():
            root = root / "works"
        files = sorted(root.glob(PART_GLOB))
        if not files:
            raise InputError(f"{source}: no snapshot parts ({PART_GLOB}) found")
        return [str(p.resolve()) for p in files]
    jvm = spark.sparkContext._jvm
    pattern = jvm.org.apache.hadoop.fs.Path(source.rstrip("/") + "/" + PART_GLOB)
    fs = pattern.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    statuses = fs.globStatus(pattern) or []
    files = sorted(str(s.getPath().toString()) for s in statuses)
    if not files:
        raise InputError(f"{source}: no snapshot parts ({PART_GLOB}) found")
    return files


def _keep_partition(countries: tuple[str, ...], institutions: tuple[str, ...]):
    """Task function: parse each line, keep works in the countries or institutions.

    Yields ((partition, line), raw line, reason or None); a line that is not JSON or not
    an object is kept as a rejection so nothing is dropped silently.
    """
    def keep(index: int, lines: Iterable[str]) -> Iterator[tuple]:
        resolver = ProjectResolver()  # as the loader: a Dutch university named only in a raw string counts

        for number, line in enumerate(lines):
            if not line.strip():
                continue
            try:
                work = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                yield (index, number), None, f"invalid JSON: {exc}"
                continue
            if not isinstance(work, dict):
                yield (index, number), None, f"expected a work object, got {type(work).__name__}"
            elif involves(work, countries, institutions, resolver):
                yield (index, number), line, None
    return keep


def _rows_partition(records: Iterable[tuple]) -> Iterator[tuple]:
    """Task function: normalised rows as ((table, canonical row bytes), order)."""
    resolver = ProjectResolver()  # one per task: watchlist and registry load once
    for order, line, _ in records:
        work = orjson.loads(line)
        try:
            rows = normalise_work(work, resolver)
        except RecordError as exc:
            yield ("_rejections", orjson.dumps({"field": exc.field, "reason": exc.reason})), order
            continue
        updated = work.get("updated_date")
        if isinstance(updated, str):
            yield ("_dates", orjson.dumps(updated[:10])), order
        for table, table_rows in rows.tables().items():
            for seq, row in enumerate(table_rows):
                yield (table, orjson.dumps(row, option=orjson.OPT_SORT_KEYS)), (*order, seq)


def _write_works(kept, out: Path) -> int:
    """Stream the kept records to the driver, in order, as gzip JSON Lines files."""
    folder = out / "works"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("part_*.jsonl.gz"):
        old.unlink()
    count, handle = 0, None
    for _, line, _ in kept.toLocalIterator():
        if count % WORKS_PER_FILE == 0:
            if handle is not None:
                handle.close()
            handle = gzip.open(folder / f"part_{count // WORKS_PER_FILE:04d}.jsonl.gz", "wt", encoding="utf-8")
        handle.write(line.rstrip("\n") + "\n")
        count += 1
    if handle is not None:
        handle.close()
    return count


def run_extract(spark, input: str, out: Path, countries: Iterable[str] = ("NL",),
                institutions: Iterable[str] = (), watchlist: bool = False) -> dict:
    """Filter and normalise the snapshot at `input`; write tables and kept works to `out`.

    Parameters
    ----------
    spark : an active ``SparkSession`` (local mode or a cluster).
    input : the snapshot's ``works`` folder (or its root), local path or Hadoop URI.
    out : local folder for ``tables/`` and ``works/``.
    countries, institutions : keep works with any institution in these countries, or that
        is (or descends from) one of these OpenAlex institution ids.
    watchlist : also keep works of every watchlist entity (its OpenAlex ids, or a raw string
        the project resolves to it).

    Returns a report: files, kept works, rows per table, rejections (first 20 named).
    """
    countries = tuple(c.upper() for c in countries)
    institutions = tuple(institutions)
    resolver = ProjectResolver()
    if watchlist:
        institutions = tuple(sorted(set(institutions) | set(watchlist_institution_ids(resolver.watchlist))))
    files = snapshot_files(spark, input)
    sc = spark.sparkContext
    lines = sc.textFile(",".join(files), minPartitions=1)
    scanned = sc.accumulator(0)

    def count(index, it):
        for line in it:
            scanned.add(1)
            yield line

    kept = lines.mapPartitionsWithIndex(count).mapPartitionsWithIndex(_keep_partition(countries, institutions))
    kept = kept.persist()
    bad = kept.filter(lambda r: r[2] is not None).collect()
    good = kept.filter(lambda r: r[2] is None)
    distinct = good.mapPartitions(_rows_partition).reduceByKey(max).collect()
    out = Path(out)
    works_written = _write_works(good, out)
    kept.unpersist()

    schema = load_schema()
    tables = list(schema.node_tables()) + list(schema.edge_tables())
    by_table: dict[str, list[tuple]] = {t: [] for t in tables}
    rejections = [{"origin": f"{files[i] if i < len(files) else i}:{n + 1}", "field": "", "reason": reason}
                  for (i, n), _, reason in bad]
    dates: list[str] = []
    for (table, payload), order in distinct:
        if table == "_rejections":
            rejections.append({"origin": f"{files[order[0]]}:{order[1] + 1}", **orjson.loads(payload)})
        elif table == "_dates":
            dates.append(orjson.loads(payload))
        else:
            by_table[table].append((order, payload))
    frames = {}
    for table, items in by_table.items():
        items.sort()
        rows = [orjson.loads(payload) for _, payload in items]
        frames[table] = pd.DataFrame(rows) if rows else pd.DataFrame()
    frames = _publishable(frames, schema, resolver, prefer_openalex, enrich)
    meta = {"loaded_at": datetime.now(UTC).isoformat(timespec="seconds"), "data_date": max(dates, default=""),
            "inputs": [input], "extract": {"countries": list(countries), "institutions": len(institutions)},
            "synthetic": bool(not frames["works"].empty and frames["works"]["is_synthetic"].fillna(False).any())}
    write_tables(out / "tables", frames, meta, schema)
    return {"files": len(files), "scanned": int(scanned.value), "kept": works_written,
            "rows": {t: int(len(f)) for t, f in frames.items()}, "rejected": len(rejections),
            "rejections": sorted(rejections, key=lambda r: r["origin"])[:20]}


def _publishable(frames: dict, schema, resolver, prefer_openalex, enrich) -> dict:
    """The loader's own steps after normalisation: last row per key, OpenAlex records
    preferred over the project's, then the watchlist enrichment (as loaders.ingest)."""
    merged = {}
    for name, frame in frames.items():
        if name == "institutions" and not frame.empty:
            frame = prefer_openalex(frame)
        merged[name] = merge_frames(name, empty_frame(name, schema), frame, schema)
    if not merged["institutions"].empty:
        merged["institutions"] = merge_frames("institutions", empty_frame("institutions", schema),
                                              prefer_openalex(merged["institutions"]), schema)
    return enrich(merged, resolver)


def main(argv: list[str] | None = None) -> int:
    """``spark-submit loaders/spark_extract.py --input PATH --out DIR --country NL --watchlist``."""
    parser = argparse.ArgumentParser(description="Cut a national extract from the OpenAlex works snapshot.")
    parser.add_argument("--input", required=True, help="snapshot works folder: local path or s3a://, gs://, ...")
    parser.add_argument("--out", required=True, type=Path, help="local folder for tables/ and works/")
    parser.add_argument("--country", action="append", default=[], help="ISO country code (repeatable)")
    parser.add_argument("--institution", action="append", default=[], help="OpenAlex institution id (repeatable)")
    parser.add_argument("--watchlist", action="store_true", help="also keep works of watchlist entities")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # spark-submit runs the file, not the package
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.appName("ties-extract").getOrCreate()
    try:
        report = run_extract(spark, args.input, args.out, args.country or ["NL"], args.institution,
                             watchlist=args.watchlist)
    finally:
        spark.stop()
    print(orjson.dumps(report, option=orjson.OPT_INDENT_2).decode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
