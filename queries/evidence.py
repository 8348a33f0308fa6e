"""Find ties between Dutch units and watchlist entities, of four kinds, with evidence.

- ``direct``: a Dutch-affiliated author and a watchlist-affiliated author on one work;
- ``dual_affiliation``: one author lists both on one work;
- ``career``: one author is affiliated with both on different works in different years
  (``direction`` says which came first);
- ``indirect``: a chain of co-authors, none of them Dutch- or watchlist-affiliated, links
  a Dutch-affiliated author to a watchlist-affiliated one in 2..max_hops steps.

The first three are Cypher pattern matches (`queries/*.cypher`), run on either store; the
fourth is a NetworkX search on the co-authorship projection of the `authorships` rows.
Every tie is a list of evidence rows that each name a work, DOI and raw string.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, fields
from itertools import islice

import networkx as nx

from graph.errors import InputError
from graph.ids import institution_id
from graph.store import GraphStore
from queries.coauthorship import MAX_AUTHORS_PER_WORK, coauthor_graph, ordered_subgraph, shared_work
from queries.strength import DEFAULT_MIN_STRENGTH, LEVELS, corroborate

__all__ = ["DEFAULT_KINDS", "KINDS", "TieQuery", "check_source", "find_evidence", "indirect_ties", "selection_options",
           "target_params"]

KINDS = ("dual_affiliation", "direct", "career", "indirect")
#: what `ties paths` (and export, brokers) search unless asked: the ties that name a work or an
#: affiliation of the person themselves. Indirect ties (co-author chains) are one
#: `--kind indirect` away: a graph search of its own, many times the cost of the rest.
DEFAULT_KINDS = ("dual_affiliation", "direct", "career")
KINDS_HELP = ("Tie kinds, repeatable. Default: dual_affiliation, direct, career. 'indirect' adds "
              "co-author chains up to --max-hops: a graph search over the co-authorship projection that "
              "costs many times the rest (measured: 30x the direct search at 10,000 works and 2 hops; "
              "over a minute at 3,000 works and 3-4 hops; more than 15 minutes at 100,000 works).")
TARGETS = {"cmc": "cmc", "industry": "defence_industry", "security": "security", "all": ""}


@dataclass(frozen=True)
class TieQuery:
    """Which ties to look for. Empty strings and zeros mean "no filter".

    The one description of the path-selection options: each field's ``metadata`` gives its
    command-line ``flag`` and ``help`` (and ``choices``, ``min``, ``max`` where they apply),
    from which the commands generate their options (``ties.commands._common``) and the
    dashboard its defaults (:func:`selection_options`). A new option is a new field here,
    written ``dataclasses.field(...)``: plain ``field`` is shadowed by the field named `field`.
    """

    country: str = dataclasses.field(default="NL", metadata={
        "flag": "--from-country", "help": "Source country code (ISO 3166-1 alpha-2)."})
    institution: str = dataclasses.field(default="", metadata={
        "flag": "--from-institution",
        "help": "Source institution: an OpenAlex id (I98358874 or https://openalex.org/I98358874)."})
    department: str = dataclasses.field(default="", metadata={
        "flag": "--from-department", "help": "Source department id (see the dashboard)."})
    target: str = dataclasses.field(default="cmc", metadata={
        "flag": "--to",
        "help": "cmc | industry | security | all | a watchlist entity id (it and everything under it)."})
    max_hops: int = dataclasses.field(default=2, metadata={
        "flag": "--max-hops", "min": 1, "max": 6, "help": "Co-author steps allowed for indirect ties."})
    since: int = dataclasses.field(default=0, metadata={"flag": "--since", "help": "First publication year."})
    until: int = dataclasses.field(default=9999, metadata={"flag": "--until", "help": "Last publication year."})
    field: str = dataclasses.field(default="", metadata={
        "flag": "--field", "help": "OpenAlex field name, e.g. 'Computer Science'."})
    min_works: int = dataclasses.field(default=1, metadata={
        "flag": "--min-works", "min": 1, "help": "Keep paths supported by at least this many works."})
    k: int = dataclasses.field(default=3, metadata={
        "flag": "-k", "min": 1, "help": "Paths kept per (source unit, entity) pair."})
    kinds: tuple[str, ...] = dataclasses.field(default=DEFAULT_KINDS, metadata={
        "flag": "--kind", "choices": KINDS, "help": KINDS_HELP})
    #: retracted works and paratext (covers, front matter) are kept in the graph but are no
    #: evidence unless asked for; rows then carry is_retracted/is_paratext (issue 14)
    include_retracted: bool = dataclasses.field(default=False, metadata={
        "flag": "--include-retracted",
        "help": "Also use retracted works and paratext as evidence (rows labelled is_retracted/is_paratext)."})
    min_strength: str = dataclasses.field(default=DEFAULT_MIN_STRENGTH, metadata={
        "help": "Weakest tie shown: strong (both affiliations printed on one work), supported "
                "(a career move corroborated by ORCID or co-authors) or weak (one author id alone; "
                "shown only when asked).",
        "flag": "--min-strength", "choices": LEVELS})

    def __post_init__(self) -> None:
        # one place for every caller (commands, dashboard, tests): text stripped, ids read one
        # way, case normalised, numbers bounded (issue 18: -k 10**20, --to '', --from-country nl)
        for name in ("country", "institution", "department", "target", "field"):
            value = getattr(self, name)
            if value is None:
                value = ""
            if not isinstance(value, str):
                raise InputError(f"{_flag(name)} must be text, got {value!r}")
            object.__setattr__(self, name, value.strip())
        object.__setattr__(self, "institution", institution_id(self.institution))
        object.__setattr__(self, "country", self.country.upper())
        object.__setattr__(self, "kinds", tuple(self.kinds))
        if self.country and not re.fullmatch(r"[A-Z]{2}", self.country):
            raise InputError(f"--from-country {self.country!r}: expected a two-letter ISO code such as NL")
        if not self.target:
            raise InputError("--to is empty: use cmc, industry, security, all or a watchlist entity id")
        if self.target.lower() in TARGETS:
            object.__setattr__(self, "target", self.target.lower())
        for name, low, high in BOUNDS:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise InputError(f"{_flag(name)} {value!r}: must be a whole number from {low} to {high}")
        if self.max_hops < 1:
            raise InputError(f"--max-hops must be at least 1, got {self.max_hops}")
        if self.since > self.until:
            raise InputError(f"--since {self.since} is after --until {self.until}")
        unknown = set(self.kinds) - set(KINDS)
        if unknown:
            raise InputError(f"unknown tie kind(s) {sorted(unknown)}; use {list(KINDS)}")
        if self.min_strength not in LEVELS:
            raise InputError(f"--min-strength must be one of {', '.join(LEVELS)}, got {self.min_strength!r}")

    def filters(self) -> dict:
        return asdict(self)


def selection_options() -> list[dict]:
    """Each path-selection option: name, flag, default, help (and choices, min, max).

    >>> [o["flag"] for o in selection_options()][:2]
    ['--from-country', '--from-institution']
    """
    return [{"name": f.name, "default": f.default, **f.metadata} for f in fields(TieQuery)]


def _flag(name: str) -> str:
    """The command-line option behind a TieQuery field, for messages."""
    return next((f.metadata.get("flag", name) for f in fields(TieQuery) if f.name == name), name)


#: (field, lowest, highest): beyond these a value is a typo or an attack (``-k 10**20`` crashed islice)
BOUNDS = (("max_hops", 1, 6), ("since", 0, 9999), ("until", 0, 9999), ("min_works", 1, 1_000_000),
          ("k", 1, 10_000))


def check_source(query: TieQuery) -> TieQuery:
    """Refuse a query without any source side: ``--from-country ''`` and no institution or
    department would take every institution in the world as a source (Tsinghua and NUDT
    were listed as "sources"). The API keeps ``country=""`` for "any country" (tests, the
    dashboard's institution views); commands call this."""
    if not (query.country or query.institution or query.department):
        raise InputError("--from-country is empty: give a two-letter code such as NL, or --from-institution "
                         "or --from-department")
    return query


def target_params(target: str) -> dict[str, str]:
    """Query parameters for a target: a category keyword or one entity and its subtree."""
    if target in TARGETS:
        return {"category": TARGETS[target], "entity": ""}
    return {"category": "", "entity": target}


def _params(q: TieQuery) -> dict:
    return {
        "country": q.country, "institution": q.institution, "department": q.department,
        "since": q.since, "until": q.until, "field": q.field, **target_params(q.target),
        "include_retracted": q.include_retracted,
    }


def _career(rows: list[dict]) -> list[dict]:
    """Label career rows with the direction of the move (the earlier affiliation first)."""
    out = []
    for row in rows:
        direction = "watchlist_to_nl" if row["target_year"] < row["year"] else "nl_to_watchlist"
        out.append({**row, "direction": direction})
    return out


def find_evidence(store: GraphStore, q: TieQuery) -> list[dict]:
    """Every evidence row of every requested kind, in a stable order."""
    params = _params(q)
    rows: list[dict] = []
    if "direct" in q.kinds:
        rows += store.run("direct_ties", params)
    if "dual_affiliation" in q.kinds:
        rows += store.run("dual_affiliations", params)
    if "career" in q.kinds:
        # stamped with each tie's strength: two batched look-ups for every career tie at once
        rows += corroborate(store, _career(store.run("career_ties", params)))
    if "indirect" in q.kinds and q.max_hops >= 2:
        rows += indirect_ties(store, q)
    return rows


def _latest(rows: list[dict]) -> dict:
    return max(rows, key=lambda r: (r.get("year") or 0, r["work_id"], r.get("raw_affiliation") or ""))


def on_watchlist_side(q: TieQuery, row: dict) -> bool:
    """Does an affiliation row fall on the watchlist side of this query?"""
    if not row.get("entity_id"):
        return False
    params = target_params(q.target)
    if params["entity"]:
        return params["entity"] in (row.get("chain_ids") or [])
    if params["category"] == "cmc":
        return bool(row.get("under_cmc"))
    return params["category"] in ("", row.get("category"))


def indirect_ties(store: GraphStore, q: TieQuery) -> list[dict]:
    """Ties through 1..max_hops-1 intermediaries in the co-authorship projection.

    Intermediaries are authors with neither a Dutch nor a watchlist affiliation in the
    window, so each indirect tie adds something the direct ones do not show. For each
    Dutch author, at most ``k`` shortest paths are kept (Yen's algorithm through
    ``nx.shortest_simple_paths``); the search stops at ``max_hops`` steps.
    """
    window = {"since": q.since, "until": q.until}
    affiliations = store.run("author_affiliations", window)
    source_aff: dict[str, list[dict]] = defaultdict(list)
    target_aff: dict[str, list[dict]] = defaultdict(list)
    for row in affiliations:
        if row["country"] == q.country and (not q.institution or row["institution_id"] == q.institution) \
                and (not q.department or row["department_id"] == q.department):
            source_aff[row["author_id"]].append(row)
        if on_watchlist_side(q, row):
            target_aff[row["author_id"]].append(row)
    labelled = {r["author_id"] for r in affiliations if r["country"] == q.country or r.get("entity_id")}
    authorships = store.run("authorships", {**window, "field": q.field})
    near = _near_targets(authorships, set(target_aff) - set(source_aff), labelled, q.max_hops - 1)
    G = coauthor_graph([r for r in authorships if r["work_id"] in near])
    sources = sorted(a for a in source_aff if a in G and a not in target_aff)
    targets = sorted(a for a in target_aff if a in G and a not in source_aff)
    if not sources or not targets:
        return []
    keep = (set(G) - labelled) | set(sources) | set(targets)
    H = ordered_subgraph(G, keep)
    intermediaries = set(H) - set(sources) - set(targets)
    by_entity: dict[str, set[str]] = defaultdict(set)
    for t in targets:
        for row in target_aff[t]:
            by_entity[row["entity_id"]].add(t)
    rows: list[dict] = []
    for entity in sorted(by_entity):
        rows += _indirect_to_entity(H, G, q, sources, by_entity[entity], intermediaries, entity,
                                    source_aff, target_aff)
    return rows


def _near_targets(authorships: list[dict], targets: set[str], labelled: set[str], steps: int,
                  max_authors_per_work: int = MAX_AUTHORS_PER_WORK) -> set[str]:
    """The works an indirect path of at most ``steps`` intermediaries can use.

    Every intermediary is within ``steps`` co-author steps of a watchlist author, through
    other intermediaries (authors with neither label), so the co-authorship projection is
    built only from the works of those authors: a neighbourhood, not the whole corpus
    (at 100,000 works that cut the projection from millions of edges to thousands).
    """
    works_of: dict[str, list[str]] = defaultdict(list)
    authors_of: dict[str, list[str]] = defaultdict(list)
    for row in authorships:
        works_of[row["author_id"]].append(row["work_id"])
        authors_of[row["work_id"]].append(row["author_id"])
    near, frontier = set(targets), set(targets)
    for _ in range(steps):
        reached = set()
        for author in frontier:
            for work in works_of[author]:
                if len(authors_of[work]) <= max_authors_per_work:
                    reached.update(b for b in authors_of[work] if b not in near and b not in labelled)
        near |= reached
        frontier = reached
    return {work for author in near for work in works_of[author]}


def _prefer_on(rows: list[dict], work_id: str) -> dict:
    """The affiliation on the given work if there is one, else the most recent."""
    on_work = [r for r in rows if r["work_id"] == work_id]
    return _latest(on_work or rows)


def _indirect_to_entity(H: nx.Graph, G: nx.Graph, q: TieQuery, sources: list[str], entity_targets: set[str],
                        intermediaries: set[str], entity: str, source_aff: dict, target_aff: dict) -> list[dict]:
    """Up to ``k`` shortest indirect paths from each Dutch author to one entity's authors.

    A per-entity search, so a Dutch author with a direct tie to one entity still shows an
    indirect tie to another, and ``k`` paths to one entity do not hide the others.
    (Enumerating all paths up to the depth bound instead of Yen's search was tried: on the
    generated 100,000-work corpus hub authors made it four times slower.)
    """
    sink = ("__entity__", entity)
    H.add_edges_from((t, sink) for t in sorted(entity_targets))
    allowed = intermediaries | entity_targets | {sink}
    try:
        reach = nx.single_source_shortest_path_length(
            nx.subgraph_view(H, filter_node=lambda n: n in allowed), sink, cutoff=q.max_hops)
        rows = []
        for source in sources:
            # edges from an intermediary neighbour to the sink = co-author steps from the source
            steps = [reach[n] for n in H[source] if n in intermediaries and n in reach]
            if not steps or not 2 <= min(steps) <= q.max_hops:
                continue
            view = nx.subgraph_view(
                H, filter_node=lambda n, s=source: n == s or n in allowed,
                filter_edge=lambda u, v, s=source: not (s in (u, v) and (u in entity_targets or v in entity_targets)),
            )
            for path in islice(nx.shortest_simple_paths(view, source, sink), q.k):
                authors = path[:-1]
                if len(authors) - 1 > q.max_hops:
                    break
                first_work = shared_work(G, authors[0], authors[1])[1]
                last_work = shared_work(G, authors[-2], authors[-1])[1]
                target_rows = [r for r in target_aff[authors[-1]] if r["entity_id"] == entity]
                rows.append(_indirect_row(G, authors, _prefer_on(source_aff[source], first_work),
                                          _prefer_on(target_rows, last_work)))
        return rows
    finally:
        H.remove_node(sink)


def _indirect_row(G: nx.Graph, authors: list[str], src: dict, tgt: dict) -> dict:
    steps = [shared_work(G, a, b) for a, b in zip(authors, authors[1:], strict=False)]
    year, work_id, doi = steps[0]
    return {
        "kind": "indirect", "work_id": work_id, "doi": doi, "year": year, "title": "",
        "field": "", "subfield": "",
        "source_author_id": authors[0], "source_author": G.nodes[authors[0]].get("name", ""),
        "source_institution_id": src["institution_id"], "source_institution": src["institution"],
        "source_sector": src["sector"], "department_id": src["department_id"],
        "department": src["department"],
        "source_raw": src["raw_affiliation"], "source_matched_by": src["matched_by"],
        "source_work_id": src["work_id"],
        "target_author_id": authors[-1], "target_author": G.nodes[authors[-1]].get("name", ""),
        "target_institution_id": tgt["institution_id"], "target_institution": tgt["institution"],
        "target_raw": tgt["raw_affiliation"], "target_matched_by": tgt["matched_by"],
        "target_work_id": tgt["work_id"], "target_year": tgt["year"],
        "entity_id": tgt["entity_id"], "entity_name": tgt["entity_name"], "category": tgt["category"],
        "under_cmc": tgt["under_cmc"], "chain": tgt["chain"], "chain_ids": tgt["chain_ids"],
        "match_rule": "", "match_alias": "",
        "via": [{"author_id": a, "author": G.nodes[a].get("name", "")} for a in authors[1:-1]],
        "steps": [{"from": a, "to": b, "year": s[0], "work_id": s[1], "doi": s[2]}
                  for (a, b), s in zip(zip(authors, authors[1:], strict=False), steps, strict=True)],
        "hops": len(authors) - 1,
        "source_alias": src.get("alias") or "", "target_alias": tgt.get("alias") or "",
    }
