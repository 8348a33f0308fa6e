"""Every analysis gives the same answer on the embedded store and on Neo4j."""

from __future__ import annotations

import pytest

from queries.brokers import brokers
from queries.evidence import KINDS, TieQuery, find_evidence
from queries.exposure import DIMENSIONS, exposure, exposure_inputs, exposure_table
from queries.paths import paths_report
from queries.ranked import find_paths

pytestmark = pytest.mark.neo4j

QUERIES = [
    TieQuery(),
    TieQuery(target="industry"),
    TieQuery(target="all", max_hops=3),
    TieQuery(since=2016, until=2019),
    TieQuery(institution="https://openalex.org/I887064364"),
]


def test_loading_gives_the_same_counts_in_both_stores(known_local, known_neo4j):
    assert known_local.counts() == known_neo4j.counts()


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: f"{q.target}-{q.since}-{q.institution[-9:]}")
def test_paths_are_identical_on_both_stores(known_local, known_neo4j, query):
    local = paths_report(find_evidence(known_local, query), query.filters())
    neo = paths_report(find_evidence(known_neo4j, query), query.filters())
    assert local == neo
    assert local["paths"], "the known corpus has ties for every query here"
    # and as `ties paths` finds them, with direct ties ranked from the stored summary
    assert find_paths(known_local, query) == local
    assert find_paths(known_neo4j, query) == local


@pytest.mark.parametrize("by", DIMENSIONS)
def test_exposure_is_identical_on_both_stores(known_local, known_neo4j, by):
    local = exposure(known_local, by).to_dict("records")
    neo = exposure(known_neo4j, by).to_dict("records")
    assert local == neo
    # counted in the store, it is the table of every evidence row
    assert local == exposure_table(*exposure_inputs(known_local, TieQuery()), by).to_dict("records")


@pytest.mark.parametrize("query", [TieQuery(), TieQuery(target="all", max_hops=4, kinds=KINDS),
                                   TieQuery(since=2016, until=2019, max_hops=3)], ids=["default", "all-4", "window-3"])
def test_brokers_are_identical_on_both_stores(known_local, known_neo4j, query):
    local, neo = brokers(known_local, query), brokers(known_neo4j, query)
    for key in ("authors", "institutions"):
        assert local[key].to_dict("records") == neo[key].to_dict("records")


def test_loading_the_same_tables_twice_into_neo4j_changes_no_count(known_home, known_neo4j, neo4j_factory):
    before = known_neo4j.counts()
    again = neo4j_factory("reload")  # fresh sync state: every row is pushed again
    again.load(known_home.tables_dir)
    assert again.counts() == before


