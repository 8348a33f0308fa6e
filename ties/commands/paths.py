"""`ties paths`: ties from Dutch units to watchlist entities, with their evidence."""

from __future__ import annotations

import click

from queries import open_store
from queries.ranked import find_paths
from ties.commands._common import config_from, echo_json, json_option, store_option
from ties.commands._selection import tie_query_from, tie_query_options


@click.command("paths")
@tie_query_options()
@store_option
@json_option
def command(store: str | None, as_json: bool, **kwargs) -> None:
    """Trace ties from a Dutch country, institution or department to watchlist entities.

    Kinds: direct co-authorship, dual affiliation, career moves, and indirect ties through
    co-authors up to --max-hops. Each path names the works, DOIs and raw affiliation
    strings behind it. Co-authorship is evidence of collaboration, not of wrongdoing.

    Example: ties paths --from-country NL --to cmc --since 2015 --json
    """
    query = tie_query_from(kwargs)
    with open_store(config_from(store), read_only=True) as graph:
        report = find_paths(graph, query)
    if as_json:
        echo_json(report)
        return
    summary = report["summary"]
    click.echo(f"{summary['paths']} paths ({summary['by_kind']}) over {summary['works']} works")
    for path in report["paths"]:
        source = path["source"]["institution"]
        if path["source"]["department"]:
            source += f" / {path['source']['department']}"
        chain = " > ".join(path["target"]["chain"])
        click.echo(f"{path['rank']:>4}. [{path['kind']}, {path['strength']}] {source} -> {chain}  "
                   f"({path['n_works']} works, {path['first_year']}-{path['last_year']})")
        click.echo(f"      strength: {path['strength_note']}")
    if summary.get("hidden_note"):
        click.echo(summary["hidden_note"])
    click.echo(summary["note"])
