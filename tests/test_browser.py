"""The dashboard in a real browser: Streamlit on 127.0.0.1 with the demo data, Debian's
Chromium headless, the Explorer opened from a URL that selects TU Delft.

Chromium is driven over its DevTools protocol in real time: with ``--dump-dom`` and
``--virtual-time-budget`` a cold first load was often captured as Streamlit's placeholder
(virtual time runs ahead while the server computes). The seconds from navigation until
the path shows are written next to the screenshot in test-artifacts/.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, under_ci
from ties.child import stop
from ties.commands._common import streamlit_command

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = ROOT / "test-artifacts"
NUDT_NAME = "National University of Defense Technology"
DELFT = "Delft University of Technology"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
         "--window-size=1400,2000",
         # the network is drawn in a sandboxed inner frame (no allow-same-origin); keep it in the
         # page's process so this DevTools session sees it (see canvas_in_a_frame)
         "--disable-features=IsolateSandboxedIframes"]


def chromium() -> str:
    """Path of Debian's chromium; a failure under CI, a skip on a workstation without it."""
    found = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if found:
        return found
    message = "chromium is not installed: run `apt-get install -y chromium` (or `make test`, which installs it)"
    if under_ci():
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory) -> Path:
    """The synthetic demo corpus, generated and loaded into its own TIES_HOME."""
    home = tmp_path_factory.mktemp("browser") / "home"
    env = {**os.environ, "TIES_HOME": str(home), "TIES_STORE": "local"}
    code = "from ties.commands.demo import prepare_demo; prepare_demo(progress=False)"
    subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True)
    return home


