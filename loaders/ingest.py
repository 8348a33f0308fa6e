"""`ties load`: read OpenAlex files, normalise, resolve, and publish the table set.

Flow: files -> records (loaders.readers) -> rows (loaders.normalise) -> merged with the
tables already loaded (one row per key, so reloading changes nothing) -> enriched with
the watchlist (entities, hierarchy, institution matches) and Dutch sectors -> written
atomically (graph.tables). The graph store is then rebuilt or synced from the tables.
"""

from __future__ import annotations

import gc
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from graph.schema import load_schema
from graph.tables import merge_frames, read_meta, read_tables, write_tables
from loaders.normalise import RecordError, WorkRows, involves, normalise_work
from loaders.readers import Rejection, input_files, iter_records, manifest_counts
from loaders.resolve import ProjectResolver
from loaders.watchlist import entity_rows, subordinate_rows
from ties.config import Config

CHUNK_WORKS = 20_000


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while rows pile up.

    A load creates and keeps millions of small dicts and lists, none in a cycle; the
    collector would rescan all of them again and again (measured: 3-5x slower parsing).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass
class LoadReport:
    """What one load read, kept and could not use."""

    files: int = 0
    works: int = 0
    authors: int = 0
    institutions: int = 0
    authorships: int = 0
    rejected: int = 0
    skipped: int = 0  #: works outside the chosen countries or institutions
    duplicates: int = 0  #: copies of a work id already read in this input (older copy dropped)
    resolved_by_project: int = 0  #: institutions found in raw strings OpenAlex left unlinked
    rejections: list[Rejection] = field(default_factory=list)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["rejections"] = [asdict(r) for r in self.rejections]
        return data

    def summary(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in ("works", "authors", "institutions", "authorships", "rejected")}


#: tables whose rows describe entities rather than evidence, with the columns that identify a row
FACT_TABLES = {
    "institutions": ["id", "source"],
    "authors": ["id"],
    "departments": ["id"],
    "child_of": ["from", "to"],
    "part_of": ["from", "to"],
}


class _Accumulator:
    """Collects rows per table and turns them into DataFrames every few thousand works,
    so memory holds compact frames, not millions of small dicts."""

    def __init__(self, tables: Iterable[str]) -> None:
        self.rows: dict[str, list[dict]] = {t: [] for t in tables}
        self.frames: dict[str, list[pd.DataFrame]] = {t: [] for t in self.rows}

    def add(self, work_rows: WorkRows, seq: int) -> None:
        """Add one record's rows, tagged with its sequence number (see :meth:`result`)."""
        for name, rows in work_rows.tables().items():
            self.rows[name].extend({**row, "_seq": seq} for row in rows)

    def flush(self) -> None:
        for name, rows in self.rows.items():
            if rows:
                frame = pd.DataFrame(rows)
                if name in FACT_TABLES:
                    # the same institution or author recurs on every work that names it: keep
                    # one row per key (these rows describe the entity, not the evidence, so
                    # they are never dropped with a superseded copy of a work)
                    frame = frame.drop_duplicates(FACT_TABLES[name], keep="last").assign(_seq=-1)
                self.frames[name].append(frame)
                self.rows[name] = []

    def result(self, dropped: set[int] = frozenset()) -> dict[str, pd.DataFrame]:
        """Every table, without the rows of records in `dropped` (superseded duplicates)."""
        self.flush()
        out = {}
        for name, frames in self.frames.items():
            frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
            if not frame.empty:
                if name in FACT_TABLES:
                    frame = frame.drop_duplicates(FACT_TABLES[name], keep="last")
                frame = frame[~frame["_seq"].isin(dropped)].drop(columns="_seq").reset_index(drop=True)
            out[name] = frame
        return out


def prefer_openalex(institutions: pd.DataFrame) -> pd.DataFrame:
    """OpenAlex's own institution record wins over the project's placeholder for it."""
    if institutions.empty:
        return institutions
    order = institutions["source"].ne("openalex").astype(int)
    return institutions.assign(_o=order).sort_values("_o", ascending=False, kind="stable").drop(columns="_o")


