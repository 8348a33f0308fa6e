"""Cached access to the configured store for the dashboard pages.

One store per process (``st.cache_resource``), opened read-only so a dashboard never
blocks a load; rows and analysis results in ``st.cache_data`` keyed by query name,
parameters and the table set's load time, so a reload shows fresh data.
"""

from __future__ import annotations

import threading

import pandas as pd
import streamlit as st

import queries.exposure as exposure_queries
from dashboards.labels import md
from graph.errors import TiesError
from graph.tables import read_meta
from queries import open_store
from queries.evidence import TieQuery, find_evidence
from queries.export import Bundle, gather
from ties.config import Config, load_config

NOTE = "Co-authorship is evidence of collaboration, not of wrongdoing."
_LOCK = threading.RLock()  # one embedded connection shared by every session thread (re-entered by _bundle)


def config() -> Config:
    return load_config()


@st.cache_resource(show_spinner=False)
def _store(home: str, store: str):
    return open_store(load_config(), read_only=True)


def store():
    cfg = config()
    return _store(str(cfg.home.resolve()), cfg.store)


def meta() -> dict:
    """The table set's metadata; stops the page with a hint when nothing is loaded."""
    found = read_meta(config().tables_dir)
    if not found:
        st.error(f"No data loaded in {config().home}: run `ties demo` or `ties load PATH` first.")
        st.stop()
    return found


def header(title: str) -> dict:
    """Title, the synthetic-data banner and the note every page carries; returns the metadata."""
    st.title(title)
    found = meta()
    try:  # the first query opens the store; the same cached query gives the pages their year range
        _run("profile_years", {}, _version(), str(config().home))
    except TiesError as exc:  # e.g. built by another version: one line saying what to do, not a page of errors
        st.error(md(str(exc)))
        st.stop()
    if found.get("synthetic"):
        st.warning("Synthetic demo data: generated authors and works around real institution ids.")
    st.caption(f"{NOTE} Data date: {found.get('data_date') or 'unknown'}; store: {config().store}.")
    return found


def _version() -> str:
    return str(meta().get("loaded_at", ""))


@st.cache_data(show_spinner=False, max_entries=512)
def _run(name: str, params: dict, version: str, home: str) -> list[dict]:
    with _LOCK:
        return store().run(name, params)


def run(name: str, params: dict | None = None) -> list[dict]:
    """Rows of the named query (``queries/<name>.cypher``), cached.

    A query the store cannot answer (e.g. out of memory on a large corpus) shows its error
    on the page and gives no rows, so the rest of the page still renders.
    """
    try:
        return _run(name, params or {}, _version(), str(config().home))
    except TiesError as exc:
        st.error(f"Not shown: {md(str(exc))}")  # an error can quote a value from the URL or a record
        return []


def frame(name: str, params: dict | None = None) -> pd.DataFrame:
    return pd.DataFrame(run(name, params))


def searches_indirect(query: TieQuery) -> bool:
    """Does `query` run the indirect search (a graph search, several times the rest)?"""
    return "indirect" in query.kinds and query.max_hops >= 2


def kind_groups(query: TieQuery) -> list[tuple[str, ...]]:
    """The kinds of `query` in two searches: the pattern matches, then the indirect search.

    Separate so each is cached on its own: switching indirect ties on reuses the pattern
    matches, and changing only *Min works* reuses both (it acts when ranking).
    """
    fast = tuple(k for k in query.kinds if k != "indirect")
    slow = ("indirect",) if searches_indirect(query) else ()
    return [group for group in (fast, slow) if group]


def assemble(store, query: TieQuery, meta: dict, evidence) -> Bundle:
    """The same bundle as ``queries.export.gather``, from evidence rows fetched per kind group.

    ``evidence(kinds)`` returns the evidence rows of those kinds for `query` (the dashboard
    passes a cached search); rows keep ``find_evidence``'s order, so the ranking is the same.
    """
    return gather(store, query, meta, rows=[row for group in kind_groups(query) for row in evidence(group)])


@st.cache_data(show_spinner=False, max_entries=256)
def _evidence(filters: dict, kinds: tuple[str, ...], version: str, home: str) -> list[dict]:
    with _LOCK:
        return find_evidence(store(), TieQuery(**{**filters, "kinds": kinds}))


