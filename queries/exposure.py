"""Exposure: how many of a unit's works tie it to watchlist entities, and what share of its
China co-publications that is, per sector, institution, department, field, technology
area, year or branch of the PLA.

Counts come from the publication-based ties (direct co-authorship and dual affiliation).
:func:`exposure` asks the store for them already reduced: `exposure_ties` returns distinct
(unit, work, year, Dutch author, entity) rows and `exposure_china` one denominator count per
unit, so neither the evidence rows nor the China co-publications (1.2 million rows at
1,000,000 works) leave the store. For Dutch units it reads the same figures from rows the
loader derived (`loaders.exposure_facts`: `exposure_tie_works`, `exposure_partner_works`),
because each live query joins two affiliations on a work, which LadybugDB cannot index: at
1,000,000 works 12-17 s on the embedded store and 40-54 s on Neo4j, against 2.6-3.3 s
embedded. :func:`exposure_table` tabulates the same figures from evidence rows (the
dashboard has them anyway); both go through one tabulation, and both stores give the same
table (`tests/test_parity.py`, `tests/test_exposure_counts.py`).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from graph.errors import InputError
from graph.schema import DERIVED_COUNTRY
from graph.store import GraphStore
from queries.evidence import TieQuery, find_evidence, target_params
from queries.tech_areas import load_tech_areas

__all__ = ["DIMENSIONS", "exposure", "exposure_evidence", "exposure_inputs", "exposure_table", "overview_rows",
           "units_of", "uses_derived_rows"]

DIMENSIONS = ("sector", "institution", "department", "field", "technology", "year", "branch")
COLUMNS = ["unit_id", "unit", "works", "authors", "entities", "china_works", "share", "first_year", "last_year",
           "trend"]


def _branch(chain: list[str] | None) -> str:
    """The level just under the root: the PLA service or organ (or the conglomerate)."""
    chain = list(chain or [])
    if not chain:
        return "unknown"
    return chain[-2] if len(chain) >= 2 else chain[-1]


def _tech_areas() -> dict[str, list[str]]:
    return load_tech_areas()


def units_of(frame: pd.DataFrame, by: str, evidence: bool) -> pd.DataFrame:
    """Add unit_id and unit columns for dimension `by` (exploding technology areas)."""
    unit_of: dict[str, Callable[[pd.DataFrame], tuple[pd.Series, pd.Series]]] = {
        "sector": lambda f: (f["sector"].fillna("").replace("", "unclassified"),) * 2,
        "institution": lambda f: (f["institution_id"], f["institution"]),
        "department": lambda f: (f["department_id"].fillna(""), f["institution"].fillna("") + " / "
                                 + f["department"].fillna("")),
        "field": lambda f: (f["field"].fillna("").replace("", "unknown"),) * 2,
        "year": lambda f: (f["year"].fillna(0).astype(int).astype(str),) * 2,
    }
    frame = frame.copy()
    if by == "technology":
        areas = _tech_areas()
        frame["unit_id"] = [areas.get(s or "", []) or ["other"] for s in frame["subfield"]]
        frame = frame.explode("unit_id")
        frame["unit"] = frame["unit_id"]
    elif by == "branch":
        if evidence:
            frame["unit_id"] = [_branch(c) for c in frame["chain"]]
        else:
            frame["unit_id"] = "all China co-publications"
        frame["unit"] = frame["unit_id"]
    else:
        frame["unit_id"], frame["unit"] = unit_of[by](frame)
    if by == "department":
        frame = frame[frame["unit_id"] != ""]
    return frame


def exposure_evidence(store: GraphStore, query: TieQuery) -> pd.DataFrame:
    """The publication-based tie rows behind exposure figures (direct and dual affiliation)."""
    rows = find_evidence(store, TieQuery(**{**query.filters(), "kinds": _kinds(query)}))
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    return frame.rename(columns={"source_institution_id": "institution_id", "source_institution": "institution",
                                 "source_sector": "sector"})


def overview_rows(store: GraphStore, query: TieQuery) -> pd.DataFrame:
    """The distinct publication ties (Dutch affiliation, work, entity) with every unit column,
    the raw string, DOI and title: what the dashboard's Overview tabulates by every dimension
    and drills down into, in one query (`overview_ties`).

    ``exposure_table(overview_rows(store, q), china, by)`` equals
    ``exposure_table(exposure_evidence(store, q), china, by)`` for every dimension (distinct
    counts over the same units): at 100,000 works 7,820 rows in 0.9 s of CPU against
    22,684 evidence rows in 3.0 s.
    """
    frame = pd.DataFrame(store.run("overview_ties", _tie_params(query)))
    return frame if frame.empty else _with_chains(store, frame)


def _tie_params(query: TieQuery) -> dict:
    """The parameters of the publication-tie queries (`exposure_ties`, `overview_ties`) for `query`."""
    kinds = _kinds(query)
    return {"country": query.country, "institution": query.institution, "department": query.department,
            "since": query.since, "until": query.until, "field": query.field, **target_params(query.target),
            "direct": "direct" in kinds, "dual": "dual_affiliation" in kinds,
            "include_retracted": query.include_retracted}


def _with_chains(store: GraphStore, ties: pd.DataFrame) -> pd.DataFrame:
    """Add each row's entity chain (names, root last): what the branch dimension reads."""
    chains = {e["id"]: e["chain_names"] for e in store.run("entities", {})}
    ties["chain"] = [chains.get(e) for e in ties["entity_id"]]
    return ties


