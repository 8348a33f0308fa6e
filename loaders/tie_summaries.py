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

from graph.schema import DERIVED_COUNTRY, MAX_TIE_RANK
from graph.tables import arrow_schema
from loaders.arrow_codes import column_names, country_ids, decoded, dictionary, is_in, to_codes, typed

__all__ = ["MAX_RANK", "direct_tie_tables", "tie_summaries"]

#: ties kept per (institution, department, entity): `ties paths --k` up to this reads the summary
MAX_RANK = MAX_TIE_RANK
COLUMNS = ["from", "to", "department_id", "source_author_id", "target_author_id", "target_institution_id",
           "n_works", "first_year", "last_year", "tie_rank", "pair_rows"]
PAIR = ["ni", "dept", "e"]  # source institution, its department, watchlist entity (codes)


#: work flags that keep a work out of the default evidence, so out of the stored ranking too
NOT_EVIDENCE = ("is_retracted", "is_paratext")


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=COLUMNS)


def tie_summaries(affiliations: pd.DataFrame | pa.Table, matches: pd.DataFrame | pa.Table,
                  works: pd.DataFrame | pa.Table, max_rank: int = MAX_RANK) -> pd.DataFrame:
    """The `tie_summaries` rows for a table set: `affiliated_with`, `matches` and `works`.

    Rows are what ``direct_ties`` would return with no filters (one per work, author pair
    and pair of affiliation edges; a work with no Work row does not count), grouped by tie.
    """
    found = _direct_rows(affiliations, matches, works)
    return _empty() if found is None else _ranked(*found, max_rank)


def direct_tie_tables(affiliations: pd.DataFrame | pa.Table, matches: pd.DataFrame | pa.Table,
                      works: pd.DataFrame | pa.Table, institutions: pd.DataFrame,
                      country: str = DERIVED_COUNTRY) -> tuple[pd.DataFrame, pa.Table]:
    """(`tie_summaries`, `tie_years`) from one join: the ranking over all years, and for the
    institutions of `country` every tie's works and evidence rows per (year, field), from
    which `ties paths` ranks the ties of any year or field window (`queries.ranked`)."""
    found = _direct_rows(affiliations, matches, works)
    if found is None:
        return _empty(), arrow_schema("tie_years").empty_table()
    return _ranked(*found, MAX_RANK), _per_year(*found, institutions, country)


def _direct_rows(affiliations: pd.DataFrame | pa.Table, matches: pd.DataFrame | pa.Table,
                 works: pd.DataFrame | pa.Table) -> tuple[pa.Table, dict[str, pa.Array]] | None:
    """Every direct-tie row on codes (work, x, ni, dept, y, ci, e, rows, year, field), with
    the dictionaries the codes index; None when there is none."""
    if not len(matches) or not len(affiliations):
        return None
    text = pa.string()
    matched = typed(matches, {"from": text, "to": text})
    aff = typed(affiliations, {"from": text, "to": text, "work_id": text, "department_id": text})
    matched = decoded(matched)
    targets = decoded(aff.filter(is_in(aff["to"], matched["from"])))
    flags = {flag: pa.bool_() for flag in NOT_EVIDENCE if flag in column_names(works)}
    fields = {"field": text} if "field" in column_names(works) else {}
    work_rows = decoded(typed(works, {"id": text, "year": pa.int64(), **fields, **flags}))
    for flag in flags:  # retracted works and paratext are no evidence by default (TieQuery.include_retracted)
        work_rows = work_rows.filter(pc.invert(pc.fill_null(work_rows[flag], False)))
    work_rows = work_rows.filter(is_in(work_rows["id"], pc.unique(targets["work_id"])))
    if not work_rows.num_rows:
        return None
    sources = decoded(aff.filter(is_in(aff["work_id"], work_rows["id"])))
    targets = targets.filter(is_in(targets["work_id"], work_rows["id"]))

    work_ids = dictionary(work_rows["id"])
    authors = dictionary(sources["from"], targets["from"])
    institutions = dictionary(sources["to"], targets["to"])
    departments = dictionary(pc.fill_null(sources["department_id"], ""))
    entities = dictionary(matched["to"])
    at = pc.index_in(work_ids, value_set=work_rows["id"])
    year_of = work_rows["year"].take(at)
    year_of = pc.if_else(pc.equal(pc.fill_null(year_of, 0), 0), pa.scalar(None, pa.int64()), year_of)
    field_of = work_rows["field"].take(at) if fields else pa.nulls(len(work_ids), text)
    # each side once per (work, people, units), with how many affiliation edges it stands for
    # (two raw strings for one institution on one work are two evidence rows)
    s = pa.table({"w": to_codes(sources["work_id"], work_ids), "x": to_codes(sources["from"], authors),
                  "ni": to_codes(sources["to"], institutions),
                  "dept": to_codes(pc.fill_null(sources["department_id"], ""), departments)})
    s = s.group_by(["w", "x", "ni", "dept"]).aggregate([([], "count_all")]).rename_columns(
        ["w", "x", "ni", "dept", "ms"])
    ci_entity = pa.table({"ci": to_codes(matched["from"], institutions), "e": to_codes(matched["to"], entities)})
    t = pa.table({"w": to_codes(targets["work_id"], work_ids), "y": to_codes(targets["from"], authors),
                  "ci": to_codes(targets["to"], institutions)}).join(ci_entity, keys="ci")
    t = t.group_by(["w", "y", "ci", "e"]).aggregate([([], "count_all")]).rename_columns(["w", "y", "ci", "e", "mt"])

    rows = s.join(t, keys="w")
    rows = rows.filter(pc.not_equal(rows["x"], rows["y"]))
    if not rows.num_rows:
        return None
    rows = rows.append_column("rows", pc.multiply(rows["ms"].cast(pa.int64()), rows["mt"].cast(pa.int64())))
    rows = rows.append_column("year", year_of.take(rows["w"])).append_column("field", field_of.take(rows["w"]))
    return rows, {"authors": authors, "institutions": institutions, "departments": departments,
                  "entities": entities}