@st.cache_data(show_spinner=False, max_entries=128)
def _bundle(filters: dict, version: str, home: str) -> Bundle:
    query = TieQuery(**filters)
    with _LOCK:
        if not searches_indirect(query):
            # dual, direct and career ties: `queries.ranked.find_paths` ranks the direct ties
            # from the load-time summary and reads only the evidence of the paths kept (at
            # 100,000 works a profile page read 32,000 direct evidence rows for 50 paths)
            return gather(store(), query, meta())
        search = {k: v for k, v in query.filters().items() if k not in ("kinds", "min_works")}
        return assemble(store(), query, meta(), lambda kinds: _evidence(search, kinds, version, home))


def whole_years(filters: dict, first: int, last: int) -> dict:
    """The selection without its year window when the window spans every year in the data.

    The pages' year sliders start at the data's first and last year; "every year" then
    means no window, which also keeps works without a year, and lets the load-time
    ranking answer the query (`queries.ranked.summary_covers`).

    >>> whole_years({"since": 2001, "until": 2024, "target": "cmc"}, 2001, 2024)
    {'target': 'cmc'}
    >>> whole_years({"since": 2010, "until": 2024}, 2001, 2024)
    {'since': 2010, 'until': 2024}
    """
    if filters.get("since", 0) <= first and filters.get("until", 9999) >= last:
        return {k: v for k, v in filters.items() if k not in ("since", "until")}
    return filters


def bundle(filters: dict) -> Bundle:
    """Ranked paths with their evidence, works and entities for a selection (cached per selection).

    ``filters`` are ``TieQuery`` keyword arguments; without ``kinds`` TieQuery's default
    kinds are searched (not the indirect one); pages pass ``kinds`` (``selection.kinds_for``).
    """
    first, last = year_range()
    try:
        slow = searches_indirect(TieQuery(**filters))
        message = ("Tracing ties, including indirect ones (searching chains of co-authors: seconds to a "
                   "minute on a large corpus; the result is kept for this selection)..."
                   if slow else "Tracing ties...")
        with st.spinner(message):
            return _bundle(whole_years(filters, first, last), _version(), str(config().home))
    except TiesError as exc:
        st.error(str(exc))
        st.stop()


@st.cache_data(show_spinner="Computing exposure...", max_entries=64)
def _exposure_evidence(filters: dict, version: str, home: str) -> pd.DataFrame:
    with _LOCK:
        return exposure_queries.overview_rows(store(), TieQuery(**filters))


@st.cache_data(show_spinner="Counting all China co-publications...", max_entries=64)
def _china(filters: dict, version: str, home: str) -> pd.DataFrame:
    query = TieQuery(**filters)
    with _LOCK:
        china = pd.DataFrame(store().run("china_copublications", {
            "country": query.country, "since": query.since, "until": query.until}))
    if query.institution and not china.empty:
        china = china[china["institution_id"] == query.institution]
    return china


def exposure(by: str, filters: dict, shares: bool = False) -> pd.DataFrame:
    """Exposure by one dimension; the rows behind it are fetched once per selection.

    The share of each unit's China co-publications needs every Dutch-Chinese
    co-publication (the ``china_copublications`` query, the slowest part of the Overview
    at 100,000 works), so it is counted only with ``shares``; without, ``china_works`` is 0
    and ``share`` empty, and pages must not show those two columns.
    """
    return _exposure_table(by, filters, shares, _version(), str(config().home))


@st.cache_data(show_spinner=False, max_entries=256)
def _exposure_table(by: str, filters: dict, shares: bool, version: str, home: str) -> pd.DataFrame:
    """One table per dimension and selection, so a click on a chart (a rerun) does not re-tabulate."""
    china = _china(filters, version, home) if shares else pd.DataFrame()
    return exposure_queries.exposure_table(_exposure_evidence(filters, version, home), china, by)


def exposure_evidence(filters: dict) -> pd.DataFrame:
    """The publication-based ties (direct, dual affiliation) behind the exposure figures, one
    row per Dutch affiliation, work and entity (`queries.exposure.overview_rows`)."""
    return _exposure_evidence(filters, _version(), str(config().home))


def institutions(country: str = "NL") -> pd.DataFrame:
    return frame("institutions", {"country": country})


def entities() -> pd.DataFrame:
    return frame("entities", {"category": ""})


def year_range() -> tuple[int, int]:
    rows = run("profile_years")
    first, last = (rows[0]["first"], rows[0]["last"]) if rows else (None, None)
    return int(first or 2000), int(last or 2025)
