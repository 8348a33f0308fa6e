"""Named Cypher analyses: one `.cypher` file per query, `NAME.<engine>.cypher` only where
the dialects differ. Python code never builds Cypher from user input; it names a query and
passes parameters, which are checked against the ones the file declares."""

from queries.registry import Query, bind_params, load_query, query_names

__all__ = ["Query", "bind_params", "load_query", "query_names"]
