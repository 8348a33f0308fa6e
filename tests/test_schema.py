"""The shipped schema file is valid and drives both stores' DDL."""

from __future__ import annotations

import pytest

from graph.errors import ConfigError
from graph.ladybug_store import ladybug_ddl
from graph.neo4j_store import neo4j_schema_statements
from graph.schema import load_schema, parse_schema


def test_shipped_schema_has_the_required_labels_and_types():
    schema = load_schema()
    assert {"Work", "Author", "Institution", "Department", "Entity"} <= set(schema.nodes)
    assert {"AUTHORED", "AFFILIATED_WITH", "PART_OF", "CHILD_OF", "SUBORDINATE_TO", "MATCHES"} <= set(
        schema.relationships
    )


def test_affiliation_edges_carry_their_provenance():
    props = load_schema().relationships["AFFILIATED_WITH"].properties
    assert {"work_id", "year", "raw_affiliation", "matched_by"} <= set(props)


def test_every_node_label_gets_a_table_in_ladybug_and_a_constraint_in_neo4j():
    schema = load_schema()
    ddl = "\n".join(ladybug_ddl(schema))
    constraints = "\n".join(neo4j_schema_statements(schema))
    for label in schema.nodes:
        assert f"CREATE NODE TABLE {label}(" in ddl
        assert f"FOR (n:{label}) REQUIRE n.id IS UNIQUE" in constraints


@pytest.mark.parametrize(
    "data, message",
    [
        ({"nodes": {"A": {"table": "as", "properties": {"id": "text"}}}, "relationships": {}}, "unknown type"),
        ({"nodes": {"A": {"table": "as", "properties": {"name": "string"}}}, "relationships": {}}, "'id'"),
        ({"nodes": {"A": {"table": "as", "properties": {"id": "string"}}},
          "relationships": {"R": {"endpoints": [{"from": "A", "to": "B", "table": "r"}]}}}, "unknown node label"),
    ],
)
def test_a_bad_schema_fails_at_load_naming_the_key(data, message):
    with pytest.raises(ConfigError, match=message):
        parse_schema(data)
