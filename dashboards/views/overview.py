"""Overview for policymakers: exposure by sector, technology area and year, each figure
drillable down to the works behind it."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import data
from dashboards.selection import TARGETS
from queries.exposure import units_of

data.header("Overview: exposure of Dutch research to watchlist entities")
first, last = data.year_range()
cols = st.columns([2, 3])
target = cols[0].selectbox("Targets", list(TARGETS), format_func=TARGETS.get, key="ov_target")
since, until = cols[1].slider("Years", first, last, (first, last), key="ov_years")
shares = st.toggle("Shares of all China co-publications (slower on a large corpus)", key="ov_shares",
                   help="Adds, for each unit, how many works it co-published with Chinese institutions and "
                        "which share of those has a tie. Counting every Dutch-Chinese co-publication takes "
                        "seconds on a large corpus, so it runs only when asked.")
filters = {"country": "NL", "target": target, "since": since, "until": until}
evidence = data.exposure_evidence(filters)
if evidence.empty:
    st.info("No publication ties for this selection.")
    st.stop()

m = st.columns(4)
m[0].metric("Works with a tie", evidence["work_id"].nunique())
m[1].metric("Dutch institutions", evidence["institution_id"].nunique())
m[2].metric("Dutch authors", evidence["source_author_id"].nunique())
m[3].metric("Watchlist entities", evidence["entity_id"].nunique())
st.caption("Counts are publication-based ties (co-authorship and dual affiliation). " + (
    "Share = works with a tie / all co-publications of the unit with Chinese institutions (in the tooltips)."
    if shares else "Switch on *Shares of all China co-publications* to add each unit's share (in the tooltips)."))
extra = ["china_works", "share"] if shares else []


def bar(by: str, title: str) -> str | None:
    """A bar chart of exposure by `by`; returns the unit clicked, if any."""
    try:
        table = data.exposure(by, filters, shares)
    except Exception as exc:  # noqa: BLE001 - one failing dimension must not hide the page
        st.info(f"{title}: not available ({exc})")
        return None
    if table.empty:
        st.info(f"{title}: no ties.")
        return None
    pick = alt.selection_point(fields=["unit"], name="pick")
    chart = alt.Chart(table.drop(columns=["trend"]).head(20)).mark_bar().encode(
        x=alt.X("works:Q", title="works with a tie"), y=alt.Y("unit:N", sort="-x", title=None),
        tooltip=["unit", "works", "authors", "entities", *extra],
        opacity=alt.condition(pick, alt.value(1), alt.value(0.5))).add_params(pick).properties(title=title)
    state = st.altair_chart(chart, on_select="rerun", key=f"chart_{by}", width="stretch")
    picked = (state or {}).get("selection", {}).get("pick") or []
    return picked[0].get("unit") if picked else None


cols = st.columns(2)
with cols[0]:
    clicked_sector = bar("sector", "By sector")
with cols[1]:
    clicked_tech = bar("technology", "By sensitive technology area")

years = data.exposure("year", filters, shares)
if not years.empty:
    st.altair_chart(alt.Chart(years.drop(columns=["trend"])).mark_line(point=True).encode(
        x=alt.X("unit:O", title="year"), y=alt.Y("works:Q", title="works with a tie"),
        tooltip=["unit", "works", *extra]).properties(title="By year"), width="stretch")

if shares:
    by_inst = data.exposure("institution", filters, True)
    st.markdown("**Share of each Dutch institution's China co-publications that has a tie**")
    st.dataframe(by_inst[["unit", "works", "china_works", "share"]].rename(columns={
        "unit": "institution", "works": "works with a tie", "china_works": "China co-publications"}),
        hide_index=True, width="stretch", key="ov_share_table")

heat = units_of(evidence, "institution", evidence=True).drop_duplicates(["unit", "year", "work_id"])
heat = heat.groupby(["unit", "year"]).size().reset_index(name="works")
st.altair_chart(alt.Chart(heat).mark_rect().encode(
    x=alt.X("year:O"), y=alt.Y("unit:N", title=None), color=alt.Color("works:Q", scale=alt.Scale(scheme="orangered")),
    tooltip=["unit", "year", "works"]).properties(title="Dutch institutions by year (works with a tie)"),
    width="stretch")

st.subheader("The works behind a figure")
dims = {"sector": "Sector", "technology": "Technology area", "year": "Year", "institution": "Institution",
        "field": "Field", "branch": "PLA branch"}
default_dim = "technology" if clicked_tech else "sector"
cols = st.columns(2)
dim = cols[0].selectbox("Figure", list(dims), index=list(dims).index(default_dim), format_func=dims.get,
                        key="ov_dim")
try:
    units = units_of(evidence, dim, evidence=True)
except Exception as exc:  # noqa: BLE001
    st.info(f"Not available: {exc}")
    st.stop()
options = sorted(units["unit"].dropna().astype(str).unique())
clicked = clicked_tech if dim == "technology" else clicked_sector if dim == "sector" else None
unit = cols[1].selectbox("Unit", options, index=options.index(clicked) if clicked in options else 0, key="ov_unit")
rows = units[units["unit"].astype(str) == unit]
works = (rows.groupby(["work_id", "doi", "year", "title"], dropna=False)
         .agg(dutch=("institution", lambda s: "; ".join(sorted(set(s)))),
              entities=("entity_name", lambda s: "; ".join(sorted(set(s)))),
              raw=("source_raw", lambda s: " | ".join(sorted(set(map(str, s))))))
         .reset_index().sort_values(["year", "work_id"], ascending=[False, True]))
st.write(f"{len(works)} works behind **{dims[dim]}: {unit}**")
st.dataframe(pd.DataFrame(works), hide_index=True, width="stretch",
             column_config={"doi": st.column_config.LinkColumn("DOI"), "work_id": st.column_config.LinkColumn("Work")})
