"""The one protocol both graph stores implement, and how to open the configured one."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from graph.errors import ConfigError
from ties.config import Config


class GraphStore(Protocol):
    """A graph store: loads the normalised tables and runs named queries.

    Both implementations (embedded LadybugDB and Neo4j) must return the same rows for the
    same query name and parameters; the tests compare them.
    """

    name: str

    def load(self, tables_dir: Path) -> dict[str, int]:
        """Make the store hold exactly the table set in `tables_dir`; return counts."""

    def run(self, query_name: str, params: dict[str, Any] | None = None) -> list[dict]:
        """Run `queries/<query_name>.cypher` (or the engine's variant) with parameters."""

    def counts(self) -> dict[str, int]:
        """Number of nodes per label and relationships per type."""

    def close(self) -> None: ...

    def __enter__(self) -> GraphStore: ...

    def __exit__(self, *exc_info: object) -> None: ...


class ClosesOnExit:
    """Mixin for the stores: ``with open_store(config) as store:`` closes the store on any exit."""

    def __enter__(self):
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def open_store(config: Config, read_only: bool = False) -> GraphStore:
    """Open the store named by ``config.store`` (``local`` or ``neo4j``)."""
    if config.store == "local":
        from graph.ladybug_store import LadybugStore

        return LadybugStore(config.ladybug_dir, read_only=read_only)
    if config.store == "neo4j":
        from graph.neo4j_store import Neo4jStore

        if read_only and config.neo4j_readonly_user:
            # readers (the dashboard) log in with the read-only account when one is configured
            config = config.with_overrides(neo4j_user=config.neo4j_readonly_user,
                                           neo4j_password=config.neo4j_readonly_password)
        return Neo4jStore.from_config(config)
    raise ConfigError(f"unknown store {config.store!r}: use local or neo4j (TIES_STORE, --store)")
