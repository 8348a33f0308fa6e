"""`ties brokers`: who bridges Dutch units and watchlist entities most."""

from __future__ import annotations

import click

from queries import open_store
from queries.brokers import brokers
from ties.commands._common import config_from, echo_json, json_option, store_option
from ties.commands._selection import tie_query_from, tie_query_options


@click.command("brokers")
@tie_query_options()
@click.option("--top", type=click.IntRange(1), default=20, show_default=True)
@store_option
@json_option
def command(top: int, store: str | None, as_json: bool, **kwargs) -> None:
    """Authors and institutions that bridge Dutch units and watchlist entities: betweenness
    on the co-authorship projection and a count of distinct ties, with their works.

    Betweenness counts only shortest paths of at most --max-hops co-author steps (default 2)
    between Dutch and watchlist authors (the bound of the path search), so a broker is someone
    on a short chain; an unbounded search costs minutes per query at 10^5 works.

    Example: ties brokers --to cmc --top 10 --json
    """
    query = tie_query_from(kwargs)
    with open_store(config_from(store), read_only=True) as graph:
        result = brokers(graph, query, top=top)
    if as_json:
        echo_json({k: v.to_dict("records") for k, v in result.items()} | {"filters": query.filters()})
        return
    for key, frame in result.items():
        click.echo(f"== {key}")
        click.echo(frame.drop(columns=[c for c in ("works", "institutions") if c in frame]).to_string(index=False)
                   if not frame.empty else "(none)")