def exposure_inputs(store: GraphStore, query: TieQuery) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two row sets every exposure table is computed from: the publication-based tie
    evidence, and the China co-publications (the denominator). Fetch once, tabulate by
    as many dimensions as needed with :func:`exposure_table`."""
    evidence = exposure_evidence(store, query)
    china = pd.DataFrame(store.run("china_copublications", {
        "country": query.country, "since": query.since, "until": query.until}))
    if query.institution and not china.empty:
        china = china[china["institution_id"] == query.institution]
    return evidence, china


def _kinds(query: TieQuery) -> tuple[str, ...]:
    return tuple(k for k in query.kinds if k in ("direct", "dual_affiliation")) or ("direct", "dual_affiliation")


def exposure(store: GraphStore, by: str, query: TieQuery | None = None) -> pd.DataFrame:
    """One row per unit: works with ties, Dutch authors, distinct entities, China
    co-publications, the share of those with ties, years and a per-year trend.

    Sorted by works (descending), then unit, so both stores give the same table.
    Counted in the store (see the module note); equal to
    ``exposure_table(*exposure_inputs(store, query), by)``.
    """
    if by not in DIMENSIONS:
        raise InputError(f"--by must be one of {', '.join(DIMENSIONS)}; got {by!r}")
    query = query or TieQuery()
    params = {"by": by, "country": query.country, "institution": query.institution, "since": query.since,
              "until": query.until}
    derived = uses_derived_rows(store, query)
    ties = pd.DataFrame(store.run("exposure_tie_works" if derived else "exposure_ties",
                                  {"by": by, **_tie_params(query)}))
    if ties.empty:
        return pd.DataFrame(columns=COLUMNS)
    if by == "branch":
        ties = _with_chains(store, ties)
    if derived:
        denominator = "exposure_partner_works"
    else:
        denominator = "exposure_china_works" if by in ("field", "technology") else "exposure_china"
    counts = pd.DataFrame(store.run(denominator, params))
    if counts.empty:
        china: pd.Series | int = 0
    elif by == "branch":
        china = int(counts["china_works"].sum())  # one row: every unit column is empty
    else:
        china = units_of(counts, by, evidence=False).groupby("unit_id")["china_works"].sum()
    return _tabulate(ties, china, by)


def uses_derived_rows(store: GraphStore, query: TieQuery) -> bool:
    """Whether :func:`exposure` reads the rows derived at load time (`loaders.exposure_facts`):
    for their source country, when the load wrote them. A table set from before they existed
    has none, and is counted live, with the same figures."""
    if query.country != DERIVED_COUNTRY:
        return False
    counts = store.run("exposure_fact_count", {})
    return bool(counts) and (counts[0]["ties"] or counts[0]["partner_works"]) > 0


def exposure_table(evidence: pd.DataFrame, china: pd.DataFrame, by: str) -> pd.DataFrame:
    """Tabulate exposure by `by` from :func:`exposure_inputs` (pure; no store access)."""
    if by not in DIMENSIONS:
        raise InputError(f"--by must be one of {', '.join(DIMENSIONS)}; got {by!r}")
    if evidence.empty:
        return pd.DataFrame(columns=COLUMNS)
    if china.empty:
        den: pd.Series | int = 0
    elif by == "branch":
        den = china["work_id"].nunique()
    else:
        den = units_of(china, by, evidence=False).groupby("unit_id")["work_id"].nunique()
    return _tabulate(evidence, den, by)


def _tabulate(evidence: pd.DataFrame, china: pd.Series | int, by: str) -> pd.DataFrame:
    """The exposure table from tie rows (evidence rows, or their distinct reduction) and the
    China co-publication works per unit id (a number for every unit when `by` is branch)."""
    ev = units_of(evidence, by, evidence=True)
    grouped = ev.groupby(["unit_id", "unit"], sort=True)
    table = grouped.agg(works=("work_id", "nunique"), authors=("source_author_id", "nunique"),
                        entities=("entity_id", "nunique"), first_year=("year", "min"),
                        last_year=("year", "max")).reset_index()
    trend = ev.assign(year=ev["year"].fillna(0).astype(int)).drop_duplicates(["unit_id", "work_id"]) \
        .groupby(["unit_id", "year"]).size()
    table["trend"] = [
        {int(y): int(n) for y, n in trend.loc[u].items()} if u in trend.index.get_level_values(0) else {}
        for u in table["unit_id"]
    ]
    if isinstance(china, pd.Series):
        table["china_works"] = [int(china.get(u, 0)) for u in table["unit_id"]]
    else:
        table["china_works"] = int(china)
    table["share"] = [round(w / c, 4) if c else None for w, c in zip(table["works"], table["china_works"], strict=True)]
    table = table.sort_values(["works", "unit_id"], ascending=[False, True], kind="stable").reset_index(drop=True)
    for column in ("works", "authors", "entities", "china_works", "first_year", "last_year"):
        table[column] = table[column].fillna(0).astype(int)  # 0: works without a year
    return table[COLUMNS]

