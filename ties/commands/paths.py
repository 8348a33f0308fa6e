"""`ties paths`: ties from Dutch units to watchlist entities, with their evidence."""

from __future__ import annotations

import click

from graph.store import open_store
from queries.evidence import DEFAULT_KINDS, KINDS, KINDS_HELP, TieQuery
from queries.ranked import find_paths
from ties.commands._common import config_from, echo_json, json_option, store_option


def tie_query_options(func):
    """The path selection options shared by `paths`, `export` and `brokers`."""
    options = [
        click.option("--from-country", "country", default="NL", show_default=True, help="Source country code."),
        click.option("--from-institution", "institution", default="", help="Source OpenAlex institution id."),
        click.option("--from-department", "department", default="", help="Source department id (see the dashboard)."),
        click.option("--to", "target", default="cmc", show_default=True,
                     help="cmc | industry | security | all | a watchlist entity id (it and everything under it)."),
        click.option("--max-hops", type=click.IntRange(1, 6), default=2, show_default=True,
                     help="Co-author steps allowed for indirect ties."),
        click.option("--since", type=int, default=0, help="First publication year."),
        click.option("--until", type=int, default=9999, help="Last publication year."),
        click.option("--field", default="", help="OpenAlex field name, e.g. 'Computer Science'."),
        click.option("--min-works", type=click.IntRange(1), default=1, show_default=True,
                     help="Keep paths supported by at least this many works."),
        click.option("-k", "k", type=click.IntRange(1), default=3, show_default=True,
                     help="Paths kept per (source unit, entity) pair."),
        click.option("--kind", "kinds", multiple=True, type=click.Choice(KINDS), help=KINDS_HELP),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def tie_query_from(kwargs: dict) -> TieQuery:
    kinds = tuple(kwargs.pop("kinds", ()) or DEFAULT_KINDS)
    institution = kwargs.get("institution") or ""
    if institution and not institution.startswith(("https://", "ties:")):
        kwargs["institution"] = "https://openalex.org/" + institution
    if kwargs.get("institution") or kwargs.get("department"):
        kwargs.setdefault("country", "NL")
    return TieQuery(kinds=kinds, **kwargs)


@click.command("paths")
@tie_query_options
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
    graph = open_store(config_from(store), read_only=True)
    try:
        report = find_paths(graph, query)
    finally:
        graph.close()
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
        click.echo(f"{path['rank']:>4}. [{path['kind']}] {source} -> {chain}  "
                   f"({path['n_works']} works, {path['first_year']}-{path['last_year']})")
    click.echo(summary["note"])
