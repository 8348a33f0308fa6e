"""`ties load`: read OpenAlex files, normalise, resolve, and publish the table set.

Flow: files -> records (loaders.readers) -> rows (loaders.normalise) -> merged with the
tables already loaded (one row per key, so reloading changes nothing) -> enriched with
the watchlist (entities, hierarchy, institution matches) and Dutch sectors -> written
atomically (graph.tables). The graph store is then rebuilt or synced from the tables.
"""

from __future__ import annotations

import gc
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from itertools import repeat
from pathlib import Path

import orjson
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from tqdm import tqdm

from graph.schema import load_schema
from graph.settings import Config
from graph.tables import (
    arrow_schema,
    count_keys,
    dictionary_schema,
    last_per_key,
    merge_arrow,
    merge_frames,
    read_arrow_tables,
    read_meta,
    write_tables,
)
from loaders.exposure_facts import exposure_facts
from loaders.normalise import RecordError, WorkRows, involves, normalise_work
from loaders.readers import Rejection, input_files, iter_records, manifest_counts
from loaders.resolve import ProjectResolver
from loaders.tie_summaries import direct_tie_tables
from loaders.watchlist import entity_rows, subordinate_rows

CHUNK_WORKS = 20_000
_PLACE = re.compile(r"(:[0-9]+|\[[0-9]+\])$")  #: the line or index part of a rejection's origin


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
    #: raw strings OpenAlex linked to nothing in which the project found no institution
    #: (listed with their work ids in ``unresolved_file``)
    unresolved: int = 0
    unresolved_file: str = ""
    rejections: list[Rejection] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)  #: records kept after a repair (lone surrogates replaced)

    def lost_by_file(self) -> dict[str, int]:
        """Records (or whole files) each input file could not give, by file."""
        lost: dict[str, int] = defaultdict(int)
        for rejection in self.rejections:
            lost[_PLACE.sub("", rejection.origin.split("#", 1)[0])] += 1
        return dict(lost)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["rejections"] = [asdict(r) for r in self.rejections]
        data["lost_by_file"] = self.lost_by_file()
        return data

    def summary(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in ("works", "authors", "institutions", "authorships", "rejected",
                                              "unresolved")}


#: tables whose rows describe entities rather than evidence, with the columns that identify a row
FACT_TABLES = {
    "institutions": ["id", "source"],
    "authors": ["id"],
    "departments": ["id"],
    "child_of": ["from", "to"],
    "part_of": ["from", "to"],
}


class _Accumulator:
    """Collects rows per table and turns them into typed Arrow tables every few thousand
    works, so memory holds compact columns, not millions of small dicts.

    Why Arrow: a million-work load holds tens of millions of strings; as Python objects in
    DataFrames they cost several times their size (the pandas version needed about 2.5 GB
    per 100,000 works at its peak).
    """

    def __init__(self, tables: Iterable[str], schema) -> None:
        self.targets = {
            t: arrow_schema(t, schema) if t in FACT_TABLES or t in schema.node_tables()
            # evidence: work and institution ids and raw strings recur on many rows (authors rarely)
            else dictionary_schema(arrow_schema(t, schema), plain=("from",))
            for t in tables
        }
        self.rows: dict[str, list[dict]] = {t: [] for t in self.targets}
        self.seqs: dict[str, list[int]] = {t: [] for t in self.targets}
        self.chunks: dict[str, list[pa.Table]] = {t: [] for t in self.targets}

    def add(self, work_rows: WorkRows, seq: int) -> None:
        """Add one record's rows, tagged with its sequence number (see :meth:`result`)."""
        for name, rows in work_rows.tables().items():
            if rows:
                self.rows[name].extend(rows)
                if name not in FACT_TABLES:
                    self.seqs[name].extend(repeat(seq, len(rows)))

    def flush(self) -> None:
        for name, rows in self.rows.items():
            if not rows:
                continue
            table = pa.Table.from_pylist(rows, schema=self.targets[name])
            if name in FACT_TABLES:
                # the same institution or author recurs on every work that names it: keep
                # one row per key (these rows describe the entity, not the evidence, so
                # they are never dropped with a superseded copy of a work)
                table = last_per_key(table, FACT_TABLES[name])
            else:
                table = table.append_column("_seq", pa.array(self.seqs[name], pa.int64()))
            self.chunks[name].append(table)
            self.rows[name], self.seqs[name] = [], []

    def result(self, dropped: set[int] = frozenset()) -> dict[str, pa.Table]:
        """Every table, without the rows of records in `dropped` (superseded duplicates).

        The chunks are handed over, not kept: call once.
        """
        self.flush()
        out = {}
        for name, chunks in self.chunks.items():
            if not chunks:
                out[name] = self.targets[name].empty_table()
                continue
            table = pa.concat_tables(chunks)
            self.chunks[name] = []
            if name in FACT_TABLES:
                table = last_per_key(table, FACT_TABLES[name])
            else:
                if dropped:
                    superseded = pc.is_in(table["_seq"], value_set=pa.array(sorted(dropped), pa.int64()))
                    table = table.filter(pc.invert(superseded))
                table = table.drop_columns(["_seq"])
            out[name] = table
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


