"""The case panel in the sidebar: name and note a case, add ticked paths, reload a saved
case, and export exactly the case in every format (storage in ``queries.cases``)."""

from __future__ import annotations

import streamlit as st

from dashboards import data
from dashboards.labels import plural
from dashboards.pathrows import path_label
from queries.cases import add_paths, case_file, list_cases, load_case, new_case, render_case, save_case, slug
from queries.export import FORMATS, SUFFIX

MIME = {"graphml": "application/xml", "json": "application/json", "csv": "application/zip",
        "html": "text/html", "md": "text/markdown"}
FORMAT_LABELS = {"graphml": "GraphML", "json": "JSON", "csv": "CSV (zip)", "html": "HTML graph", "md": "Markdown"}


def _home():
    return data.config().home


def current() -> dict:
    """The case being built in this session (a new, unnamed one at first)."""
    if "case" not in st.session_state:
        st.session_state["case"] = new_case("", "", data.meta())
    return st.session_state["case"]


def _open(path) -> None:
    st.session_state["case"] = load_case(path)
    st.session_state["case_name"] = st.session_state["case"]["name"]
    st.session_state["case_note"] = st.session_state["case"].get("note", "")


def _entities() -> dict[str, dict]:
    return {e["id"]: e for e in data.run("entities", {"category": ""})}


def sidebar(ticked: list[dict], filters: dict) -> None:
    """The case panel; `ticked` are the paths ticked on this page (from selection `filters`)."""
    with st.sidebar:
        st.subheader("Case")
        saved = list_cases(_home())
        if saved:
            names = {str(p): p.stem for p in saved}
            choice = st.selectbox("Open a saved case", [""] + list(names), format_func=lambda p: names.get(p, "-"),
                                  key="case_open")
            if choice and st.button("Open", key="case_open_button"):
                _open(choice)
        case = current()
        name = st.text_input("Case name", key="case_name", placeholder="e.g. Delft microelectronics and NUDT")
        note = st.text_area("Note", key="case_note", height=80)
        case["name"], case["note"] = name.strip(), note
        add = st.button(f"Add {plural(len(ticked), 'ticked path')} to the case", key="case_add",
                        disabled=not ticked, width="stretch")
        if add:
            added = add_paths(case, ticked, filters, data.bundle(filters).works)
            st.toast(f"{plural(added, 'path')} added")
        st.caption(f"{plural(len(case['paths']), 'path')} in the case.")
        for path in case["paths"][:20]:
            st.text(path_label(path))
        if not case["paths"]:
            return
        if not case["name"]:
            st.info("Name the case to save and export it.")
            return
        if st.button("Save the case", key="case_save", width="stretch") or add:
            where = save_case(_home(), case)
            st.caption(f"Saved as {where.name} in the cases folder.")
        if st.button("Empty the case", key="case_clear", width="stretch"):
            case["paths"], case["works"] = [], {}
            st.rerun()
        entities = _entities()
        stem = f"case-{slug(case['name'])}"
        for fmt in FORMATS:
            st.download_button(f"Download the case: {FORMAT_LABELS[fmt]}", render_case(case, fmt, entities),
                               file_name=stem + SUFFIX[fmt], mime=MIME[fmt], key=f"case_download_{fmt}",
                               on_click="ignore", width="stretch")
        if case_file(_home(), case["name"]).is_file():
            st.caption("Reload it later from *Open a saved case*.")
