"""Indirect ties: chains of co-authors from a Dutch author to a watchlist author.

A chain is ``source, i1, ..., im, target`` with 1 <= m <= max_hops - 1: the source has an
affiliation on the source side (country, institution, department) and none on the watchlist
side, the target one of the entity's authors (with none on the source side), and every
intermediary has neither a Dutch (the query's country) nor any watchlist affiliation in the
window; consecutive authors share a work of at most ``MAX_AUTHORS_PER_WORK`` authors in the
year and field window. The first step is never to one of the entity's authors (that is a
direct tie), and the chain ends at the first of them it reaches.

Per (source author, entity), the first ``k`` chains in the canonical order: fewer steps
first, then the sequence of author ids (compared as text). Why not Yen's algorithm
(``nx.shortest_simple_paths``) per source as before: one search per Dutch author and entity
cost minutes at 3,000 works and 4 hops. Here one breadth-first search per entity, from its
authors through intermediaries, gives every author's distance; the chains of each length
are then grown one step at a time for all sources at once, on integer codes in numpy,
keeping only the first few prefixes per source (a step may only go to an author close
enough to still finish in time; see :func:`_chains`). The result is exact, and pinned
against a brute-force enumeration in ``tests/test_indirect.py``.

Differences from the Yen search: among chains of equal length, Yen's order was an artefact of
NetworkX (so with more than ``k`` shortest chains a different ``k`` were shown); and Yen
could pass through another author of the same entity (``s, i, t1, t2``), which the
definition above (and the docstring of before) excludes.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from graph.store import GraphStore
from queries.coauthorship import MAX_AUTHORS_PER_WORK, codes_in, sorted_codes
from queries.registry import one_list

if TYPE_CHECKING:  # the query type only; evidence imports this module
    from queries.evidence import TieQuery

__all__ = ["Incidence", "find_chains", "incidence", "indirect_ties"]

UNREACHED = 127  #: distance of an author no chain of at most 6 steps reaches


class Incidence:
    """Authors and works on integer codes: who wrote which linked work (2 to
    ``MAX_AUTHORS_PER_WORK`` distinct authors; larger works link nobody, as in the projection).
    Codes index the sorted ids, so code order is id order."""

    def __init__(self, author_ids: np.ndarray, work_ids: np.ndarray, year: np.ndarray, doi: list[str],
                 pair_author: np.ndarray, pair_work: np.ndarray,
                 max_authors_per_work: int = MAX_AUTHORS_PER_WORK) -> None:
        self.ids, self.work_ids, self.year, self.doi = author_ids, work_ids, year, doi
        n, m = len(author_ids), len(work_ids)
        key = np.unique(pair_work.astype(np.int64) * max(n, 1) + pair_author)
        work, author = key // max(n, 1), key % max(n, 1)
        size = np.bincount(work, minlength=m)
        linked = (size[work] >= 2) & (size[work] <= max_authors_per_work)
        work, author = work[linked], author[linked]
        self.w_indptr = _indptr(work, m)
        self.w_author = author  # sorted by (work, author)
        order = np.argsort(author, kind="stable")
        self.a_indptr = _indptr(author, n)
        self.a_work = work[order]

    def __len__(self) -> int:
        return len(self.ids)

    @cached_property
    def _arrow_ids(self) -> pa.Array:
        return pa.array(self.ids, pa.string())

    def codes(self, authors) -> np.ndarray:
        """Sorted codes of the given author ids that wrote something in the window."""
        return codes_in(self._arrow_ids, authors)

    def coauthors(self, authors: np.ndarray) -> np.ndarray:
        """Distinct co-authors (on linked works) of the given codes, the codes included."""
        _, works = _gather(self.a_indptr, self.a_work, authors)
        _, others = _gather(self.w_indptr, self.w_author, np.unique(works))
        return np.unique(others)


def incidence(works: dict, max_authors_per_work: int = MAX_AUTHORS_PER_WORK) -> Incidence:
    """The :class:`Incidence` of the one row of ``indirect_authorships``: parallel lists of
    each work's id, year, DOI and author ids.

    >>> inc = incidence({"work_ids": ["w2", "w1"], "years": [2020, 2019], "dois": ["", "d1"],
    ...                  "authors": [["b", "a"], ["c", "a"]]})
    >>> list(inc.ids), list(inc.work_ids), inc.year.tolist(), inc.doi
    (['a', 'b', 'c'], ['w1', 'w2'], [2019, 2020], ['d1', ''])
    """
    lists = works["authors"]
    sizes = np.fromiter(map(len, lists), np.int64, len(lists))
    author_ids, author_codes = sorted_codes(pa.array([a for authors in lists for a in authors], pa.string()))
    work_ids, work_codes = sorted_codes(pa.array(works["work_ids"], pa.string()))
    year = np.zeros(len(work_ids), np.int64)
    year[work_codes] = np.asarray(works["years"], np.int64)
    doi = np.empty(len(work_ids), object)
    doi[work_codes] = works["dois"]
    return Incidence(author_ids, work_ids, year, doi.tolist(), author_codes, np.repeat(work_codes, sizes),
                     max_authors_per_work)


def _indptr(owner: np.ndarray, n: int) -> np.ndarray:
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(owner, minlength=n), out=indptr[1:])
    return indptr


def _gather(indptr: np.ndarray, indices: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(position in ``rows``, value) of every entry of the given CSR rows, in row order."""
    rows = np.asarray(rows, np.int64)
    lens = indptr[rows + 1] - indptr[rows]
    total = int(lens.sum())
    offsets = np.repeat(indptr[rows] - (np.cumsum(lens) - lens), lens) + np.arange(total)
    return np.repeat(np.arange(len(rows)), lens), indices[offsets]


