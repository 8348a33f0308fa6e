"""Rank every direct co-authorship tie once, at load time: the `tie_summaries` table.

A direct tie is an author with an affiliation at one institution (and department) and a
co-author, on the same work, whose institution matches a watchlist entity; the tie is
the pair of people with those two institutions and that entity (`queries.paths.group_key`).
Ranking them at query time means joining every affiliation of every watchlist work and
folding hundreds of thousands of evidence rows (10 s at 1,000,000 works); the ranking
does not depend on the query's institution, department, country or entity filters, only
on the pair (institution, department, entity) it falls in, so it is done here, once per
load, and each pair keeps its strongest :data:`MAX_RANK` ties. `ties paths` reads them
and fetches the evidence of the ties it shows (`queries.ranked`).

The order is the one :func:`queries.paths.rank_paths` uses within a pair: more distinct
works, then a more recent latest year, then source author, target author and target
institution ids; tests check the two agree on every pair.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["MAX_RANK", "tie_summaries"]

#: ties kept per (institution, department, entity): `ties paths --k` up to this reads the summary
MAX_RANK = 10
PAIR = ["from", "department_id", "to"]  # source institution, its department, watchlist entity
TIE = PAIR + ["source_author_id", "target_author_id", "target_institution_id"]


def _columns(table: pd.DataFrame | pa.Table, columns: list[str], mask=None) -> pd.DataFrame:
    """Plain string/int columns (dictionary-encoded Arrow decoded: categoricals would sort
    by code, not by text), after an optional Arrow row mask."""
    if isinstance(table, pd.DataFrame):
        table = pa.Table.from_pandas(table[columns], preserve_index=False)
    table = table.select(columns)
    if mask is not None:
        table = table.filter(mask(table))
    decoded = {c: pc.cast(table[c], pa.string()) if pa.types.is_dictionary(table[c].type) else table[c]
               for c in columns}
    return pa.table(decoded).to_pandas()


def tie_summaries(affiliations: pd.DataFrame | pa.Table, matches: pd.DataFrame | pa.Table,
                  works: pd.DataFrame | pa.Table, max_rank: int = MAX_RANK) -> pd.DataFrame:
    """The `tie_summaries` rows for a table set: `affiliated_with`, `matches` and `works`.

    Rows are what ``direct_ties`` would return with no filters (one per work, author pair
    and pair of affiliation edges; a work with no Work row does not count), grouped by tie.
    """
    columns = ["from", "to", "department_id", "source_author_id", "target_author_id",
               "target_institution_id", "n_works", "first_year", "last_year", "tie_rank", "pair_rows"]
    matched = _columns(matches, ["from", "to"]) if len(matches) else pd.DataFrame(columns=["from", "to"])
    if matched.empty or not len(affiliations):
        return pd.DataFrame(columns=columns)
    watch = pa.array(matched["from"].unique(), pa.string())
    targets = _columns(affiliations, ["from", "to", "work_id"],
                       lambda t: pc.is_in(pc.cast(t["to"], pa.string()), value_set=watch))
    targets = targets.rename(columns={"from": "target_author_id", "to": "target_institution_id"})
    targets = targets.merge(matched.rename(columns={"from": "target_institution_id", "to": "entity"}),
                            on="target_institution_id")
    shared = pa.array(targets["work_id"].unique(), pa.string())
    sources = _columns(affiliations, ["from", "to", "work_id", "department_id"],
                       lambda t: pc.is_in(pc.cast(t["work_id"], pa.string()), value_set=shared))
    sources = sources.rename(columns={"from": "source_author_id", "to": "source_institution"})
    years = _columns(works, ["id", "year"], lambda t: pc.is_in(pc.cast(t["id"], pa.string()), value_set=shared))
    rows = sources.merge(targets, on="work_id").merge(years.rename(columns={"id": "work_id"}), on="work_id")
    rows = rows[rows["source_author_id"] != rows["target_author_id"]]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    rows = rows.rename(columns={"source_institution": "from", "entity": "to"})
    rows["department_id"] = rows["department_id"].fillna("")
    # a year of 0 or none does not date a tie (as in rank_paths)
    rows["year"] = rows["year"].where(rows["year"].fillna(0) != 0)
    pair_rows = rows.groupby(PAIR, sort=False).size().rename("pair_rows")
    ties = rows.groupby(TIE, sort=False).agg(n_works=("work_id", "nunique"), first_year=("year", "min"),
                                             last_year=("year", "max")).reset_index()
    ties["_latest"] = ties["last_year"].fillna(0)
    ties = ties.sort_values(PAIR + ["n_works", "_latest", "source_author_id", "target_author_id",
                                    "target_institution_id"],
                            ascending=[True, True, True, False, False, True, True, True], kind="stable")
    ties["tie_rank"] = ties.groupby(PAIR, sort=False).cumcount() + 1
    ties = ties[ties["tie_rank"] <= max_rank].join(pair_rows, on=PAIR)
    return ties[columns].reset_index(drop=True)
