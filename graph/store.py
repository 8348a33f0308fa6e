"""The one protocol both graph stores implement, and how to open the configured one."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from graph.base_store import QueryLoader
from graph.errors import ConfigError
from graph.ladybug_store import LadybugStore
from graph.settings import Config


class GraphStore(Protocol):
    """A graph store: loads the normalised tables and runs query text.

    Both implementations (embedded LadybugDB and Neo4j) must return the same rows for the
    same query name and parameters; the tests compare them.
    """

    name: str
    engine: str

    def load(self, tables_dir: Path) -> dict[str, int]:
        """Make the store hold exactly the table set in `tables_dir`; return counts."""

    def execute(self, text: str, params: dict[str, Any], label: str = "query") -> list[dict]:
        """Run Cypher text (rendered for :attr:`engine`) with bound parameters."""

    def run(self, query_name: str, params: dict[str, Any] | None = None) -> list[dict]:
        """Run a named query, rendered and bound by the query loader the store was given."""

    def counts(self) -> dict[str, int]:
        """Number of nodes per label and relationships per type."""

    def close(self) -> None: ...

    def __enter__(self) -> GraphStore: ...

    def __exit__(self, *exc_info: object) -> None: ...


def open_store(config: Config, read_only: bool = False, queries: QueryLoader | None = None) -> GraphStore:
    """Open the store named by ``config.store`` (``local`` or ``neo4j``).

    `queries` renders named queries (``queries.open_store`` passes the registry's); a store
    opened without it can load tables and run text, but not ``run`` a query by name.
    """
    if config.store == "local":
        return LadybugStore(config.ladybug_dir, read_only=read_only, queries=queries)
    if config.store == "neo4j":
        # optional import, measured: the Neo4j driver adds 0.5-0.8 s to every command on the
        # embedded store (the default), which never needs it
        from graph.neo4j_store import Neo4jStore

        if read_only and config.neo4j_readonly_user:
            # readers (the dashboard) log in with the read-only account when one is configured
            config = config.with_overrides(neo4j_user=config.neo4j_readonly_user,
                                           neo4j_password=config.neo4j_readonly_password)
        return Neo4jStore.from_config(config, queries=queries)
    raise ConfigError(f"unknown store {config.store!r}: use local or neo4j (TIES_STORE, --store)")
