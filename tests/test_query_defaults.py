"""The defaults a query file declares for a path-selection option are TieQuery's.

A `.cypher` header must declare every parameter with a default (the registry binds it when a
caller leaves the parameter out). Where the parameter is a path-selection option, that
default restates `queries.evidence.TieQuery`'s, the one description of the options (issue 17:
the restated defaults had drifted). This test makes the restatement a checked copy: change
a default in `TieQuery` and every query file that disagrees is named here.
"""

from __future__ import annotations

import dataclasses

from queries.evidence import TieQuery, target_params
from queries.registry import ENGINES, load_query, query_names

DEFAULTS = {f.name: f.default for f in dataclasses.fields(TieQuery)}
#: the target option reaches the queries as two parameters (`target_params`)
TARGET_PARAMS = target_params(TieQuery().target)


def _declared() -> list[tuple[str, str, str, object]]:
    out = []
    for name in query_names():
        for engine in ENGINES:
            query = load_query(name, engine)
            selects_ties = "country" in query.params or "institution" in query.params
            for param, (_, default) in query.params.items():
                if param in DEFAULTS or (selects_ties and param in TARGET_PARAMS):
                    out.append((name, engine, param, default))
    return out


def test_the_check_covers_the_tie_queries():
    names = {name for name, *_ in _declared()}
    assert {"direct_ties", "dual_affiliations", "career_ties", "exposure_ties", "tie_summaries"} <= names


def test_every_query_declares_tiequerys_defaults():
    wrong = [f"queries/{name}.cypher ({engine}): param {param} defaults to {default!r}, TieQuery's is "
             f"{DEFAULTS.get(param, TARGET_PARAMS.get(param))!r}"
             for name, engine, param, default in _declared()
             if default != (DEFAULTS[param] if param in DEFAULTS else TARGET_PARAMS[param])]
    assert _declared() and wrong == []
