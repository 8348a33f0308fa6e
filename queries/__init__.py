"""Named Cypher analyses: one `.cypher` file per query, `NAME.<engine>.cypher` only where
the dialects differ. Python code never builds Cypher from user input; it names a query and
passes parameters, which are checked against the ones the file declares.

Open a store with :func:`open_store` here: it hands the store this registry's
:func:`~queries.registry.render`, so ``store.run(name, params)`` works while the store
itself (the layer below) only executes the text it is given."""

from __future__ import annotations

from graph.settings import Config
from graph.store import GraphStore
from graph.store import open_store as _open_store
from queries.registry import Query, bind_params, load_query, query_names, render

__all__ = ["Query", "bind_params", "load_query", "open_store", "query_names", "render"]


def open_store(config: Config, read_only: bool = False) -> GraphStore:
    """The configured store, able to run the named queries of this package."""
    return _open_store(config, read_only=read_only, queries=render)
