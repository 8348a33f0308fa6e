"""The path selection shared by the Explorer and Export pages, synced to the URL.

A URL such as ``/explorer?institution=I98358874&target=cmc&since=2015`` reproduces a view;
the selection also lives in ``st.session_state`` so moving between pages keeps it.
"""

from __future__ import annotations

from dataclasses import fields

import pandas as pd
import streamlit as st

from dashboards import data
from dashboards.labels import label, md
from queries.evidence import KINDS, TieQuery

#: the tie kinds found by pattern matches in the store: fast at any corpus size
FAST_KINDS = tuple(k for k in KINDS if k != "indirect")

OA = "https://openalex.org/"
TARGETS = {"cmc": "Everything under the CMC (all entities)", "industry": "Defence industry (all entities)",
           "security": "Security organs (all entities)", "all": "Any watchlist entity"}
DEFAULT_INSTITUTION = OA + "I98358874"  # Delft University of Technology
KEYS = ("institution", "department", "target", "since", "until", "hops", "min_works", "indirect", "kinds",
        "min_strength")
INDIRECT_HELP = ("Chains of co-authors, none of them Dutch- or watchlist-affiliated, from a Dutch author to a "
                 "watchlist-affiliated one. The search walks the co-authorship network and is the slowest kind on a "
                 "large corpus (measured at 100,000 generated works, every Dutch author to the CMC: about 12 s "
                 "at 2 hops, a minute at 3), so it runs only when asked.")


def target_label(target: str) -> str:
    """The label of a target group (an entity's own name is added by the caller)."""
    return TARGETS.get(target, target)


def _full_id(value: str) -> str:
    return value if not value or value.startswith(("https://", "ties:")) else OA + value


def _initial() -> dict:
    """Selection from the URL first, then from this session, then defaults."""
    saved = dict(st.session_state.get("selection", {}))
    params = st.query_params
    for key in KEYS:
        if key in params and params[key] != "":
            saved[key] = params[key]
    return saved


def _flag(value) -> bool:
    """A URL or session flag: ``1``/``true``/``yes``/``on`` (any case) or a true bool."""
    return value is True or str(value).strip().lower() in ("1", "true", "yes", "on")


def kinds_for(indirect: bool) -> tuple[str, ...]:
    """The tie kinds to search: the pattern matches always, the indirect search on request."""
    return KINDS if indirect else FAST_KINDS


def indirect_note(filters: dict, how: str = "switch on *Indirect ties* above to include them") -> None:
    """Say, on the page, that indirect ties were not searched (or why none can be), and how to get them."""
    if "indirect" in filters.get("kinds", KINDS) and filters.get("max_hops", 2) < 2:
        st.info("Indirect ties need at least 2 hops: raise *Max hops* to search them.")
    elif "indirect" not in filters.get("kinds", KINDS):
        st.info("Shown: dual affiliation, direct co-authorship and career ties. **Indirect ties (chains of "
                f"co-authors) were not searched**: that search is slow on a large corpus; {how}.")


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _units() -> pd.DataFrame:
    """Dutch institutions and their departments as one searchable list."""
    inst = data.institutions("NL")
    rows = [{"id": r.id, "institution": r.id, "department": "", "label": r.name} for r in inst.itertuples()]
    depts = data.frame("departments", {"institution": ""})
    if not depts.empty:
        depts = depts[depts["institution_id"].isin(set(inst["id"]))]
        rows += [{"id": r.id, "institution": r.institution_id, "department": r.id,
                  "label": f"{r.institution} / {r.name}"} for r in depts.itertuples()]
    return pd.DataFrame(rows, columns=["id", "institution", "department", "label"])


def bounded(name: str, value, low: int, high: int, default: int) -> int:
    """A number from the URL within [low, high]; out of range or not a number, the page says
    what it used instead (a number widget given 999 for at most 4 used to raise)."""
    number = _int(value, default)
    if value not in (None, "") and str(number) != str(value).strip():
        st.warning(f"{name}: {md(repr(value))} in the URL is not a whole number; using {default}.")
        return default
    clamped = min(max(number, low), high)
    if clamped != number:
        st.warning(f"{name}: {number} in the URL is outside {low}-{high}; using {clamped}.")
    return clamped


def unknown_id(what: str, value: str) -> None:
    """Say that an id from the URL names nothing in the loaded data (never fall back silently)."""
    st.error(f"Unknown {what} {md(repr(value))} in the URL: it is not in the loaded data. Nothing is shown for it; "
             "pick one below.")


def kinds_choice(prefix: str, initial: dict) -> list[str]:
    """The kind filter (the CLI's --kind): which tie kinds to search and draw."""
    saved = initial.get("kinds")
    wanted = list(saved) if isinstance(saved, list | tuple) else [k for k in str(saved or "").split(",") if k]
    bad = [k for k in wanted if k not in KINDS and k != "none"]
    if bad:
        st.warning(f"Unknown tie kind(s) {md(', '.join(map(repr, bad)))} in the URL; use {', '.join(KINDS)}.")
    default = [k for k in wanted if k in KINDS] or ([] if wanted == ["none"] else list(KINDS))
    return st.multiselect("Kinds", list(KINDS), default=default, format_func=lambda k: label("kinds", k),
                          key=f"{prefix}_kinds", help="Indirect ties are searched only when *Indirect ties* is on.")


STRENGTHS = ("weak", "supported", "strong")
STRENGTH_DEFAULT = "supported"


