"""Evidence exports: the subgraph behind a set of tie paths, as GraphML, JSON, CSV, HTML or Markdown.

Investigators need the evidence outside the tool, in formats other tools read, and every
piece of it checkable: each edge that comes from a publication names its OpenAlex work id
and DOI and, for affiliations, the raw string as printed. The same pure writers serve
`ties export` and the dashboard's Export page, so both give the same files.

Flow: :func:`gather` (the one I/O step) runs the tie queries and looks up works and
watchlist entities; :func:`queries.paths.rank_paths` (``evidence=True``) hangs every
supporting evidence row on its path; :func:`subgraph_from_paths` merges them into one ``nx.MultiDiGraph``; one writer
per format turns a :class:`Bundle` into bytes.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

import defusedcsv.csv as defusedcsv
import networkx as nx
import pandas as pd

from graph.errors import InputError
from queries import tooltips
from queries.layout import layout_positions
from queries.paths import build_path, paths_report
from queries.ranked import find_paths
from queries.tooltips import edge_tooltip, node_tooltip, safe_url

__all__ = [
    "FORMATS", "NOTE", "Bundle", "csv_text", "gather", "markdown_text", "sandboxed", "with_csp",
    "network_html", "render", "subgraph_from_paths",
    "to_csv_zip", "to_graphml", "to_html", "to_json", "to_markdown", "work_ids",
]

FORMATS = ("graphml", "json", "csv", "html", "md")
SUFFIX = {"graphml": ".graphml", "json": ".json", "csv": ".zip", "html": ".html", "md": ".md"}
NOTE = "Co-authorship is evidence of collaboration, not of wrongdoing."
EDGE_COLUMNS = ["source", "target", "type", "work_id", "doi", "year", "raw_affiliation", "matched_by", "rule",
                "alias", "paths", "strength", "raw_author_name", "orcid"]
WORK_COLUMNS = ["work_id", "doi", "title", "year", "type", "field", "subfield", "is_synthetic"]

#: node colour and shape by label (and by role for institutions), for the network views
STYLE = {
    "source": ("#1f77b4", "dot"),       # Dutch institution
    "Department": ("#6baed6", "dot"),
    "Author": ("#9e9e9e", "dot"),
    "Work": ("#f2c14e", "square"),
    "target": ("#d62728", "dot"),       # institution matched to the watchlist
    "Institution": ("#8c8c8c", "dot"),
    "Entity": ("#7b1f1f", "diamond"),
}
LEGEND = [("Dutch institution", "source"), ("Department", "Department"), ("Author", "Author"),
          ("Work", "Work"), ("Watchlist-matched institution", "target"), ("Watchlist entity", "Entity")]
PHYSICS_LIMIT = 250  #: above this many nodes the layout is computed once in Python, physics off


@dataclass
class Bundle:
    """Everything an export needs: ranked paths with their evidence, and the context."""

    paths: list[dict]
    summary: dict = field(default_factory=dict)
    filters: dict = field(default_factory=dict)
    meta: dict = field(default_factory=dict)  #: the table set's metadata (data_date, synthetic, ...)
    works: dict[str, dict] = field(default_factory=dict)  #: work id -> record (doi, title, year, ...)
    entities: dict[str, dict] = field(default_factory=dict)  #: entity id -> record (aliases, sources, ...)

    @property
    def graph(self) -> nx.MultiDiGraph:
        return subgraph_from_paths(self.paths, self.works)


def work_ids(paths: list[dict]) -> set[str]:
    """Every work id a set of paths refers to (supporting works and affiliation evidence)."""
    ids: set[str] = set()
    for path in paths:
        ids.update(path.get("works", []))
        for edge in path["edges"]:
            if edge.get("work_id"):
                ids.add(edge["work_id"])
        for row in path.get("evidence", []):
            ids.update(w for w in (row.get("work_id"), row.get("source_work_id"), row.get("target_work_id")) if w)
    return ids


def _merge_node(G: nx.MultiDiGraph, node: dict, role: str | None) -> None:
    attrs = {k: v for k, v in node.items() if k != "id" and v not in (None, "")}
    if node["id"] in G:
        current = G.nodes[node["id"]]
        for key, value in attrs.items():
            current.setdefault(key, value)
        if role == "source" or (role == "target" and current.get("role") != "source"):
            current["role"] = role
    else:
        G.add_node(node["id"], **attrs, **({"role": role} if role else {}))


def subgraph_from_paths(paths: list[dict], works: dict[str, dict] | None = None) -> nx.MultiDiGraph:
    """One multigraph of every node and edge of the paths (and of their evidence rows).

    Parameters
    ----------
    paths : ranked paths from ``paths_report`` (optionally with ``evidence`` attached)
    works : work id -> record, used to fill titles and DOIs the paths leave empty

    Returns
    -------
    ``nx.MultiDiGraph``: nodes keyed by id with ``label``, ``name`` and ``role`` (source,
    target); one edge per (type, work id, raw string) with the ranks of the paths using it.

    Examples
    --------
    >>> G = subgraph_from_paths([])
    >>> G.number_of_nodes(), G.graph["paths"]
    (0, 0)
    """
    works = works or {}
    G = nx.MultiDiGraph(paths=len(paths))
    for path in paths:
        parts = [build_path(row) for row in path.get("evidence", [])] or [path]
        for part in parts:
            for node in part["nodes"]:
                role = "source" if node["id"] == path["source"]["institution_id"] else (
                    "target" if node["id"] == path["target"]["institution_id"] else None)
                _merge_node(G, node, role)
            for edge in part["edges"]:
                key = f"{edge['type']}|{edge.get('work_id') or ''}|{edge.get('raw_affiliation') or ''}"
                u, v = edge["source"], edge["target"]
                if G.has_edge(u, v, key):
                    ranks = G.edges[u, v, key]["paths"]
                    if path.get("rank") not in ranks:
                        ranks.append(path.get("rank"))
                    continue
                attrs = {k: v for k, v in edge.items() if k not in ("source", "target") and v not in (None, "")}
                work = works.get(edge.get("work_id") or "", {})
                if edge.get("work_id") and not attrs.get("doi") and work.get("doi"):
                    attrs["doi"] = work["doi"]
                if edge.get("work_id") and not attrs.get("year") and work.get("year"):
                    attrs["year"] = work["year"]
                G.add_edge(u, v, key=key, **attrs, paths=[path.get("rank")])
    for node, data in G.nodes(data=True):
        if data.get("label") == "Work":
            record = works.get(node, {})
            for attr in ("title", "doi", "year", "field"):
                if not data.get(attr) and record.get(attr):
                    data[attr] = record[attr]
    return G


def _plain(value: object) -> object:
    """A GraphML-safe attribute value: lists as JSON text, scalars unchanged."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list | tuple | dict) else value


