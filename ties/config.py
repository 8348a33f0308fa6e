"""Read the configuration from the environment: the only place settings come from it.

The :class:`~graph.settings.Config` object itself lives in the base layer, so the library
layers (graph, loaders, queries) are given it as an argument and never read the environment.
"""

from __future__ import annotations

import os
from pathlib import Path

from graph.errors import ConfigError
from graph.neo4j_server import ServerOptions
from graph.settings import STORES, Config

__all__ = ["STORES", "Config", "load_config", "server_options"]


def _read_dotenv(path: Path) -> dict[str, str]:
    """Read KEY=VALUE lines from a `.env` file; the tool never writes secrets itself."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip().strip('"').strip("'")
    return values


def load_config(environ: dict[str, str] | None = None, dotenv: Path | None = None) -> Config:
    """Build the configuration from the environment and an optional `.env` file.

    The environment wins over `.env`. The local Neo4j server started by
    ``ties neo4j start`` writes its URI and generated password under ``TIES_HOME``;
    they are used when ``NEO4J_URI`` is not set.
    """
    env = dict(_read_dotenv(dotenv or Path(".env")))
    env.update(os.environ if environ is None else environ)
    home = Path(env.get("TIES_HOME") or ".ties")
    store = env.get("TIES_STORE") or "local"
    cfg = Config(
        home=home,
        store=store,
        neo4j_uri=env.get("NEO4J_URI") or None,
        neo4j_user=env.get("NEO4J_USER") or "neo4j",
        neo4j_password=env.get("NEO4J_PASSWORD") or None,
        neo4j_database=env.get("NEO4J_DATABASE") or "neo4j",
        neo4j_readonly_user=env.get("NEO4J_READONLY_USER") or None,
        neo4j_readonly_password=env.get("NEO4J_READONLY_PASSWORD") or None,
        openalex_api_key=env.get("OPENALEX_API_KEY") or None,
        openalex_mailto=env.get("OPENALEX_MAILTO") or None,
        openalex_base_url=env.get("OPENALEX_BASE_URL") or "https://api.openalex.org",
    )
    return cfg


def server_options(environ: dict[str, str] | None = None) -> ServerOptions:
    """Settings of the local Neo4j server (``ties neo4j start``) from the environment."""
    env = os.environ if environ is None else environ
    port = env.get("TIES_NEO4J_PORT") or None
    if port is not None and not port.isdigit():
        raise ConfigError(f"TIES_NEO4J_PORT={port!r} is not a port number")
    return ServerOptions(
        port=int(port) if port else None,
        heap=env.get("TIES_NEO4J_HEAP") or "512m",
        pagecache=env.get("TIES_NEO4J_PAGECACHE") or "64m",
        tx_memory=env.get("TIES_NEO4J_TX_MEMORY") or "256m",
        java_home=env.get("JAVA_HOME") or None,
        environ=dict(env),
    )
