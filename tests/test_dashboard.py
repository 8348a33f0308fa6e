"""Every dashboard page, run headless with AppTest on the known-answer corpus."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboards.labels import md
from dashboards.network import capped_paths
from tests.corpus import author, inst

APP = str(Path(__file__).resolve().parents[1] / "dashboards" / "app.py")
NUDT_NAME = "National University of Defense Technology"


def _page_runner(known_home, monkeypatch, *, clean: bool):
    """Run a dashboard page with URL params on the known corpus. `clean`: the page must show
    no error and carry the notices (for `app_raw`, errors on the page are the point)."""
    monkeypatch.setenv("TIES_HOME", str(known_home.home))
    monkeypatch.setenv("TIES_STORE", "local")

    def run(page: str, **params: str) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        for key, value in params.items():
            at.query_params[key] = value
        at.switch_page(f"views/{page}.py")
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        if clean:
            assert not at.error, [e.value for e in at.error]
            notes = " ".join(c.value for c in at.caption)
            assert "Co-authorship is evidence of collaboration, not of wrongdoing." in notes
            assert any("Synthetic demo data" in w.value for w in at.warning)
        return at

    return run


@pytest.fixture
def app(known_home, monkeypatch):
    """An AppTest of the dashboard reading the known corpus; call it with a page and URL params."""
    return _page_runner(known_home, monkeypatch, clean=True)


@pytest.fixture
def app_raw(known_home, monkeypatch):
    """Like `app`, but errors on the page are the point of the test (not a failure)."""
    return _page_runner(known_home, monkeypatch, clean=False)


def kinds_of(table) -> set[str]:
    """The tie kinds of a path table, whose kinds are shown as labels."""
    from dashboards.labels import table as labels

    keys = {text: key for key, text in labels()["kinds"].items()}
    return {keys[k] for k in table["kind"]}


def text(at: AppTest) -> str:
    return " ".join([m.value for m in at.markdown] + [c.value for c in at.code] + [t.value for t in at.text])


def test_overview_shows_headline_figures_and_drills_down_to_the_works(app):
    at = app("overview")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Works with a tie"] == "2"  # W1 (direct) and W2 (dual affiliation) reach NUDT
    at.selectbox(key="ov_dim").set_value("year").run()
    at.selectbox(key="ov_unit").set_value("2019").run()
    works = at.dataframe[-1].value
    assert list(works["work_id"]) == ["https://openalex.org/W9900000002"]
    assert works["doi"].iloc[0] == "https://doi.org/10.5555/ties-test.2"
    assert at.query_params["dim"] == "year" and at.query_params["unit"] == "2019"
    assert any(t.value.startswith("1 work behind Year: 2019") for t in at.text)  # singular, not "1 works"


def test_an_overview_url_reproduces_a_drill_down(app):
    at = app("overview", dim="year", unit="2019")
    assert at.selectbox(key="ov_dim").value == "year" and at.selectbox(key="ov_unit").value == "2019"
    assert list(at.dataframe[-1].value["work_id"]) == ["https://openalex.org/W9900000002"]


def test_a_chart_click_callback_sets_the_figure_unit_and_year():
    """A chart's on_select callback writes the works table's widget state (a changed index did not)."""
    def page() -> None:
        import streamlit as st

        from dashboards.drill import on_chart

        st.session_state["chart_heat"] = {"selection": {"pick": [{"unit_id": "I1", "year": 2019}]}}
        on_chart("chart_heat", "institution")()
        st.write(f"{st.session_state['ov_dim']} {st.session_state['ov_unit']} {st.session_state['ov_year']}")

    at = AppTest.from_function(page).run()
    assert not at.exception
    assert at.markdown[0].value == "institution I1 2019"


def test_an_unknown_unit_in_the_overview_url_says_so_and_shows_no_works(app):
    at = app("overview", dim="sector", unit="no_such_sector")
    assert any("no_such_sector" in w.value.replace("\\", "") for w in at.warning)
    assert at.dataframe[-1].value.empty


def test_overview_labels_are_human(app):
    at = app("overview")
    sectors = at.selectbox(key="ov_unit").options
    assert "Research university" in sectors and "research_university" not in sectors
    assert "Everything under the CMC (all entities)" in at.selectbox(key="ov_target").options


def test_overview_counts_china_co_publication_shares_only_when_asked(app):
    at = app("overview")
    assert len(at.dataframe) == 1  # only the works behind a figure
    assert any("Switch on *Shares" in c.value for c in at.caption)
    at.toggle(key="ov_shares").set_value(True).run()
    assert not at.exception
    shares = at.dataframe[0].value.set_index("institution")
    delft = shares.loc["Delft University of Technology"]
    assert delft["works with a tie"] >= 1 and delft["China co-publications"] >= delft["works with a tie"]
    assert 0 < delft["share"] <= 100  # a percentage, shown as "7.7%"


def test_explorer_draws_the_delft_to_nudt_subgraph_from_the_url_and_ranks_the_paths(app):
    at = app("explorer", institution=inst("TUD").rsplit("/", 1)[-1], target="cmc")
    graph = at.get("iframe")[0].proto.srcdoc
    assert NUDT_NAME in graph and "Delft University of Technology" in graph
    assert "cdn.jsdelivr" not in graph and "<script src=" not in graph
    paths = at.dataframe[0].value
    assert kinds_of(paths) == {"dual_affiliation", "direct"}
    assert set(paths["watchlist entity"]) == {NUDT_NAME}
    works = at.dataframe[1].value
    assert "https://doi.org/10.5555/ties-test.1" in set(works["doi"])
    assert at.query_params["institution"] == inst("TUD")


def test_explorer_search_picks_another_unit_and_writes_it_to_the_url(app):
    at = app("explorer")
    at.text_input(key="ex_search").set_value("Amsterdam").run()
    at.selectbox(key="ex_target").set_value("all").run()
    at.toggle(key="ex_indirect").set_value(True).run()
    assert at.query_params["institution"] == inst("UVA")
    kinds = kinds_of(at.dataframe[0].value)
    assert {"career", "indirect"} <= kinds  # c1 moved NUDT -> UvA; x3 reaches AMU through z1


def test_explorer_leaves_indirect_ties_out_until_asked_and_says_why(app):
    at = app("explorer", institution=inst("UVA").rsplit("/", 1)[-1], target="all")
    assert kinds_of(at.dataframe[0].value) == {"career"}
    assert any("Indirect ties (chains of co-authors) were not searched" in i.value for i in at.info)
    assert "indirect" not in at.query_params
    at.toggle(key="ex_indirect").set_value(True).run()
    assert "indirect" in kinds_of(at.dataframe[0].value)
    assert not any("were not searched" in i.value for i in at.info)
    assert at.query_params["indirect"] == "1"


def test_an_explorer_url_with_indirect_on_searches_indirect_ties_at_once(app):
    at = app("explorer", institution=inst("UVA").rsplit("/", 1)[-1], target="all", indirect="1")
    assert at.toggle(key="ex_indirect").value is True
    assert "indirect" in kinds_of(at.dataframe[0].value)


def test_indirect_ties_need_two_hops_and_the_explorer_says_so(app):
    at = app("explorer", institution=inst("UVA").rsplit("/", 1)[-1], target="all", indirect="1", hops="1")
    assert "indirect" not in kinds_of(at.dataframe[0].value)
    assert any("need at least 2 hops" in i.value for i in at.info)


def test_explorer_says_so_when_a_selection_has_no_ties(app):
    at = app("explorer", institution=inst("UVA").rsplit("/", 1)[-1], target="industry")
    assert any("No ties for this selection" in i.value for i in at.info)


def test_entity_profile_shows_hierarchy_aliases_sources_and_dutch_ties(app):
    at = app("entity", entity="nudt")
    body = text(at)
    assert "Central Military Commission" in body and "NUDT" in body and "Sources" in body
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    by_institution = at.dataframe[-1].value
    assert "Delft University of Technology" in set(by_institution["institution"])
    assert any("were not searched" in i.value for i in at.info)


def test_institution_profile_lists_ties_partners_authors_and_works(app):
    at = app("institution", institution=inst("TUD").rsplit("/", 1)[-1])
    ties = at.dataframe[0].value
    assert NUDT_NAME in set(ties["watchlist entity"]) and "Test Author x1" in set(ties["Dutch author"])
    partners = at.dataframe[1].value
    assert NUDT_NAME in set(partners["institution"])


def test_author_profile_shows_a_career_move_between_nudt_and_amsterdam(app):
    at = app("author", author=author("c1"))
    spans = at.dataframe[0].value
    assert {NUDT_NAME, "University of Amsterdam"} <= set(spans["institution"])
    assert "Watchlist-matched affiliations" in text(at)


def test_export_page_offers_all_five_formats_for_the_selection(app):
    at = app("export", institution=inst("TUD").rsplit("/", 1)[-1])
    buttons = at.get("download_button")
    assert len(buttons) == 5
    assert "ties-test.1" in text(at)  # the Markdown preview lists the DOIs
    assert any("were not searched" in i.value for i in at.info)


def test_export_page_includes_indirect_ties_when_the_toggle_is_on(app):
    at = app("export", institution=inst("UVA").rsplit("/", 1)[-1], target="all")
    assert "indirect" not in text(at)
    at.toggle(key="exp_indirect").set_value(True).run()
    assert "indirect" in text(at)  # the Markdown report lists the indirect path and the kinds filter


def test_the_explorer_selection_with_indirect_on_carries_over_to_the_export_page(app):
    at = app("explorer", institution=inst("UVA").rsplit("/", 1)[-1], target="all")
    at.toggle(key="ex_indirect").set_value(True).run()
    at.switch_page("views/export.py").run()
    assert at.toggle(key="exp_indirect").value is True


def test_a_query_the_store_rejects_shows_its_error_and_the_page_goes_on(known_home, monkeypatch):
    monkeypatch.setenv("TIES_HOME", str(known_home.home))
    monkeypatch.setenv("TIES_STORE", "local")

    def page() -> None:
        import streamlit as st

        from dashboards import data

        rows = data.run("institutions", {"no_such_parameter": 1})
        st.write(f"rows: {len(rows)}")

    at = AppTest.from_function(page).run()
    assert not at.exception
    # the message is Markdown source with its characters escaped, so it shows as typed
    assert at.error[0].value.startswith("Not shown:") and "no\\_such\\_parameter" in at.error[0].value
    assert md("['no_such_parameter']") in at.error[0].value
    assert "rows: 0" in text(at)


def test_long_tables_are_shown_one_page_at_a_time_with_a_page_picker():
    def page() -> None:
        import pandas as pd

        from dashboards.tables import paged_dataframe

        paged_dataframe(pd.DataFrame({"n": range(450)}), key="t", size=200)

    at = AppTest.from_function(page).run()
    assert list(at.dataframe[0].value["n"])[:1] == [0] and len(at.dataframe[0].value) == 200
    assert "Rows 1-200 of 450" in at.caption[0].value
    at.number_input(key="t_page").set_value(3).run()
    assert list(at.dataframe[0].value["n"]) == list(range(400, 450))
    assert "Rows 401-450 of 450" in at.caption[0].value


def test_short_tables_have_no_page_picker():
    def page() -> None:
        import pandas as pd

        from dashboards.tables import paged_dataframe

        paged_dataframe(pd.DataFrame({"n": range(3)}), key="t", size=200)

    at = AppTest.from_function(page).run()
    assert len(at.dataframe[0].value) == 3 and not at.number_input


@pytest.mark.parametrize("target", ["cmc", "all"])
def test_the_dashboard_bundle_searched_per_kind_group_equals_the_export_commands_bundle(known_local, known_home,
                                                                                      target):
    from dashboards.data import assemble
    from graph.tables import read_meta
    from queries.evidence import TieQuery, find_evidence
    from queries.export import gather

    query = TieQuery(institution=inst("UVA"), target=target, min_works=1)
    meta = read_meta(known_home.tables_dir)
    ours = assemble(known_local, query, meta,
                    lambda kinds: find_evidence(known_local, TieQuery(**{**query.filters(), "kinds": kinds})))
    theirs = gather(known_local, query, meta)
    assert ours.paths == theirs.paths and ours.summary == theirs.summary
    assert ours.works == theirs.works and ours.entities == theirs.entities


def test_the_network_draws_the_strongest_paths_asked_for_and_says_how_many_are_hidden():
    def page(max_paths: int) -> None:
        from dashboards.network import show_network

        paths = [{"nodes": [{"id": "src", "label": "Institution", "name": "Src"},
                            {"id": f"a{i}", "label": "Author", "name": f"Coauthor{i:03d}"},
                            {"id": "nudt", "label": "Institution", "name": "NUDT"}],
                  "edges": [{"type": "AFFILIATED_WITH", "source": f"a{i}", "target": "src"},
                            {"type": "AFFILIATED_WITH", "source": f"a{i}", "target": "nudt"}],
                  "kind": "direct", "rank": i + 1, "source": {"institution_id": "src"},
                  "target": {"institution_id": "nudt"}} for i in range(30)]
        show_network(paths, {}, max_paths=max_paths)

    at = AppTest.from_function(page, args=(10,)).run()
    assert not at.exception, [e.value for e in at.exception]
    warning = at.warning[0].value
    assert "shows 10 of 30 paths, the strongest of each kind" in warning and "20 paths are hidden" in warning
    graph = at.get("iframe")[0].proto.srcdoc
    assert "Coauthor009" in graph and "Coauthor010" not in graph
    at = AppTest.from_function(page, args=(30,)).run()
    assert not at.warning


def test_large_selections_are_capped_whole_paths_first():
    def path(i: int) -> dict:
        return {"nodes": [{"id": "src"}, {"id": f"a{i}"}, {"id": f"w{i}"}, {"id": "nudt"}],
                "edges": [], "kind": "direct", "rank": i, "source": {"institution_id": "src"},
                "target": {"institution_id": "nudt"}}

    kept, _ = capped_paths([path(i) for i in range(50)], {}, max_nodes=20)
    assert len(kept) == 9  # 2 shared nodes + 2 per path, never a half path


def test_indirect_ties_are_drawn_even_when_stronger_kinds_fill_the_cap():
    """The cap is per kind: 60 direct paths no longer crowd the one indirect path out of the drawing."""
    from dashboards.network import per_kind

    paths = [{"kind": "direct", "rank": i} for i in range(1, 61)] + [{"kind": "indirect", "rank": 61}]
    chosen = per_kind(paths, 50)
    assert len(chosen) == 51 and chosen[1]["rank"] == 61


def test_explorer_path_rows_name_both_authors_and_the_years(app):
    at = app("explorer", institution=inst("TUD").rsplit("/", 1)[-1], target="cmc")
    paths = at.dataframe[0].value
    direct = paths[paths["kind"] == "Direct co-authorship"].iloc[0]
    assert direct["Dutch author"] == "Test Author x1" and direct["watchlist-side author"] == "Test Author y1"
    assert direct["first"] == 2018 and direct["last"] == 2018
    assert list(paths.columns[:8]) == ["rank", "kind", "Dutch institution", "Dutch author", "watchlist-side author",
                                       "watchlist entity", "works", "first"]


def test_explorer_network_names_authors_and_tells_entity_from_matched_institution(app):
    at = app("explorer", institution=inst("TUD").rsplit("/", 1)[-1], target="cmc")
    graph = at.get("iframe")[0].proto.srcdoc
    assert "Test Author x1" in graph and "Test Author y1" in graph  # labelled, not blank
    assert NUDT_NAME + "\\n(matched institution)" in graph and NUDT_NAME + "\\n(watchlist entity)" in graph
    assert "College of Computer, National University of Defense Technology" in graph  # raw affiliation on hover
    assert "#d62728" in graph and "#9467bd" in graph  # direct and dual-affiliation edges in their colours


def test_explorer_kind_filter_searches_only_the_kinds_chosen_and_keeps_them_in_the_url(app):
    at = app("explorer", institution=inst("TUD").rsplit("/", 1)[-1], target="cmc", kinds="direct")
    assert kinds_of(at.dataframe[0].value) == {"direct"}
    assert at.query_params["kinds"] == "direct"
    at.multiselect(key="ex_kinds").set_value(["dual_affiliation"]).run()
    assert kinds_of(at.dataframe[0].value) == {"dual_affiliation"}


@pytest.mark.parametrize("params, what", [({"institution": "I4210114711"}, "I4210114711"),
                                          ({"target": "doesnotexist"}, "doesnotexist")])
def test_an_unknown_id_in_the_explorer_url_says_so_and_shows_no_other_units_data(app_raw, params, what):
    at = app_raw("explorer", **params)
    assert any("Unknown" in e.value and what in e.value.replace("\\", "") for e in at.error)
    assert not at.dataframe and not at.get("iframe")  # never another unit's ties
    assert at.query_params.get("institution", "") != inst("TUD")  # the URL is not rewritten to Delft


@pytest.mark.parametrize("params", [{"hops": "999"}, {"min_works": "-3"}, {"hops": "two"}])
def test_bad_numbers_in_the_url_are_clamped_and_said_so(app_raw, params):
    at = app_raw("explorer", institution=inst("TUD").rsplit("/", 1)[-1], **params)
    assert not at.exception
    assert any(next(iter(params.values())) in w.value.replace("\\", "") for w in at.warning)
    assert 1 <= at.number_input(key="ex_hops").value <= 4 and at.number_input(key="ex_min").value >= 1


@pytest.mark.parametrize("page, params", [("entity", {"entity": "doesnotexist"}),
                                          ("institution", {"institution": "I4210114711"})])
def test_an_unknown_id_on_a_profile_page_says_so_and_shows_nothing_else(app_raw, page, params):
    at = app_raw(page, **params)
    assert any("Unknown" in e.value and next(iter(params.values())) in e.value.replace("\\", "") for e in at.error)
    assert not at.dataframe and not at.subheader


def test_export_file_names_carry_the_selection_so_two_exports_never_collide(app):
    cmc = app("export", institution=inst("TUD").rsplit("/", 1)[-1], target="cmc")
    nudt = app("export", institution=inst("TUD").rsplit("/", 1)[-1], target="nudt")

    def names(at):
        return {b.proto.label: b.proto.url for b in at.get("download_button")}

    one = [c.value for c in cmc.caption if c.value.startswith("File names")][0]
    two = [c.value for c in nudt.caption if c.value.startswith("File names")][0]
    assert "to-cmc" in one and "to-nudt" in two and one != two
    assert all(label.startswith("Download ") for label in names(cmc))


def test_export_of_the_ticked_paths_only(app):
    at = app("export", institution=inst("TUD").rsplit("/", 1)[-1], target="cmc")
    assert "Export of all 2 paths" in " ".join(t.value for t in at.text)
    at.session_state["exp_paths"] = {"selection": {"rows": [1], "columns": []}}
    at.run()
    body = " ".join(t.value for t in at.text)
    assert "Export of the 1 ticked path" in body
    assert any("paths-2" in c.value for c in at.caption)


@pytest.mark.process
@pytest.mark.parametrize("sig", ["SIGTERM", "SIGINT"])
def test_stopping_ties_dashboard_stops_its_streamlit_child_and_frees_the_port(known_home, sig):
    """Before, a SIGTERM to `ties dashboard` (or `ties demo`) left Streamlit serving the port."""
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "TIES_HOME": str(known_home.home), "TIES_STORE": "local"}
    code = "from ties.cli import main; main()"
    proc = subprocess.Popen([sys.executable, "-c", code, "dashboard", "--port", str(port), "--no-browser"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the dashboard never answered")
        proc.send_signal(getattr(signal, sig))
        proc.wait(30)
        for _ in range(100):  # the child has up to 10 s to stop before it is killed
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) != 0:
                    break
            time.sleep(0.1)
        else:
            pytest.fail(f"port {port} still served after {sig} to ties dashboard")
    finally:
        if proc.poll() is None:
            proc.kill()


def test_institution_profile_marks_watchlist_partners_and_links_every_author(app):
    at = app("institution", institution=inst("TUD").rsplit("/", 1)[-1])
    partners = at.dataframe[1].value.set_index("institution")
    assert partners.loc[NUDT_NAME, "watchlist"] == NUDT_NAME
    assert partners.loc["University of Amsterdam", "watchlist"] == ""
    authors = at.dataframe[2].value
    assert len(authors) > 1 and all(u.startswith("author?author=") for u in authors["profile"])
    assert "sector Research university" in " ".join(t.value for t in at.text)


def test_text_from_the_url_is_shown_as_typed_never_as_markdown(app_raw):
    at = app_raw("explorer", institution="![x](https://evil.example/p.png)")
    shown = " ".join(e.value for e in at.error)
    assert "![x](" not in shown and "\\!\\[x\\]" in shown


def test_the_targets_list_has_no_two_options_with_the_same_label(app):
    at = app("explorer", institution=inst("TUD").rsplit("/", 1)[-1])
    options = at.selectbox(key="ex_target").options
    assert len(options) == len(set(options))
    cmc = [o for o in options if "Central Military Commission" in o or "under the CMC" in o]
    assert cmc == ["Everything under the CMC (all entities)"] or len(cmc) == len(set(cmc))


def test_two_evidence_edges_between_one_pair_are_one_drawn_edge_listing_both_works_and_wider():
    import json as _json
    import re

    import networkx as nx

    from queries.export import network_html

    G = nx.MultiDiGraph(path_kinds={1: "direct"})
    G.add_node("a", label="Author", name="Li Wei")
    G.add_node("n", label="Institution", name="NUDT", role="target")
    G.add_node("d", label="Institution", name="Delft", role="source")
    for work in ("W1", "W2"):
        G.add_edge("a", "n", key=f"AFFILIATED_WITH|{work}|raw", type="AFFILIATED_WITH", work_id=work,
                   raw_affiliation="College of Computer, NUDT", paths=[1])
    G.add_edge("a", "d", key="AFFILIATED_WITH|W1|raw2", type="AFFILIATED_WITH", work_id="W1", raw_affiliation="Delft",
               paths=[1])
    page = network_html(G)
    edges = _json.loads(re.search(r"edges = new vis\.DataSet\((\[.*?\])\);", page, re.S).group(1))
    to_nudt = [e for e in edges if e["to"] == "n"]
    assert len(to_nudt) == 1 and "W1" in to_nudt[0]["title"] and "W2" in to_nudt[0]["title"]
    assert to_nudt[0]["label"] == "2 works"
    assert to_nudt[0]["width"] > next(e for e in edges if e["to"] == "d")["width"]
    assert to_nudt[0]["color"] == "#d62728"  # a direct tie's colour


def test_the_grouped_view_draws_one_edge_per_tie_listing_its_people_and_every_work(app):
    at = app("explorer", institution=inst("UVA").rsplit("/", 1)[-1], target="all", indirect="1")
    at.selectbox(key="ex_view").set_value("grouped").run()
    graph = at.get("iframe")[0].proto.srcdoc
    assert "Test Author x3" not in graph.split("edges = new vis.DataSet")[0]  # no author nodes when grouped
    assert "Indirect (chain of co-authors): Test Author x3 (Informatics Institute) and Test Author y2" in graph
    assert "#2ca02c" in graph and "indirect" in graph
    assert "Grouped view" in " ".join(c.value for c in at.caption)
    at.multiselect(key="ex_expand").set_value([inst("UVA")]).run()
    assert "Test Author x3" in at.get("iframe")[0].proto.srcdoc.split("edges = new vis.DataSet")[0]


def test_a_saved_case_reopens_in_the_sidebar_with_its_paths_name_and_note(app, known_home, known_local):
    from graph.tables import read_meta
    from queries.cases import add_paths, new_case, save_case
    from queries.evidence import TieQuery
    from queries.export import gather

    bundle = gather(known_local, TieQuery(institution=inst("TUD"), target="cmc"), read_meta(known_home.tables_dir))
    case = new_case("Reopen me", "a note", bundle.meta)
    add_paths(case, bundle.paths[:2], bundle.filters, bundle.works)
    path = save_case(known_home.home, case)
    try:
        at = app("explorer", institution=inst("TUD").rsplit("/", 1)[-1], target="cmc")
        at.selectbox(key="case_open").set_value(str(path)).run()
        at.button(key="case_open_button").click().run()
        assert at.text_input(key="case_name").value == "Reopen me"
        assert at.text_area(key="case_note").value == "a note"
        assert any(c.value == "2 paths in the case." for c in at.sidebar.caption)
        assert len([b for b in at.get("download_button") if "the case" in b.proto.label]) == 5
    finally:
        path.unlink()


def test_grouped_tie_edges_carry_strength_and_matched_by_when_the_paths_have_them():
    from dashboards.network import drawing_graph

    path = {"kind": "direct", "rank": 1, "n_works": 1, "first_year": 2018, "last_year": 2018, "works": ["W1"],
            "strength": "strong", "nodes": [], "edges": [],
            "source": {"institution_id": "I1", "institution": "Delft"},
            "target": {"institution_id": "I2", "institution": "NUDT", "entity_id": "nudt", "entity": "NUDT"},
            "evidence": [{"work_id": "W1", "source_author": "x", "target_author": "y", "target_raw": "raw",
                          "target_matched_by": "project:alias", "target_alias": "NUDT"}]}
    G = drawing_graph([path], {}, grouped=True)
    tie = next(d for _, _, d in G.edges(data=True) if d.get("tie"))
    assert (tie["strength"], tie["matched_by"], tie["alias"]) == ("strong", "project:alias", "NUDT")
    del path["strength"], path["evidence"][0]["target_matched_by"]
    tie = next(d for _, _, d in drawing_graph([path], {}, grouped=True).edges(data=True) if d.get("tie"))
    assert "strength" not in tie and "matched_by" not in tie  # absent keys stay absent
