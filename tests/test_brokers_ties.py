"""Brokers' `ties` column, read from the store already reduced (`broker_ties`,
`broker_career_ties`), names the same (institution, entity) pairs and works for each person
as the evidence rows of every kind do (`find_evidence`), on a generated corpus with
thousands of ties; and brokers give the same tables on both stores there.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from graph.ladybug_store import LadybugStore
from queries.brokers import _ties, brokers
from queries.evidence import TieQuery, find_evidence
from queries.registry import render

QUERIES = [
    TieQuery(), TieQuery(target="all"), TieQuery(since=2016, until=2019), TieQuery(field="Computer Science"),
    TieQuery(kinds=("direct",)), TieQuery(kinds=("dual_affiliation", "career")), TieQuery(include_retracted=True),
    TieQuery(kinds=("direct", "indirect"), max_hops=2),
]
IDS = ["default", "all", "2016-2019", "field", "direct", "dual-career", "retracted", "indirect"]


@pytest.fixture(scope="module")
def generated_home(generated_corpus):
    """300 generated works (seed 3): ties of every kind."""
    return generated_corpus(300, seed=3)


@pytest.fixture(scope="module")
def local(generated_home):
    store = LadybugStore(generated_home.ladybug_dir, read_only=True, queries=render)
    yield store
    store.close()


def ties_from_evidence(store, query: TieQuery) -> tuple[dict, dict]:
    """The `ties` column as brokers computed it before: from every evidence row."""
    pairs: dict[str, set] = defaultdict(set)
    works: dict[str, set] = defaultdict(set)
    for row in find_evidence(store, query):
        for person in [row["source_author_id"], row["target_author_id"]] + [v["author_id"] for v in row.get("via", [])]:
            pairs[person].add((row["source_institution_id"], row["entity_id"]))
            works[person].add(row["work_id"])
    return dict(pairs), dict(works)


@pytest.mark.parametrize("query", QUERIES, ids=IDS)
def test_the_ties_column_equals_the_one_from_every_evidence_row(local, query):
    pairs, works = _ties(local, query)
    assert (dict(pairs), dict(works)) == ties_from_evidence(local, query)
    if query == QUERIES[0]:
        assert len(pairs) > 50


@pytest.mark.neo4j
def test_brokers_are_the_same_on_both_stores_on_a_generated_corpus(generated_home, local, neo4j_factory):
    neo = neo4j_factory("brokers-ties")
    neo.clear()
    neo.load(generated_home.tables_dir)
    for query in QUERIES[:4]:
        a, b = brokers(local, query, top=50), brokers(neo, query, top=50)
        for key in ("authors", "institutions"):
            assert a[key].to_dict("records") == b[key].to_dict("records")
        assert _ties(neo, query) == _ties(local, query)
