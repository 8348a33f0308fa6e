"""Institution profile: authors and works over time, partner institutions, works, and
(for Dutch institutions) the ties to watchlist entities."""

from __future__ import annotations

from urllib.parse import urlencode

import altair as alt
import streamlit as st

from dashboards import cases, data
from dashboards.labels import label, md, plural
from dashboards.pathrows import path_table
from dashboards.selection import DEFAULT_INSTITUTION, FAST_KINDS, OA, indirect_note, unknown_id


def profile_url(page: str, ident: str) -> str:
    """A link to another profile page (relative, so it works behind any host or prefix)."""
    return f"{page}?{urlencode({page: ident})}"


def watchlist_matches() -> dict[str, str]:
    """Institution id -> the watchlist entity it is matched to, over every watchlist root."""
    entities = data.entities()
    roots = [e for e, chain in zip(entities["id"], entities["chain_ids"], strict=True) if len(list(chain or [])) <= 1]
    out: dict[str, str] = {}
    for root in roots:
        for row in data.run("profile_entity_institutions", {"entity": root}):
            out.setdefault(row["institution_id"], row["entity"])
    return out

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
st.subheader(md(row["name"]))
st.text(f"{inst_id} · country {row['country'] or 'unknown'} · sector "
        f"{label('sectors', row['sector']) if row['sector'] else 'not classified'} · ROR {row['ror'] or 'none'}")

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
            st.caption("Tick paths to add them to a case (sidebar).")
            picked = st.dataframe(path_table(bundle.paths), hide_index=True, width="stretch", key="inst_paths",
                                  on_select="rerun", selection_mode="multi-row")
            rows = (picked or {}).get("selection", {}).get("rows", [])
            cases.sidebar([bundle.paths[i] for i in rows], profile_filters)
        else:
            st.write("No dual affiliation, direct or career ties to watchlist entities in the loaded data.")
        st.page_link("views/explorer.py", label="Open in the Explorer",
                     query_params={"institution": inst_id, "target": "all"})
    else:
        st.write("Ties are traced from Dutch institutions; see the Entity profile for watchlist entities.")
with tabs[1]:
    partners = data.frame("profile_institution_partners", {"institution": inst_id})
    if not partners.empty:
        watch = watchlist_matches()
        partners.insert(1, "watchlist", [watch.get(i, "") for i in partners["institution_id"]])
        partners["profile"] = [profile_url("institution", i) for i in partners["institution_id"]]
        st.caption(f"{plural(int((partners['watchlist'] != '').sum()), 'partner')} matched to the watchlist "
                   "(named in the *watchlist* column).")
    st.dataframe(partners, hide_index=True, width="stretch",
                 column_config={"profile": st.column_config.LinkColumn("profile", display_text="open profile"),
                                "watchlist": "watchlist entity matched"})
with tabs[2]:
    authors = data.frame("profile_institution_authors", {"institution": inst_id})
    if not authors.empty:
        authors["profile"] = [profile_url("author", a) for a in authors["author_id"]]
    st.dataframe(authors, hide_index=True, width="stretch",
                 column_config={"profile": st.column_config.LinkColumn("profile", display_text="open profile")})
with tabs[3]:
    st.dataframe(data.frame("profile_institution_works", {"institution": inst_id}), hide_index=True, width="stretch",
                 column_config={"doi": st.column_config.LinkColumn("DOI")})
