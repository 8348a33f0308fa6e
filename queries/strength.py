"""How strong is each tie: what, beyond one OpenAlex author id, links its two affiliations.

Why: a career tie says one person worked at a Dutch institution and at a PLA institution.
It rests on OpenAlex's author disambiguation, which merges different people who share a
name, most often common Chinese names; a false career tie names a real researcher as
having worked for the PLA. So every tie carries a level, the reasons (short codes) and a
sentence in words:

- ``strong``: both affiliations are printed on one work: a dual affiliation on one
  authorship, or a direct co-authorship where each side's affiliation is on that work.
- ``supported``: a career tie whose two periods share something beyond the author id:
  the same ORCID on the works of both periods, or co-authors. An indirect tie whose end
  affiliations are printed on the works that link it (each step is a co-authorship as
  printed) is supported too.
- ``weak``: a career tie on the author id alone (or with different ORCIDs on the two
  periods: two people); an indirect tie whose end affiliation comes from another work.

Shared topics and venues are reported (codes ``shared_topic``, ``shared_venue``) but do
not lift a tie to supported: a merged profile is built from people with the same name
in the same field, so they share topics too (measured on planted merges: see
``tests/test_strength.py`` and the README). Common names are flagged (``common_name``)
from the number of distinct OpenAlex authors in the store with the same normalised name.

Pure functions, except :func:`corroborate`, which runs two batched queries for every
candidate career tie at once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from graph.names import name_key

__all__ = ["LEVELS", "DEFAULT_MIN_STRENGTH", "Strength", "at_least", "career_key", "career_signals",
           "career_strength", "corroborate", "printed_strength", "row_strength", "group_strength"]

LEVELS = ("weak", "supported", "strong")  #: weakest first
DEFAULT_MIN_STRENGTH = "supported"
#: distinct OpenAlex authors with one normalised name from which the name counts as common
COMMON_NAME_AUTHORS = 2


@dataclass(frozen=True)
class Strength:
    """A tie's level, the reasons as codes, and one sentence a reader can check."""

    level: str
    reasons: tuple[str, ...]
    note: str

    def fields(self) -> dict:
        """The keys a path dict (and each evidence row) carries."""
        return {"strength": self.level, "strength_reasons": list(self.reasons), "strength_note": self.note}


def at_least(level: str, minimum: str) -> bool:
    """Is ``level`` at or above ``minimum``?

    >>> at_least("supported", "weak"), at_least("weak", "supported")
    (True, False)
    """
    return LEVELS.index(level) >= LEVELS.index(minimum)


def printed_strength(row: dict) -> Strength | None:
    """The strength of a tie read from one evidence row, where the row alone decides it:
    direct and dual affiliation (strong), indirect (supported or weak). None for career."""
    kind, work = row["kind"], row.get("work_id")
    if kind == "dual_affiliation":
        return Strength("strong", ("dual_affiliation_as_printed",),
                        f"one authorship lists both affiliations on work {work} ({row.get('year')})")
    if kind == "direct":
        return Strength("strong", ("coauthorship_as_printed",),
                        f"each side's affiliation is printed on the shared work {work} ({row.get('year')})")
    if kind == "indirect":
        steps = row.get("steps") or []
        first = steps[0]["work_id"] if steps else work
        last = steps[-1]["work_id"] if steps else work
        if row.get("source_work_id") in (None, first) and row.get("target_work_id") in (None, last):
            return Strength("supported", ("chain_as_printed",),
                            "every step is a co-authorship as printed, and both end affiliations are "
                            "printed on the works that link them")
        return Strength("weak", ("affiliation_from_other_work",),
                        "an end affiliation comes from another work of that author, not from the work "
                        "that links the chain")
    return None


def career_key(row: dict) -> tuple:
    """The rows of one career tie: `queries.paths.group_key` restricted to career rows."""
    return (row.get("direction") or "", row["source_institution_id"], row.get("department_id") or "",
            row["entity_id"], row["source_author_id"], row["target_institution_id"])


@dataclass
class Signals:
    """What the two periods of one career tie share, beyond the author id."""

    dutch_orcids: set[str] = field(default_factory=set)
    watchlist_orcids: set[str] = field(default_factory=set)
    shared_coauthors: set[str] | None = None  #: None: co-authors not looked up
    shared_topics: set[str] = field(default_factory=set)
    shared_venues: set[str] = field(default_factory=set)
    dutch_years: tuple[int, ...] = ()
    watchlist_years: tuple[int, ...] = ()

    @property
    def same_orcid(self) -> bool:
        return bool(self.dutch_orcids & self.watchlist_orcids)

    @property
    def orcid_conflict(self) -> bool:
        return bool(self.dutch_orcids and self.watchlist_orcids) and not self.same_orcid


def career_signals(rows: list[dict], authorships: dict[str, list[dict]] | None = None) -> Signals:
    """The signals of one career tie from its evidence rows and, when looked up, every
    authorship of its works (``career_corroboration`` rows by work id)."""
    author = rows[0]["source_author_id"]
    dutch = sorted({r["work_id"] for r in rows})
    watch = sorted({r["target_work_id"] for r in rows})
    s = Signals(dutch_years=tuple(sorted({r["year"] for r in rows if r.get("year")})),
                watchlist_years=tuple(sorted({r["target_year"] for r in rows if r.get("target_year")})))
    s.dutch_orcids = {r.get("source_orcid") for r in rows} - {None, ""}
    s.watchlist_orcids = {r.get("target_orcid") for r in rows} - {None, ""}
    if authorships is None:
        return s

    def side(works: list[str]) -> tuple[set[str], set[str], set[str]]:
        coauthors, topics, venues = set(), set(), set()
        for work in works:
            for a in authorships.get(work, ()):
                if a["author_id"] != author:
                    coauthors.add(a["author_id"])
                topics.add(a.get("topic") or "")
                venues.add(a.get("venue") or "")
        return coauthors, topics - {""}, venues - {""}

    (c1, t1, v1), (c2, t2, v2) = side(dutch), side(watch)
    s.shared_coauthors, s.shared_topics, s.shared_venues = c1 & c2, t1 & t2, v1 & v2
    return s


