"""Overview drill-down state: which figure and unit "The works behind a figure" lists,
set by a click on a chart and kept in the URL.

Streamlit widgets with a key ignore a changed ``index`` once they exist, so a chart click
cannot steer the selectboxes through their arguments (that was the bug: a click
highlighted the bar and the table kept showing the first sector). Instead each chart's
``on_select`` callback writes the widget state directly, before the page reruns.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from dashboards.labels import md
from dashboards.selection import TARGETS

DIMENSIONS = ("sector", "technology", "year", "institution", "field", "branch")
URL_KEYS = ("target", "since", "until", "dim", "unit", "year")


def _int(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def seed_from_url(first: int, last: int) -> None:
    """Fill the Overview's widget state from the URL (first visit) or defaults; bad values
    are replaced by defaults and said so."""
    params = st.query_params
    state = st.session_state
    if "ov_target" not in state:
        wanted = params.get("target", "cmc")
        if wanted not in TARGETS:
            st.warning(f"Unknown target {md(repr(wanted))} in the URL; showing {TARGETS['cmc']}. "
                       "The Overview covers the target groups; open a single entity in the Entity profile.")
            wanted = "cmc"
        state["ov_target"] = wanted
    if "ov_years" not in state:
        since, until = _int(params.get("since")), _int(params.get("until"))
        since = first if since is None else min(max(since, first), last)
        until = last if until is None else min(max(until, since), last)
        state["ov_years"] = (since, until)
    if "ov_dim" not in state:
        dim = params.get("dim", "sector")
        if dim not in DIMENSIONS:
            st.warning(f"Unknown figure {md(repr(dim))} in the URL; showing sectors.")
            dim = "sector"
        state["ov_dim"] = dim
        state["ov_unit"] = params.get("unit") or None
        state["ov_year"] = _int(params.get("year"))


def reset_unit() -> None:
    """A new figure starts at its first unit, for every year."""
    st.session_state["ov_unit"] = None
    st.session_state["ov_year"] = None


def on_chart(key: str, dim: str) -> Callable[[], None]:
    """The ``on_select`` callback of chart `key` (a dimension `dim`): the clicked point
    becomes the figure, unit (and year, for a heatmap cell) of the works table."""

    def picked() -> None:
        points = ((st.session_state.get(key) or {}).get("selection") or {}).get("pick") or []
        if not points:
            return
        point = points[0]
        st.session_state["ov_dim"] = dim
        st.session_state["ov_unit"] = str(point.get("unit_id"))
        st.session_state["ov_year"] = _int(point["year"]) if "year" in point else None

    return picked


def write_url(first: int, last: int) -> None:
    """The current Overview selection as the URL's query string."""
    state = st.session_state
    since, until = state.get("ov_years", (first, last))
    url = {"target": state.get("ov_target", "cmc"), "since": since, "until": until, "dim": state.get("ov_dim"),
           "unit": state.get("ov_unit"), "year": state.get("ov_year")}
    if url["target"] == "cmc":
        url.pop("target")
    if since == first:
        url.pop("since")
    if until == last:
        url.pop("until")
    st.query_params.from_dict({k: str(v) for k, v in url.items() if v not in (None, "")})
