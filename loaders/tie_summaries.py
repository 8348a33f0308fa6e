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

At 1,000,000 generated works the join is 8.6 million (work, source affiliation, watchlist
affiliation) rows, so it runs on integer codes in Arrow, not on strings in pandas
(24 s and 6 GB as pandas strings). Codes index sorted dictionaries, so sorting codes
sorts the ids as Python compares them (UTF-8 byte order is code point order).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graph.schema import MAX_TIE_RANK

__all__ = ["MAX_RANK", "tie_summaries"]

#: ties kept per (institution, department, entity): `ties paths --k` up to this reads the summary
MAX_RANK = MAX_TIE_RANK
COLUMNS = ["from", "to", "department_id", "source_author_id", "target_author_id", "target_institution_id",
           "n_works", "first_year", "last_year", "tie_rank", "pair_rows"]
PAIR = ["ni", "dept", "e"]  # source institution, its department, watchlist entity (codes)


def _arrow(table: pd.DataFrame | pa.Table, columns: dict[str, pa.DataType]) -> pa.Table:
    """The named columns, typed; dictionary-encoded string columns stay encoded (decoding
    six million affiliation rows to filter them costs seconds and gigabytes)."""
    if isinstance(table, pd.DataFrame):
        table = pa.Table.from_pandas(table[list(columns)], preserve_index=False)
    return pa.table({name: table[name] if pa.types.is_dictionary(table[name].type)
                     else pc.cast(table[name], kind) for name, kind in columns.items()})


#: work flags that keep a work out of the default evidence, so out of the stored ranking too
NOT_EVIDENCE = ("is_retracted", "is_paratext")


def _column_names(table: pd.DataFrame | pa.Table) -> list[str]:
    return list(table.columns) if isinstance(table, pd.DataFrame) else table.column_names


def _decoded(table: pa.Table) -> pa.Table:
    return pa.table({name: pc.cast(table[name], pa.string()) if pa.types.is_dictionary(table[name].type)
                     else table[name] for name in table.column_names})


