"""Read and validate `graph/schema.yaml`: the one description of nodes and relationships.

Both stores and the normalised tables are generated from it, so a change of model is a
change of one data file. Errors name the file and the key at fault, at load time.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from graph.datafile import parse_yaml
from graph.errors import ConfigError

SCHEMA_PATH = Path(__file__).with_name("schema.yaml")
#: ties kept per (institution, department, entity) in TIE_SUMMARY: the loader writes that many,
#: `ties paths -k` up to this reads the summary
MAX_TIE_RANK = 10
#: the source country the load-time exposure rows (TIE_WORK, PARTNER_WORK) are derived for:
#: the country this project answers for; exposure from another country is counted live
DERIVED_COUNTRY = "NL"
#: the partner country of exposure's denominator (works co-published with it)
PARTNER_COUNTRY = "CN"
PROPERTY_TYPES = {"string", "int", "float", "bool", "string[]"}


@dataclass(frozen=True)
class NodeType:
    label: str
    table: str
    properties: dict[str, str]  #: name -> type, `id` first
    indexes: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class Endpoint:
    source: str  #: node label
    target: str
    table: str


@dataclass(frozen=True)
class RelType:
    type: str
    endpoints: tuple[Endpoint, ...]
    properties: dict[str, str]
    key: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class Schema:
    nodes: dict[str, NodeType]
    relationships: dict[str, RelType]

    def node_tables(self) -> dict[str, NodeType]:
        """Table name -> node type."""
        return {n.table: n for n in self.nodes.values()}

    def edge_tables(self) -> dict[str, tuple[RelType, Endpoint]]:
        """Table name -> (relationship type, endpoint pair)."""
        return {e.table: (r, e) for r in self.relationships.values() for e in r.endpoints}

    def columns(self, table: str) -> dict[str, str]:
        """Column name -> type for a node or edge table (edges: `from`, `to` first)."""
        nodes = self.node_tables()
        if table in nodes:
            return dict(nodes[table].properties)
        rel, _ = self.edge_tables()[table]
        return {"from": "string", "to": "string", **rel.properties}

    def key(self, table: str) -> tuple[str, ...]:
        """Columns that identify one row of a table (deduplication key)."""
        if table in self.node_tables():
            return ("id",)
        return self.edge_tables()[table][0].key


def _require(mapping: dict, key: str, where: str) -> object:
    if not isinstance(mapping, dict) or key not in mapping:
        raise ConfigError(f"{SCHEMA_PATH.name}: {where}: missing required key '{key}'")
    return mapping[key]


def _properties(raw: object, where: str) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise ConfigError(f"{SCHEMA_PATH.name}: {where}.properties: must be a mapping")
    for name, kind in raw.items():
        if kind not in PROPERTY_TYPES:
            raise ConfigError(
                f"{SCHEMA_PATH.name}: {where}.properties.{name}: unknown type {kind!r}"
                f" (one of {sorted(PROPERTY_TYPES)})"
            )
    return dict(raw)


def parse_schema(data: dict) -> Schema:
    """Build a :class:`Schema` from the YAML mapping, checking every reference.

    >>> s = parse_schema({"nodes": {"A": {"table": "as", "properties": {"id": "string"}}},
    ...                   "relationships": {}})
    >>> s.columns("as")
    {'id': 'string'}
    """
    if not isinstance(data, dict):
        raise ConfigError(f"{SCHEMA_PATH.name}: top level must be a mapping")
    nodes: dict[str, NodeType] = {}
    for label, spec in (_require(data, "nodes", "top level") or {}).items():
        where = f"nodes.{label}"
        props = _properties(_require(spec, "properties", where), where)
        if props.get("id") != "string":
            raise ConfigError(f"{SCHEMA_PATH.name}: {where}: needs a string property 'id'")
        for index in spec.get("indexes", []):
            if index not in props:
                raise ConfigError(f"{SCHEMA_PATH.name}: {where}.indexes: unknown {index!r}")
        nodes[label] = NodeType(
            label=label,
            table=str(_require(spec, "table", where)),
            properties=props,
            indexes=tuple(spec.get("indexes", [])),
            description=str(spec.get("description", "")).strip(),
        )
    rels: dict[str, RelType] = {}
    for rtype, spec in (_require(data, "relationships", "top level") or {}).items():
        where = f"relationships.{rtype}"
        props = _properties(spec.get("properties", {}), where)
        endpoints = []
        for i, ep in enumerate(_require(spec, "endpoints", where)):
            for end in ("from", "to"):
                if _require(ep, end, f"{where}.endpoints[{i}]") not in nodes:
                    raise ConfigError(
                        f"{SCHEMA_PATH.name}: {where}.endpoints[{i}].{end}: "
                        f"unknown node label {ep[end]!r}"
                    )
            endpoints.append(Endpoint(ep["from"], ep["to"], str(_require(ep, "table", where))))
        key = tuple(spec.get("key", ["from", "to"]))
        for column in key:
            if column not in ("from", "to") and column not in props:
                raise ConfigError(f"{SCHEMA_PATH.name}: {where}.key: unknown column {column!r}")
        rels[rtype] = RelType(
            rtype, tuple(endpoints), props, key, str(spec.get("description", "")).strip()
        )
    return Schema(nodes, rels)


@cache
def load_schema(path: Path = SCHEMA_PATH) -> Schema:
    """The shipped schema (cached: it is read on every command)."""
    try:
        data = parse_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    return parse_schema(data)