def to_graphml(G: nx.MultiDiGraph) -> bytes:
    """GraphML (yEd, Gephi, Cytoscape); lists become JSON text, missing values are left out."""
    H = nx.MultiDiGraph()
    H.graph.update({k: _plain(v) for k, v in G.graph.items()})
    for node, data in G.nodes(data=True):
        H.add_node(node, **{k: _plain(v) for k, v in data.items() if v is not None})
    for u, v, key, data in G.edges(keys=True, data=True):
        H.add_edge(u, v, key=key, **{k: _plain(x) for k, x in data.items() if x is not None})
    buffer = io.BytesIO()
    nx.write_graphml(H, buffer, encoding="utf-8")
    return buffer.getvalue()


def _nodes(G: nx.MultiDiGraph) -> list[dict]:
    return [{"id": n, **d} for n, d in G.nodes(data=True)]


def _links(G: nx.MultiDiGraph) -> list[dict]:
    return [{"source": u, "target": v, **d} for u, v, d in G.edges(data=True)]


def _works_table(G: nx.MultiDiGraph, works: dict[str, dict]) -> list[dict]:
    """One record per work id that appears on a node or an edge of the subgraph."""
    ids = {n for n, d in G.nodes(data=True) if d.get("label") == "Work"}
    ids |= {d["work_id"] for _, _, d in G.edges(data=True) if d.get("work_id")}
    rows = []
    for work_id in sorted(ids):
        record = {**G.nodes[work_id]} if work_id in G else {}
        record.update({k: v for k, v in works.get(work_id, {}).items() if v not in (None, "")})
        rows.append({"work_id": work_id, **{c: record.get(c) for c in WORK_COLUMNS[1:]}})
    return rows