def _ranked(rows: pa.Table, names: dict[str, pa.Array], max_rank: int) -> pd.DataFrame:
    """Each (institution, department, entity) pair's strongest `max_rank` ties."""
    authors, institutions, departments, entities = (names[k] for k in ("authors", "institutions", "departments",
                                                                         "entities"))
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


def _per_year(rows: pa.Table, names: dict[str, pa.Array], institutions: pd.DataFrame, country: str) -> pa.Table:
    """The `tie_years` rows: per tie of a `country` institution, per (year, field), its works
    and evidence rows. A year or field window sums them (`queries/tie_years_window.cypher`).
    Unknown years are 0 and unknown fields empty, so every key column has a value."""
    rows = rows.filter(is_in(names["institutions"].take(rows["ni"]), country_ids(institutions, country)))
    if not rows.num_rows:
        return arrow_schema("tie_years").empty_table()
    rows = rows.set_column(rows.schema.get_field_index("year"), "year", pc.fill_null(rows["year"], 0))
    rows = rows.set_column(rows.schema.get_field_index("field"), "field", pc.fill_null(rows["field"], ""))
    ties = rows.group_by(PAIR + ["x", "y", "ci", "year", "field"]).aggregate([([], "count_all"), ("rows", "sum")])
    ties = ties.rename_columns(PAIR + ["x", "y", "ci", "year", "field", "n_works", "rows"])
    ties = ties.take(pc.sort_indices(ties, sort_keys=[(c, "ascending") for c in
                                                      PAIR + ["x", "y", "ci", "year", "field"]]))
    # ids as dictionary arrays over the codes' own dictionaries: 2.4 million rows at 1,000,000
    # works, whose six id columns as plain strings would hold about 500 MB during the load
    def ids(codes: pa.ChunkedArray, dictionary: pa.Array) -> pa.ChunkedArray:
        return pa.chunked_array([pa.DictionaryArray.from_arrays(chunk.cast(pa.int32()), dictionary)
                                 for chunk in codes.chunks], pa.dictionary(pa.int32(), pa.string()))

    return pa.table({
        "from": ids(ties["ni"], names["institutions"]), "to": ids(ties["e"], names["entities"]),
        "department_id": ids(ties["dept"], names["departments"]),
        "source_author_id": ids(ties["x"], names["authors"]), "target_author_id": ids(ties["y"], names["authors"]),
        "target_institution_id": ids(ties["ci"], names["institutions"]), "year": ties["year"],
        "field": ties["field"], "n_works": ties["n_works"], "rows": ties["rows"],
    })
