"""Exposure counted in the store equals the table of every evidence row, on a generated
corpus with thousands of ties (the known corpus has a handful), on both stores.

The denominator queries (`exposure_china`, `exposure_china_works`) read a work's year from
its affiliations, not from the Work: the loader writes both from one value, which the
first test pins.
"""

from __future__ import annotations

import pytest

from graph.ladybug_store import LadybugStore
from queries.evidence import TieQuery
from queries.exposure import DIMENSIONS, exposure, exposure_inputs, exposure_table
from queries.registry import render

QUERIES = [TieQuery(), TieQuery(since=2016, until=2019), TieQuery(target="all"),
           TieQuery(institution="https://openalex.org/I887064364")]


@pytest.fixture(scope="module")
def generated_home(generated_corpus):
    """300 generated works (seed 3): ties of every kind and China co-publications."""
    return generated_corpus(300, seed=3)


@pytest.fixture(scope="module")
def local(generated_home):
    store = LadybugStore(generated_home.ladybug_dir, read_only=True, queries=render)
    yield store
    store.close()


def test_every_affiliation_has_the_year_of_its_work(local):
    rows = local.execute("MATCH (:Author)-[a:AFFILIATED_WITH]->(:Institution) MATCH (w:Work) WHERE w.id = a.work_id "
                         "RETURN count(*) AS n, sum(CASE WHEN coalesce(a.year, -1) = coalesce(w.year, -1) "
                         "THEN 1 ELSE 0 END) AS same", {}, "adhoc")
    assert rows[0]["n"] > 1000 and rows[0]["same"] == rows[0]["n"]


@pytest.mark.parametrize("query", QUERIES, ids=["default", "2016-2019", "all", "institution"])
@pytest.mark.parametrize("by", DIMENSIONS)
def test_counted_in_the_store_equals_the_table_of_every_row(local, by, query):
    table = exposure(local, by, query)
    assert table.to_dict("records") == exposure_table(*exposure_inputs(local, query), by).to_dict("records")
    if query == QUERIES[0]:
        assert len(table) and table["china_works"].sum() > 0


@pytest.mark.neo4j
def test_both_stores_give_the_same_tables(generated_home, local, neo4j_factory):
    neo = neo4j_factory("exposure")
    neo.clear()
    neo.load(generated_home.tables_dir)
    for query in QUERIES:
        for by in DIMENSIONS:
            assert exposure(neo, by, query).to_dict("records") == exposure(local, by, query).to_dict("records"), by
