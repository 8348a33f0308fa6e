"""Options and helpers shared by several commands."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path
from typing import Any

import click
import orjson

from graph.errors import InputError
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
    """Run Streamlit in the foreground until interrupted (Ctrl-C); `dashboard` and `demo` use it."""
    config = config_from(store)
    check_port_free(address, port)
    env = {**os.environ, "TIES_HOME": str(config.home.resolve()), "TIES_STORE": config.store}
    click.echo(f"dashboard: http://{address}:{port}  (Ctrl-C to stop)", err=True)
    # the child never outlives this process: SIGTERM and SIGINT stop it too (ties.child.serve)
    code = serve(streamlit_command(port, address, headless), env)
    if code not in (0, -2, -15, 130):  # 130 / -SIGINT / -SIGTERM: stopped on purpose
        raise InputError(f"the dashboard stopped with exit code {code} (see the lines above)")


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
