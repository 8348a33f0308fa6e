"""`ties exposure`: ties per sector, institution, department, field, technology, year or branch."""

from __future__ import annotations

import click

from graph.store import open_store
from queries.evidence import TieQuery, check_source
from queries.export import csv_text
from queries.exposure import DIMENSIONS, exposure
from ties.commands._common import config_from, echo_json, store_option


@click.command("exposure")
@click.option("--by", type=click.Choice(DIMENSIONS), default="sector", show_default=True)
@click.option("--from-country", "country", default="NL", show_default=True)
@click.option("--from-institution", "institution", default="")
@click.option("--to", "target", default="cmc", show_default=True, help="cmc | industry | security | all | entity id")
@click.option("--since", type=int, default=0)
@click.option("--until", type=int, default=9999)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV.")
@store_option
def command(by: str, country: str, institution: str, target: str, since: int, until: int,
            as_json: bool, as_csv: bool, store: str | None) -> None:
    """How exposed each unit is: works with direct or dual-affiliation ties, Dutch authors,
    distinct entities, China co-publications and the share of those with ties, per year.

    Example: ties exposure --by technology --since 2015 --csv
    """
    query = check_source(TieQuery(country=country, institution=institution, target=target, since=since,
                                  until=until, kinds=("direct", "dual_affiliation")))
    graph = open_store(config_from(store), read_only=True)
    try:
        table = exposure(graph, by, query)
    finally:
        graph.close()
    if as_json:
        echo_json({"by": by, "filters": query.filters(), "rows": table.to_dict("records"),
                   "note": "Co-authorship is evidence of collaboration, not of wrongdoing."})
    elif as_csv:
        out = table.copy()
        out["trend"] = [";".join(f"{y}:{n}" for y, n in t.items()) for t in out["trend"]]
        click.echo(csv_text(out), nl=False)
    else:
        if table.empty:
            click.echo("no ties found for these filters")
            return
        shown = table.drop(columns=["trend", "unit_id"])
        click.echo(shown.to_string(index=False))