def _context(bundle: Bundle) -> dict:
    return {"data_date": bundle.meta.get("data_date"), "loaded_at": bundle.meta.get("loaded_at"),
            "synthetic": bool(bundle.meta.get("synthetic")), "filters": bundle.filters, "note": NOTE}


def to_json(bundle: Bundle, G: nx.MultiDiGraph | None = None) -> bytes:
    """JSON with ``nodes`` and ``links`` (d3 / vis style), the ``works`` and the context."""
    G = bundle.graph if G is None else G
    doc = {**_context(bundle), "summary": {k: v for k, v in bundle.summary.items() if k != "filters"},
           "nodes": _nodes(G), "links": _links(G), "works": _works_table(G, bundle.works)}
    return json.dumps(doc, ensure_ascii=False, indent=1, default=str).encode("utf-8")


def _cell(value: object) -> object:
    """A cell value: missing as empty, a leading tab or carriage return made text like a formula."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, str) and value[:1] in ("\t", "\r"):
        return "'" + value
    return value


def csv_text(frame: pd.DataFrame) -> str:
    """`frame` as CSV in which no cell a spreadsheet would evaluate starts with = + - @ | % tab CR.

    Why: record text (a title ``=HYPERLINK(...)``) would run as a formula when an analyst
    opens the file; ``defusedcsv`` prefixes such cells with ``'`` (OWASP's rule), numbers stay numbers.
    """
    buffer = io.StringIO()
    writer = defusedcsv.writer(buffer, lineterminator="\n")
    writer.writerow([str(c) for c in frame.columns])
    writer.writerows([_cell(v) for v in row] for row in frame.itertuples(index=False, name=None))
    return buffer.getvalue()


def to_csv_zip(bundle: Bundle, G: nx.MultiDiGraph | None = None) -> bytes:
    """A zip of nodes.csv, edges.csv, works.csv and a README.txt with the filters and date."""
    G = bundle.graph if G is None else G
    nodes = pd.DataFrame(_nodes(G))
    edges = pd.DataFrame(_links(G), columns=EDGE_COLUMNS)
    if not edges.empty:
        edges["paths"] = [";".join(str(p) for p in ps) if isinstance(ps, list) else ps for ps in edges["paths"]]
    works = pd.DataFrame(_works_table(G, bundle.works), columns=WORK_COLUMNS)
    context = _context(bundle)
    readme = "\n".join([NOTE, f"data date: {context['data_date']}", f"synthetic demo data: {context['synthetic']}",
                        "filters: " + json.dumps(bundle.filters, default=str), ""])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("nodes.csv", csv_text(nodes))
        archive.writestr("edges.csv", csv_text(edges))
        archive.writestr("works.csv", csv_text(works))
        archive.writestr("README.txt", readme)
    return buffer.getvalue()


def _style(data: dict) -> tuple[str, str]:
    if data.get("label") == "Institution" and data.get("role") in ("source", "target"):
        return STYLE[data["role"]]
    return STYLE.get(data.get("label", ""), ("#8c8c8c", "dot"))


#: node label -> the dashboard page that profiles it (linked on click inside the dashboard)
PROFILE_PAGES = {"Institution": "institution", "Author": "author", "Entity": "entity"}
#: edge colour by the kind of the strongest path an edge serves (structural edges stay grey)
KIND_COLOURS = {"dual_affiliation": "#9467bd", "direct": "#d62728", "career": "#ff7f0e", "indirect": "#2ca02c",
                "": "#b0b0b0"}
KIND_LEGEND = [("dual affiliation", "dual_affiliation"), ("direct co-authorship", "direct"),
               ("career move", "career"), ("indirect chain", "indirect")]
_KIND_ORDER = {"dual_affiliation": 0, "direct": 1, "career": 2, "indirect": 3}
_EXTERNAL = [
    re.compile(r"<!--.*?-->", re.S),
    re.compile(r"<link\b[^>]*\bhref=\"(?:https?:)?//[^\"]*\"[^>]*>", re.S),
    re.compile(r"<script\b[^>]*\bsrc=\"[^\"]*\"[^>]*>\s*</script>", re.S),
]
#: pin a node where it is dropped (double-click frees it), and leave room for labels at the edges
_INTERACTION = """<script>
(function () {
  if (typeof network === "undefined") return;
  network.on("dragEnd", function (p) { p.nodes.forEach(function (id) { nodes.update({id: id, fixed: true}); }); });
  network.on("doubleClick", function (p) {
    p.nodes.forEach(function (id) { nodes.update({id: id, fixed: false}); }); });
  // inside the dashboard: a click on an institution, author or entity offers its profile
  // a srcdoc frame has its parent's base URL: the dashboard page (a saved HTML file has none to link to)
  var base = /^https?:/.test(document.baseURI) ? document.baseURI : null;
  if (base) {
    var box = document.createElement("div");
    box.id = "profile-link";
    box.style.cssText = "position:absolute;top:8px;left:8px;z-index:10;background:#fff;border:1px solid #ccc;" +
                        "padding:4px 8px;font:13px sans-serif;display:none";
    document.body.appendChild(box);
    network.on("click", function (p) {
      var node = p.nodes.length ? nodes.get(p.nodes[0]) : null;
      if (!node || !node.profile) { box.style.display = "none"; return; }
      var link = document.createElement("a");
      link.href = new URL(node.profile, base).href;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = "Open the profile of " + node.profile_name;
      box.replaceChildren(link);
      box.style.display = "block";
    });
  }
  network.once("stabilizationIterationsDone", function () {
    network.fit({animation: false}); network.moveTo({scale: network.getScale() * 0.95}); });
})();
</script>"""


def _node_label(data: dict, name: str) -> str:
    """What a node says on the canvas: every node is named (people by name, works by year);
    a watchlist-matched institution and its entity are told apart in words, not only by shape."""
    label = data.get("label")
    if label == "Institution" and data.get("role") == "target":
        return f"{name}\n(matched institution)"
    if label == "Entity":
        return f"{name}\n(watchlist entity)"
    if label == "Work":
        return str(data.get("year") or "work")
    return name


def _edge_kind(items: list[dict], kinds: dict) -> str:
    """The kind of the strongest path an edge serves ('' for an edge no tie kind owns)."""
    found = {kinds.get(rank) for d in items for rank in (d.get("paths") or [])} | {d.get("kind") for d in items}
    found = [k for k in found if k in _KIND_ORDER]
    return min(found, key=_KIND_ORDER.get) if found else ""


def network_html(G: nx.MultiDiGraph, height: str = "620px", header: str = "") -> str:
    """A pyvis view of the subgraph that works offline: vis-network inlined, no external URL.

    One drawn edge per node pair, listing every piece of evidence behind it (type, work
    id, DOI, year, raw string) on hover, as wide as the number of distinct works and
    labelled with that number when above one; coloured by the kind of the strongest path it
    serves (``G.graph["path_kinds"]``: rank -> kind, set by the dashboard). Authors carry
    their names and raw affiliations; a matched institution and its watchlist entity say
    which is which. Dragged nodes stay pinned. Beyond ``PHYSICS_LIMIT`` nodes the layout is
    computed once here and physics is off, so the tab never freezes.
    """
    from pyvis.network import Network

    net = Network(height=height, width="100%", directed=True, cdn_resources="in_line")
    big = G.number_of_nodes() > PHYSICS_LIMIT
    positions = layout_positions(G) if big else {}
    affiliations: dict[str, list[dict]] = defaultdict(list)  # an author's raw strings, on hover
    for u, _, data in G.edges(data=True):
        if data.get("type") == "AFFILIATED_WITH" and data.get("raw_affiliation"):
            affiliations[u].append(data)
    for node, data in G.nodes(data=True):
        color, shape = _style(data)
        name = str(data.get("name") or node)
        kind = data.get("label")
        font = {"size": 24 if kind in ("Institution", "Entity") else 18 if kind in ("Author", "Department") else 14,
                "strokeWidth": 3, "strokeColor": "#ffffff"}
        extra = {"x": float(positions[node][0] * 1500), "y": float(positions[node][1] * 1500)} if positions else {}
        page = PROFILE_PAGES.get(kind or "")
        if page and not str(node).startswith("ties:"):
            extra.update(profile=f"{page}?{urlencode({page: node})}", profile_name=name)
        tip = node_tooltip({"id": node, **data})
        if data.get("label") == "Author" and affiliations.get(node):
            tip += edge_tooltip(affiliations[node])  # both built by queries.tooltips from escaped text
        net.add_node(node, label=_node_label(data, name), title=tip, color=color, shape=shape, font=font,
                     widthConstraint={"maximum": 260}, size=10 if kind in ("Work", "Author") else 18, **extra)
    pairs: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for u, v, data in G.edges(data=True):
        pairs[(u, v)].append(data)
    kinds = G.graph.get("path_kinds") or {}
    for (u, v), items in pairs.items():
        n_works = len({d["work_id"] for d in items if d.get("work_id")}) or max(
            (int(d.get("n_works") or 0) for d in items), default=0)
        kind = _edge_kind(items, kinds)
        label = (f"{n_works} works" if n_works > 1 else None) if n_works else items[0]["type"].lower().replace("_", " ")
        if items[0].get("tie"):  # a grouped path: its kind in words, and its works
            label = kind.replace("_", " ") + (f", {n_works} works" if n_works > 1 else "")
        # entity and institution apart; grouped ties long enough to leave the source's cluster
        spread = {"length": 260} if items[0]["type"] == "MATCHES" or items[0].get("tie") else {}
        net.add_edge(u, v, title=edge_tooltip(items), width=1 + min(n_works, 9), label=label,
                     color=KIND_COLOURS[kind], arrows="to", **spread)
    options = {
        "physics": {"enabled": not big, "solver": "barnesHut", "stabilization": {"enabled": True, "iterations": 300},
                    "barnesHut": {"gravitationalConstant": -3500, "springLength": 80, "centralGravity": 0.5,
                                  "avoidOverlap": 0.5}},
        "nodes": {"scaling": {"label": {"drawThreshold": 3}}},
        "interaction": {"hover": True, "tooltipDelay": 100, "hideEdgesOnDrag": big, "navigationButtons": True},
        "edges": {"smooth": not big, "font": {"size": 11, "strokeWidth": 3, "strokeColor": "#ffffff"}},
    }
    net.set_options(json.dumps(options))
    page = net.generate_html(notebook=False)
    for pattern in _EXTERNAL:
        page = pattern.sub("", page)
    page = page.replace("<center>\n<h1></h1>\n</center>", "").replace(
        "<center>\n          <h1></h1>\n        </center>", "")
    page = page.replace("</body>", _INTERACTION + "\n</body>", 1)
    page = page.replace("</head>", "<style>div.vis-tooltip{max-width:560px;white-space:pre-wrap;"
                        "word-break:break-word}</style>\n</head>", 1)
    if header:
        page = page.replace("<body>", "<body>\n" + header, 1)
    return tooltips.activate(page)


def _legend_html() -> str:
    items = "".join(f'<span style="margin-right:1em"><span style="color:{STYLE[k][0]}">&#9632;</span> {html.escape(t)}'
                    f"</span>" for t, k in LEGEND)
    return f'<p style="font-family:sans-serif;font-size:13px">{items}</p>'


def to_html(bundle: Bundle, G: nx.MultiDiGraph | None = None) -> bytes:
    """A standalone HTML page (opens offline) with the graph, the filters and the data date."""
    G = bundle.graph if G is None else G
    context = _context(bundle)
    lines = [f"<h2>Research ties: evidence subgraph ({G.number_of_nodes()} nodes, {G.number_of_edges()} edges)</h2>",
             f"<p><b>{html.escape(NOTE)}</b></p>",
             f"<p>Data date: {html.escape(str(context['data_date']))}"
             + (" &middot; <b>Synthetic demo data</b>" if context["synthetic"] else "") + "</p>",
             f"<p>Filters: <code>{html.escape(json.dumps(bundle.filters, default=str))}</code></p>", _legend_html()]
    header = '<div style="font-family:sans-serif;padding:0 1em">' + "\n".join(lines) + "</div>"
    return with_csp(network_html(G, height="800px", header=header)).encode("utf-8")


_INLINE_SCRIPT = re.compile(r"<script(?:\s[^>]*)?>(.*?)</script>", re.S | re.I)


def content_security_policy(page: str) -> str:
    """A policy for `page` that admits its own inline scripts by hash and nothing else.

    Why hashes: pyvis inlines vis-network and its drawing code as ``<script>`` blocks, and
    ``'unsafe-inline'`` would also admit inline event handlers (``onerror=``) smuggled in
    by a record. With hashes only, a handler attribute never runs, whatever reaches the DOM;
    ``connect-src``/``img-src``/``form-action`` keep the page from reaching another host.
    """
    hashes = sorted({"'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode() + "'"
                     for body in _INLINE_SCRIPT.findall(page)})
    return ("default-src 'none'; script-src " + " ".join(hashes or ["'none'"]) + "; style-src 'unsafe-inline'; "
            "img-src data:; font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'")


def with_csp(page: str) -> str:
    """`page` with its content security policy as the first element of ``<head>``."""
    policy = html.escape(content_security_policy(page), quote=False)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    if "<head>" in page:
        return page.replace("<head>", "<head>\n" + meta, 1)
    return meta + page


def sandboxed(page: str, height: str = "100%") -> str:
    """`page` (with its policy) inside an ``<iframe sandbox="allow-scripts">`` given as srcdoc.

    Why: Streamlit's own component frame always has ``allow-same-origin allow-scripts``, so
    a script that got into it could read the app. The inner frame has an opaque origin and
    no ``allow-same-origin``/``allow-modals``; only the project's own wrapper runs outside it.
    """
    return ('<!doctype html><html><head><meta charset="utf-8"><style>html,body{margin:0;height:100%}</style>'
            '</head><body><iframe sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox" '
            f'style="border:0;width:100%;height:{html.escape(height)}" srcdoc="{html.escape(with_csp(page))}">'
            "</iframe></body></html>")


def _doi_link(doi: str | None) -> str:
    """A DOI as an autolink when it is an https://doi.org/ URL, else as escaped text."""
    if not doi:
        return "no DOI"
    url = safe_url(doi)
    return f"<{url}>" if url else _md(doi)


