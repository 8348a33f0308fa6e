"""The hostile corpus in a real browser: the HTML export and the dashboard's network, in
headless Chromium over DevTools. Every node is hovered and clicked; no dialog may open and
no request may go to another host, and the tooltips must show the payloads as text.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from queries.evidence import KINDS
from tests.conftest import ROOT
from tests.hostile import PAYLOADS
from tests.test_browser import Page, chromium, free_port
from ties.child import stop
from ties.commands._common import streamlit_command

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: sandboxed frames in the page's own process, so one DevTools session sees every frame
ISOLATION_OFF = "--disable-features=IsolateSandboxedIframes,IsolateOrigins,site-per-process"


class Watched(Page):
    """A tab that keeps every DevTools event (dialogs, requests, execution contexts)."""

    def __init__(self, binary: str, profile: Path):
        import tests.test_browser as tb

        flags = tb.FLAGS
        tb.FLAGS = [*flags, ISOLATION_OFF]
        try:
            super().__init__(binary, profile)
        finally:
            tb.FLAGS = flags
        self.events: list[dict] = []

    def call(self, method: str, **params) -> dict:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv(timeout=60))
            if "method" in message:
                self.events.append(message)
                if message["method"] == "Page.javascriptDialogOpening":
                    # answer it (a dialog blocks the page) and keep the event as the failure
                    self.ws.send(json.dumps({"id": 10**9, "method": "Page.handleJavaScriptDialog",
                                             "params": {"accept": True}}))
            elif message.get("id") == self.next_id:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                return message["result"]

    def evaluate_in(self, context: int | None, expression: str):
        params = {"expression": expression, "returnByValue": True}
        if context is not None:
            params["contextId"] = context
        result = self.call("Runtime.evaluate", **params)
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression[:80]}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def contexts(self) -> dict[str, int]:
        """frame id -> id of its main-world execution context."""
        out = {}
        for event in self.events:
            if event["method"] == "Runtime.executionContextCreated":
                ctx = event["params"]["context"]
                if ctx.get("auxData", {}).get("isDefault"):
                    out[ctx["auxData"]["frameId"]] = ctx["id"]
        return out

    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events if e["method"] == "Network.requestWillBeSent"]

    def dialogs(self) -> list[dict]:
        return [e["params"] for e in self.events if e["method"] == "Page.javascriptDialogOpening"]


DRAWN = "typeof network !== 'undefined' && !!network.body"  #: the frame where vis-network drew
NODES = """(() => { const box = document.getElementById('mynetwork').getBoundingClientRect();
  const pos = network.getPositions();
  return Object.keys(pos).map(id => { const p = network.canvasToDOM(pos[id]);
    return [id, box.left + p.x, box.top + p.y, box.width, box.height]; }); })()"""
TIP = """(() => { const t = [...document.querySelectorAll('div.vis-tooltip, div.popup')]
  .filter(d => d.style.visibility !== 'hidden' && d.style.display !== 'none' && d.innerText.trim());
  return t.map(d => ({text: d.innerText, tables: d.querySelectorAll('table').length,
                      imgs: d.querySelectorAll('img').length, scripts: d.querySelectorAll('script').length})); })()"""


def _frame_of(page: Watched, predicate: str, deadline: float) -> tuple[int, list]:
    """(context id, offsets) of the frame where `predicate` is true; offsets are the
    viewport positions of the frames around it, outermost first."""
    while time.monotonic() < deadline:
        tree = page.call("Page.getFrameTree")["frameTree"]
        contexts = page.contexts()

        def walk(node, chain):
            frame = node["frame"]["id"]
            here = [*chain, frame]
            yield here
            for child in node.get("childFrames", []):
                yield from walk(child, here)

        for chain in walk(tree, []):
            ctx = contexts.get(chain[-1])
            if ctx is None:
                continue
            try:
                if page.evaluate_in(ctx, predicate):
                    return ctx, chain
            except AssertionError:
                continue
        time.sleep(0.3)
    raise AssertionError(f"no frame where {predicate}")


def _offset(page: Watched, chain: list[str]) -> tuple[float, float]:
    """Viewport offset of the innermost frame of `chain` (sum of its iframes' positions)."""
    contexts = page.contexts()
    x = y = 0.0
    for parent, child in zip(chain, chain[1:], strict=False):
        owner = page.call("DOM.getFrameOwner", frameId=child)["backendNodeId"]
        obj = page.call("DOM.resolveNode", backendNodeId=owner)["object"]["objectId"]
        rect = page.call("Runtime.callFunctionOn", objectId=obj, returnByValue=True, functionDeclaration=(
            "function () { this.scrollIntoView({block: 'center'}); const r = this.getBoundingClientRect();"
            " return [r.left, r.top]; }"))["result"]["value"]
        x, y = x + rect[0], y + rect[1]
        assert contexts.get(parent) is not None
    return x, y


def hover_and_click_every_node(page: Watched, predicate: str, timeout: float = 90) -> list[dict]:
    """Hover and click each node of the vis network in the frame where `predicate` holds;
    returns the tooltips seen."""
    deadline = time.monotonic() + timeout
    ctx, chain = _frame_of(page, predicate, deadline)
    page.evaluate_in(ctx, "network.stopSimulation(); network.setOptions({physics: false}); 1")
    dx, dy = _offset(page, chain)
    nodes = page.evaluate_in(ctx, NODES)
    assert nodes, "no nodes drawn"
    tips = []
    for _, x, y, _, _ in nodes:
        px, py = dx + x, dy + y
        page.call("Input.dispatchMouseEvent", type="mouseMoved", x=px + 40, y=py + 40)
        page.call("Input.dispatchMouseEvent", type="mouseMoved", x=px, y=py)
        time.sleep(0.35)
        tips += page.evaluate_in(ctx, TIP) or []
        for kind in ("mousePressed", "mouseReleased"):
            page.call("Input.dispatchMouseEvent", type=kind, x=px, y=py, button="left", clickCount=1)
        time.sleep(0.1)
    return tips


def _start(page: Watched) -> None:
    for domain in ("Page.enable", "Network.enable", "Runtime.enable", "DOM.enable"):
        page.call(domain)


def _foreign(urls: list[str], allowed: tuple[str, ...]) -> list[str]:
    return [u for u in urls if not u.startswith(allowed)]


@pytest.fixture(scope="module")
def hostile_home(tmp_path_factory) -> Path:
    from tests.generated import loaded_home
    from tests.hostile import write_hostile_corpus

    base = tmp_path_factory.mktemp("hostile-browser")
    return loaded_home(write_hostile_corpus(base / "corpus"), base / "home").home


def _check_tips(tips: list[dict]) -> None:
    assert tips, "no tooltip ever showed"
    shown = [t["text"] for t in tips if "alert(" in t["text"] or any(p in t["text"] for p in PAYLOADS)]
    assert shown, "no payload shown as text in a tooltip"
    assert all(t["imgs"] == 0 and t["scripts"] == 0 for t in tips)
    assert any(t["tables"] for t in tips), "tooltips are not the project's tables"


def test_hovering_and_clicking_every_node_of_the_html_export_runs_nothing_and_calls_no_host(hostile_home, tmp_path):
    env = {**os.environ, "TIES_HOME": str(hostile_home), "TIES_STORE": "local"}
    out = tmp_path / "hostile.html"
    subprocess.run([str(Path(sys.executable).parent / "ties"), "export", "--to", "all", "--max-hops", "3",
                    *[a for k in KINDS for a in ("--kind", k)],
                    "--format", "html", "--out", str(out)], env=env, cwd=ROOT, check=True, capture_output=True)
    page = Watched(chromium(), tmp_path / "profile")
    try:
        _start(page)
        page.call("Page.navigate", url=out.as_uri())
        tips = hover_and_click_every_node(page, DRAWN)
        assert not page.dialogs(), page.dialogs()
        assert not _foreign(page.requests(), ("file://", "data:", "about:")), page.requests()
        _check_tips(tips)
    finally:
        page.close()


def test_hovering_and_clicking_every_node_of_the_dashboard_network_runs_nothing_and_calls_no_host(
        hostile_home, tmp_path):
    port = free_port()
    env = {**os.environ, "TIES_HOME": str(hostile_home), "TIES_STORE": "local"}
    log = open(tmp_path / "streamlit.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(streamlit_command(port, "127.0.0.1", True), env=env, cwd=ROOT,
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    page = None
    try:
        for _ in range(300):
            assert proc.poll() is None, (tmp_path / "streamlit.log").read_text()
            try:
                if urllib.request.urlopen(base + "/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.1)
        page = Watched(chromium(), tmp_path / "profile")
        _start(page)
        page.call("Page.navigate", url=f"{base}/explorer?institution=I98358874&target=all")
        tips = hover_and_click_every_node(page, DRAWN, timeout=120)
        assert not page.dialogs(), page.dialogs()
        assert not _foreign(page.requests(), (base, "data:", "about:", "blob:", "ws://127.0.0.1")), page.requests()
        _check_tips(tips)
        # the frame that draws the data has an opaque origin: it cannot reach the app's page
        ctx, _ = _frame_of(page, DRAWN, time.monotonic() + 10)
        assert page.evaluate_in(ctx, "(() => { try { return parent.parent.document.title; } "
                                     "catch (e) { return 'blocked'; } })()") == "blocked"
        assert page.evaluate_in(ctx, "self.origin") == "null"
    finally:
        if page is not None:
            page.close()
        stop(proc)
        log.close()
