"""Overview for policymakers: exposure by sector, technology area and year, each figure
drillable down to the works behind it.

A click on a bar (or a heatmap cell) sets the figure and unit of "The works behind a
figure" (``dashboards.drill``); the choice lives in the URL (``?dim=sector&unit=...``) so
a link reproduces it.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import data, drill
from dashboards.labels import label, md, percent, plural, unit_label
from dashboards.selection import TARGETS, target_label
from queries.exposure import units_of

data.header("Overview: exposure of Dutch research to watchlist entities")
first, last = data.year_range()
drill.seed_from_url(first, last)
cols = st.columns([2, 3])
target = cols[0].selectbox("Targets", list(TARGETS), format_func=target_label, key="ov_target")
since, until = cols[1].slider("Years", first, last, key="ov_years")
shares = st.toggle("Shares of all China co-publications (slower on a large corpus)", key="ov_shares",
                   help="Adds, for each unit, how many works it co-published with Chinese institutions and "
                        "which share of those has a tie. Counting every Dutch-Chinese co-publication takes "
                        "seconds on a large corpus, so it runs only when asked.")
filters = {"country": "NL", "target": target, "since": since, "until": until}
evidence = data.exposure_evidence(filters)
if evidence.empty:
    drill.write_url(first, last)
    st.info("No publication ties for this selection.")
    st.stop()

m = st.columns(4)
m[0].metric("Works with a tie", evidence["work_id"].nunique())
m[1].metric("Dutch institutions", evidence["institution_id"].nunique())
m[2].metric("Dutch authors", evidence["source_author_id"].nunique())
m[3].metric("Watchlist entities", evidence["entity_id"].nunique())
st.caption("Counts are publication-based ties (co-authorship and dual affiliation). Click a bar or a heatmap "
           "cell to list the works behind it. " + (
               "Share = works with a tie / all co-publications of the unit with Chinese institutions (in the "
               "tooltips)." if shares else
               "Switch on *Shares of all China co-publications* to add each unit's share (in the tooltips)."))
SVG = {"embedOptions": {"renderer": "svg"}}  # marks in the DOM: clickable and readable by a browser test


def labelled(table: pd.DataFrame, by: str) -> pd.DataFrame:
    """The exposure table with a human ``label`` column and the share as text."""
    table = table.drop(columns=["trend"]).copy()
    table["label"] = [unit_label(by, u) for u in table["unit"]]
    table["works_text"] = [plural(int(n), "work") for n in table["works"]]
    table["share_text"] = [percent(s) for s in table["share"]]
    return table


def tooltip(extra: bool) -> list:
    base = [alt.Tooltip("label:N", title="unit"), alt.Tooltip("works_text:N", title="works with a tie"),
            alt.Tooltip("authors:Q", title="Dutch authors"), alt.Tooltip("entities:Q", title="watchlist entities")]
    return base + ([alt.Tooltip("china_works:Q", title="China co-publications"),
                    alt.Tooltip("share_text:N", title="share with a tie")] if extra else [])


def bar(by: str, title: str) -> None:
    """A clickable bar chart of exposure by `by` (a click drills down to its works)."""
    try:
        table = data.exposure(by, filters, shares)
    except Exception as exc:  # noqa: BLE001 - one failing dimension must not hide the page
        st.info(f"{title}: not available ({md(str(exc))})")
        return
    if table.empty:
        st.info(f"{title}: no ties.")
        return
    table = labelled(table, by).head(20)
    pick = alt.selection_point(fields=["unit_id"], name="pick")
    chart = alt.Chart(table).mark_bar(cursor="pointer").encode(
        x=alt.X("works:Q", title="works with a tie"),
        y=alt.Y("label:N", sort="-x", title=None, axis=alt.Axis(labelLimit=520)),
        tooltip=tooltip(shares), opacity=alt.condition(pick, alt.value(1), alt.value(0.5)),
    ).add_params(pick).properties(title=title, usermeta=SVG)
    key = f"chart_{by}"
    st.altair_chart(chart, on_select=drill.on_chart(key, by), key=key, width="stretch")


bar("sector", "By sector")
bar("technology", "By sensitive technology area")  # full width: the area names are long

years = data.exposure("year", filters, shares)
if not years.empty:
    years = labelled(years, "year")
    pick = alt.selection_point(fields=["unit_id"], name="pick")
    st.altair_chart(alt.Chart(years).mark_bar(cursor="pointer").encode(
        x=alt.X("label:O", title="year"), y=alt.Y("works:Q", title="works with a tie"), tooltip=tooltip(shares),
        opacity=alt.condition(pick, alt.value(1), alt.value(0.5)),
    ).add_params(pick).properties(title="By year", usermeta=SVG),
        on_select=drill.on_chart("chart_year", "year"), key="chart_year", width="stretch")

if shares:
    by_inst = data.exposure("institution", filters, True)
    st.markdown("**Share of each Dutch institution's China co-publications that has a tie**")
    st.dataframe(by_inst[["unit", "works", "china_works", "share"]].rename(columns={
        "unit": "institution", "works": "works with a tie", "china_works": "China co-publications"}).assign(
        share=lambda f: f["share"] * 100),
        hide_index=True, width="stretch", key="ov_share_table",
        column_config={"share": st.column_config.NumberColumn("share with a tie", format="%.1f%%")})

heat = units_of(evidence, "institution", evidence=True).drop_duplicates(["unit_id", "year", "work_id"])
heat = heat.groupby(["unit_id", "unit", "year"]).size().reset_index(name="works")
heat["works_text"] = [plural(int(n), "work") for n in heat["works"]]
cell = alt.selection_point(fields=["unit_id", "year"], name="pick")
st.altair_chart(alt.Chart(heat).mark_rect(cursor="pointer").encode(
    x=alt.X("year:O"), y=alt.Y("unit:N", title=None, axis=alt.Axis(labelLimit=360)),
    color=alt.Color("works:Q", scale=alt.Scale(scheme="orangered")),
    tooltip=[alt.Tooltip("unit:N", title="institution"), "year:O", alt.Tooltip("works_text:N", title="works")],
    opacity=alt.condition(cell, alt.value(1), alt.value(0.6)),
).add_params(cell).properties(title="Dutch institutions by year (works with a tie); click a cell", usermeta=SVG),
    on_select=drill.on_chart("chart_heat", "institution"), key="chart_heat", width="stretch")

st.subheader("The works behind a figure")
dims = drill.DIMENSIONS
cols = st.columns([2, 3, 1])
dim = cols[0].selectbox("Figure", list(dims), format_func=lambda d: label("dimensions", d), key="ov_dim",
                        on_change=drill.reset_unit)
try:
    units = units_of(evidence, dim, evidence=True)
except Exception as exc:  # noqa: BLE001
    st.info(f"Not available: {md(str(exc))}")
    st.stop()
names = dict(zip(units["unit_id"].astype(str), units["unit"].astype(str), strict=False))
options = sorted(names, key=lambda u: unit_label(dim, names[u]).lower())
wanted = st.session_state.get("ov_unit")
unknown = wanted not in (None, "") and wanted not in options
if unknown:
    st.warning(f"No works with a tie for {label('dimensions', dim).lower()} {md(repr(wanted))} in this selection "
               "(unknown or outside the chosen years and targets). Pick a unit below or click a chart.")
    st.session_state["ov_unit"] = None
elif wanted in (None, "") and options:
    st.session_state["ov_unit"] = options[0]
unit = cols[1].selectbox("Unit", options, format_func=lambda u: unit_label(dim, names.get(u, u)), key="ov_unit",
                         index=None if unknown else 0, placeholder="choose a unit")
year_options = sorted({int(y) for y in units["year"].dropna()}, reverse=True)
if st.session_state.get("ov_year") not in (None, *year_options):
    st.session_state["ov_year"] = None
year = cols[2].selectbox("Year", year_options, key="ov_year", index=None, placeholder="all years")
drill.write_url(first, last)
rows = units[(units["unit_id"].astype(str) == str(unit))] if unit is not None else units.iloc[0:0]
if year is not None:
    rows = rows[rows["year"] == year]
works = (rows.groupby(["work_id", "doi", "year", "title"], dropna=False)
         .agg(dutch=("institution", lambda s: "; ".join(sorted(set(s)))),
              entities=("entity_name", lambda s: "; ".join(sorted(set(s)))),
              raw=("source_raw", lambda s: " | ".join(sorted(set(map(str, s))))))
         .reset_index().sort_values(["year", "work_id"], ascending=[False, True]))
what = f"{label('dimensions', dim)}: {unit_label(dim, names.get(unit, unit))}" if unit is not None else "no unit"
st.text(f"{plural(len(works), 'work')} behind {what}" + (f", {year}" if year is not None else ""))
st.dataframe(pd.DataFrame(works, columns=["work_id", "doi", "year", "title", "dutch", "entities", "raw"]),
             hide_index=True, width="stretch", key="ov_works",
             column_config={"doi": st.column_config.LinkColumn("DOI"), "work_id": st.column_config.LinkColumn("Work"),
                            "dutch": "Dutch institutions", "entities": "watchlist entities",
                            "raw": "raw affiliation strings"})