#: characters that start Markdown markup inside a line: emphasis, code, links and images
#: (``[``), raw HTML and autolinks, entities, tables, strikethrough; escaped with a backslash
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|&~])")


def _md(text: object) -> str:
    """Record text as Markdown text: markup characters escaped, line breaks flattened.

    Why: a title, DOI or institution name is attacker-controlled; unescaped, ``<img
    onerror=...>`` is raw HTML and ``![t](http://host/p.png)`` a tracking image in any
    CommonMark renderer.
    """
    flat = " ".join(str(text).split()) if not str(text).isprintable() else str(text)
    return _MD_SPECIAL.sub(r"\\\1", flat)


markdown_text = _md  #: public name for other Markdown sinks (the dashboard's st.markdown/st.write of record text)


def _code(value: object) -> str:
    """A filter value as inline code, or as escaped text when it would break out of it."""
    text = json.dumps(value, default=str, ensure_ascii=False)
    return f"`{text}`" if "`" not in text and text.isprintable() else _md(text)


def _path_markdown(path: dict, bundle: Bundle) -> list[str]:
    source, target = path["source"], path["target"]
    dept = source.get("department") or (source["department_id"] or "").split("#", 1)[-1]
    unit = source["institution"] + (f" / {dept}" if dept else "")
    lines = [f"### {path.get('rank')}. \\[{_md(path['kind'])}\\] {_md(unit)} -> {_md(' > '.join(target['chain']))}",
             "",
             f"- Hops: {path['hops']}; works: {path.get('n_works')}; years: {path.get('first_year')}-"
             f"{path.get('last_year')}" + (f"; direction: {_md(path['direction'])}" if path.get("direction") else ""),
             f"- Watchlist side: {_md(target['institution'])} matched to {_md(target['entity'])} "
             f"({_md(target['category'])}, under the CMC: {'yes' if target['under_cmc'] else 'no'})"]
    if path.get("strength"):  # how strong the tie is and why (queries/strength.py)
        lines.append(f"- Strength: **{_md(path['strength'])}**: {_md(path.get('strength_note') or '')} "
                     f"(reasons: {_md(', '.join(path.get('strength_reasons') or []))})")
    entity = bundle.entities.get(target["entity_id"], {})
    if entity.get("aliases"):
        lines.append("- Aliases: " + "; ".join(_md(a) for a in entity["aliases"]))
    sources = [s for e in (path["target"].get("chain_ids") or [target["entity_id"]])
               for s in bundle.entities.get(e, {}).get("sources") or []]
    sources = list(dict.fromkeys(sources or entity.get("sources") or []))
    lines.append("- Watchlist sources: " + ("; ".join(_md(s) for s in sources) if sources else "none recorded"))
    lines += ["", "Works:", ""]
    for work_id in path.get("works", []):
        work = bundle.works.get(work_id, {})
        title = f" {_md(work['title'])}" if work.get("title") else ""
        lines.append(f"- {_md(work_id)} ({_md(work.get('year', ''))}) {_doi_link(work.get('doi'))}{title}")
    lines += ["", "Evidence:", ""]
    rows = path.get("evidence") or []
    edges = [e for part in ([build_path(r) for r in rows] or [path]) for e in part["edges"]]
    seen: set[tuple] = set()
    names = {n["id"]: n["name"] for part in ([build_path(r) for r in rows] or [path]) for n in part["nodes"]}
    for edge in edges:
        key = (edge["type"], edge["source"], edge["target"], edge.get("work_id"), edge.get("raw_affiliation"))
        if key in seen or edge["type"] in ("PART_OF", "SUBORDINATE_TO"):
            continue
        seen.add(key)
        doi = edge.get("doi") or bundle.works.get(edge.get("work_id") or "", {}).get("doi")
        ends = [_md(names.get(edge[end], edge[end])) for end in ("source", "target")]
        text = f"- {ends[0]} {_md(edge['type'])} {ends[1]}"
        if edge.get("work_id"):
            text += f" (work {_md(edge['work_id'])}, DOI {_doi_link(doi)})"
        if edge.get("raw_affiliation"):
            text += f': raw "{_md(edge["raw_affiliation"])}"'
        if edge["type"] == "MATCHES":
            text += f" (rule {_md(edge.get('rule') or '')}, alias {_md(edge.get('alias') or '')})"
        if edge["type"] == "AFFILIATED_WITH" and edge.get("matched_by"):
            # who linked the author to the institution: OpenAlex, or the project's reading of the string
            text += f" (matched_by {_md(edge['matched_by'])}" + (
                f", alias {_md(edge['alias'])})" if edge.get("alias") else ")")
        lines.append(text)
    return lines + [""]


