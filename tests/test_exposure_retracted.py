"""Exposure counts what the evidence shows: retracted works and paratext only when asked.

Issue 14 made retracted works and paratext no evidence unless ``--include-retracted``;
the in-store exposure count (issue 15) then counted them anyway, so `ties exposure` named a
tie that `ties paths` did not show. Both stores, both settings.
"""

from __future__ import annotations

import orjson
import pandas as pd

from graph.ladybug_store import LadybugStore
from loaders.ingest import ingest
from queries.evidence import TieQuery
from queries.exposure import exposure, exposure_evidence, exposure_table
from queries.registry import render
from tests.corpus import authorship, work


def _load(config, tmp_path) -> None:
    plain = work(170, 2018, [authorship("x1", ["TUD"]), authorship("y1", ["NUDT"])])
    retracted = {**work(171, 2019, [authorship("x3", ["UVA"]), authorship("y3", ["NUDT"])]), "is_retracted": True}
    paratext = {**work(172, 2020, [authorship("x2", ["UVA", "NUDT"])]), "is_paratext": True}
    page = tmp_path / "page.json"
    page.write_bytes(orjson.dumps({"results": [plain, retracted, paratext]}))
    ingest([page], config, progress=False)


def _tables(store) -> dict[bool, pd.DataFrame]:
    out = {}
    for include in (False, True):
        query = TieQuery(include_retracted=include)
        counted = exposure(store, "institution", query)
        from_rows = exposure_table(exposure_evidence(store, query), pd.DataFrame(), "institution")
        assert counted.drop(columns=["china_works", "share"]).equals(
            from_rows.drop(columns=["china_works", "share"])), (include, counted, from_rows)
        out[include] = counted
    return out


def _check(tables: dict[bool, pd.DataFrame]) -> None:
    assert list(tables[False]["works"]) == [1]  # TU Delft's plain work alone
    assert sorted(tables[True]["works"]) == [1, 2]  # and the University of Amsterdam's two


def test_exposure_leaves_out_retracted_works_and_paratext_unless_asked_on_both_stores(config, tmp_path,
                                                                                     neo4j_factory):
    _load(config, tmp_path)
    store = LadybugStore(config.ladybug_dir, queries=render)
    store.load(config.tables_dir)
    try:
        embedded = _tables(store)
    finally:
        store.close()
    _check(embedded)
    neo = neo4j_factory("retracted_exposure")
    neo.clear()
    neo.load(config.tables_dir)
    server = _tables(neo)
    for include in (False, True):
        assert server[include].equals(embedded[include])
