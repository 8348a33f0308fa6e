"""`ties neo4j start|stop|status`: a local Neo4j Community 5.26 server without Docker.

The work is in :mod:`graph.neo4j_server`; this module only parses flags and prints.
The password is never printed: it is in ``<TIES_HOME>/neo4j/connection.json`` (mode 0600),
where ``ties`` itself finds it.
"""

from __future__ import annotations

import click

from graph import neo4j_server
from ties.commands._common import config_from, echo_json, json_option
from ties.config import server_options


def _public(info: dict) -> dict:
    return {k: v for k, v in info.items() if k != "password"}


@click.group(name="neo4j")
def command() -> None:
    """Run a local Neo4j 5.26 server (Java 17 + Maven, no Docker) under TIES_HOME/neo4j.

    Example: ties neo4j start && ties load --store neo4j && ties neo4j stop
    """


@command.command()
@click.option("--port", type=click.IntRange(1, 65535), default=None,
              help="Bolt port on 127.0.0.1 (default 7687 if free, else any free port). "
                   "Env: TIES_NEO4J_PORT.")
@click.option("--timeout", type=click.FloatRange(5, 600), default=neo4j_server.START_TIMEOUT,
              show_default=True, help="Seconds to wait for Bolt to answer.")
@json_option
def start(port: int | None, timeout: float, as_json: bool) -> None:
    """Start the server (fetching its jars with Maven the first time) and wait for Bolt.

    Example: ties neo4j start --port 7688
    """
    home = config_from().home
    info = neo4j_server.start(home, port=port, timeout=timeout, options=server_options())
    info["connection_file"] = str(neo4j_server.server_dir(home) / "connection.json")
    if as_json:
        echo_json(_public(info))
    elif info["already_running"]:
        click.echo(f"Neo4j already running at {info['uri']} (pid {info['pid']})")
    else:
        click.echo(f"Neo4j running at {info['uri']} (pid {info['pid']}, "
                   f"{info['seconds']} s); credentials in {info['connection_file']}")


@command.command()
@json_option
def stop(as_json: bool) -> None:
    """Stop the server that `ties neo4j start` started for this TIES_HOME.

    Example: ties neo4j stop
    """
    result = neo4j_server.stop(config_from().home)
    if as_json:
        echo_json(result)
    elif result["stopped"]:
        click.echo(f"Neo4j stopped (pid {result['pid']})")
    else:
        click.echo("Neo4j is not running")


@command.command()
@json_option
def status(as_json: bool) -> None:
    """Say whether the local server runs, with its URI, pid and memory.

    Exits 0 when running and 1 when stopped, so scripts can test it.

    Example: ties neo4j status --json
    """
    info = neo4j_server.status(config_from().home)
    if as_json:
        echo_json(info)
    elif info["running"]:
        click.echo(f"running at {info['uri']} (pid {info['pid']}, {info['rss_mb']} MB RSS, "
                   f"since {info['started_at']})")
    else:
        click.echo("stopped")
    if not info["running"]:
        raise SystemExit(1)