def to_markdown(bundle: Bundle) -> bytes:
    """A report listing every path with its works, DOIs, raw strings, sources, date and filters."""
    context = _context(bundle)
    summary = bundle.summary
    lines = ["# Research ties: evidence report", "", f"> {NOTE}", "",
             f"- Data date: {_md(context['data_date'])} (tables loaded at {_md(context['loaded_at'])})"]
    if context["synthetic"]:
        lines.append("- **Synthetic demo data**: generated authors and works around real institution ids.")
    lines += [f"- Paths: {_md(summary.get('paths', len(bundle.paths)))} {_md(summary.get('by_kind', ''))}; "
              f"works: {_md(summary.get('works', ''))}", "", "## Filters", ""]
    lines += [f"- {key}: {_code(value)}" for key, value in bundle.filters.items()]
    lines += ["", "## Paths", ""]
    if not bundle.paths:
        lines.append("No paths match these filters.")
    for path in bundle.paths:
        lines += _path_markdown(path, bundle)
    return ("\n".join(lines) + "\n").encode("utf-8")


def render(bundle: Bundle, fmt: str) -> bytes:
    """The export of `bundle` in format `fmt` (one of ``FORMATS``)."""
    if fmt not in FORMATS:
        raise InputError(f"--format must be one of {', '.join(FORMATS)}; got {fmt!r}")
    if fmt == "md":
        return to_markdown(bundle)
    G = bundle.graph
    return {"graphml": lambda: to_graphml(G), "json": lambda: to_json(bundle, G), "csv": lambda: to_csv_zip(bundle, G),
            "html": lambda: to_html(bundle, G)}[fmt]()


