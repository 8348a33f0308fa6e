"""Author profile: affiliations over time (where career ties show), co-authors, works."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import data
from dashboards.labels import md

data.header("Author profile")
author_id = st.query_params.get("author", "")
name = st.text_input("Search an author by name", key="author_search", placeholder="e.g. Li")
if name:
    found = data.frame("profile_author_search", {"name": name})
    if found.empty:
        st.info(f"No author name contains {md(repr(name))}.")
    else:
        ids = list(found["id"])
        labels = {r.id: f"{r.name} ({r.id.rsplit('/', 1)[-1]})" for r in found.itertuples()}
        author_id = st.selectbox("Author", ids, index=ids.index(author_id) if author_id in ids else 0,
                                 format_func=labels.get, key="author_pick")
if not author_id:
    st.info("Search an author, or open one from an institution profile.")
    st.stop()
st.query_params["author"] = author_id
affiliations = data.frame("profile_author_affiliations", {"author": author_id})
if affiliations.empty:
    st.warning(f"No affiliations recorded for {md(author_id)}.")
    st.stop()
st.subheader(md(affiliations.iloc[0]["author"]))
st.text(author_id)

st.markdown("**Affiliations over time** (a move between a Dutch and a watchlist institution is a career tie)")
spans = affiliations.groupby(["institution", "country"], dropna=False).agg(
    first=("year", "min"), last=("year", "max"), works=("work_id", "nunique")).reset_index()
st.altair_chart(alt.Chart(affiliations).mark_circle(size=80).encode(
    x=alt.X("year:O"), y=alt.Y("institution:N", title=None), color="country:N",
    tooltip=["year", "institution", "work_id", "raw_affiliation"]), width="stretch")
st.dataframe(spans.sort_values("first"), hide_index=True, width="stretch")
watch = affiliations.dropna(subset=["entity_id"])
if not watch.empty:
    st.text("Watchlist-matched affiliations: " + ", ".join(sorted(set(watch["entity_name"]))))

tabs = st.tabs(["Works", "Co-authors"])
with tabs[0]:
    works = affiliations.groupby(["work_id", "doi", "year", "title"], dropna=False).agg(
        institutions=("institution", lambda s: "; ".join(sorted(set(s)))),
        raw=("raw_affiliation", lambda s: " | ".join(sorted(set(map(str, s)))))).reset_index()
    st.dataframe(pd.DataFrame(works).sort_values("year"), hide_index=True, width="stretch",
                 column_config={"doi": st.column_config.LinkColumn("DOI")})
with tabs[1]:
    st.dataframe(data.frame("profile_coauthors", {"author": author_id}), hide_index=True, width="stretch")
