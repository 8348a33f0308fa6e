"""`ties dashboard`: the Streamlit app, bound to 127.0.0.1 by default."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import click

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


class _Stopped(Exception):
    """SIGTERM (or SIGINT) reached this process while the Streamlit child was serving."""


def _raise_stopped(signum, frame) -> None:  # noqa: ARG001 - the signal module's handler signature
    raise _Stopped(signum)


def serve(command: list[str], env: dict) -> int:
    """Run `command` as a child until it ends or this process is stopped; then stop the child.

    ``subprocess.run`` left the Streamlit child serving the port when ``ties demo`` got a
    SIGTERM (only the parent died), so the child is stopped here on SIGTERM and SIGINT:
    terminate, then kill after 10 s. Returns the child's exit code.
    """
    child = subprocess.Popen(command, env=env)
    previous = {sig: signal.signal(sig, _raise_stopped) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        return child.wait()
    except (_Stopped, KeyboardInterrupt):
        return 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if child.poll() is None:
            child.terminate()
            try:
                child.wait(10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


def run_dashboard(port: int, address: str, headless: bool, store: str | None) -> None:
    """Run Streamlit until it exits or this process is interrupted (Ctrl-C, SIGTERM); the
    Streamlit child never outlives it."""
    config = config_from(store)
    env = {**os.environ, "TIES_HOME": str(config.home.resolve()), "TIES_STORE": config.store}
    click.echo(f"dashboard: http://{address}:{port}  (Ctrl-C to stop)", err=True)
    serve(streamlit_command(port, address, headless), env)


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