NAMED_QUERIES = [
    ("institutions", {}), ("departments", {}), ("entities", {}), ("author_affiliations", {}), ("authorships", {}),
    ("china_copublications", {}), ("works", {"ids": ["https://openalex.org/W9900000001"]}),
    ("profile_author_affiliations", {"author": "https://openalex.org/A90000000c1"}),
    ("profile_author_search", {"name": "Test"}),
    ("profile_coauthors", {"author": "https://openalex.org/A90000000x1"}),
    ("profile_entity_institutions", {"entity": "nudt"}),
    ("profile_institution_authors", {"institution": "https://openalex.org/I98358874"}),
    ("profile_institution_partners", {"institution": "https://openalex.org/I98358874"}),
    ("profile_institution_works", {"institution": "https://openalex.org/I98358874"}),
    ("profile_institution_years", {"institution": "https://openalex.org/I98358874"}),
    ("profile_years", {}),
    ("tie_summaries", {}), ("tie_summaries", {"category": "", "country": ""}), ("tie_summary_count", {}),
    ("tie_years_window", {}), ("tie_years_window", {"since": 2019, "category": ""}), ("tie_year_count", {}),
    ("career_corroboration", {"work_ids": ["https://openalex.org/W9900000003", "https://openalex.org/W9900000004"]}),
    ("name_counts", {"name_keys": ["author c1 test", "author test x1", "no such name"]}),
    ("direct_ties_between", {"target_authors": ["https://openalex.org/A90000000y1"],
                             "pair_keys": ["https://openalex.org/A90000000x1 https://openalex.org/A90000000y1"]}),
    ("broker_works", {}), ("broker_works_window", {}), ("broker_works_window", {"since": 2019}),
    ("broker_works_window", {"field": "no such field"}),
    ("broker_sources", {}), ("broker_targets", {}), ("broker_targets", {"category": ""}),
    ("broker_people", {"authors": ["https://openalex.org/A90000000x1", "https://openalex.org/A90000000y1"]}),
    ("indirect_authorships", {}), ("indirect_labels", {"category": ""}),
    ("indirect_people", {"authors": ["https://openalex.org/A90000000x1", "https://openalex.org/A90000000z1"]}),
    ("indirect_affiliations", {"authors": ["https://openalex.org/A90000000x1", "https://openalex.org/A90000000y1"]}),
    *[("exposure_ties", {"by": by, "category": ""}) for by in DIMENSIONS],
    *[("exposure_china", {"by": by}) for by in DIMENSIONS],
    *[("exposure_china_works", {"by": by}) for by in ("field", "technology")],
    *[("exposure_tie_works", {"by": by, "category": ""}) for by in DIMENSIONS],
    ("exposure_tie_works", {"include_retracted": True, "direct": False}),
    *[("exposure_partner_works", {"by": by}) for by in DIMENSIONS], ("exposure_fact_count", {}),
    ("broker_ties", {}), ("broker_ties", {"category": "", "direct": False}), ("broker_career_ties", {}),
    ("overview_ties", {}), ("overview_ties", {"category": "", "include_retracted": True}),
]
#: queries whose row order (and list order) means nothing to their caller, and is not sorted
#: in the store because the results are large (a sort there costs seconds at 10^6 works)
UNORDERED = {"broker_works": lambda rows: [sorted(sorted(a) for a in r["works"]) for r in rows],
             "broker_works_window": lambda rows: [sorted(sorted(a) for a in r["works"]) for r in rows],
             "broker_sources": lambda rows: [sorted(r["author_ids"]) for r in rows],
             "broker_targets": lambda rows: [sorted(r["author_ids"]) for r in rows],
             "indirect_authorships": lambda rows: [sorted(zip(r["work_ids"], r["years"], r["dois"],
                                                              map(sorted, r["authors"]), strict=True)) for r in rows],
             "indirect_labels": lambda rows: [sorted(zip(r["author_ids"], r["sources"], r["entity_ids"], strict=True))
                                              for r in rows],
             "broker_ties": lambda rows: [sorted(r["ties"]) for r in rows],
             "broker_career_ties": lambda rows: [sorted(r["ties"]) for r in rows],
             "broker_people": lambda rows: [sorted(r["people"], key=repr) for r in rows]}


def test_every_named_query_is_covered_here():
    from queries.registry import query_names

    covered = {name for name, _ in NAMED_QUERIES} | {"direct_ties", "dual_affiliations", "career_ties"}
    assert set(query_names()) <= covered, f"add to NAMED_QUERIES: {sorted(set(query_names()) - covered)}"


@pytest.mark.parametrize("name, params", NAMED_QUERIES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(NAMED_QUERIES)])
def test_every_named_query_returns_the_same_rows_on_both_stores(known_local, known_neo4j, name, params):
    local, neo = known_local.run(name, params), known_neo4j.run(name, params)
    if name in UNORDERED:
        local, neo = UNORDERED[name](local), UNORDERED[name](neo)
    assert local == neo
    assert local or name in ("exposure_ties", "exposure_tie_works"), f"{name} returns rows on the known corpus"


def test_direct_ties_between_returns_the_direct_ties_rows_of_the_pair(known_local):
    """One column list for both (`parts/direct_evidence_columns.cypher`): the rows compare equal."""
    x1, y1 = "https://openalex.org/A90000000x1", "https://openalex.org/A90000000y1"
    expected = [r for r in known_local.run("direct_ties", {})
                if (r["source_author_id"], r["target_author_id"]) == (x1, y1)]
    assert expected
    assert known_local.run("direct_ties_between", {"target_authors": [y1], "pair_keys": [f"{x1} {y1}"]}) == expected
