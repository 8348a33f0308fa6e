"""`ties dashboard`: the Streamlit app, bound to 127.0.0.1 by default."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import click

from graph.errors import InputError
from ties.commands._common import config_from, store_option

APP = Path(__file__).resolve().parents[2] / "dashboards" / "app.py"


def streamlit_command(port: int, address: str, headless: bool) -> list[str]:
    return [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.port", str(port), "--server.address", address,
        "--server.headless", "true" if headless else "false",
        "--browser.gatherUsageStats", "false",
        # Streamlit's first-run email question would block `ties demo` until someone answers
        "--server.showEmailPrompt", "false",
        "--server.fileWatcherType", "none",
    ]


def run_dashboard(port: int, address: str, headless: bool, store: str | None) -> None:
    """Run Streamlit in the foreground until interrupted (Ctrl-C)."""
    config = config_from(store)
    check_port_free(address, port)
    env = {**os.environ, "TIES_HOME": str(config.home.resolve()), "TIES_STORE": config.store}
    click.echo(f"dashboard: http://{address}:{port}  (Ctrl-C to stop)", err=True)
    try:
        done = subprocess.run(streamlit_command(port, address, headless), env=env, check=False)
    except KeyboardInterrupt:
        return
    if done.returncode not in (0, -2, 130):  # 130 / -SIGINT: stopped with Ctrl-C
        raise InputError(f"the dashboard stopped with exit code {done.returncode} (see the lines above)")


def check_port_free(address: str, port: int) -> None:
    """An InputError when `port` on `address` is taken: Streamlit would otherwise move to
    another port or exit quietly, and `ties dashboard` said nothing and exited 0."""
    try:
        infos = socket.getaddrinfo(address, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise InputError(f"--address {address!r}: cannot resolve it ({exc.strerror})") from None
    family, _, _, _, where = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(where)
        except OSError as exc:
            raise InputError(f"port {port} on {address} is in use ({exc.strerror}); stop what runs there or "
                             "choose another with --port") from None


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
