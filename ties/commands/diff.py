"""`ties diff`: the ties new, gone or backed by more works since the previous load."""

from __future__ import annotations

import click

from queries.generations import diff_generations
from ties.commands._common import config_from, echo_json, json_option, store_option


@click.command("diff")
@json_option
@store_option
def command(as_json: bool, store: str | None) -> None:
    """What changed since the previous load: new ties, gone ties, stronger ties (more works).

    Every `ties load` (and `ties demo`) records a digest of the ties it finds (dual
    affiliation, direct, career); this compares the two newest.

    Example: ties diff --json
    """
    report = diff_generations(config_from(store).home)
    if as_json:
        echo_json(report)
        return
    if report["previous"] is None:
        click.echo(report["note"])
        return
    click.echo(f"since the load of {report['previous_loaded_at']}: {len(report['new'])} new, "
               f"{len(report['gone'])} gone, {len(report['stronger'])} stronger ties")
    for what in ("new", "gone", "stronger"):
        for row in report[what][:20]:
            click.echo(f"  {what}: [{row['kind']}] {row['institution']} ({row['source_author']}) -> "
                       f"{row['entity']} ({row['target_author']}), {row['works']} work(s)")
