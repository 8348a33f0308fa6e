"""Institution profile: authors and works over time, partner institutions, works, and
(for Dutch institutions) the ties to watchlist entities."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboards import data
from dashboards.selection import DEFAULT_INSTITUTION, FAST_KINDS, OA, indirect_note, unknown_id

data.header("Institution profile")
institutions = data.institutions("")
ids = list(institutions["id"])
labels = {r.id: f"{r.name} ({r.country or '?'})" for r in institutions.itertuples()}
wanted = st.query_params.get("institution", DEFAULT_INSTITUTION)
given = wanted
wanted = wanted if wanted.startswith(("https://", "ties:")) else OA + wanted
if wanted not in ids:
    unknown_id("institution", given)
inst_id = st.selectbox("Institution", ids, index=ids.index(wanted) if wanted in ids else None,
                       format_func=labels.get, key="inst_pick", placeholder="choose an institution")
if inst_id is None:
    st.stop()
st.query_params["institution"] = inst_id
row = institutions[institutions["id"] == inst_id].iloc[0]
st.subheader(row["name"])
st.write(f"{inst_id} · country **{row['country'] or 'unknown'}** · sector **{row['sector'] or 'n/a'}** · "
         f"ROR {row['ror'] or 'none'}")

years = data.frame("profile_institution_years", {"institution": inst_id})
if not years.empty:
    long = years.melt(id_vars="year", value_vars=["authors", "works"], var_name="count")
    st.altair_chart(alt.Chart(long).mark_line(point=True).encode(x="year:O", y="value:Q", color="count:N")
                    .properties(title="Affiliated authors and works per year"), width="stretch")

tabs = st.tabs(["Ties to watchlist entities", "Partner institutions", "Authors", "Works"])
with tabs[0]:
    if row["country"] == "NL":
        first, last = data.year_range()
        profile_filters = {"country": "NL", "institution": inst_id, "target": "all", "since": first,
                           "until": last, "kinds": FAST_KINDS}
        bundle = data.bundle(profile_filters)
        indirect_note(profile_filters, how="open the Explorer (link below) to include them")
        if bundle.paths:
            st.dataframe([{"rank": p["rank"], "kind": p["kind"], "entity": p["target"]["entity"],
                           "category": p["target"]["category"], "works": p["n_works"],
                           "years": f"{p['first_year']}-{p['last_year']}"} for p in bundle.paths],
                         hide_index=True, width="stretch")
        else:
            st.write("No dual affiliation, direct or career ties to watchlist entities in the loaded data.")
        st.page_link("views/explorer.py", label="Open in the Explorer",
                     query_params={"institution": inst_id, "target": "all"})
    else:
        st.write("Ties are traced from Dutch institutions; see the Entity profile for watchlist entities.")
with tabs[1]:
    st.dataframe(data.frame("profile_institution_partners", {"institution": inst_id}), hide_index=True,
                 width="stretch")
with tabs[2]:
    authors = data.frame("profile_institution_authors", {"institution": inst_id})
    st.dataframe(authors, hide_index=True, width="stretch")
    if not authors.empty:
        st.page_link("views/author.py", label=f"Author profile: {authors.iloc[0]['author']}",
                     query_params={"author": authors.iloc[0]["author_id"]})
with tabs[3]:
    st.dataframe(data.frame("profile_institution_works", {"institution": inst_id}), hide_index=True, width="stretch",
                 column_config={"doi": st.column_config.LinkColumn("DOI")})