def _years(years: tuple[int, ...]) -> str:
    if not years:
        return "undated works"
    return str(years[0]) if years[0] == years[-1] else f"{years[0]}-{years[-1]}"


def career_strength(rows: list[dict], authorships: dict[str, list[dict]] | None = None,
                    name_authors: int = 0) -> Strength:
    """The strength of one career tie (all its evidence rows).

    ``authorships``: every authorship of the tie's works by work id (None: not looked up,
    so co-authors are unknown); ``name_authors``: distinct OpenAlex authors in the store
    with the author's normalised name (0: not counted).
    """
    s = career_signals(rows, authorships)
    first, second = sorted([s.watchlist_years, s.dutch_years], key=lambda y: y[:1] or (0,))
    across = f"across {_years(first)} and {_years(second)}"
    reasons: list[str] = []
    words = ["one OpenAlex author id"]
    if s.orcid_conflict:
        reasons.append("orcid_conflict")
        words.append("different ORCIDs on the two periods (" + ", ".join(sorted(s.dutch_orcids | s.watchlist_orcids))
                     + "): two people under one id")
    elif s.same_orcid:
        reasons.append("same_orcid")
        words.append(f"the same ORCID {min(s.dutch_orcids & s.watchlist_orcids)} on the works of both periods")
    elif s.dutch_orcids or s.watchlist_orcids:
        reasons.append("orcid_one_period")
        words.append("an ORCID on the works of one period only")
    else:
        reasons.append("no_orcid")
        words.append("no ORCID")
    if s.shared_coauthors is None:
        reasons.append("coauthors_not_checked")
        words.append("co-authors not checked")
    elif s.shared_coauthors:
        reasons.append("shared_coauthors")
        n = len(s.shared_coauthors)
        words.append(f"{n} shared co-author{'s' if n > 1 else ''}")
    else:
        reasons.append("no_shared_coauthors")
        words.append("no shared co-authors")
    if s.orcid_conflict:
        level = "weak"
    elif s.same_orcid or s.shared_coauthors:
        level = "supported"
    else:
        level = "weak"
        reasons.append("author_id_only")
    note = ", ".join(words) + f" {across}"
    extra = []
    if s.shared_topics:
        reasons.append("shared_topic")
        extra.append("a shared topic (" + "; ".join(sorted(s.shared_topics))[:120] + ")")
    if s.shared_venues:
        reasons.append("shared_venue")
        extra.append("a shared venue")
    if extra:
        note += "; " + " and ".join(extra) + (" (not enough alone: merged profiles share them too)"
                                              if level == "weak" else "")
    if name_authors >= COMMON_NAME_AUTHORS:
        reasons.append("common_name")
        note += (f"; the name {rows[0].get('source_author') or ''!r} is shared by {name_authors} OpenAlex "
                 "authors in this store")
    return Strength(level, tuple(reasons), note)


def row_strength(row: dict) -> Strength:
    """One evidence row's strength: stamped by :func:`corroborate`, else read from the row."""
    if row.get("strength"):
        return Strength(row["strength"], tuple(row.get("strength_reasons") or ()), row.get("strength_note") or "")
    return printed_strength(row) or career_strength([row])


def group_strength(members: list[dict]) -> Strength:
    """The strength of a path from the evidence rows it folds (all rows of one tie)."""
    first = members[0]
    if first.get("strength"):
        return row_strength(first)
    if first["kind"] == "career":
        return career_strength(members)
    # the strongest reading of any row (one row with both affiliations printed is enough),
    # worded from the latest such row
    latest = sorted(members, key=lambda r: (r.get("year") or 0, r["work_id"]), reverse=True)
    return max((row_strength(m) for m in latest), key=lambda s: LEVELS.index(s.level))


def corroborate(store, rows: list[dict]) -> list[dict]:
    """Stamp every career row with its tie's strength (``strength``, ``strength_reasons``,
    ``strength_note``), looked up for all candidate ties at once: two queries in all,
    whatever the number of ties (``career_corroboration``, ``name_counts``)."""
    if not rows:
        return rows
    ties: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        ties[career_key(row)].append(row)
    work_ids = sorted({w for r in rows for w in (r["work_id"], r["target_work_id"])})
    authorships: dict[str, list[dict]] = defaultdict(list)
    for a in store.run("career_corroboration", {"work_ids": work_ids}):
        authorships[a["work_id"]].append(a)
    keys = sorted({name_key(r.get("source_author") or "") for r in rows} - {""})
    counts = {c["name_key"]: c["authors"] for c in store.run("name_counts", {"name_keys": keys})} if keys else {}
    out: dict[int, dict] = {}
    for members in ties.values():
        count = counts.get(name_key(members[0].get("source_author") or ""), 0)
        fields_ = career_strength(members, authorships, count).fields()
        for row in members:
            out[id(row)] = {**row, **fields_}
    return [out[id(row)] for row in rows]
