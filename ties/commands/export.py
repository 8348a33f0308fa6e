"""`ties export`: write the evidence subgraph of a path selection to a file."""

from __future__ import annotations

import os
from pathlib import Path

import click

from graph.errors import InputError
from graph.tables import read_meta, require_tables
from queries import open_store
from queries.export import FORMATS, SUFFIX, gather, render
from ties.commands._common import config_from, echo_json, json_option, store_option
from ties.commands._selection import tie_query_from, tie_query_options
from ties.outputs import write_output


@click.command("export")
@tie_query_options()
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True,
              help="graphml | json (nodes and links) | csv (zip of nodes/edges/works) | html (offline) | md (report).")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="File to write (a .zip for csv).")
@click.option("--force", is_flag=True, help="Replace an existing file of that name (never writes through a link).")
@store_option
@json_option
def command(fmt: str, out: Path, force: bool, store: str | None, as_json: bool, **kwargs) -> None:
    """Export the evidence subgraph of the selected ties for investigators.

    Takes the same selection options as `ties paths`. Every edge that comes from a
    publication names its OpenAlex work id and DOI, every affiliation edge its raw string;
    the Markdown report and the HTML page also state the data date and the exact filters.
    Co-authorship is evidence of collaboration, not of wrongdoing.

    Example: ties export --from-institution I98358874 --to cmc --format md --out delft-cmc.md
    """
    if not out.parent.is_dir():
        raise InputError(f"{out}: folder {out.parent} does not exist")
    if os.path.lexists(out) and not force:  # before the queries run; write_output checks again
        raise InputError(f"{out}: exists; not replaced (use --force)")
    query = tie_query_from(kwargs)
    config = config_from(store)
    require_tables(config.tables_dir)
    with open_store(config, read_only=True) as graph:
        bundle = gather(graph, query, read_meta(config.tables_dir))
    payload = render(bundle, fmt)
    write_output(out, payload, force=force)
    G = bundle.graph
    result = {"out": str(out), "format": fmt, "bytes": len(payload), "paths": len(bundle.paths),
              "nodes": G.number_of_nodes(), "edges": G.number_of_edges(),
              "works": len({d["work_id"] for _, _, d in G.edges(data=True) if d.get("work_id")})}
    if as_json:
        echo_json(result)
        return
    hint = "" if out.suffix == SUFFIX[fmt] else f" (usual suffix {SUFFIX[fmt]})"
    click.echo(f"wrote {out}{hint}: {result['paths']} paths, {result['nodes']} nodes, {result['edges']} edges, "
               f"{result['works']} works")