class Neighbourhood:
    """The co-authorship projection around the targets, as CSR on local codes.

    Nodes: the targets, the intermediaries within ``max_hops - 1`` steps of one (through
    intermediaries), and the sources next to those; edges: only those with an intermediary
    at one end (no chain uses another). Each edge keeps its most recent shared work
    (``best``: by year, then work id), the work a chain's step names.
    """

    def __init__(self, inc: Incidence, is_source: np.ndarray, is_target: np.ndarray, is_inter: np.ndarray,
                 max_hops: int) -> None:
        level = np.full(len(inc), UNREACHED, np.int8)
        targets = np.flatnonzero(is_target)
        level[targets] = 0
        frontier = targets
        for step in range(1, max_hops):
            reached = inc.coauthors(frontier)
            frontier = reached[is_inter[reached] & (level[reached] == UNREACHED)]
            level[frontier] = step
        inter = np.flatnonzero(is_inter & (level < UNREACHED))
        works = np.unique(_gather(inc.a_indptr, inc.a_work, inter)[1])
        owner, author = _gather(inc.w_indptr, inc.w_author, works)
        sources = np.unique(author[is_source[author]])
        self.nodes = np.union1d(np.union1d(targets, inter), sources)  #: global codes, sorted
        n = len(self.nodes)
        local = np.full(len(inc), -1, np.int64)
        local[self.nodes] = np.arange(n)
        self.is_inter = np.zeros(n, bool)
        self.is_inter[local[inter]] = True
        self.is_source = np.zeros(n, bool)
        self.is_source[local[sources]] = True
        self.local = local
        # every pair of the work's authors in the neighbourhood, one end an intermediary
        keep = local[author] >= 0
        owner, node = owner[keep], local[author[keep]]
        sizes = np.bincount(owner, minlength=len(works))
        starts = np.repeat(np.cumsum(sizes) - sizes, sizes)
        after = np.repeat(sizes, sizes) - 1 - (np.arange(len(node)) - starts)
        left = np.repeat(np.arange(len(node)), after)
        right = left + 1 + (np.arange(len(left)) - np.repeat(np.cumsum(after) - after, after))
        u, v, work = node[left], node[right], works[owner[left]]
        useful = self.is_inter[u] | self.is_inter[v]
        u, v, work = u[useful], v[useful], work[useful]
        # the most recent shared work of each pair: the last in (pair, year, work id) order
        order = np.lexsort((work, inc.year[work], v, u))
        u, v, work = u[order], v[order], work[order]
        last = np.r_[(u[1:] != u[:-1]) | (v[1:] != v[:-1]), True] if len(u) else np.zeros(0, bool)
        u, v, work = u[last], v[last], work[last]
        src, dst, best = np.r_[u, v], np.r_[v, u], np.r_[work, work]
        order = np.lexsort((dst, src))
        self.indptr = _indptr(src, n)
        self.indices, self.best = dst[order], best[order]
        self.keys = src[order] * max(n, 1) + self.indices  #: sorted (src, dst) keys of the CSR entries

    def distances(self, targets: np.ndarray, max_hops: int) -> np.ndarray:
        """Steps from each node to the nearest of `targets` through intermediaries (0 at the
        targets, UNREACHED beyond ``max_hops - 1`` and for every source)."""
        dist = np.full(len(self.nodes), UNREACHED, np.int8)
        dist[targets] = 0
        frontier = targets
        for step in range(1, max_hops):
            reached = np.unique(_gather(self.indptr, self.indices, frontier)[1])
            frontier = reached[self.is_inter[reached] & (dist[reached] == UNREACHED)]
            dist[frontier] = step
        return dist

    def best_work(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """The chosen shared work (global work code) of each edge (a[i], b[i])."""
        return self.best[np.searchsorted(self.keys, a * max(len(self.nodes), 1) + b)]


def find_chains(hood: Neighbourhood, targets: np.ndarray, k: int, max_hops: int) -> np.ndarray:
    """The first ``k`` chains per source to one entity's authors (`targets`, local codes), in
    the canonical order, as rows of local codes padded with -1 to ``max_hops + 1`` columns,
    sorted by (source, length, codes)."""
    dist = hood.distances(targets, max_hops)
    sources = np.flatnonzero(hood.is_source)
    owner, nb = _gather(hood.indptr, hood.indices, sources)
    first = np.where(hood.is_inter[nb], dist[nb].astype(np.int16), UNREACHED) + 1
    shortest = np.full(len(sources), UNREACHED + 1, np.int16)
    np.minimum.at(shortest, owner, first)
    near = shortest <= max_hops
    sources, shortest = sources[near], shortest[near]
    found = np.zeros(len(sources), np.int64)
    blocks = []
    for length in range(2, max_hops + 1):
        todo = np.flatnonzero((shortest <= length) & (found < k))
        width = 2 * k
        while len(todo):
            need = k - found[todo]
            group, chains, cut = _chains(hood, dist, sources[todo], length, width, need)
            count = np.bincount(group, minlength=len(todo))
            done = (count >= need) | ~cut  # exact: see _chains
            keep = done[group]
            if keep.any():
                padded = np.full((int(keep.sum()), max_hops + 1), -1, np.int64)
                padded[:, :length + 1] = chains[keep]
                blocks.append(padded)
            found[todo[done]] += count[done]
            todo, width = todo[~done], width * 4
    if not blocks:
        return np.zeros((0, max_hops + 1), np.int64)
    chains = np.concatenate(blocks)
    lengths = (chains >= 0).sum(axis=1)
    order = np.lexsort(tuple(chains[:, c] for c in range(max_hops, 0, -1)) + (lengths, chains[:, 0]))
    return chains[order]


def _chains(hood: Neighbourhood, dist: np.ndarray, sources: np.ndarray, length: int, width: int,
            need: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Chains of exactly `length` steps from each source, the first ``need[i]`` of each in
    code order: (source position, chains, cut).

    Grown one step at a time: a step goes to an intermediary not yet on the chain whose
    distance to the targets fits in the steps left (the last step to a target). Prefixes
    stay in code order (parents in order, neighbours sorted), and only the first `width`
    per source are kept. Chains from kept prefixes all precede those from dropped ones, so
    a source whose kept prefixes give ``need`` chains has its first ``need``; ``cut`` marks
    the others that lost a prefix (a prefix may lead nowhere once the chain may not repeat
    an author; at the shortest length none does), which the caller searches again, wider.
    """
    group = np.arange(len(sources))
    chains = sources[:, None]
    cut = np.zeros(len(sources), bool)
    for depth in range(1, length + 1):
        left = length - depth
        parent, child = _gather(hood.indptr, hood.indices, chains[:, -1])
        d = dist[child]
        ok = (d == 0) if left == 0 else ((d >= 1) & (d <= left))
        for col in range(1, chains.shape[1]):
            ok &= chains[parent, col] != child
        parent, child = parent[ok], child[ok]
        chains = np.column_stack([chains[parent], child])
        group = group[parent]
        rank = _rank(group)
        limit = need[group] if left == 0 else width
        kept = rank < limit
        if left:
            cut[group[~kept]] = True
        chains, group = chains[kept], group[kept]
    return group, chains, cut


def _rank(group: np.ndarray) -> np.ndarray:
    """Position of each entry within its run of equal (sorted) group values."""
    if not len(group):
        return group
    start = np.r_[True, group[1:] != group[:-1]]
    first = np.maximum.accumulate(np.where(start, np.arange(len(group)), 0))
    return np.arange(len(group)) - first


def indirect_ties(store: GraphStore, q: TieQuery, target: dict[str, str]) -> list[dict]:
    """Evidence rows of the indirect ties of `q` (`target`: its ``target_params``), by entity
    id, then source author id, then the canonical order of chains."""
    window = {"since": q.since, "until": q.until}
    found = store.run("indirect_labels", {**window, **target, "country": q.country,
                                          "institution": q.institution, "department": q.department})
    labels = [{"author_id": a, "source": s, "entity_id": e} for a, s, e in
              zip(*(one_list(found, c) for c in ("author_ids", "sources", "entity_ids")), strict=True)]
    works = store.run("indirect_authorships", {**window, "field": q.field})
    inc = incidence({c: one_list(works, c) for c in ("work_ids", "years", "dois", "authors")})
    if not len(inc):
        return []
    source_ids = {r["author_id"] for r in labels if r["source"]}
    entities_of: dict[str, set[str]] = defaultdict(set)
    for r in labels:
        if r["entity_id"]:
            entities_of[r["author_id"]].add(r["entity_id"])
    both = source_ids & set(entities_of)
    is_labelled = np.zeros(len(inc), bool)
    is_labelled[inc.codes(r["author_id"] for r in labels)] = True
    is_source = np.zeros(len(inc), bool)
    is_source[inc.codes(source_ids - both)] = True
    is_target = np.zeros(len(inc), bool)
    is_target[inc.codes(set(entities_of) - both)] = True
    if not is_source.any() or not is_target.any():
        return []
    hood = Neighbourhood(inc, is_source, is_target, ~is_labelled, q.max_hops)
    by_entity: dict[str, list[str]] = defaultdict(list)
    for author in sorted(set(entities_of) - both):
        for entity in entities_of[author]:
            by_entity[entity].append(author)
    found = []
    for entity in sorted(by_entity):
        local = hood.local[inc.codes(by_entity[entity])]
        chains = find_chains(hood, local[local >= 0], q.k, q.max_hops)
        if len(chains):
            found.append((entity, chains))
    if not found:
        return []
    return _rows(store, q, inc, hood, found, source_ids - both)


def _rows(store: GraphStore, q: TieQuery, inc: Incidence, hood: Neighbourhood, found: list,
          source_ids: set[str]) -> list[dict]:
    """One evidence row per chain: every step's work, and each end's affiliation on the work
    that links it if it has one there, else its most recent."""
    everyone = np.unique(np.concatenate([chains[chains >= 0] for _, chains in found]))
    ends = np.unique(np.concatenate([np.r_[chains[:, 0], chains[np.arange(len(chains)), (chains >= 0).sum(1) - 1]]
                                     for _, chains in found]))
    ids = inc.ids[hood.nodes]
    people = store.run("indirect_people", {"authors": ids[everyone].tolist()})
    names = {r["author_id"]: r["author"] or "" for r in people}
    affiliations: dict[str, list[dict]] = defaultdict(list)
    for r in store.run("indirect_affiliations", {"since": q.since, "until": q.until, "authors": ids[ends].tolist()}):
        affiliations[r["author_id"]].append(r)

    def on_source_side(r: dict) -> bool:
        return r["country"] == q.country and (not q.institution or r["institution_id"] == q.institution) \
            and (not q.department or r["department_id"] == q.department)

    step_cache: dict[tuple, tuple] = {}
    chosen: dict[tuple, dict] = {}  # (author, work[, entity]) -> the end affiliation shown
    rows: list[dict] = []
    for entity, chains in found:
        lengths = (chains >= 0).sum(axis=1) - 1
        a, b = chains[:, :-1].ravel(), chains[:, 1:].ravel()
        real = b >= 0
        works = np.full(len(a), -1, np.int64)
        works[real] = hood.best_work(a[real], b[real])
        works = works.reshape(len(chains), -1)
        for chain, hops, step_works in zip(chains.tolist(), lengths.tolist(), works.tolist(), strict=True):
            authors = [ids[c] for c in chain[:hops + 1]]
            steps = []
            for x, y, w in zip(authors, authors[1:], step_works, strict=False):
                key = (w, x, y)
                step = step_cache.get(key)
                if step is None:
                    step = step_cache[key] = (int(inc.year[w]), inc.work_ids[w], inc.doi[w])
                steps.append((x, y, step))
            src = chosen.get((authors[0], steps[0][2][1]))
            if src is None:
                rows_of = [r for r in affiliations[authors[0]] if on_source_side(r)]
                src = chosen[authors[0], steps[0][2][1]] = _prefer_on(rows_of, steps[0][2][1])
            tgt = chosen.get((authors[-1], steps[-1][2][1], entity))
            if tgt is None:
                rows_of = [r for r in affiliations[authors[-1]] if r["entity_id"] == entity]
                tgt = chosen[authors[-1], steps[-1][2][1], entity] = _prefer_on(rows_of, steps[-1][2][1])
            rows.append(_row(authors, names, steps, src, tgt))
    return rows


def _latest(rows: list[dict]) -> dict:
    return max(rows, key=lambda r: (r.get("year") or 0, r["work_id"], r.get("raw_affiliation") or ""))


def _prefer_on(rows: list[dict], work_id: str) -> dict:
    """The affiliation on the given work if there is one, else the most recent."""
    on_work = [r for r in rows if r["work_id"] == work_id]
    return _latest(on_work or rows)


def _row(authors: list[str], names: dict[str, str], steps: list[tuple], src: dict, tgt: dict) -> dict:
    year, work_id, doi = steps[0][2]
    return {
        "kind": "indirect", "work_id": work_id, "doi": doi, "year": year, "title": "",
        "field": "", "subfield": "",
        "source_author_id": authors[0], "source_author": names.get(authors[0], ""),
        "source_institution_id": src["institution_id"], "source_institution": src["institution"],
        "source_sector": src["sector"], "department_id": src["department_id"],
        "department": src["department"],
        "source_raw": src["raw_affiliation"], "source_matched_by": src["matched_by"],
        "source_work_id": src["work_id"],
        "target_author_id": authors[-1], "target_author": names.get(authors[-1], ""),
        "target_institution_id": tgt["institution_id"], "target_institution": tgt["institution"],
        "target_raw": tgt["raw_affiliation"], "target_matched_by": tgt["matched_by"],
        "target_work_id": tgt["work_id"], "target_year": tgt["year"],
        "entity_id": tgt["entity_id"], "entity_name": tgt["entity_name"], "category": tgt["category"],
        "under_cmc": tgt["under_cmc"], "chain": tgt["chain"], "chain_ids": tgt["chain_ids"],
        "match_rule": "", "match_alias": "",
        "via": [{"author_id": a, "author": names.get(a, "")} for a in authors[1:-1]],
        "steps": [{"from": x, "to": y, "year": s[0], "work_id": s[1], "doi": s[2]} for x, y, s in steps],
        "hops": len(authors) - 1,
        "source_alias": src.get("alias") or "", "target_alias": tgt.get("alias") or "",
    }
