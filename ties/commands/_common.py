"""Options and helpers shared by several commands."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click
import orjson

from ties.child import serve
from ties.config import STORES, Config, load_config

#: the Streamlit app `ties dashboard` and `ties demo` serve (installed beside this package)
APP = Path(__file__).resolve().parents[2] / "dashboards" / "app.py"


def store_option(func: Any) -> Any:
    """``--store local|neo4j`` (default from TIES_STORE, else local)."""
    return click.option(
        "--store",
        type=click.Choice(STORES),
        default=None,
        help="Graph store: local (embedded LadybugDB, default) or neo4j. Env: TIES_STORE.",
    )(func)


def json_option(func: Any) -> Any:
    return click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")(func)


def config_from(store: str | None = None) -> Config:
    """The configuration from the environment, with ``--store`` applied."""
    return load_config().with_overrides(store=store)


def echo_json(obj: Any) -> None:
    """Print one JSON document on stdout (orjson: numpy and dataclasses allowed)."""
    sys.stdout.write(
        orjson.dumps(obj, option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS).decode()
        + "\n"
    )


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
    """Run Streamlit in the foreground until it exits or this process is stopped (Ctrl-C,
    SIGTERM); the Streamlit child never outlives it (``ties.child.serve``). `dashboard` and
    `demo` use it."""
    config = config_from(store)
    env = {**os.environ, "TIES_HOME": str(config.home.resolve()), "TIES_STORE": config.store}
    click.echo(f"dashboard: http://{address}:{port}  (Ctrl-C to stop)", err=True)
    serve(streamlit_command(port, address, headless), env)
