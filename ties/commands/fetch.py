"""`ties fetch`: pull works from the live OpenAlex API into raw pages on disk, resumably."""

from __future__ import annotations

from pathlib import Path

import click

from loaders.fetch import MAX_PER_PAGE, FetchSummary, WorksQuery, fetch_works
from loaders.openalex import ClientSettings, OpenAlexClient
from ties.commands._common import config_from, echo_json, json_option


@click.command(name="fetch")
@click.option("--country", metavar="CC", help="Home country (ISO code), e.g. NL.")
@click.option(
    "--partner-country", metavar="CC",
    help="Works must also have an author at an institution in this country, e.g. CN.",
)
@click.option("--since", type=int, metavar="YEAR", help="First publication year.")
@click.option("--until", type=int, metavar="YEAR", help="Last publication year.")
@click.option(
    "--institution", "institutions", multiple=True, metavar="ID",
    help="Also fetch every work of this OpenAlex institution and its descendants "
    "(a separate query per id). Repeatable.",
)
@click.option(
    "--per-page", type=click.IntRange(1, MAX_PER_PAGE), default=100, show_default=True,
    help="Works per request.",
)
@click.option("--limit", type=click.IntRange(min=1), help="Stop after this many works per query.")
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the pages (default <TIES_HOME>/raw/api/<query>/). With several "
    "queries each gets a subfolder named after the query.",
)
@click.option("--refresh", is_flag=True, help="Forget saved pages and state; start over.")
@click.option(
    "--rate", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
    envvar="TIES_FETCH_RATE", help="Requests per second at most (API limit: 100). "
    "Env: TIES_FETCH_RATE.",
)
@click.option(
    "--max-wait", type=click.FloatRange(min=0), default=60.0, show_default=True,
    envvar="TIES_FETCH_MAX_WAIT", help="A Retry-After longer than this many seconds means "
    "the daily allowance is used up: stop and save. Env: TIES_FETCH_MAX_WAIT.",
)
@click.option("--no-progress", is_flag=True, help="No progress bar on stderr.")
@json_option
def command(
    country: str | None,
    partner_country: str | None,
    since: int | None,
    until: int | None,
    institutions: tuple[str, ...],
    per_page: int,
    limit: int | None,
    out: Path | None,
    refresh: bool,
    rate: float,
    max_wait: float,
    no_progress: bool,
    as_json: bool,
) -> None:
    """Fetch works from the OpenAlex API, page by page, into raw JSON files.

    Every page is saved with its URL, time and response headers before it is used.
    An interrupted fetch (quota, network, Ctrl-C) resumes from the last saved cursor
    when the same command is run again. Needs OPENALEX_API_KEY (free, from your
    OpenAlex account settings); OPENALEX_MAILTO is optional.

    Example: ties fetch --country NL --partner-country CN --since 2015 --until 2024
    """
    if not country and partner_country:
        raise click.UsageError("--partner-country needs --country")
    if not country and not institutions:
        raise click.UsageError("give --country (and --partner-country) or --institution ID")
    common = {"since": since, "until": until, "per_page": per_page, "limit": limit}
    queries = []
    if country:
        countries = (country, partner_country) if partner_country else (country,)
        queries.append(WorksQuery(countries=countries, **common))
    queries += [WorksQuery(institution=i, **common) for i in institutions]
    config = config_from()
    client = OpenAlexClient(config, ClientSettings(requests_per_second=rate, max_wait=max_wait))
    summaries: list[FetchSummary] = []
    try:
        for query in queries:
            target = None
            if out is not None:
                target = out if len(queries) == 1 else out / query.slug()
            summaries.append(fetch_works(
                config, query, target, progress=not no_progress, refresh=refresh, client=client,
            ))
            if not as_json:
                click.echo(_describe(summaries[-1]))
    finally:
        client.close()
    if as_json:
        echo_json({"queries": [s.to_dict() for s in summaries]})


def _describe(s: FetchSummary) -> str:
    """One line per query for people."""
    total = f" of {s.total:,}" if s.total is not None else ""
    if s.finished:
        status = "complete"
    elif s.limit_reached:
        status = "stopped at --limit"
    else:
        status = "incomplete"
    how = "resumed, " if s.resumed and s.fetched_pages else ""
    line = (
        f"{s.slug}: {s.works:,}{total} works in {s.pages} pages ({how}{status}; "
        f"{s.fetched_pages} fetched now) -> {s.out_dir}"
    )
    return "\n".join([line, *(f"  {note}" for note in s.notes)])