def _ids(frame: pd.DataFrame | pa.Table, column: str) -> pa.Array:
    """The distinct non-null strings of one column, as Arrow (either kind of frame)."""
    if not isinstance(frame, pa.Table):
        return pc.unique(pa.array(frame[column].tolist(), from_pandas=True)).drop_null()
    # per chunk first: a dictionary chunk's unique values are few, and decode cheaply
    parts = [pc.unique(chunk).cast(pa.string()) for chunk in frame[column].chunks]
    return pc.unique(pa.chunked_array(parts, pa.string())).drop_null()


def _missing(edges: pd.DataFrame | pa.Table, column: str, nodes: pd.DataFrame | pa.Table) -> list[str]:
    """Ids in an edge column without a row in the node table, sorted."""
    if isinstance(edges, pd.DataFrame) and isinstance(nodes, pd.DataFrame):
        known = set(nodes["id"]) if not nodes.empty else set()
        return sorted(set(edges[column]) - known)
    ends = _ids(edges, column)
    if len(nodes):
        ends = ends.filter(pc.invert(pc.is_in(ends, value_set=_ids(nodes, "id"))))
    return sorted(ends.to_pylist())


def add_missing_end_nodes(frames: dict[str, pd.DataFrame | pa.Table]) -> dict[str, pd.DataFrame | pa.Table]:
    """Give every edge an existing node at both ends.

    OpenAlex names lineage parents no authorship lists, and sometimes an institution id in
    `affiliations[]` that is missing from `institutions[]`. The stores refuse (LadybugDB) or
    skip (Neo4j) an edge without its nodes, so such ids get a stub node saying where they
    came from, and the edge keeps its evidence. Tables may be DataFrames or Arrow tables.
    """
    schema = load_schema()
    frames = dict(frames)
    for table, (_, end) in schema.edge_tables().items():
        edges = frames.get(table)
        if edges is None or len(edges) == 0:
            continue
        for column, label in (("from", end.source), ("to", end.target)):
            node_table = schema.nodes[label].table
            nodes = frames[node_table]
            missing = _missing(edges, column, nodes)
            if not missing:
                continue
            stubs = pd.DataFrame({"id": missing})
            if node_table == "institutions":
                stubs = stubs.assign(name="", country="", source=f"openalex id without a record ({table})")
                stubs["lineage"] = [[m] for m in missing]
            if isinstance(nodes, pa.Table):
                stubs = pa.Table.from_pylist(stubs.to_dict("records"), schema=nodes.schema)
                frames[node_table] = pa.concat_tables([nodes, stubs])
            else:
                frames[node_table] = pd.concat([nodes, stubs], ignore_index=True)
    return frames


def data_day(value: object, today: date) -> str:
    """``YYYY-MM-DD`` of a record's ``updated_date`` if it parses as a date not after `today`, else "".

    Why: the data date printed on every report was the largest string any record gave, so
    one record dated 9999 (or holding markup) set it, and it stayed after clean loads.
    """
    if not isinstance(value, str) or len(value) < 10:
        return ""
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return ""
    return day.isoformat() if date(1990, 1, 1) <= day <= today else ""


