"""`ties dashboard`: the Streamlit app, bound to 127.0.0.1 by default."""

from __future__ import annotations

import click

from ties.commands._common import run_dashboard, store_option


@click.command("dashboard")
@click.option("--port", type=click.IntRange(1, 65535), default=8501, show_default=True)
@click.option("--address", default="127.0.0.1", show_default=True, envvar="TIES_DASHBOARD_ADDRESS",
              help="Interface to bind; keep 127.0.0.1 unless behind an authenticating proxy.")
@click.option("--no-browser", is_flag=True, help="Do not open a browser (headless).")
@store_option
def command(port: int, address: str, no_browser: bool, store: str | None) -> None:
    """Serve the dashboard (Overview, Explorer, profiles, exports).

    Example: ties dashboard --port 8501 --store neo4j
    """
    run_dashboard(port, address, no_browser, store)
