"""The graph model (schema as data) and the two stores that hold it."""