def strength_choice(prefix: str, initial: dict) -> dict:
    """The minimum tie strength, when the ranking knows strength (``TieQuery.min_strength``);
    nothing otherwise, so the page works with and without it."""
    if "min_strength" not in {f.name for f in fields(TieQuery)}:
        return {}
    wanted = str(initial.get("min_strength") or STRENGTH_DEFAULT)
    if wanted not in STRENGTHS:
        st.warning(f"Unknown strength {md(repr(wanted))} in the URL; using {STRENGTH_DEFAULT}.")
        wanted = STRENGTH_DEFAULT
    value = st.selectbox("Minimum strength", STRENGTHS, index=STRENGTHS.index(wanted), key=f"{prefix}_strength",
                         format_func=lambda s: label("strength", s), help="Weak ties are shown only when asked.")
    return {"min_strength": value}


def tie_selection(prefix: str) -> dict:
    """Widgets for the Dutch unit, targets, years, hops, minimum works and kinds.

    Returns the ``TieQuery`` keyword arguments, and writes the choice to the URL. Indirect
    ties are searched only when the toggle is on (``?indirect=1``): see ``INDIRECT_HELP``.
    An id in the URL that names nothing loaded is said so, and the page shows nothing for it.
    """
    initial = _initial()
    params = st.query_params
    units = _units()
    if units.empty:
        st.warning("No Dutch institutions in the store.")
        st.stop()
    wanted = _full_id(initial.get("department") or initial.get("institution") or DEFAULT_INSTITUTION)
    from_url = params.get("department") or params.get("institution")
    unit_unknown = bool(from_url) and wanted not in set(units["id"])
    if unit_unknown:
        unknown_id("Dutch institution or department", from_url)
    search = st.text_input("Search a Dutch institution or department", key=f"{prefix}_search",
                           placeholder="e.g. Delft, microelectronics")
    shown = units[units["label"].str.contains(search, case=False, regex=False)] if search else units
    if shown.empty:
        st.info(f"No Dutch institution or department matches {md(repr(search))}; showing all.")
        shown = units
    ids = list(shown["id"])
    labels = dict(zip(units["id"], units["label"], strict=True))
    index = None if unit_unknown else ids.index(wanted) if wanted in ids else 0
    cols = st.columns([3, 2])
    unit = cols[0].selectbox("Dutch institution or department", ids, index=index, format_func=labels.get,
                             key=f"{prefix}_unit", placeholder="choose a Dutch unit")
    ents = data.entities()
    entity_names = dict(zip(ents["id"], ents["name"], strict=True))
    targets = list(TARGETS) + [e for e in ents["id"] if e not in TARGETS]
    names = {**{e: f"{n} (this entity and those under it)" for e, n in entity_names.items()}, **TARGETS}
    target = initial.get("target", "cmc")
    target_unknown = target not in targets
    if target_unknown:
        unknown_id("target", target)
    target = cols[1].selectbox("Targets", targets, index=None if target_unknown else targets.index(target),
                               format_func=names.get, key=f"{prefix}_target", placeholder="choose a target")
    first, last = data.year_range()
    since = min(max(_int(initial.get("since"), first), first), last)
    until = max(min(_int(initial.get("until"), last), last), since)
    cols = st.columns([3, 1, 1])
    since, until = cols[0].slider("Years", first, last, (since, until), key=f"{prefix}_years")
    hops = cols[1].number_input("Max hops", 1, 4, bounded("Max hops", initial.get("hops"), 1, 4, 2),
                                key=f"{prefix}_hops")
    min_works = cols[2].number_input("Min works", 1, 50, bounded("Min works", initial.get("min_works"), 1, 50, 1),
                                     key=f"{prefix}_min")
    kinds = kinds_choice(prefix, initial)
    strength = strength_choice(prefix, initial)
    indirect = st.toggle("Indirect ties (slow on a large corpus)", value=_flag(initial.get("indirect")),
                         key=f"{prefix}_indirect", help=INDIRECT_HELP)
    if unit is None or target is None:
        st.info("Nothing shown: choose a Dutch unit and a target above.")
        st.stop()
    row = units[units["id"] == unit].iloc[0]
    choice = {"institution": row["institution"], "department": row["department"], "target": target,
              "since": int(since), "until": int(until), "hops": int(hops), "min_works": int(min_works),
              "indirect": bool(indirect), "kinds": list(kinds), **strength}
    st.session_state["selection"] = choice
    url = {k: v for k, v in choice.items() if k not in ("indirect", "kinds") and v not in ("", None)}
    if strength and strength["min_strength"] == STRENGTH_DEFAULT:
        url.pop("min_strength")
    if indirect:
        url["indirect"] = 1
    if set(kinds) != set(KINDS):
        url["kinds"] = ",".join(kinds) or "none"
    if url.get("since") == first:
        url.pop("since")
    if url.get("until") == last:
        url.pop("until")
    st.query_params.from_dict({k: str(v) for k, v in url.items()})
    searched = tuple(k for k in kinds_for(indirect) if k in kinds)
    if not searched:
        st.info("No tie kind chosen: pick at least one under *Kinds*.")
        st.stop()
    return {"country": "NL", "institution": choice["institution"], "department": choice["department"],
            "target": target, "max_hops": choice["hops"], "since": choice["since"], "until": choice["until"],
            "min_works": choice["min_works"], "kinds": searched, **strength}
