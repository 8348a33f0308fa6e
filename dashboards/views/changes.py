"""What changed since the previous load: ties new, gone or backed by more works.

Every load records a digest of its ties (``queries.generations``); this page compares the
two newest, so an analyst who refreshes the data reads only what is new.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import data
from dashboards.labels import label, plural
from queries.generations import diff_generations

data.header("What changed since the last load")
report = diff_generations(data.config().home)
if report["previous"] is None:
    st.info(report["note"] + " Load new data (`ties load`) and the ties it adds will be listed here.")
    st.stop()
st.text(f"Compared: the load of {report['current_loaded_at']} (data date {report['data_date']}) with the load of "
        f"{report['previous_loaded_at']}. Kinds compared: "
        + ", ".join(label("kinds", k).lower() for k in report.get("kinds") or []) + ".")
m = st.columns(3)
m[0].metric("New ties", len(report["new"]))
m[1].metric("Stronger ties (more works)", len(report["stronger"]))
m[2].metric("Ties gone", len(report["gone"]))
COLUMNS = {"kind": "kind", "institution": "Dutch institution", "source_author": "Dutch author",
           "target_author": "watchlist-side author", "entity": "watchlist entity",
           "target_institution": "matched institution", "works": "works", "works_before": "works before",
           "new_works": "new works", "last_year": "last year"}
for what, title in (("new", "New ties"), ("stronger", "Stronger ties"), ("gone", "Ties gone")):
    rows = report[what]
    st.subheader(f"{title} ({plural(len(rows), 'tie')})")
    if not rows:
        st.text("None.")
        continue
    frame = pd.DataFrame(rows)
    frame["kind"] = [label("kinds", k) for k in frame["kind"]]
    if "new_works" in frame:
        frame["new_works"] = ["; ".join(w) for w in frame["new_works"]]
    st.dataframe(frame.rename(columns=COLUMNS), hide_index=True, width="stretch", key=f"changes_{what}")
