"""`ties load PATH...`: OpenAlex JSON into the normalised tables and the graph store."""

from __future__ import annotations

import click

from graph.errors import InputError
from graph.ids import institution_id
from graph.store import open_store
from loaders.ingest import ingest
from loaders.resolve import ProjectResolver, watchlist_institution_ids
from queries.generations import record_after_load
from ties.commands._common import config_from, echo_json, json_option, store_option


@click.command("load")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))  # str: "" stays "", not "."
@click.option("--country", "countries", multiple=True, metavar="CC",
              help="Keep only works with an institution in this country (repeatable), e.g. NL.")
@click.option("--institution", "institutions", multiple=True, metavar="ID",
              help="Keep only works with this OpenAlex institution (I98358874 or its URL) or one under it "
                   "(repeatable).")
@click.option("--watchlist", "with_watchlist", is_flag=True,
              help="With --country/--institution: also keep works of every watchlist entity (career "
                   "moves need the author's works there).")
@click.option("--show-rejections", type=int, default=10, show_default=True,
              help="How many rejected records to list.")
@store_option
@json_option
def command(paths: tuple[str, ...], countries: tuple[str, ...], institutions: tuple[str, ...],
            with_watchlist: bool, show_rejections: int, store: str | None, as_json: bool) -> None:
    """Load OpenAlex works from files or folders.

    Accepts list pages, single works, pages saved by `ties fetch`, JSON Lines and snapshot
    partitions (`updated_date=*/part_*.gz`), recursively. Loading the same files twice
    changes nothing. Records that cannot be used are counted and listed with the reason.

    Example: ties load ./snapshot/works --country NL --watchlist --json
    """
    config = config_from(store)
    institutions = tuple(institution_id(i) for i in institutions)
    if with_watchlist:
        if not countries and not institutions:
            raise InputError("--watchlist widens a --country or --institution filter; without one every work loads")
        resolver = ProjectResolver()
        institutions = tuple(sorted(set(institutions) | set(watchlist_institution_ids(resolver.watchlist))))
    else:
        resolver = None
    report = ingest(paths, config, countries=countries, institutions=institutions, progress=not as_json,
                    resolver=resolver)
    if report.works == 0 and report.skipped == 0:
        # nothing usable at all is an error (exit 1), named by its first reason
        first = f": {report.rejections[0]}" if report.rejections else ""
        more = f" (and {report.rejected - 1} more rejected)" if report.rejected > 1 else ""
        raise InputError(f"no usable works in {report.files} file(s){first}{more}")
    with open_store(config) as graph:
        counts = graph.load(config.tables_dir)
    warning = record_after_load(config)  # the tie digest `ties diff` and the What changed page compare
    if warning:
        click.echo(warning, err=True)
    if as_json:
        echo_json(report.summary())
        return
    click.echo(
        f"loaded {report.works} works, {report.authors} authors, {report.institutions} institutions, "
        f"{report.authorships} authorships from {report.files} file(s); rejected {report.rejected}"
        + (f"; skipped {report.skipped} outside the chosen countries/institutions" if report.skipped else "")
        + (f"; {report.duplicates} duplicate work id(s), newest copy kept" if report.duplicates else "")
    )
    if report.unresolved:
        click.echo(f"{report.unresolved} raw affiliation string(s) name no institution the project knows "
                   f"(OpenAlex linked none either): listed with their work ids in {report.unresolved_file}")
    click.echo(f"store ({config.store}): " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    for rejection in report.rejections[:show_rejections]:
        click.echo(f"  rejected {rejection}", err=True)
    if report.rejected > show_rejections:
        click.echo(f"  ... and {report.rejected - show_rejections} more", err=True)
    for file, lost in sorted(report.lost_by_file().items()):
        click.echo(f"  lost in {file}: {lost} record(s) or part(s)", err=True)
    for repair in report.repairs[:show_rejections]:
        click.echo(f"  repaired {repair}", err=True)