@pytest.fixture(scope="module")
def server(demo_home: Path):
    """`streamlit run dashboards/app.py` on a free 127.0.0.1 port; yields its base URL."""
    port = free_port()
    env = {**os.environ, "TIES_HOME": str(demo_home), "TIES_STORE": "local"}
    log = open(demo_home.parent / "streamlit.log", "wb")  # noqa: SIM115 - closed in teardown
    proc = subprocess.Popen(streamlit_command(port, "127.0.0.1", True), env=env, cwd=ROOT,
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if proc.poll() is not None:
                output = (demo_home.parent / "streamlit.log").read_text()
                pytest.fail(f"streamlit exited with {proc.returncode}: {output}")
            try:
                if urllib.request.urlopen(base + "/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("streamlit did not answer /_stcore/health")
        yield base
    finally:
        stop(proc)
        log.close()


class Page:
    """One Chromium tab driven over the DevTools protocol (real time, not virtual time)."""

    def __init__(self, binary: str, profile: Path):
        from websockets.sync.client import connect

        self.proc = subprocess.Popen([binary, *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0",
                                      "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = profile / "DevToolsActivePort"
        for _ in range(300):
            if port_file.is_file() and port_file.read_text().strip():
                break
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        targets = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5).read())
        page = next(t for t in targets if t["type"] == "page")
        self.ws = connect(page["webSocketDebuggerUrl"], max_size=None, open_timeout=10).__enter__()
        self.next_id = 0

    def call(self, method: str, **params) -> dict:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv(timeout=60))
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                return message["result"]

    def evaluate(self, expression: str):
        return self.call("Runtime.evaluate", expression=expression, returnByValue=True)["result"].get("value")

    def close(self) -> None:
        self.ws.close()
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


PROBE = """(() => {
  const nudt = NUDT, delft = DELFT;
  const grid = [...document.querySelectorAll('table[role=grid]')].map(t => t.innerText).join('\\n');
  const frames = [...document.querySelectorAll('iframe')];
  const graph = frames.some(f => (f.srcdoc || '').includes('vis.Network') && (f.srcdoc || '').includes(nudt));
  return {grid: grid.includes(nudt) && grid.includes(delft), graph, canvas: true,
          text: document.body ? document.body.innerText : ''};
})()""".replace("NUDT", json.dumps(NUDT_NAME)).replace("DELFT", json.dumps(DELFT))


def canvas_in_a_frame(page: Page) -> bool:
    """Whether any frame drew a canvas: the network's frame has an opaque origin, so the page's
    own script cannot look into it; DevTools can, through an isolated world in each frame."""
    def frames(node: dict):
        yield node["frame"]["id"]
        for child in node.get("childFrames", []):
            yield from frames(child)

    for frame in frames(page.call("Page.getFrameTree")["frameTree"]):
        try:
            context = page.call("Page.createIsolatedWorld", frameId=frame)["executionContextId"]
            found = page.call("Runtime.evaluate", expression="!!document.querySelector('canvas')",
                              contextId=context, returnByValue=True)["result"].get("value")
        except AssertionError:
            continue
        if found:
            return True
    return False


def test_the_explorer_shows_the_delft_to_nudt_path_in_the_network_and_the_table(server, tmp_path):
    binary = chromium()
    url = f"{server}/explorer?institution=I98358874&target=cmc"
    page = watched(binary, tmp_path / "profile")
    try:
        started = time.monotonic()
        page.call("Page.navigate", url=url)
        state: dict = {}
        first_seen: dict[str, float] = {}
        while time.monotonic() - started < 60:  # a wait for readiness, not an assertion on speed
            state = page.evaluate(PROBE) or {}
            state["canvas"] = state.get("canvas") or canvas_in_a_frame(page)
            for key in ("grid", "graph", "canvas"):
                if state.get(key):
                    first_seen.setdefault(key, round(time.monotonic() - started, 2))
            if len(first_seen) == 3:
                break
            time.sleep(0.2)
        assert state.get("graph"), "the network view never showed the NUDT node"
        drawn_in_frame(page)  # the network is in a sandboxed frame: checked in that frame's own context
        assert state.get("grid"), "the ranked path table never showed the Delft -> NUDT path"
        assert "Synthetic demo data" in state["text"]
        assert "evidence of collaboration, not of wrongdoing" in state["text"]
        assert "were not searched" in state["text"]  # indirect ties run only when asked, and the page says so
        time.sleep(1.5)  # let the layout settle for a readable screenshot
        ARTIFACTS.mkdir(exist_ok=True)
        shot = ARTIFACTS / "explorer-delft-nudt.png"
        import base64

        shot.write_bytes(base64.b64decode(page.call("Page.captureScreenshot", format="png")["data"]))
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        (ARTIFACTS / "explorer-delft-nudt.json").write_text(json.dumps(
            {"url": url, "seconds_after_navigation": first_seen, "screenshot": shot.name}))
    finally:
        page.close()


def watched(binary: str, profile: Path):
    """A tab that sees inside the network's sandboxed frame (see tests/test_hostile_browser.py)."""
    from tests.test_hostile_browser import Watched

    page = Watched(binary, profile)
    for domain in ("Page.enable", "Runtime.enable", "DOM.enable"):
        page.call(domain)
    return page


def drawn_in_frame(page, seconds: float = 90) -> tuple[int, list]:
    """(context id, frame chain) of the frame where vis-network drew its canvas."""
    from tests.test_hostile_browser import _frame_of

    return _frame_of(page, "typeof network !== 'undefined' && !!network.body && !!document.querySelector('canvas')",
                     time.monotonic() + seconds)


def shoot(page: Page, name: str) -> Path:
    """A full-viewport PNG under test-artifacts/ (checked by eye for readability)."""
    import base64

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / name
    shot.write_bytes(base64.b64decode(page.call("Page.captureScreenshot", format="png")["data"]))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return shot


def wait_for(page: Page, expression: str, seconds: float = 60, what: str = ""):
    """Poll a JavaScript expression until it is truthy; its value."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        value = page.evaluate(expression)
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what or expression}")


def click_at(page: Page, x: float, y: float) -> None:
    """A real mouse click (pressed, released) at viewport coordinates."""
    for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
        page.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)


#: the clickable marks of the n-th Vega chart (SVG renderer), with their aria labels and centres
MARKS = """((n, skip) => {
  const charts = [...document.querySelectorAll('.vega-embed')];
  const chart = charts[n];
  if (!chart) return null;
  chart.scrollIntoView({block: 'center'});
  const marks = [...chart.querySelectorAll('g.mark-rect path, g.mark-rect rect')]
      .filter(m => (m.getAttribute('aria-label') || '').length
                   && !skip.some(s => m.getAttribute('aria-label').includes(s)));
  return marks.map(m => { const r = m.getBoundingClientRect();
    return {label: m.getAttribute('aria-label'), x: r.left + r.width / 2, y: r.top + r.height / 2,
            w: r.width, h: r.height}; }).filter(m => m.w > 2 && m.h > 2);
})"""

WORKS_LINE = """(() => { const t = [...document.querySelectorAll('[data-testid=stText]')].map(e => e.innerText)
  .find(s => / behind /.test(s)); return t || ''; })()"""


def test_a_click_on_a_bar_of_each_overview_chart_lists_the_works_of_that_unit(server, tmp_path):
    """Sector, technology, year and the heatmap: each click changes the works table to the
    unit clicked (before, the table kept showing the first sector), and the URL keeps it."""
    page = Page(chromium(), tmp_path / "profile")
    try:
        page.call("Page.enable")
        page.call("Page.navigate", url=f"{server}/")  # the default page lives at /
        wait_for(page, "document.querySelectorAll('.vega-embed g.mark-rect path').length > 3", what="the charts")
        time.sleep(1)
        expected = {0: "Sector", 1: "Technology area", 2: "Year", 3: "Institution"}
        for n, figure in expected.items():
            before = page.evaluate(WORKS_LINE)
            marks = page.evaluate(MARKS + f"({n}, [])")
            assert marks, f"chart {n} has no clickable marks"
            # the last bar drawn: not the first unit, which the table shows by default
            mark = marks[-1]
            click_at(page, mark["x"], mark["y"])
            line = wait_for(page, f"(() => {{ const l = {WORKS_LINE}; return l !== {json.dumps(before)} "
                                  f"&& l.includes({json.dumps(figure + ':')}) ? l : ''; }})()",
                            30, f"the works table to follow a click on chart {n} ({mark['label']})")
            assert " behind " + figure in line
            url = page.evaluate("location.search")
            assert "dim=" in url and "unit=" in url, url
            grid = page.evaluate("[...document.querySelectorAll('table[role=grid]')].map(t => t.innerText).join('')")
            assert "openalex.org/W" in grid or "doi.org" in grid, "the works table is empty after the click"
            if n == 3:
                assert "year=" in url  # a heatmap cell is an institution and a year
            time.sleep(0.5)
        shoot(page, "overview-drilldown.png")
    finally:
        page.close()


def _expected_bundle(demo_home: Path, indirect: bool):
    """The paths the Explorer shows for Delft -> CMC, computed here as `ties export` does."""
    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    from graph.tables import read_meta
    from queries import open_store
    from queries.evidence import KINDS, TieQuery
    from queries.export import gather
    from ties.config import Config

    config = Config(home=demo_home)
    kinds = KINDS if indirect else tuple(k for k in KINDS if k != "indirect")
    with open_store(config, read_only=True) as store:
        return gather(store, TieQuery(institution="https://openalex.org/I98358874", target="cmc", kinds=kinds),
                      read_meta(config.tables_dir))


def test_the_explorer_draws_and_labels_indirect_ties_and_names_authors_on_path_rows(server, demo_home, tmp_path):
    from tests.test_hostile_browser import _offset

    expected = _expected_bundle(demo_home, indirect=True)
    assert any(p["kind"] == "indirect" for p in expected.paths), "the demo has no indirect tie from Delft"
    first_author = expected.paths[0]["evidence"][0]["source_author"]
    page = watched(chromium(), tmp_path / "profile")
    try:
        page.call("Page.navigate", url=f"{server}/explorer?institution=I98358874&target=cmc&indirect=1")
        ctx, chain = drawn_in_frame(page, 120)
        edges = page.evaluate_in(ctx, "edges.get().map(e => ({label: e.label || '', color: String(e.color || '')}))")
        indirect = [e for e in edges if e["color"] == "#2ca02c"]
        assert indirect, "no indirect edge drawn"
        assert any("indirect" in e["label"] or "works" in e["label"] for e in indirect), indirect
        grid = wait_for(page, "[...document.querySelectorAll('table[role=grid]')].map(t => t.innerText).join('\\n')",
                        30, "the path table")
        assert first_author in grid, f"{first_author!r} not on a path row"
        # a click on the Delft node offers its profile (investigation tools open a node's profile)
        page.evaluate_in(ctx, "network.stopSimulation(); network.setOptions({physics: false}); 1")
        time.sleep(1)
        dx, dy = _offset(page, chain)
        time.sleep(1)
        dx, dy = _offset(page, chain)
        spot = page.evaluate_in(ctx, """(() => { const id = 'https://openalex.org/I98358874';
          const p = network.canvasToDOM(network.getPositions([id])[id]);
          const c = document.getElementById('mynetwork').getBoundingClientRect();
          return {x: c.left + p.x, y: c.top + p.y}; })()""")
        click_at(page, dx + spot["x"], dy + spot["y"])
        time.sleep(1)
        link = page.evaluate_in(ctx, """(() => { const a = document.querySelector('#profile-link a');
          return a ? {text: a.textContent, href: a.href} : null; })()""")
        assert link, "no profile link after a click on the Delft node"
        assert link["text"] == "Open the profile of " + DELFT
        assert link["href"].startswith(server + "/institution?institution=https%3A%2F%2Fopenalex.org%2FI98358874")
        shoot(page, "explorer-indirect.png")
    finally:
        page.close()


def _click_row(page: Page, table: int, row: int) -> None:
    """Tick row `row` of the `table`-th data frame (its row-marker checkbox, a canvas cell)."""
    rect = page.evaluate(f"""(() => {{ const t = document.querySelectorAll('[data-testid=stDataFrame]')[{table}];
      t.scrollIntoView({{block: 'center'}}); const r = t.getBoundingClientRect();
      return {{x: r.left, y: r.top}}; }})()""")
    time.sleep(0.5)
    rect = page.evaluate(f"""(() => {{ const r = document.querySelectorAll('[data-testid=stDataFrame]')[{table}]
      .getBoundingClientRect(); return {{x: r.left, y: r.top}}; }})()""")
    click_at(page, rect["x"] + 18, rect["y"] + 35 * (row + 1) + 17)


def _button(page: Page, text: str) -> None:
    """Click the enabled button whose text starts with `text`, once the page has drawn it."""
    wait_for(page, f"""(() => {{ const b = [...document.querySelectorAll('button')]
      .find(b => b.innerText.trim().startsWith({json.dumps(text)}) && !b.disabled);
      if (!b) return false; b.scrollIntoView({{block: 'center'}}); b.click(); return true; }})()""",
             30, f"an enabled button {text!r}")


def test_a_case_of_two_ticked_paths_exports_exactly_their_edges_as_graphml(server, demo_home, tmp_path):
    import networkx as nx

    from queries.export import subgraph_from_paths

    expected = _expected_bundle(demo_home, indirect=False)
    two = expected.paths[:2]
    want = subgraph_from_paths(two, expected.works)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    page = Page(chromium(), tmp_path / "profile")
    try:
        page.call("Page.enable")
        page.call("Browser.setDownloadBehavior", behavior="allow", downloadPath=str(downloads))
        page.call("Page.navigate", url=f"{server}/explorer?institution=I98358874&target=cmc")
        wait_for(page, "document.querySelectorAll('[data-testid=stDataFrame]').length >= 2", 90, "the tables")
        time.sleep(1)
        for row in (0, 1):
            _click_row(page, 0, row)
            wait_for(page, f"[...document.querySelectorAll('button')].some(b => b.innerText.includes("
                           f"'Add {row + 1} ticked path'))", 30, f"row {row} ticked")
        name = page.evaluate("""(() => { const i = document.querySelector('input[aria-label="Case name"]');
          i.focus(); return !!i; })()""")
        assert name
        page.call("Input.insertText", text="Delft two paths")
        page.call("Input.dispatchKeyEvent", type="keyDown", key="Enter", code="Enter", windowsVirtualKeyCode=13)
        page.call("Input.dispatchKeyEvent", type="keyUp", key="Enter", code="Enter", windowsVirtualKeyCode=13)
        time.sleep(1.5)
        _button(page, "Add 2 ticked paths to the case")
        wait_for(page, "document.body.innerText.includes('2 paths in the case')", 30, "the case to hold 2 paths")
        _button(page, "Download the case: GraphML")
        for _ in range(200):
            files = [f for f in downloads.iterdir() if f.suffix == ".graphml"]
            if files:
                break
            time.sleep(0.1)
        else:
            pytest.fail("the case's GraphML was never downloaded")
        shoot(page, "case-two-paths.png")
    finally:
        page.close()
    got = nx.read_graphml(files[0], force_multigraph=True)

    def edges(G):
        return {(u, v, d.get("type"), d.get("work_id") or "", d.get("raw_affiliation") or "")
                for u, v, d in G.edges(data=True)}

    assert edges(got) == edges(want)
    assert set(got.nodes) == set(want.nodes)
    assert files[0].name == "case-delft-two-paths.graphml"
    assert (demo_home / "cases" / "delft-two-paths.json").is_file()


def test_after_a_second_load_the_what_changed_page_lists_the_new_tie(server, demo_home, tmp_path):
    """Runs last in this module: it loads more data into the demo home the server reads."""
    import orjson

    from tests.corpus import authorship, work

    new = work(990, 2025, [authorship("n1", ["TUD"], "first"), authorship("n2", ["NUDT"], "last")])
    page_file = tmp_path / "more" / "page.json"
    page_file.parent.mkdir()
    page_file.write_bytes(orjson.dumps({"meta": {"count": 1, "next_cursor": None}, "results": [new]}))
    env = {**os.environ, "TIES_HOME": str(demo_home), "TIES_STORE": "local"}
    loaded = subprocess.run([sys.executable, "-c", "from ties.cli import main; main()", "load", str(page_file)],
                            env=env, cwd=ROOT, capture_output=True, text=True)
    assert loaded.returncode == 0, loaded.stderr
    page = Page(chromium(), tmp_path / "profile")
    try:
        page.call("Page.enable")
        page.call("Page.navigate", url=f"{server}/changes")
        grid = wait_for(page, "(() => { const g = [...document.querySelectorAll('table[role=grid]')]"
                              ".map(t => t.innerText).join('\\n'); return g.includes('Test Author n1') ? g : ''; })()",
                        60, "the new tie on the What changed page")
        assert "Test Author n2" in grid and NUDT_NAME in grid
        assert "New ties" in page.evaluate("document.body.innerText")
        shoot(page, "what-changed.png")
    finally:
        page.close()
