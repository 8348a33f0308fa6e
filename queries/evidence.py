"""Find ties between Dutch units and watchlist entities, of four kinds, with evidence.

- ``direct``: a Dutch-affiliated author and a watchlist-affiliated author on one work;
- ``dual_affiliation``: one author lists both on one work;
- ``career``: one author is affiliated with both on different works in different years
  (``direction`` says which came first);
- ``indirect``: a chain of co-authors, none of them Dutch- or watchlist-affiliated, links
  a Dutch-affiliated author to a watchlist-affiliated one in 2..max_hops steps.

The first three are Cypher pattern matches (`queries/*.cypher`), run on either store; the
fourth a search of the co-authorship projection on integer codes (`queries.indirect`).
Every tie is a list of evidence rows that each name a work, DOI and raw string.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import asdict, dataclass, fields

from graph.errors import InputError
from graph.ids import institution_id
from graph.store import GraphStore
from queries import indirect
from queries.strength import DEFAULT_MIN_STRENGTH, LEVELS, corroborate

__all__ = ["DEFAULT_KINDS", "KINDS", "TieQuery", "check_source", "find_evidence", "indirect_ties", "selection_options",
           "target_params"]

KINDS = ("dual_affiliation", "direct", "career", "indirect")
#: what `ties paths` (and export, brokers) search unless asked: the ties that name a work or an
#: affiliation of the person themselves. Indirect ties (co-author chains) are one
#: `--kind indirect` away: a graph search of its own, many times the cost of the rest.
DEFAULT_KINDS = ("dual_affiliation", "direct", "career")
KINDS_HELP = ("Tie kinds, repeatable. Default: dual_affiliation, direct, career. 'indirect' adds "
              "co-author chains up to --max-hops: a graph search over the co-authorship projection that "
              "costs several times the rest (measured against the direct search: 1.7x at 10,000 works "
              "and 2 hops, 6.7x at 4 hops; 6.3x at 100,000 works and 2 hops).")
TARGETS = {"cmc": "cmc", "industry": "defence_industry", "security": "security", "all": ""}


@dataclass(frozen=True)
class TieQuery:
    """Which ties to look for. Empty strings and zeros mean "no filter".

    The one description of the path-selection options: each field's ``metadata`` gives its
    command-line ``flag`` and ``help`` (and ``choices``, ``min``, ``max`` where they apply),
    from which the commands generate their options (``ties.commands._common``) and the
    dashboard its defaults (:func:`selection_options`). A new option is a new field here,
    written ``dataclasses.field(...)``: plain ``field`` is shadowed by the field named `field`.
    """

    country: str = dataclasses.field(default="NL", metadata={
        "flag": "--from-country", "help": "Source country code (ISO 3166-1 alpha-2)."})
    institution: str = dataclasses.field(default="", metadata={
        "flag": "--from-institution",
        "help": "Source institution: an OpenAlex id (I98358874 or https://openalex.org/I98358874)."})
    department: str = dataclasses.field(default="", metadata={
        "flag": "--from-department", "help": "Source department id (see the dashboard)."})
    target: str = dataclasses.field(default="cmc", metadata={
        "flag": "--to",
        "help": "cmc | industry | security | all | a watchlist entity id (it and everything under it)."})
    max_hops: int = dataclasses.field(default=2, metadata={
        "flag": "--max-hops", "min": 1, "max": 6, "help": "Co-author steps allowed for indirect ties."})
    since: int = dataclasses.field(default=0, metadata={"flag": "--since", "help": "First publication year."})
    until: int = dataclasses.field(default=9999, metadata={"flag": "--until", "help": "Last publication year."})
    field: str = dataclasses.field(default="", metadata={
        "flag": "--field", "help": "OpenAlex field name, e.g. 'Computer Science'."})
    min_works: int = dataclasses.field(default=1, metadata={
        "flag": "--min-works", "min": 1, "help": "Keep paths supported by at least this many works."})
    k: int = dataclasses.field(default=3, metadata={
        "flag": "-k", "min": 1, "help": "Paths kept per (source unit, entity) pair."})
    kinds: tuple[str, ...] = dataclasses.field(default=DEFAULT_KINDS, metadata={
        "flag": "--kind", "choices": KINDS, "help": KINDS_HELP})
    #: retracted works and paratext (covers, front matter) are kept in the graph but are no
    #: evidence unless asked for; rows then carry is_retracted/is_paratext (issue 14)
    include_retracted: bool = dataclasses.field(default=False, metadata={
        "flag": "--include-retracted",
        "help": "Also use retracted works and paratext as evidence (rows labelled is_retracted/is_paratext)."})
    min_strength: str = dataclasses.field(default=DEFAULT_MIN_STRENGTH, metadata={
        "help": "Weakest tie shown: strong (both affiliations printed on one work), supported "
                "(a career move corroborated by ORCID or co-authors) or weak (one author id alone; "
                "shown only when asked).",
        "flag": "--min-strength", "choices": LEVELS})

    def __post_init__(self) -> None:
        # one place for every caller (commands, dashboard, tests): text stripped, ids read one
        # way, case normalised, numbers bounded (issue 18: -k 10**20, --to '', --from-country nl)
        for name in ("country", "institution", "department", "target", "field"):
            value = getattr(self, name)
            if value is None:
                value = ""
            if not isinstance(value, str):
                raise InputError(f"{_flag(name)} must be text, got {value!r}")
            object.__setattr__(self, name, value.strip())
        object.__setattr__(self, "institution", institution_id(self.institution))
        object.__setattr__(self, "country", self.country.upper())
        object.__setattr__(self, "kinds", tuple(self.kinds))
        if self.country and not re.fullmatch(r"[A-Z]{2}", self.country):
            raise InputError(f"--from-country {self.country!r}: expected a two-letter ISO code such as NL")
        if not self.target:
            raise InputError("--to is empty: use cmc, industry, security, all or a watchlist entity id")
        if self.target.lower() in TARGETS:
            object.__setattr__(self, "target", self.target.lower())
        for name, low, high in BOUNDS:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise InputError(f"{_flag(name)} {value!r}: must be a whole number from {low} to {high}")
        if self.max_hops < 1:
            raise InputError(f"--max-hops must be at least 1, got {self.max_hops}")
        if self.since > self.until:
            raise InputError(f"--since {self.since} is after --until {self.until}")
        unknown = set(self.kinds) - set(KINDS)
        if unknown:
            raise InputError(f"unknown tie kind(s) {sorted(unknown)}; use {list(KINDS)}")
        if self.min_strength not in LEVELS:
            raise InputError(f"--min-strength must be one of {', '.join(LEVELS)}, got {self.min_strength!r}")

    def filters(self) -> dict:
        return asdict(self)

    @property
    def windowed(self) -> bool:
        """Does the query keep only some years or one field? (What load-time summaries and
        the window-free brokers read cannot answer.)

        >>> TieQuery().windowed, TieQuery(since=2018).windowed
        (False, True)
        """
        return (self.since, self.until, self.field) != (TieQuery.since, TieQuery.until, TieQuery.field)


def selection_options() -> list[dict]:
    """Each path-selection option: name, flag, default, help (and choices, min, max).

    >>> [o["flag"] for o in selection_options()][:2]
    ['--from-country', '--from-institution']
    """
    return [{"name": f.name, "default": f.default, **f.metadata} for f in fields(TieQuery)]


def _flag(name: str) -> str:
    """The command-line option behind a TieQuery field, for messages."""
    return next((f.metadata.get("flag", name) for f in fields(TieQuery) if f.name == name), name)


#: (field, lowest, highest): beyond these a value is a typo or an attack (``-k 10**20`` crashed islice)
BOUNDS = (("max_hops", 1, 6), ("since", 0, 9999), ("until", 0, 9999), ("min_works", 1, 1_000_000),
          ("k", 1, 10_000))


def check_source(query: TieQuery) -> TieQuery:
    """Refuse a query without any source side: ``--from-country ''`` and no institution or
    department would take every institution in the world as a source (Tsinghua and NUDT
    were listed as "sources"). The API keeps ``country=""`` for "any country" (tests, the
    dashboard's institution views); commands call this."""
    if not (query.country or query.institution or query.department):
        raise InputError("--from-country is empty: give a two-letter code such as NL, or --from-institution "
                         "or --from-department")
    return query


def target_params(target: str) -> dict[str, str]:
    """Query parameters for a target: a category keyword or one entity and its subtree."""
    if target in TARGETS:
        return {"category": TARGETS[target], "entity": ""}
    return {"category": "", "entity": target}


def _params(q: TieQuery) -> dict:
    return {
        "country": q.country, "institution": q.institution, "department": q.department,
        "since": q.since, "until": q.until, "field": q.field, **target_params(q.target),
        "include_retracted": q.include_retracted,
    }


def _career(rows: list[dict]) -> list[dict]:
    """Label career rows with the direction of the move (the earlier affiliation first)."""
    out = []
    for row in rows:
        direction = "watchlist_to_nl" if row["target_year"] < row["year"] else "nl_to_watchlist"
        out.append({**row, "direction": direction})
    return out


def find_evidence(store: GraphStore, q: TieQuery) -> list[dict]:
    """Every evidence row of every requested kind, in a stable order."""
    params = _params(q)
    rows: list[dict] = []
    if "direct" in q.kinds:
        rows += store.run("direct_ties", params)
    if "dual_affiliation" in q.kinds:
        rows += store.run("dual_affiliations", params)
    if "career" in q.kinds:
        # stamped with each tie's strength: two batched look-ups for every career tie at once
        rows += corroborate(store, _career(store.run("career_ties", params)))
    if "indirect" in q.kinds and q.max_hops >= 2:
        rows += indirect_ties(store, q)
    return rows


def on_watchlist_side(q: TieQuery, row: dict) -> bool:
    """Does an affiliation row fall on the watchlist side of this query?"""
    if not row.get("entity_id"):
        return False
    params = target_params(q.target)
    if params["entity"]:
        return params["entity"] in (row.get("chain_ids") or [])
    if params["category"] == "cmc":
        return bool(row.get("under_cmc"))
    return params["category"] in ("", row.get("category"))


def indirect_ties(store: GraphStore, q: TieQuery) -> list[dict]:
    """Ties through 1..max_hops-1 intermediaries in the co-authorship projection: at most
    ``k`` chains per (Dutch author, entity), shortest first (`queries.indirect`)."""
    return indirect.indirect_ties(store, q, target_params(q.target))