def bundle_from_rows(rows: list[dict], filters: dict, k: int, min_works: int, meta: dict,
                     works: dict[str, dict] | None = None, entities: dict[str, dict] | None = None) -> Bundle:
    """Rank evidence rows into paths and wrap them with their context (pure)."""
    return bundle_from_report(paths_report(rows, filters, k=k, min_works=min_works, evidence=True), meta,
                              works, entities)


def bundle_from_report(report: dict, meta: dict, works: dict[str, dict] | None = None,
                       entities: dict[str, dict] | None = None) -> Bundle:
    """Wrap a paths report (with evidence) with its context (pure)."""
    filters = report["summary"]["filters"]
    return Bundle(paths=report["paths"], summary=report["summary"], filters=filters, meta=meta,
                  works=works or {}, entities=entities or {})


def gather(store, query, meta: dict, rows: list[dict] | None = None) -> Bundle:
    """Run the tie queries for `query` on `store` and look up the works and entities they name.

    Parameters
    ----------
    store : an open ``GraphStore``
    query : a ``queries.evidence.TieQuery``
    meta : the table set's metadata (``graph.tables.read_meta``)
    rows : the evidence rows, when the caller already has them (the dashboard caches them
        per kind); by default the paths come from ``queries.ranked.find_paths``, which reads
        the evidence of the paths kept only
    """
    if rows is None:
        bundle = bundle_from_report(find_paths(store, query, evidence=True), meta)
    else:
        bundle = bundle_from_rows(rows, query.filters(), query.k, query.min_works, meta)
    ids = sorted(work_ids(bundle.paths))
    bundle.works = {w["id"]: w for w in store.run("works", {"ids": ids})} if ids else {}
    bundle.entities = {e["id"]: e for e in store.run("entities", {"category": ""})}
    return bundle
