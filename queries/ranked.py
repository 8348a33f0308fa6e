"""Ranked paths without reading every evidence row: direct ties ranked at load time.

``paths_report(find_evidence(store, q))`` reads every piece of evidence and folds it in
Python: at 1,000,000 works that is 205,461 direct rows of 30 columns for 2,031 paths,
10 s on either store. The ranking of direct ties within each (institution, department,
entity) pair does not depend on the query's filters, so the loader stores it
(`loaders.tie_summaries`, the TIE_SUMMARY relationship); :func:`find_paths` reads the
strongest ties from it and fetches the evidence of those ties only. The report is the
same, row for row; the tests compare the two on both stores.

The summary counts works of every year and field, and keeps
:data:`graph.schema.MAX_TIE_RANK` ties per pair. For Dutch institutions the loader also
keeps every tie's works per (year, field) (`tie_years`), so a year or field window, or more
ties per pair, is ranked from those sums (`tie_years_window`): at 1,000,000 works the
window read 112,017 evidence rows in 13 s. Other countries, retracted works and table sets
written before `tie_years` existed are ranked from the evidence as before.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import groupby

from graph.schema import DERIVED_COUNTRY
from graph.schema import MAX_TIE_RANK as MAX_RANK
from graph.store import GraphStore
from queries.evidence import TieQuery, find_evidence, target_params
from queries.paths import group_key, paths_report

__all__ = ["find_paths", "rank_window", "strongest_direct_ties", "summary_covers", "years_cover"]


def summary_covers(q: TieQuery) -> bool:
    """Can the stored ranking answer the direct ties of `q`? Not with a year or field window
    (the summary counts works of every year and field) nor for more ties than it keeps."""
    return "direct" in q.kinds and not q.windowed and q.k <= MAX_RANK and not q.include_retracted


def years_cover(q: TieQuery) -> bool:
    """Can the per-year sums (`tie_years`) rank the direct ties of `q`? For the country they
    were derived for, without retracted works (left out of them as of the summary)."""
    return "direct" in q.kinds and q.country == DERIVED_COUNTRY and not q.include_retracted


def rank_window(ties: list[dict]) -> list[dict]:
    """`tie_years_window` rows (one per tie, ordered by pair) ranked as the loader ranks
    TIE_SUMMARY (`loaders.tie_summaries`): more works, then a later last year, then source
    author, target author and target institution ids; each row gets its ``tie_rank`` and
    the pair's evidence rows (``pair_rows``)."""
    ranked: list[dict] = []
    # LadybugDB sums integers as 128-bit (Decimal in Python); Neo4j as int
    ties = [{**r, "n_works": int(r["n_works"]), "rows": int(r["rows"])} for r in ties]
    for _, pair in groupby(ties, key=lambda r: (r["source_institution_id"], r["department_id"], r["entity_id"])):
        pair = sorted(pair, key=lambda r: (-r["n_works"], -(r["last_year"] or 0), r["source_author_id"],
                                           r["target_author_id"], r["target_institution_id"]))
        pair_rows = sum(r["rows"] for r in pair)
        ranked += [{**r, "tie_rank": rank, "pair_rows": pair_rows} for rank, r in enumerate(pair, 1)]
    return ranked


def _ranking(store: GraphStore, q: TieQuery, filters: dict) -> list[dict] | None:
    """The stored ranking of the direct ties of `q`, strongest first within each pair, or
    None when only the evidence can rank them."""
    if summary_covers(q) and store.run("tie_summary_count")[0]["ties"]:
        return store.run("tie_summaries", filters)  # ordered by pair, then rank
    if years_cover(q) and store.run("tie_year_count")[0]["ties"]:
        return rank_window(store.run("tie_years_window", {**filters, "since": q.since, "until": q.until,
                                                          "field": q.field}))
    return None


def _unit_filters(q: TieQuery) -> dict:
    """The parameters that pick the source unit and the target entities."""
    return {"country": q.country, "institution": q.institution, "department": q.department,
            **target_params(q.target)}


def strongest_direct_ties(store: GraphStore, q: TieQuery, summary: list[dict]) -> tuple[list[dict], int]:
    """The evidence rows of the direct ties `rank_paths` keeps for `q`, and how many direct
    evidence rows there are in all (the report counts them). `summary`: the stored ranking
    that covers `q` (:func:`_ranking`), ordered by pair, strongest first."""
    filters = _unit_filters(q)
    chosen: list[dict] = []
    total = 0
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


def find_paths(store: GraphStore, q: TieQuery, evidence: bool = False) -> dict:
    """The `ties paths` report for `q`: ``paths_report(find_evidence(store, q), ...)``,
    with the direct ties ranked by the store's summary, or its per-year sums for a window,
    when they cover the query."""
    summary = _ranking(store, q, _unit_filters(q))
    if summary is None:
        rows = find_evidence(store, q)
        return paths_report(rows, q.filters(), k=q.k, min_works=q.min_works, evidence=evidence)
    direct, direct_rows = strongest_direct_ties(store, q, summary)
    others = tuple(kind for kind in q.kinds if kind != "direct")
    rows = find_evidence(store, replace(q, kinds=others)) if others else []
    return paths_report(direct + rows, q.filters(), k=q.k, min_works=q.min_works, evidence=evidence,
                        evidence_rows=direct_rows + len(rows))
