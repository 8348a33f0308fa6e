"""`ties demo`: generate the synthetic demo corpus, load it, serve the dashboard."""

from __future__ import annotations

import click

from graph.store import open_store
from loaders.generate import write_corpus
from loaders.ingest import ingest
from queries.generations import record_after_load
from ties.commands._common import config_from, run_dashboard

DEMO_WORKS = 2000
DEMO_SEED = 42


def prepare_demo(progress: bool = True) -> dict:
    """Generate the demo corpus under TIES_HOME if absent and load it into the embedded store."""
    config = config_from("local")
    corpus = config.home / "demo-corpus"
    if not (corpus / "truth.json").is_file():
        click.echo(f"generating the synthetic demo corpus ({DEMO_WORKS} works) in {corpus}", err=True)
        write_corpus(corpus, DEMO_WORKS, seed=DEMO_SEED)
    report = ingest([corpus], config, progress=progress)
    with open_store(config) as store:
        counts = store.load(config.tables_dir)
    warning = record_after_load(config)  # the tie digest `ties diff` and the What changed page compare
    if warning:
        click.echo(warning, err=True)
    return {"corpus": str(corpus), "load": report.summary(), "store": counts}


@click.command("demo")
@click.option("--no-browser", is_flag=True, help="Prepare and serve without opening a browser.")
@click.option("--port", type=int, default=8501, show_default=True)
@click.option("--prepare-only", is_flag=True, help="Generate and load, then exit without serving.")
def command(no_browser: bool, port: int, prepare_only: bool) -> None:
    """Load the bundled synthetic demo corpus into the embedded store and open the dashboard.

    The demo data is synthetic (generated authors and works around real institution ids);
    every page that shows it says so.

    Example: ties demo --no-browser --port 8501
    """
    result = prepare_demo()
    load = result["load"]
    click.echo(f"demo loaded: {load['works']} works, {load['authors']} authors, "
               f"{load['institutions']} institutions (synthetic data)", err=True)
    if prepare_only:
        return
    click.echo(f"open http://127.0.0.1:{port}", err=True)
    run_dashboard(port, "127.0.0.1", no_browser, "local")