def merge_institutions(old: pd.DataFrame, new: pd.DataFrame, schema) -> pd.DataFrame:
    """Like ``merge_frames``, except that OpenAlex's own record of an institution wins over a
    project placeholder for the same id, whichever load brought which; among records of one
    kind the newest wins."""
    frames = [f for f in (old, new) if not f.empty]
    if not frames:
        return old
    return merge_frames("institutions", old.iloc[0:0], prefer_openalex(pd.concat(frames, ignore_index=True)), schema)


def check_manifest(expected: dict[str, int], read: dict[str, int], rejections: list[Rejection]) -> list[Rejection]:
    """Partitions whose record count differs from the snapshot manifest (a partial download,
    or a part rewritten since the manifest), each as a rejection naming the file."""
    unreadable: dict[str, int] = defaultdict(int)
    for rejection in rejections:
        unreadable[rejection.origin.rsplit(":", 1)[0]] += 1
    problems = []
    for part, count in sorted(expected.items()):
        seen = read.get(part, 0) + unreadable.get(part, 0)
        if not Path(part).exists():
            problems.append(Rejection(part, "", f"listed in the manifest with {count} records but missing "
                                                "(partial download?)"))
        elif seen != count:
            problems.append(Rejection(part, "", f"the manifest lists {count} records, the file has {seen} "
                                                "(partial download, or the part changed after the manifest)"))
    return problems


