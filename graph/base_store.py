"""What both stores share: closing on exit, and running a named query through the loader
they were given.

The stores run query *text*; turning a name into text and checking its parameters is the
job of the query registry (:func:`queries.registry.render`), a layer above this one. So a
store is handed the registry's function when it is opened (``queries.open_store`` does that)
and never imports it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graph.errors import ConfigError

#: (query name, engine, parameters) -> (query text for that engine, bound parameters)
QueryLoader = Callable[[str, str, dict[str, Any] | None], tuple[str, dict[str, Any]]]


class StoreBase:
    """Mixin for the stores: a context manager, and ``run`` by query name via the loader."""

    engine: str  #: the dialect the loader renders for: "ladybug" or "neo4j"
    queries: QueryLoader | None = None

    def execute(self, text: str, params: dict[str, Any], label: str = "query") -> list[dict]:
        """Run Cypher text with bound parameters; `label` names it in errors."""
        raise NotImplementedError

    def run(self, query_name: str, params: dict[str, Any] | None = None) -> list[dict]:
        """Run the named query: the loader renders and binds it, the store executes it."""
        if self.queries is None:
            raise ConfigError(f"query {query_name}: this store was opened without the query "
                              "registry; open it with queries.open_store")
        text, bound = self.queries(query_name, self.engine, params)
        return self.execute(text, bound, query_name)

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self):
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
