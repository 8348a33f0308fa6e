"""Exposure read from the rows derived at load time (`loaders.exposure_facts`) gives the
tables the live joins give, for every dimension and filter; a table set without those rows
(written before they existed) is counted live; the derivation keeps exactly the ties and
co-publications the live queries match, on a hand-made table set."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from graph.ladybug_store import LadybugStore
from loaders.exposure_facts import exposure_facts
from queries.evidence import TieQuery
from queries.exposure import DIMENSIONS, exposure, uses_derived_rows
from queries.registry import render

QUERIES = {
    "default": TieQuery(),
    "all-targets": TieQuery(target="all"),
    "industry": TieQuery(target="industry"),
    "window": TieQuery(since=2016, until=2019),
    "field": TieQuery(field="Computer Science"),
    "direct-only": TieQuery(kinds=("direct",)),
    "dual-only": TieQuery(kinds=("dual_affiliation",)),
    "retracted-too": TieQuery(include_retracted=True, target="all"),
    "one-institution": TieQuery(institution="https://openalex.org/I98358874"),
    "entity": TieQuery(target="nudt"),
}


@pytest.fixture(scope="module")
def stores(generated_corpus, tmp_path_factory):
    """The generated corpus in the embedded store twice: as loaded, and from the same tables
    without the derived exposure rows (as a table set written before they existed)."""
    home = generated_corpus(300, seed=3)
    tables = tmp_path_factory.mktemp("no-facts") / "tables"
    shutil.copytree(Path(home.tables_dir).resolve(), tables)
    for name in ("tie_works", "partner_works"):
        (tables / f"{name}.parquet").unlink()
    live = LadybugStore(tables.parent / "ladybug", queries=render)
    live.load(tables)
    derived = LadybugStore(home.ladybug_dir, read_only=True, queries=render)
    yield derived, live
    derived.close()
    live.close()


#: the flags only the derived rows carry run in `make check`; the other filters in `make test`
FAST = ("default", "dual-only", "retracted-too")


@pytest.mark.parametrize("name", [n if n in FAST else pytest.param(n, marks=pytest.mark.slow) for n in QUERIES])
def test_derived_rows_give_the_live_table(stores, name):
    derived, live = stores
    query = QUERIES[name]
    assert uses_derived_rows(derived, query) and not uses_derived_rows(live, query)
    for by in DIMENSIONS:
        expected = exposure(live, by, query)
        assert exposure(derived, by, query).to_dict("records") == expected.to_dict("records"), by
        if name == "default":
            assert len(expected) and expected["china_works"].sum() > 0, "the corpus has ties and co-publications"


def test_another_source_country_is_counted_live(stores):
    derived, live = stores
    query = TieQuery(country="CN", target="all")
    assert not uses_derived_rows(derived, query)
    assert exposure(derived, "institution", query).to_dict("records") == \
        exposure(live, "institution", query).to_dict("records")


NL, NL2, DE = "I-nl", "I-nl2", "I-de"
CMC, CIVIL = "I-cmc", "I-cn"


def _aff(author: str, institution: str, work: str, department: str = "") -> dict:
    return {"from": author, "to": institution, "work_id": work, "year": 2020,
            "department_id": f"{institution}#{department}" if department else "", "department": department}


def test_derivation_keeps_exactly_the_ties_and_co_publications_the_queries_match():
    affiliations = pd.DataFrame([
        _aff("x", NL, "W1", "physics"), _aff("y", CMC, "W1"),          # direct tie
        _aff("d", NL, "W2"), _aff("d", CMC, "W2"),                     # dual affiliation
        _aff("g", DE, "W3"), _aff("y", CMC, "W3"),                     # not Dutch: no row
        _aff("c", NL, "W4"), _aff("z", CIVIL, "W4"),                   # co-publication only
        _aff("r", NL, "W5"), _aff("y", CMC, "W5"),                     # retracted: flagged
        _aff("n", NL, "W6"), _aff("y", CMC, "W6"),                     # no Work row: neither
        _aff("s", NL, "W7"), _aff("s", NL2, "W7"),                     # no partner: neither
    ])
    works = pd.DataFrame([{"id": w, "year": 2020, "field": "F", "subfield": "S", "is_retracted": w == "W5",
                           "is_paratext": False} for w in ("W1", "W2", "W3", "W4", "W5", "W7")])
    institutions = pd.DataFrame([{"id": NL, "country": "NL"}, {"id": NL2, "country": "NL"},
                                 {"id": DE, "country": "DE"}, {"id": CMC, "country": "CN"},
                                 {"id": CIVIL, "country": "CN"}])
    matches = pd.DataFrame([{"from": CMC, "to": "nudt"}])
    ties, partner = (t.to_pandas() for t in exposure_facts(affiliations, matches, works, institutions))
    got = {(r["source_author_id"], r["work_id"], r["direct"], r["dual"], r["retracted_or_paratext"])
           for r in ties.to_dict("records")}
    assert got == {("x", "W1", True, False, False), ("d", "W2", False, True, False), ("r", "W5", True, False, True)}
    assert set(ties["to"]) == {"nudt"} and set(ties["from"]) == {NL}
    assert ties.loc[ties["source_author_id"] == "x", "department_id"].tolist() == [f"{NL}#physics"]
    assert sorted(partner["work_id"]) == ["W1", "W2", "W4", "W5"]
    assert set(partner["from"]) == {NL}
    assert (partner["to"] == partner["work_id"]).all()
