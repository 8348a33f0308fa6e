"""Network tooltips as small HTML tables built here from escaped text.

Why: every string on a node or edge (title, author name, DOI, raw affiliation, institution
name) comes from a record anyone can publish. vis-network shows a string title as text,
but pyvis switches to its own popup and sets ``innerHTML`` as soon as any title holds
"href", and the tooltips below are HTML on purpose (a table, links to the evidence). So
the only HTML a tooltip ever carries is the markup written in this module; every value is
passed through ``markupsafe.escape``, and a URL becomes a link only when it parses as
``https://doi.org/...`` or ``https://openalex.org/...`` (no ``javascript:``, no other host).

:func:`activate` makes vis-network render these strings as HTML (one script per page,
which the page's content security policy admits by hash) in both of pyvis's popup modes.

>>> tip = edge_tooltip([{"type": "AUTHORED", "work_id": "https://openalex.org/W1", "doi": "<i>x</i>"}])
>>> "<i>" in tip, "&lt;i&gt;x" in tip, '<a href="https://openalex.org/W1"' in tip
(False, True, True)
>>> "href" in node_tooltip({"id": "javascript:alert(1)", "label": "Work"})
False
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from markupsafe import Markup, escape

__all__ = ["MAX_ITEMS", "activate", "edge_tooltip", "link", "node_tooltip", "safe_url"]

MAX_ITEMS = 12  #: evidence items listed per edge; the rest are counted
MAX_TEXT = 300  #: characters of one value shown in a tooltip (exports keep the full text)
_HOSTS = {"doi.org", "openalex.org"}
_URL_OK = re.compile(r"https://(?:doi\.org/10\.[0-9]{1,9}/[^\s\"'<>\\`]{1,300}|openalex\.org/[A-Za-z][0-9]{1,20})")
#: the keys listed for an evidence item and for a node, in order, with the row label shown
EDGE_KEYS = (("work_id", "work"), ("doi", "DOI"), ("year", "year"), ("raw_affiliation", "raw string"),
             ("raw_author_name", "name as printed"), ("matched_by", "matched by"), ("rule", "rule"),
             ("alias", "alias"), ("strength", "strength"))
NODE_KEYS = (("doi", "DOI"), ("year", "year"), ("orcid", "ORCID"), ("country", "country"), ("sector", "sector"),
             ("category", "category"), ("matched_by", "matched by"), ("alias", "alias"), ("strength", "strength"),
             ("raw_author_name", "name as printed"))
_TABLE = '<table style="border-collapse:collapse;font:12px sans-serif;max-width:480px">'


def safe_url(value: object) -> str | None:
    """The URL if it is an https link to doi.org or openalex.org, else None."""
    if not isinstance(value, str) or not _URL_OK.fullmatch(value):
        return None
    parts = urlsplit(value)
    if parts.scheme != "https" or parts.hostname not in _HOSTS or parts.port or parts.username:
        return None
    return value


def _text(value: object) -> Markup:
    text = "; ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT] + "\u2026"
    return escape(text)


def link(value: object) -> Markup:
    """An escaped link for a trusted-shape URL, else the escaped text."""
    url = safe_url(value)
    if url is None:
        return _text(value)
    return Markup('<a href="{0}" target="_blank" rel="noopener noreferrer">{1}</a>').format(url, _text(url))


def _row(label: str, value: Markup) -> Markup:
    return Markup('<tr><th style="text-align:left;padding-right:6px;vertical-align:top">{0}</th>'
                  '<td style="word-break:break-all">{1}</td></tr>').format(label, value)


def _rows(data: dict, keys: tuple[tuple[str, str], ...]) -> list[Markup]:
    rows = []
    for key, label in keys:
        value = data.get(key)
        if value in (None, "", [], ()):
            continue
        rows.append(_row(label, link(value) if key in ("work_id", "doi") else _text(value)))
    return rows


def edge_tooltip(items: list[dict]) -> str:
    """HTML for the evidence behind one drawn edge: one table block per evidence item."""
    ordered = sorted(items, key=lambda d: (d.get("year") or 0, str(d.get("work_id") or "")))
    blocks = []
    for item in ordered[:MAX_ITEMS]:
        head = Markup('<tr><td colspan="2" style="padding-top:4px"><b>{0}</b></td></tr>').format(
            _text(item.get("type") or "edge"))
        blocks.append(head + Markup("").join(_rows(item, EDGE_KEYS)))
    if len(items) > MAX_ITEMS:
        blocks.append(_row("", escape(f"... and {len(items) - MAX_ITEMS} more")))
    return str(Markup(_TABLE) + Markup("").join(blocks) + Markup("</table>"))


def node_tooltip(node: dict) -> str:
    """HTML for one node: its kind and name, its id (a link when it is an OpenAlex URL), details."""
    name = node.get("name") or node.get("title") or node.get("id") or ""
    rows = [Markup('<tr><td colspan="2"><b>{0}</b>: {1}</td></tr>').format(_text(node.get("label") or "node"),
                                                                          _text(name))]
    if node.get("label") == "Work" and node.get("title") and node.get("title") != name:
        rows.append(_row("title", _text(node["title"])))
    if node.get("id"):
        rows.append(_row("id", link(node["id"])))
    rows += _rows(node, NODE_KEYS)
    return str(Markup(_TABLE) + Markup("").join(rows) + Markup("</table>"))


#: turns the title strings (HTML from this module) into elements, so vis-network draws them
#: as HTML; and makes pyvis's own link popup take the element instead of an innerHTML string
_ACTIVATE = """<script>
(function () {
  function tip(html) { var t = document.createElement('template'); t.innerHTML = html;
    var d = document.createElement('div'); d.appendChild(t.content); return d; }
  function convert(set) { if (!set) return; var ups = [];
    set.forEach(function (item) {
      if (typeof item.title === 'string') ups.push({id: item.id, title: tip(item.title)}); });
    set.update(ups); }
  if (typeof nodes !== 'undefined') convert(nodes);
  if (typeof edges !== 'undefined') convert(edges);
})();
</script>"""


def activate(page: str) -> str:
    """The pyvis page with tooltip titles rendered as HTML elements (see module docstring)."""
    page = page.replace("popup.innerHTML = nodeData[0].title;",
                        "popup.replaceChildren(nodeData[0].title.cloneNode(true));")
    marker = page.rfind("</body>")
    if marker < 0:
        return page + _ACTIVATE
    return page[:marker] + _ACTIVATE + "\n" + page[marker:]
