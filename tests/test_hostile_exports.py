"""Exports of a corpus with attack payloads in every text field: text stays text in every format.

The Markdown report is rendered by a CommonMark renderer (markdown-it-py) and must hold no
raw HTML, image or link from the data; no CSV cell may start with a formula character;
the HTML export carries a content security policy and no markup from a record; network
tooltips are the project's own tables with escaped text.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest

from graph.tables import read_meta
from queries.evidence import KINDS, TieQuery
from queries.export import gather, render
from queries.tooltips import edge_tooltip, node_tooltip, safe_url
from tests.generated import loaded_home
from tests.hostile import EVIL_HOST, PAYLOADS, write_hostile_corpus
from ties.config import Config

FORMULA = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"-?[0-9][0-9,.]*")


@pytest.fixture(scope="module")
def hostile_home(tmp_path_factory) -> Config:
    base = tmp_path_factory.mktemp("hostile")
    return loaded_home(write_hostile_corpus(base / "corpus"), base / "home")


@pytest.fixture(scope="module")
def bundle(hostile_home):
    from graph.ladybug_store import LadybugStore
    from queries.registry import render as render_query

    with LadybugStore(hostile_home.ladybug_dir, read_only=True, queries=render_query) as store:
        return gather(store, TieQuery(target="all", max_hops=3, kinds=KINDS), read_meta(hostile_home.tables_dir))


def test_the_hostile_corpus_still_yields_every_kind_of_tie(bundle):
    assert {p["kind"] for p in bundle.paths} == {"direct", "dual_affiliation", "career", "indirect"}
    text = render(bundle, "json").decode()
    assert "onerror=alert(1)" in text  # the payloads reached the exports (as data)


def _inline_tokens(tokens):
    for token in tokens:
        yield token
        yield from _inline_tokens(token.children or [])


def test_the_markdown_report_rendered_as_commonmark_holds_no_html_link_or_image_from_the_data(bundle):
    from markdown_it import MarkdownIt

    report = render(bundle, "md").decode()
    md = MarkdownIt("commonmark")
    tokens = list(_inline_tokens(md.parse(report)))
    assert not [t.content for t in tokens if t.type in ("html_inline", "html_block")]
    assert not [t for t in tokens if t.type == "image"]
    hrefs = [t.attrGet("href") for t in tokens if t.type == "link_open"]
    assert hrefs and all(safe_url(h) for h in hrefs), hrefs
    page = md.render(report)
    assert f'src="http://{EVIL_HOST}/pixel' not in page
    for needle in ("<img", "<script", '<a href="javascript', "<code>code</code>", "<strong>bold</strong>"):
        assert needle not in page, needle
    assert "&lt;img src=x onerror=alert(1)&gt;" in page  # shown as text


def test_no_csv_cell_starts_with_a_formula_character(bundle):
    archive = zipfile.ZipFile(io.BytesIO(render(bundle, "csv")))
    seen = 0
    for name in ("nodes.csv", "edges.csv", "works.csv"):
        for row in csv.reader(io.StringIO(archive.read(name).decode())):
            for cell in row:
                if cell[:1] in FORMULA:
                    assert NUMBER.fullmatch(cell), f"{name}: {cell!r}"
                seen += "HYPERLINK" in cell
    assert seen  # the formula payloads are there, as text


def test_ties_exposure_csv_defuses_formulas(hostile_home, monkeypatch):
    from click.testing import CliRunner

    from ties.cli import cli

    monkeypatch.setenv("TIES_HOME", str(hostile_home.home))
    monkeypatch.setenv("TIES_STORE", "local")
    result = CliRunner().invoke(cli, ["exposure", "--by", "institution", "--to", "all", "--csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert len(rows) > 1
    for row in rows:
        for cell in row:
            assert cell[:1] not in FORMULA or NUMBER.fullmatch(cell), cell


def test_the_html_export_has_a_csp_without_unsafe_inline_and_no_markup_from_records(bundle):
    page = render(bundle, "html").decode()
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert policy, "no content security policy"
    text = policy.group(1)
    assert "script-src 'sha256-" in text and "unsafe-inline" not in text.split("style-src")[0]
    assert "connect-src 'none'" in text and "default-src 'none'" in text
    for payload in PAYLOADS:
        if set(payload) & set("<>\"'&"):
            assert payload not in page  # every payload is escaped (HTML) or JSON-escaped (script data)
    assert "<img" not in page and "<script>alert" not in page


def test_tooltips_escape_every_value_and_link_only_doi_and_openalex_urls():
    hostile = {"type": "AFFILIATED_WITH", "work_id": "https://openalex.org/W1", "doi": "javascript:alert(1)",
               "raw_affiliation": '"><img src=x onerror=alert(1)>', "matched_by": "project:<b>x</b>",
               "alias": "<i>a</i>", "strength": "strong", "raw_author_name": "<script>alert(2)</script>"}
    tip = edge_tooltip([hostile])
    assert "<img" not in tip and "<script" not in tip and "<i>" not in tip
    assert 'href="javascript' not in tip and '<a href="https://openalex.org/W1"' in tip
    for text in ("project:&lt;b&gt;x&lt;/b&gt;", "&lt;i&gt;a&lt;/i&gt;", "strong", "&lt;script&gt;"):
        assert text in tip
    node = node_tooltip({"id": "https://openalex.org/A1", "label": "Author", "name": "<img src=x onerror=alert(3)>",
                         "doi": "https://doi.org/10.1/ok"})
    assert "<img" not in node and '<a href="https://doi.org/10.1/ok"' in node
    for bad in ("https://doi.org.evil.example/10.1/x", "http://doi.org/10.1/x", "https://user@doi.org/10.1/x",
                "https://openalex.org:8443/W1", "https://doi.org/10.1/x\"onmouseover=alert(1)"):
        assert safe_url(bad) is None, bad