def registry_facts(institutions: pd.DataFrame, resolver: ProjectResolver) -> pd.DataFrame:
    """Name and country of each institution from a registry the project trusts, when one knows it.

    Why: every work record carries its own copy of each institution's ``display_name``,
    ``country_code`` and ``type``, and whichever record was read last used to decide them
    for every report and page: one edited record could rename TU Delft or move it out of
    the Netherlands. The Dutch registry (``dutch_institutions.yaml``) and the watchlist
    (its first OpenAlex id per entity) are the project's own curated facts and win; other
    institutions keep OpenAlex's values.
    """
    if institutions.empty:
        return institutions
    names, countries = institutions["name"].tolist(), institutions["country"].tolist()
    for i, oid in enumerate(institutions["id"].tolist()):
        dutch = resolver.dutch.by_openalex_id(oid) if isinstance(oid, str) else None
        if dutch is not None:
            names[i], countries[i] = dutch.name, "NL"
            continue
        entity = resolver.watchlist.by_openalex_id(oid) if isinstance(oid, str) else None
        if entity is not None and entity.openalex_ids and entity.openalex_ids[0] == oid:
            names[i], countries[i] = entity.name, "CN"
    return institutions.assign(name=names, country=countries)


def enrich(frames: dict[str, pd.DataFrame | pa.Table], resolver: ProjectResolver) -> dict:
    """Add the watchlist, institution matches, Dutch sectors, any missing end nodes, and
    the tables derived from them: the ranked direct ties and their works per year and field
    (`loaders.tie_summaries`), and exposure's ties and China co-publications (`loaders.exposure_facts`).

    Institutions come back as a DataFrame (a few thousand rows at most); other tables
    keep their kind (DataFrame or Arrow table).
    """
    frames = dict(frames)
    frames["entities"] = pd.DataFrame(entity_rows(resolver.watchlist))
    frames["subordinate_to"] = pd.DataFrame(subordinate_rows(resolver.watchlist))
    if isinstance(frames["institutions"], pa.Table):
        frames["institutions"] = frames["institutions"].to_pandas()
    frames = add_missing_end_nodes(frames)
    institutions = registry_facts(frames["institutions"].copy(), resolver)
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
    frames["tie_summaries"], frames["tie_years"] = direct_tie_tables(
        frames["affiliated_with"], frames["matches"], frames["works"], frames["institutions"])
    frames["tie_works"], frames["partner_works"] = exposure_facts(
        frames["affiliated_with"], frames["matches"], frames["works"], frames["institutions"])
    return frames


UNRESOLVED_FILE = "unresolved_affiliations.jsonl"


