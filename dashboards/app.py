"""Entrypoint: routes to one page per view (each page opens with ``data.header``).

Run with ``ties dashboard`` (or ``streamlit run dashboards/app.py``); the pages read the
store named by TIES_HOME / TIES_STORE.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `streamlit run` puts only dashboards/ on the path
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

# views/, not pages/: Streamlit would route /explorer straight to pages/explorer.py, skipping this file
PAGES = ROOT / "dashboards" / "views"

st.set_page_config(page_title="Research Ties", layout="wide")
page = st.navigation([
    st.Page(PAGES / "overview.py", title="Overview", url_path="overview", default=True),
    st.Page(PAGES / "explorer.py", title="Explorer", url_path="explorer"),
    st.Page(PAGES / "entity.py", title="Entity profile", url_path="entity"),
    st.Page(PAGES / "institution.py", title="Institution profile", url_path="institution"),
    st.Page(PAGES / "author.py", title="Author profile", url_path="author"),
    st.Page(PAGES / "export.py", title="Export", url_path="export"),
    st.Page(PAGES / "changes.py", title="What changed", url_path="changes"),
])
page.run()
