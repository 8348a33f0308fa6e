"""`ties match`: read raw affiliation strings, say which watchlist entity (if any) and
which Dutch institution and department each names, and why."""

from __future__ import annotations

import sys

import click

from graph.errors import InputError
from loaders.matcher import Matcher
from ties.commands._common import echo_json


@click.command("match")
@click.argument("file", type=click.File("r", encoding="utf-8"), default="-", required=False)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per input line.")
def command(file, as_json: bool) -> None:
    """Match raw affiliation strings (one per line of FILE, or stdin) to the watchlist.

    Each line gets: the institution, the department, whether it is under the Central
    Military Commission, its category (cmc, defence_industry, security), the entity, the
    chain up to the root and the rule that fired. A match is evidence to check, not a
    verdict: see the entity's sources in loaders/data/watchlist.yaml.

    Example: echo "College of Computer, NUDT, Changsha 410073, China" | ties match --json
    """
    matcher = Matcher()
    any_input = False
    for line in file:
        text = line.rstrip("\r\n")
        if not text.strip():
            continue
        any_input = True
        result = matcher.describe(text)
        if as_json:
            echo_json(result)
        else:
            click.echo(_line(result))
    if not any_input:
        name = "standard input" if file is sys.stdin or getattr(file, "name", "-") in ("-", "<stdin>") \
            else file.name
        raise InputError(f"{name}: no affiliation strings (one per line expected)")


def _line(result: dict) -> str:
    """One readable line: verdict-free label, entity, chain, rule; then the text."""
    if result["entity"]:
        label = "UNDER CMC" if result["under_cmc"] else result["category"].upper()
        where = " > ".join(result["chain"])
        out = f"{label:16} {where}  [rule {result['rule']}]"
    elif result["institution"]:
        out = f"{'NOT LISTED':16} {result['institution']['name']} ({result['institution']['country']})"
    else:
        out = f"{'NO MATCH':16} -"
    if result["department"]:
        out += f"  dept: {result['department']}"
    return f"{out}\n{'':16} {result['text']}"