def write_unresolved(config: Config, rows: list[dict]) -> tuple[int, str]:
    """Write this load's unresolved raw strings, one JSON object per line (work_id,
    author_id, raw_affiliation), to ``TIES_HOME/unresolved_affiliations.jsonl`` for review.

    Why a file: a raw string that names no institution the project knows gives no edge, so
    its evidence would vanish without a trace; a reviewer reads the list and adds aliases.
    JSON Lines, not CSV: the strings are attacker-controlled and never meet a spreadsheet
    formula. Returns (number of distinct raw strings, path).
    """
    path = Path(config.home) / UNRESOLVED_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".jsonl.tmp")
    with tmp.open("wb") as fh:
        for row in rows:
            fh.write(orjson.dumps(row) + b"\n")
    tmp.replace(path)
    return len({row["raw_affiliation"] for row in rows}), str(path)


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
    acc = _Accumulator(tables, schema)
    first: dict[str, tuple[int, str]] = {}  #: work id -> (seq, updated_date) of the copy kept
    dropped: set[int] = set()
    dates: dict[str, str] = {}
    data_date = ""
    today = datetime.now(UTC).date()
    bar = tqdm(
        iter_records(files, report.rejections, report.repairs), desc="works", unit=" works",
        disable=not progress, file=sys.stderr, mininterval=0.5,
    )
    expected = {part: n for p in map(Path, paths) for part, n in manifest_counts(p).items()}
    per_file: dict[str, int] = defaultdict(int)
    unresolved: dict[int, list[dict]] = {}  #: record seq -> its unresolved raw strings
    with gc_paused():
        for seq, record in enumerate(bar):
            if expected:
                per_file[record.origin.rsplit(":", 1)[0]] += 1
            if not involves(record.work, countries, institutions, resolver):
                report.skipped += 1
                continue
            try:
                rows = normalise_work(record.work, resolver)
            except RecordError as exc:
                report.rejections.append(Rejection(record.origin, exc.field, exc.reason))
                continue
            wid = rows.works[0]["id"]
            updated = record.work.get("updated_date")
            # one string object per date: a million works share a few hundred dates
            updated = dates.setdefault(updated, updated) if isinstance(updated, str) else ""
            if wid in first:
                # the same work twice (a snapshot lists a work again in a newer partition):
                # the newer copy wins, the later one on a tie, and only one copy's rows are kept
                report.duplicates += 1
                kept_seq, kept_updated = first[wid]
                if updated < kept_updated:
                    dropped.add(seq)
                    continue
                dropped.add(kept_seq)
            first[wid] = (seq, updated)
            if updated > data_date and (day := data_day(updated, today)):
                data_date = max(data_date, day)
            acc.add(rows, seq)
            if rows.unresolved:
                unresolved[seq] = rows.unresolved
            if len(first) % CHUNK_WORKS == 0:
                acc.flush()
    bar.close()
    if expected:
        report.rejections.extend(check_manifest(expected, per_file, report.rejections))
    new = acc.result(dropped)
    report.unresolved, report.unresolved_file = write_unresolved(
        config, [row for seq, rows_ in unresolved.items() if seq not in dropped for row in rows_])
    del unresolved
    del acc
    work_ids = pa.array(list(first), pa.string())
    del first
    report.rejected = len(report.rejections)
    report.works = len(work_ids)
    report.authors = pc.count_distinct(new["authors"]["id"]).as_py() if new["authors"].num_rows else 0
    new["institutions"] = new["institutions"].to_pandas()
    if not new["institutions"].empty:
        named = new["institutions"][new["institutions"]["source"] == "openalex"]
        report.institutions = int(named["id"].nunique())
        report.resolved_by_project = int(new["institutions"]["id"].nunique()) - report.institutions
    report.authorships = count_keys(new["authored"], ["from", "to"])
    merged = _merge_with_loaded(config, new, work_ids, schema)
    del new
    merged = enrich(merged, resolver)
    previous = read_meta(config.tables_dir)
    works = merged["works"]
    meta = {
        "loaded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "data_date": max(data_date, data_day(previous.get("data_date"), today)),
        "inputs": sorted(set(previous.get("inputs", [])) | {str(p) for p in paths}),
        "synthetic": bool(previous.get("synthetic")) or bool(
            works.num_rows and pc.any(pc.fill_null(works["is_synthetic"], False)).as_py()
        ),
    }
    write_tables(config.tables_dir, merged, meta, schema)
    return report


def _merge_with_loaded(config: Config, new: dict, work_ids: pa.Array, schema) -> dict:
    """The new rows merged into the table set already loaded (one row per key, newest wins).

    A work loaded again brings its whole authorship list, so its earlier edges go first.
    Institutions are merged as a DataFrame (:func:`merge_institutions`), the rest as Arrow.
    """
    old = read_arrow_tables(config.tables_dir, schema)
    merged: dict = {}
    for name in list(schema.node_tables()) + list(schema.edge_tables()):
        frame = old.pop(name)
        if "work_id" in frame.column_names and frame.num_rows and len(work_ids):
            frame = frame.filter(pc.invert(pc.is_in(frame["work_id"], value_set=work_ids)))
        if name == "institutions":
            merged[name] = merge_institutions(frame.to_pandas(), new.pop(name), schema)
        else:
            merged[name] = merge_arrow(name, frame, new.pop(name), schema)
    return merged