def add_missing_end_nodes(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Give every edge an existing node at both ends.

    OpenAlex names lineage parents no authorship lists, and sometimes an institution id in
    `affiliations[]` that is missing from `institutions[]`. The stores refuse (LadybugDB) or
    skip (Neo4j) an edge without its nodes, so such ids get a stub node saying where they
    came from, and the edge keeps its evidence.
    """
    schema = load_schema()
    frames = dict(frames)
    for table, (_, end) in schema.edge_tables().items():
        edges = frames.get(table)
        if edges is None or edges.empty:
            continue
        for column, label in (("from", end.source), ("to", end.target)):
            node_table = schema.nodes[label].table
            nodes = frames[node_table]
            known = set(nodes["id"]) if not nodes.empty else set()
            missing = sorted(set(edges[column]) - known)
            if not missing:
                continue
            stubs = pd.DataFrame({"id": missing})
            if node_table == "institutions":
                stubs = stubs.assign(name="", country="", source=f"openalex id without a record ({table})")
                stubs["lineage"] = [[m] for m in missing]
            frames[node_table] = pd.concat([nodes, stubs], ignore_index=True)
    return frames


def enrich(frames: dict[str, pd.DataFrame], resolver: ProjectResolver) -> dict[str, pd.DataFrame]:
    """Add the watchlist, institution matches, Dutch sectors and any missing end nodes."""
    frames = dict(frames)
    frames["entities"] = pd.DataFrame(entity_rows(resolver.watchlist))
    frames["subordinate_to"] = pd.DataFrame(subordinate_rows(resolver.watchlist))
    frames = add_missing_end_nodes(frames)
    institutions = frames["institutions"].copy()
    institutions["sector"] = [resolver.dutch.sector_of(i) or "" for i in institutions["id"]]
    frames["institutions"] = institutions.reset_index(drop=True)
    matches = []
    for row in institutions.to_dict("records"):
        found = resolver.match_institution(row)
        if found is not None:
            matches.append({
                "from": row["id"], "to": found.entity.id, "rule": found.rule,
                "alias": found.alias, "source": "; ".join(found.entity.sources),
            })
    frames["matches"] = pd.DataFrame(matches, columns=["from", "to", "rule", "alias", "source"])
    return frames


def ingest(
    paths: Iterable[Path],
    config: Config,
    countries: Iterable[str] = (),
    institutions: Iterable[str] = (),
    progress: bool = True,
    resolver: ProjectResolver | None = None,
) -> LoadReport:
    """Load OpenAlex files into the normalised tables under ``config.tables_dir``.

    Returns counts of the distinct records of this input that are now in the tables.
    Raises InputError for a path that does not exist or cannot be read; anything wrong
    inside a file is counted in the report's rejections, and the rest still loads.
    """
    schema = load_schema()
    resolver = resolver or ProjectResolver()
    files = input_files(paths)
    report = LoadReport(files=len(files))
    tables = list(schema.node_tables()) + list(schema.edge_tables())
    acc = _Accumulator(tables)
    work_ids: set[str] = set()
    first: dict[str, tuple[int, str, str]] = {}  #: work id -> (seq, updated_date, origin) kept
    dropped: set[int] = set()
    data_date = ""
    bar = tqdm(
        iter_records(files, report.rejections), desc="works", unit=" works",
        disable=not progress, file=sys.stderr, mininterval=0.5,
    )
    expected = {part: n for p in map(Path, paths) for part, n in manifest_counts(p).items()}
    per_file: dict[str, int] = defaultdict(int)
    with gc_paused():
        for seq, record in enumerate(bar):
            if expected:
                per_file[record.origin.rsplit(":", 1)[0]] += 1
            if not involves(record.work, countries, institutions):
                report.skipped += 1
                continue
            try:
                rows = normalise_work(record.work, resolver)
            except RecordError as exc:
                report.rejections.append(Rejection(record.origin, exc.field, exc.reason))
                continue
            wid = rows.works[0]["id"]
            updated = record.work.get("updated_date")
            updated = updated if isinstance(updated, str) else ""
            if wid in first:
                # the same work twice (a snapshot lists a work again in a newer partition):
                # the newer copy wins, the later one on a tie, and only one copy's rows are kept
                report.duplicates += 1
                kept_seq, kept_updated, _ = first[wid]
                if updated < kept_updated:
                    dropped.add(seq)
                    continue
                dropped.add(kept_seq)
            first[wid] = (seq, updated, record.origin)
            work_ids.add(wid)
            if updated > data_date:
                data_date = updated[:10]
            acc.add(rows, seq)
            if len(work_ids) % CHUNK_WORKS == 0:
                acc.flush()
    bar.close()
    if expected:
        report.rejections.extend(check_manifest(expected, per_file, report.rejections))
    new = acc.result(dropped)
    report.rejected = len(report.rejections)
    report.works = len(work_ids)
    report.authors = int(new["authors"]["id"].nunique()) if not new["authors"].empty else 0
    if not new["institutions"].empty:
        named = new["institutions"][new["institutions"]["source"] == "openalex"]
        report.institutions = int(named["id"].nunique())
        report.resolved_by_project = int(new["institutions"]["id"].nunique()) - report.institutions
    report.authorships = (
        int(new["authored"][["from", "to"]].drop_duplicates().shape[0]) if not new["authored"].empty else 0
    )
    old = read_tables(config.tables_dir, schema)
    for name, frame in old.items():
        # a work loaded again brings its whole authorship list: its earlier edges go
        if "work_id" in frame.columns and not frame.empty and work_ids:
            old[name] = frame[~frame["work_id"].isin(work_ids)].reset_index(drop=True)
    merged = {
        name: merge_institutions(old[name], new[name], schema) if name == "institutions"
        else merge_frames(name, old[name], new[name], schema)
        for name in tables
    }
    merged = enrich(merged, resolver)
    previous = read_meta(config.tables_dir)
    meta = {
        "loaded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "data_date": max(data_date, previous.get("data_date", "")),
        "inputs": sorted(set(previous.get("inputs", [])) | {str(p) for p in paths}),
        "synthetic": bool(previous.get("synthetic")) or bool(
            not merged["works"].empty and merged["works"]["is_synthetic"].fillna(False).any()
        ),
    }
    write_tables(config.tables_dir, merged, meta, schema)
    return report
