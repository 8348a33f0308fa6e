"""Ranked paths without reading every evidence row: direct ties ranked at load time.

``paths_report(find_evidence(store, q))`` reads every piece of evidence and folds it in
Python: at 1,000,000 works that is 205,461 direct rows of 30 columns for 2,031 paths,
10 s on either store. The ranking of direct ties within each (institution, department,
entity) pair does not depend on the query's filters, so the loader stores it
(`loaders.tie_summaries`, the TIE_SUMMARY relationship); :func:`find_paths` reads the
strongest ties from it and fetches the evidence of those ties only. The report is the
same, row for row; the tests compare the two on both stores.

The summary keeps every tie, split by the year and field of its works (a work has one of
each), so a year or field window sums each tie's works and evidence rows inside the
window in the store (``tie_windows``, one row per tie) and ranks them here the way
`queries.paths.rank_paths` does; so does a query for more than
:data:`graph.schema.MAX_TIE_RANK` ties per pair. Without a window and with fewer ties the
all-years ranking is read as stored (``tie_summaries``). Only `--include-retracted`
(the summary leaves retracted works out) still ranks every evidence row.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from itertools import groupby

from graph.schema import MAX_TIE_RANK as MAX_RANK
from graph.store import GraphStore
from queries.evidence import TieQuery, find_evidence, target_params
from queries.paths import group_key, paths_report

__all__ = ["find_paths", "strongest_direct_ties", "summary_covers", "summary_loaded", "windowed"]


def summary_covers(q: TieQuery) -> bool:
    """Can the stored summary answer the direct ties of `q`? Any window and any k; not with
    retracted works and paratext as evidence (the summary leaves them out)."""
    return "direct" in q.kinds and not q.include_retracted


def windowed(q: TieQuery) -> bool:
    """Does `q` need the per-(year, field) parts: a window, or more ties than the stored ranks read?"""
    unwindowed = (q.since, q.until, q.field) == (TieQuery.since, TieQuery.until, TieQuery.field)
    return not unwindowed or q.k > MAX_RANK


def _strongest_in_window(ties: list[dict], q: TieQuery) -> tuple[list[dict], int]:
    """The `q.k` strongest ties of each pair with at least `q.min_works` works in the window,
    and the window's evidence rows. Direct ties are all strong and of one kind, so
    `rank_paths`' order reduces to more works, a later latest year, then the ids."""
    by_pair: dict[tuple, list[dict]] = defaultdict(list)
    total = 0
    for tie in ties:
        total += int(tie["rows"])  # LadybugDB sums to a 128-bit integer (a Decimal in Python)
        if tie["n_works"] >= q.min_works:
            by_pair[(tie["source_institution_id"], tie["department_id"] or "", tie["entity_id"])].append(tie)
    chosen: list[dict] = []
    for pair in sorted(by_pair):
        ranked = sorted(by_pair[pair], key=lambda t: (-t["n_works"], -(t["last_year"] or 0), t["source_author_id"],
                                                      t["target_author_id"], t["target_institution_id"]))
        chosen += ranked[: q.k]
    return chosen, total


def strongest_direct_ties(store: GraphStore, q: TieQuery) -> tuple[list[dict], int]:
    """The evidence rows of the direct ties `rank_paths` keeps for `q`, and how many direct
    evidence rows there are in all (the report counts them)."""
    filters = {"country": q.country, "institution": q.institution, "department": q.department,
               **target_params(q.target)}
    chosen: list[dict] = []
    total = 0
    if windowed(q):
        window = {"since": q.since, "until": q.until, "field": q.field}
        chosen, total = _strongest_in_window(store.run("tie_windows", {**filters, **window}), q)
    else:
        summary = store.run("tie_summaries", {**filters, "max_rank": MAX_RANK})  # ordered by pair, then rank
        for _, ranked in groupby(summary, key=lambda r: (r["source_institution_id"], r["department_id"],
                                                         r["entity_id"])):
            ranked = list(ranked)
            total += ranked[0]["pair_rows"]
            # strongest first, so the ties with enough works are a prefix of each pair's ranking
            chosen += [r for r in ranked if r["n_works"] >= q.min_works][: q.k]
    if not chosen:
        return [], total
    params = {**filters, "since": q.since, "until": q.until, "field": q.field,
              "target_authors": sorted({t["target_author_id"] for t in chosen}),
              "pair_keys": sorted({f"{t['source_author_id']} {t['target_author_id']}" for t in chosen})}
    # a summary row names its tie with the columns of an evidence row, so group_key reads both
    ties = {group_key({"kind": "direct", **t}) for t in chosen}
    # the pair filter lets through rows of the same two people at other units: drop them
    rows = [row for row in store.run("direct_ties_between", params) if group_key(row) in ties]
    return rows, total


def summary_loaded(store: GraphStore) -> bool:
    """Does the store hold this version's summary? None (a store loaded before tie summaries,
    or without direct ties) or one without per-(year, field) parts (Neo4j loaded by the
    previous version: the embedded store refuses a store of another schema when opened)
    ranks from the evidence, which gives the same report."""
    count = store.run("tie_summary_count")[0]
    return bool(count["ties"]) and count["parts"] == count["ties"]


def find_paths(store: GraphStore, q: TieQuery, evidence: bool = False) -> dict:
    """The `ties paths` report for `q`: ``paths_report(find_evidence(store, q), ...)``,
    with the direct ties ranked by the store's summary when it covers the query."""
    if not summary_covers(q) or not summary_loaded(store):
        rows = find_evidence(store, q)
        return paths_report(rows, q.filters(), k=q.k, min_works=q.min_works, evidence=evidence)
    direct, direct_rows = strongest_direct_ties(store, q)
    others = tuple(kind for kind in q.kinds if kind != "direct")
    rows = find_evidence(store, replace(q, kinds=others)) if others else []
    return paths_report(direct + rows, q.filters(), k=q.k, min_works=q.min_works, evidence=evidence,
                        evidence_rows=direct_rows + len(rows))