def _in(column: pa.ChunkedArray, values: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray:
    """`column` is in `values`; for a dictionary-encoded chunk, decided once per distinct value."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if not pa.types.is_string(values.type):
        values = pc.cast(values, pa.string())
    chunks = []
    for chunk in column.chunks:
        if pa.types.is_dictionary(chunk.type):
            chunks.append(pc.is_in(chunk.dictionary, value_set=values).take(chunk.indices))
        else:
            chunks.append(pc.is_in(chunk, value_set=values))
    return pa.chunked_array(chunks, pa.bool_())


def _dictionary(*columns: pa.ChunkedArray) -> pa.Array:
    """Sorted distinct values of the columns: the code of a value is its index here."""
    values = pc.unique(pa.chunked_array([c.combine_chunks() for c in columns], pa.string()))
    return values.take(pc.sort_indices(values))


def _codes(column: pa.ChunkedArray, dictionary: pa.Array) -> pa.ChunkedArray:
    return pc.index_in(column, value_set=dictionary)


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=COLUMNS)


def tie_summaries(affiliations: pd.DataFrame | pa.Table, matches: pd.DataFrame | pa.Table,
                  works: pd.DataFrame | pa.Table, max_rank: int = MAX_RANK) -> pd.DataFrame:
    """The `tie_summaries` rows for a table set: `affiliated_with`, `matches` and `works`.

    Rows are what ``direct_ties`` would return with no filters (one per work, author pair
    and pair of affiliation edges; a work with no Work row does not count), grouped by tie.
    """
    if not len(matches) or not len(affiliations):
        return _empty()
    text = pa.string()
    matched = _arrow(matches, {"from": text, "to": text})
    aff = _arrow(affiliations, {"from": text, "to": text, "work_id": text, "department_id": text})
    matched = _decoded(matched)
    targets = _decoded(aff.filter(_in(aff["to"], matched["from"])))
    flags = {flag: pa.bool_() for flag in NOT_EVIDENCE if flag in _column_names(works)}
    work_rows = _decoded(_arrow(works, {"id": text, "year": pa.int64(), **flags}))
    for flag in flags:  # retracted works and paratext are no evidence by default (TieQuery.include_retracted)
        work_rows = work_rows.filter(pc.invert(pc.fill_null(work_rows[flag], False)))
    work_rows = work_rows.filter(_in(work_rows["id"], pc.unique(targets["work_id"])))
    if not work_rows.num_rows:
        return _empty()
    sources = _decoded(aff.filter(_in(aff["work_id"], work_rows["id"])))
    targets = targets.filter(_in(targets["work_id"], work_rows["id"]))

    work_ids = _dictionary(work_rows["id"])
    authors = _dictionary(sources["from"], targets["from"])
    institutions = _dictionary(sources["to"], targets["to"])
    departments = _dictionary(pc.fill_null(sources["department_id"], ""))
    entities = _dictionary(matched["to"])
    year_of = work_rows["year"].take(pc.index_in(work_ids, value_set=work_rows["id"]))
    year_of = pc.if_else(pc.equal(pc.fill_null(year_of, 0), 0), pa.scalar(None, pa.int64()), year_of)

    # each side once per (work, people, units), with how many affiliation edges it stands for
    # (two raw strings for one institution on one work are two evidence rows)
    s = pa.table({"w": _codes(sources["work_id"], work_ids), "x": _codes(sources["from"], authors),
                  "ni": _codes(sources["to"], institutions),
                  "dept": _codes(pc.fill_null(sources["department_id"], ""), departments)})
    s = s.group_by(["w", "x", "ni", "dept"]).aggregate([([], "count_all")]).rename_columns(
        ["w", "x", "ni", "dept", "ms"])
    ci_entity = pa.table({"ci": _codes(matched["from"], institutions), "e": _codes(matched["to"], entities)})
    t = pa.table({"w": _codes(targets["work_id"], work_ids), "y": _codes(targets["from"], authors),
                  "ci": _codes(targets["to"], institutions)}).join(ci_entity, keys="ci")
    t = t.group_by(["w", "y", "ci", "e"]).aggregate([([], "count_all")]).rename_columns(["w", "y", "ci", "e", "mt"])

    rows = s.join(t, keys="w")
    rows = rows.filter(pc.not_equal(rows["x"], rows["y"]))
    if not rows.num_rows:
        return _empty()
    rows = rows.append_column("rows", pc.multiply(rows["ms"].cast(pa.int64()), rows["mt"].cast(pa.int64())))
    rows = rows.append_column("year", year_of.take(rows["w"]))
    ties = rows.group_by(PAIR + ["x", "y", "ci"]).aggregate([
        ([], "count_all"), ("rows", "sum"), ("year", "min"), ("year", "max")])
    ties = ties.rename_columns(PAIR + ["x", "y", "ci", "n_works", "rows", "first_year", "last_year"])
    pair_rows = ties.group_by(PAIR).aggregate([("rows", "sum")]).rename_columns(PAIR + ["pair_rows"])
    latest = pc.fill_null(ties["last_year"], 0)
    ties = ties.append_column("neg_works", pc.negate(ties["n_works"])).append_column("neg_latest", pc.negate(latest))
    order = pc.sort_indices(ties, sort_keys=[(c, "ascending") for c in
                                             PAIR + ["neg_works", "neg_latest", "x", "y", "ci"]])
    ties = ties.take(order)
    # rank within each pair: position minus the position where the pair starts
    keys = np.column_stack([ties[c].to_numpy() for c in PAIR])
    starts = np.r_[True, (keys[1:] != keys[:-1]).any(axis=1)] if len(keys) else np.array([], bool)
    position = np.arange(len(keys))
    rank = position - np.maximum.accumulate(np.where(starts, position, 0)) + 1
    ties = ties.append_column("tie_rank", pa.array(rank, pa.int64())).filter(pa.array(rank <= max_rank))
    ties = ties.join(pair_rows, keys=PAIR)
    ties = ties.take(pc.sort_indices(ties, sort_keys=[(c, "ascending") for c in PAIR + ["tie_rank"]]))
    out = pa.table({
        "from": institutions.take(ties["ni"]), "to": entities.take(ties["e"]),
        "department_id": departments.take(ties["dept"]), "source_author_id": authors.take(ties["x"]),
        "target_author_id": authors.take(ties["y"]), "target_institution_id": institutions.take(ties["ci"]),
        "n_works": ties["n_works"], "first_year": ties["first_year"], "last_year": ties["last_year"],
        "tie_rank": ties["tie_rank"], "pair_rows": ties["pair_rows"],
    })
    return out.to_pandas()
