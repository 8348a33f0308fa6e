"""The path selection shared by the Explorer and Export pages, synced to the URL.

A URL such as ``/explorer?institution=I98358874&target=cmc&since=2015`` reproduces a view;
the selection also lives in ``st.session_state`` so moving between pages keeps it.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import data
from queries.evidence import KINDS

#: the tie kinds found by pattern matches in the store: fast at any corpus size
FAST_KINDS = tuple(k for k in KINDS if k != "indirect")

OA = "https://openalex.org/"
TARGETS = {"cmc": "Everything under the CMC (all entities)", "industry": "Defence industry (all entities)",
           "security": "Security organs (all entities)", "all": "Any watchlist entity"}
DEFAULT_INSTITUTION = OA + "I98358874"  # Delft University of Technology
KEYS = ("institution", "department", "target", "since", "until", "hops", "min_works", "indirect")
INDIRECT_HELP = ("Chains of co-authors, none of them Dutch- or watchlist-affiliated, from a Dutch author to a "
                 "watchlist-affiliated one. The search walks the co-authorship network and is slow on a large "
                 "corpus (measured at 100,000 generated works: half a minute for one university and the CMC, "
                 "minutes for every watchlist entity), so it runs only when asked.")


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


def tie_selection(prefix: str) -> dict:
    """Widgets for the Dutch unit, targets, years, hops and minimum works.

    Returns the ``TieQuery`` keyword arguments, and writes the choice to the URL. Indirect
    ties are searched only when the toggle is on (``?indirect=1``): see ``INDIRECT_HELP``.
    """
    initial = _initial()
    units = _units()
    if units.empty:
        st.warning("No Dutch institutions in the store.")
        st.stop()
    wanted = _full_id(initial.get("department") or initial.get("institution") or DEFAULT_INSTITUTION)
    search = st.text_input("Search a Dutch institution or department", key=f"{prefix}_search",
                           placeholder="e.g. Delft, microelectronics")
    shown = units[units["label"].str.contains(search, case=False, regex=False)] if search else units
    if shown.empty:
        st.info(f"No Dutch institution or department matches {search!r}; showing all.")
        shown = units
    ids = list(shown["id"])
    labels = dict(zip(units["id"], units["label"], strict=True))
    index = ids.index(wanted) if wanted in ids else 0
    cols = st.columns([3, 2])
    unit = cols[0].selectbox("Dutch institution or department", ids, index=index, format_func=labels.get,
                             key=f"{prefix}_unit")
    ents = data.entities()
    targets = list(TARGETS) + list(ents["id"])
    names = {**TARGETS, **dict(zip(ents["id"], ents["name"], strict=True))}
    target = initial.get("target", "cmc")
    target = cols[1].selectbox("Targets", targets, index=targets.index(target) if target in targets else 0,
                               format_func=names.get, key=f"{prefix}_target")
    first, last = data.year_range()
    since = min(max(_int(initial.get("since"), first), first), last)
    until = max(min(_int(initial.get("until"), last), last), since)
    cols = st.columns([3, 1, 1])
    since, until = cols[0].slider("Years", first, last, (since, until), key=f"{prefix}_years")
    hops = cols[1].number_input("Max hops", 1, 4, _int(initial.get("hops"), 2), key=f"{prefix}_hops")
    min_works = cols[2].number_input("Min works", 1, 50, _int(initial.get("min_works"), 1), key=f"{prefix}_min")
    indirect = st.toggle("Indirect ties (slow on a large corpus)", value=_flag(initial.get("indirect")),
                         key=f"{prefix}_indirect", help=INDIRECT_HELP)
    row = units[units["id"] == unit].iloc[0]
    choice = {"institution": row["institution"], "department": row["department"], "target": target,
              "since": int(since), "until": int(until), "hops": int(hops), "min_works": int(min_works),
              "indirect": bool(indirect)}
    st.session_state["selection"] = choice
    url = {k: v for k, v in choice.items() if k != "indirect" and v not in ("", None)}
    if indirect:
        url["indirect"] = 1
    if url.get("since") == first:
        url.pop("since")
    if url.get("until") == last:
        url.pop("until")
    st.query_params.from_dict({k: str(v) for k, v in url.items()})
    return {"country": "NL", "institution": choice["institution"], "department": choice["department"],
            "target": target, "max_hops": choice["hops"], "since": choice["since"], "until": choice["until"],
            "min_works": choice["min_works"], "kinds": kinds_for(indirect)}
