"""`ties match`: read raw affiliation strings, say which watchlist entity (if any) and
which Dutch institution and department each names, and why."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click

from graph.errors import InputError
from loaders.accuracy import evaluate, format_evaluation
from loaders.matcher import Matcher
from ties.commands._common import echo_json
from ties.outputs import printable


@click.command("match")
@click.argument("file", type=click.File("rb"), default="-", required=False)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per input line.")
@click.option("--evaluate", "evaluate_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, metavar="CSV",
              help="Score the matcher on a labelled CSV (affiliation,ror_id or text,under_cmc) and "
                   "print the accuracy figures instead of matching.")
def command(file, as_json: bool, evaluate_file: Path | None) -> None:
    """Match raw affiliation strings (one per line of FILE, or stdin) to the watchlist.

    Each line gets: the institution, the department, whether it is under the Central
    Military Commission, its category (cmc, defence_industry, security), the entity, the
    chain up to the root and the rule that fired. A match is evidence to check, not a
    verdict: see the entity's sources in loaders/data/watchlist.yaml.

    Example: echo "College of Computer, NUDT, Changsha 410073, China" | ties match --json
    """
    matcher = Matcher()
    if evaluate_file is not None:
        _evaluate(matcher, evaluate_file, as_json)
        return
    any_input = False
    for text in _lines(file):
        if not text.strip():
            continue
        any_input = True
        result = matcher.describe(text)
        if as_json:
            echo_json(result)
        else:
            click.echo(_line(result))
    if not any_input:
        name = "standard input" if getattr(file, "name", "-") in ("-", "<stdin>", 0) else file.name
        raise InputError(f"{name}: no affiliation strings (one per line expected)")


#: longest line read (bytes): an affiliation string is a few hundred; `ties match /dev/zero`
#: grew to 4.4 GB looking for the end of its first line
MAX_LINE = 10_000


def _lines(file) -> Iterator[str]:
    """The lines of a binary file as text, each read with a bounded buffer; a line that is
    too long or not UTF-8 is an InputError naming it (not a traceback, not unbounded memory)."""
    name = getattr(file, "name", "-")
    name = "standard input" if name in ("-", "<stdin>", 0) else name
    number = 0
    while True:
        raw = file.readline(MAX_LINE + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE and not raw.endswith(b"\n"):
            raise InputError(f"{name}: line {number} is longer than {MAX_LINE:,} bytes; one affiliation string "
                             "per line expected")
        try:
            yield raw.decode("utf-8-sig" if number == 1 else "utf-8").rstrip("\r\n")
        except UnicodeDecodeError as exc:
            raise InputError(f"{name}: line {number}: not UTF-8 (byte {exc.start + 1} of the line); "
                             "save the file as UTF-8") from None


def _line(result: dict) -> str:
    """Readable lines: verdict-free label, entity, chain, rule; the string's other
    institutions ("also"); then the text."""
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
    # every other institution the string names, each with its own department (issue 14)
    strongest = result["institution"] or {}
    for other in result.get("institutions", []):
        if other["id"] == strongest.get("id") and other["name"] == strongest.get("name"):
            continue
        label = "UNDER CMC" if other["under_cmc"] else (other["category"] or "NOT LISTED").upper()
        out += f"\n{'  also':16} {label}: {other['name']} ({other['country']}) [rule {other['rule']}]"
        if other["department"]:
            out += f"  dept: {other['department']}"
    return f"{out}\n{'':16} {printable(result['text'], MAX_LINE)}"


#: the project's own labelled set, scored beside any file given to --evaluate
PROJECT_LABELLED = Path(__file__).resolve().parents[2] / "tests" / "data" / "affiliations_labelled.csv"


def _evaluate(matcher, path: Path, as_json: bool) -> None:
    """Print the accuracy figures of `matcher` on the labelled file (see loaders.accuracy)."""
    result = evaluate(path, matcher, labelled=PROJECT_LABELLED if PROJECT_LABELLED.exists() else None)
    if as_json:
        echo_json(result.as_dict())
    else:
        click.echo(format_evaluation(result))
