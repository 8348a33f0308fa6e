"""The Overview's rows give the exposure tables of every evidence row, on both stores.

The dashboard's Overview tabulates sector, technology, year and its drill-down from
`queries.exposure.overview_rows` (one reduced query) instead of every evidence row; the
tables must not change.
"""

from __future__ import annotations

import pandas as pd
import pytest

from queries.evidence import TieQuery
from queries.exposure import DIMENSIONS, exposure_evidence, exposure_table, overview_rows

QUERIES = [TieQuery(), TieQuery(target="all"), TieQuery(since=2019, until=2021), TieQuery(kinds=("direct",))]


@pytest.mark.parametrize("query", QUERIES, ids=["default", "all", "window", "direct"])
def test_overview_rows_tabulate_like_every_evidence_row(known_local, query):
    rows = overview_rows(known_local, query)
    evidence = exposure_evidence(known_local, query)
    assert set(rows["work_id"]) == set(evidence["work_id"])
    for by in DIMENSIONS:
        ours = exposure_table(rows, pd.DataFrame(), by).to_dict("records")
        theirs = exposure_table(evidence, pd.DataFrame(), by).to_dict("records")
        assert ours == theirs, by
    drill = {"work_id", "doi", "year", "title", "institution", "entity_name", "source_raw"}
    assert drill <= set(rows.columns)
    pairs = set(zip(rows["work_id"], rows["source_raw"], strict=True))
    assert pairs == set(zip(evidence["work_id"], evidence["source_raw"], strict=True))


@pytest.mark.neo4j
def test_overview_rows_are_the_same_on_both_stores(known_local, known_neo4j):
    for query in QUERIES:
        key = ["institution_id", "department_id", "work_id", "source_author_id", "entity_id", "source_raw"]
        ours = overview_rows(known_local, query).sort_values(key).reset_index(drop=True)
        theirs = overview_rows(known_neo4j, query).sort_values(key).reset_index(drop=True)
        pd.testing.assert_frame_equal(ours, theirs[ours.columns], check_dtype=False)
