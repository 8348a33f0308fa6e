"""Indirect ties are the same rows on the embedded store and on Neo4j, on a generated corpus
and on the known corpus, up to 4 hops."""

from __future__ import annotations

import pytest

from graph.ladybug_store import LadybugStore
from queries.evidence import TieQuery, find_evidence
from queries.registry import render

pytestmark = pytest.mark.neo4j

QUERIES = [TieQuery(kinds=("indirect",), target="all", max_hops=h, k=k) for h, k in ((2, 3), (3, 2), (4, 3))] + \
          [TieQuery(kinds=("indirect",), max_hops=4, since=2016, until=2020)]


@pytest.fixture(scope="module")
def both_stores(generated_corpus, neo4j_factory):
    cfg = generated_corpus(200, seed=11)
    neo = neo4j_factory("indirect")
    neo.clear()
    neo.load(cfg.tables_dir)
    local = LadybugStore(cfg.ladybug_dir, read_only=True, queries=render)
    yield local, neo
    local.close()


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: f"{q.target}-{q.max_hops}-{q.k}-{q.since}")
def test_indirect_ties_are_identical_on_both_stores(both_stores, query):
    local, neo = both_stores
    rows = find_evidence(local, query)
    assert rows
    assert find_evidence(neo, query) == rows


def test_indirect_ties_of_the_known_corpus_are_identical_on_both_stores(known_local, known_neo4j):
    query = TieQuery(kinds=("indirect",), target="all", max_hops=4)
    rows = find_evidence(known_local, query)
    assert rows
    assert find_evidence(known_neo4j, query) == rows
