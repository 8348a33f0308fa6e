"""Exposure's two row sets, derived once at load time: `tie_works` and `partner_works`.

Exposure counts, per unit (sector, institution, department, field, technology, year,
branch), the works that tie a Dutch unit to a watchlist entity, and the works it
co-published with any Chinese or watchlist-matched institution (the denominator of the
share). Counted at query time, both are joins of two affiliations on one work; LadybugDB
has no index on a relationship property, so each join read every Dutch affiliation: at
1,000,000 works 7 s for the ties and 8-11 s for the denominator on the embedded store,
40-54 s for the two on Neo4j. Neither depends on the query's filters beyond what the rows
keep, so they are computed here, once per load, and the queries read them
(`queries/exposure_tie_works.cypher`, `queries/exposure_partner_works.cypher`).

- `tie_works`: one row per (Dutch institution, entity, work, Dutch author, department),
  flagged ``direct`` when some co-author on the work lists an institution that matches the
  entity, ``dual`` when the author lists both; what `exposure_ties` reduces its matches to.
- `partner_works`: one row per (Dutch institution, work, department, year) for every work
  that also lists a Chinese or watchlist-matched institution; what `exposure_china` counts.

Only source institutions in :data:`graph.schema.DERIVED_COUNTRY` are kept (the Netherlands:
the country this project answers for); exposure from another country is counted live.
The live queries stay, and tests pin the two to the same tables on both stores.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graph.schema import DERIVED_COUNTRY, PARTNER_COUNTRY
from graph.tables import arrow_schema
from loaders.arrow_codes import column_names, country_ids, decoded, is_in, typed
from loaders.tie_summaries import NOT_EVIDENCE

__all__ = ["exposure_facts"]

_TEXT = pa.string()


def _work_facts(works: pd.DataFrame | pa.Table) -> pa.Table:
    """id, year, field, subfield and one flag: retracted or paratext."""
    flags = [flag for flag in NOT_EVIDENCE if flag in column_names(works)]
    rows = decoded(typed(works, {"id": _TEXT, "year": pa.int64(), "field": _TEXT, "subfield": _TEXT,
                                 **{flag: pa.bool_() for flag in flags}}))
    excluded = pa.chunked_array([pa.array(np.zeros(rows.num_rows, bool))])
    for flag in flags:
        excluded = pc.or_(excluded, pc.fill_null(rows[flag], False))
    return pa.table({"work_id": rows["id"], "work_year": rows["year"],
                     "field": pc.fill_null(rows["field"], ""), "subfield": pc.fill_null(rows["subfield"], ""),
                     "retracted_or_paratext": excluded})


def exposure_facts(affiliations: pd.DataFrame | pa.Table, matches: pd.DataFrame | pa.Table,
                   works: pd.DataFrame | pa.Table, institutions: pd.DataFrame,
                   country: str = DERIVED_COUNTRY, partner: str = PARTNER_COUNTRY) -> tuple[pa.Table, pa.Table]:
    """(`tie_works`, `partner_works`) for a table set: `affiliated_with`, `matches`,
    `works` and `institutions` (with their country). A work with no Work row counts in
    neither (the live queries read the work's year, field and flags from it)."""
    if not len(affiliations) or not len(works):
        return arrow_schema("tie_works").empty_table(), arrow_schema("partner_works").empty_table()
    matched = decoded(typed(matches, {"from": _TEXT, "to": _TEXT})) if len(matches) else \
        pa.table({"from": pa.array([], _TEXT), "to": pa.array([], _TEXT)})
    aff = typed(affiliations, {"from": _TEXT, "to": _TEXT, "work_id": _TEXT, "year": pa.int64(),
                               "department_id": _TEXT, "department": _TEXT})
    partners = pa.concat_arrays([country_ids(institutions, partner), matched["from"].combine_chunks()])
    partner_aff = decoded(aff.filter(is_in(aff["to"], partners)).select(["from", "to", "work_id"]))
    # both row sets are Dutch affiliations on partner works: filtered while the columns are
    # still dictionary-encoded, then decoded (every Dutch affiliation decoded cost 2 GB at
    # 1,000,000 works)
    home = aff.filter(is_in(aff["to"], country_ids(institutions, country)))
    home = decoded(home.filter(is_in(home["work_id"], pc.unique(partner_aff["work_id"]))))
    home = home.set_column(home.schema.get_field_index("department_id"), "department_id",
                           pc.fill_null(home["department_id"], ""))
    home = home.set_column(home.schema.get_field_index("department"), "department",
                           pc.fill_null(home["department"], ""))
    facts = _work_facts(works)
    return _tie_works(home, partner_aff, matched, facts), _partner_works(home, partner_aff, facts)


def _partner_works(home: pa.Table, partner_aff: pa.Table, facts: pa.Table) -> pa.Table:
    """`home` (Dutch affiliations on works that list a partner), one per (institution, work,
    department, year)."""
    on = home.group_by(["to", "work_id", "department_id", "department", "year"]).aggregate([])
    on = on.join(facts.select(["work_id", "field", "subfield"]), keys="work_id", join_type="inner")
    out = pa.table({"from": on["to"], "to": on["work_id"], "work_id": on["work_id"],
                    "department_id": on["department_id"], "department": on["department"], "year": on["year"],
                    "field": on["field"], "subfield": on["subfield"]})
    return out


def _tie_works(home: pa.Table, partner_aff: pa.Table, matched: pa.Table, facts: pa.Table) -> pa.Table:
    """Dutch affiliations tied on their work to a matched institution's author: the distinct
    (institution, entity, work, author, department) of `exposure_ties`' matches."""
    targets = partner_aff.filter(is_in(partner_aff["to"], matched["from"]))
    targets = targets.join(matched.rename_columns(["to", "entity"]), keys="to", join_type="inner")
    targets = targets.group_by(["work_id", "from", "to", "entity"]).aggregate([]).rename_columns(
        ["work_id", "y", "ci", "entity"])
    sources = home.filter(is_in(home["work_id"], pc.unique(targets["work_id"])))
    sources = sources.group_by(["work_id", "from", "to", "department_id", "department"]).aggregate([]).rename_columns(
        ["work_id", "x", "ni", "department_id", "department"])
    # not every (source, target) pair, which was the memory peak of the load at 1,000,000
    # works: direct when the work has a target author of the entity other than the source
    # (more than one, or one who is someone else); dual when the source is one of them, at
    # another institution
    keys = ["ni", "entity", "work_id", "x", "department_id", "department"]
    per_entity = targets.group_by(["work_id", "entity"]).aggregate([("y", "count_distinct"), ("y", "min")])
    direct = sources.join(per_entity, keys="work_id", join_type="inner")
    direct = direct.filter(pc.or_(pc.greater(direct["y_count_distinct"], 1),
                                  pc.not_equal(direct["y_min"], direct["x"])))
    dual = sources.join(targets.rename_columns(["work_id", "x", "ci", "entity"]), keys=["work_id", "x"],
                        join_type="inner")
    dual = dual.filter(pc.not_equal(dual["ni"], dual["ci"]))
    ties = pa.concat_tables([_flagged(direct.select(keys), direct=True), _flagged(dual.select(keys), direct=False)])
    ties = ties.group_by(keys).aggregate([("direct", "any"), ("dual", "any")])
    ties = ties.join(facts, keys="work_id", join_type="inner")
    out = pa.table({"from": ties["ni"], "to": ties["entity"], "work_id": ties["work_id"],
                    "source_author_id": ties["x"], "department_id": ties["department_id"],
                    "department": ties["department"], "year": ties["work_year"], "field": ties["field"],
                    "subfield": ties["subfield"], "direct": ties["direct_any"], "dual": ties["dual_any"],
                    "retracted_or_paratext": ties["retracted_or_paratext"]})
    return out


def _flagged(rows: pa.Table, direct: bool) -> pa.Table:
    """`rows` with the two flags: direct (and not dual), or dual (and not direct)."""
    n = rows.num_rows
    return rows.append_column("direct", pa.array(np.full(n, direct))) \
        .append_column("dual", pa.array(np.full(n, not direct)))
