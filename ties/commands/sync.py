"""`ties sync`: push the normalised tables into Neo4j, only what changed since last time."""

from __future__ import annotations

import time

import click

from graph.neo4j_store import Neo4jStore
from ties.commands._common import config_from, echo_json, json_option


@click.command("sync")
@json_option
def command(as_json: bool) -> None:
    """Push new and changed rows of the normalised tables into Neo4j (NEO4J_URI, or the
    server `ties neo4j start` runs); rows gone from the tables are deleted there.

    Example: ties sync --json
    """
    config = config_from("neo4j")
    started = time.perf_counter()
    with Neo4jStore.from_config(config) as store:
        counts = store.load(config.tables_dir)
    seconds = round(time.perf_counter() - started, 3)
    if as_json:
        echo_json({"store": counts, "seconds": seconds})
    else:
        click.echo(f"synced in {seconds} s: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
