"""`ties exposure`: ties per sector, institution, department, field, technology, year or branch."""

from __future__ import annotations

import click

from queries import open_store
from queries.export import csv_text
from queries.exposure import DIMENSIONS, exposure
from ties.commands._common import config_from, echo_json, store_option
from ties.commands._selection import tie_query_from, tie_query_options

#: exposure counts the evidence of direct and dual-affiliation ties; path shaping does not apply
NOT_OFFERED = ("max_hops", "min_works", "k", "kinds")
KINDS = ("direct", "dual_affiliation")


@click.command("exposure")
@click.option("--by", type=click.Choice(DIMENSIONS), default="sector", show_default=True)
@tie_query_options(skip=NOT_OFFERED)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV.")
@store_option
def command(by: str, as_json: bool, as_csv: bool, store: str | None, **kwargs) -> None:
    """How exposed each unit is: works with direct or dual-affiliation ties, Dutch authors,
    distinct entities, China co-publications and the share of those with ties, per year.

    Example: ties exposure --by technology --since 2015 --csv
    """
    query = tie_query_from(kwargs, kinds=KINDS)
    with open_store(config_from(store), read_only=True) as graph:
        table = exposure(graph, by, query)
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
