"""Find, parse and bind the named Cypher queries in this folder.

A query file starts with comment lines that declare it::

    // Direct co-authorship between a Dutch unit and a watchlist entity.
    // param country: string = "NL"
    // param since: int = 0

A line starting ``//@neo4j `` (or ``//@ladybug ``) is part of the query on that engine only
and a comment on the other: planner hints such as ``USING INDEX``, which one engine needs
and the other's grammar lacks, without a second copy of the query to keep in step.
A line ``//@include NAME`` is replaced by ``parts/NAME.cypher``: the columns of a row
that several queries return are written once, so their rows compare equal.

Declared parameters get their defaults; an undeclared parameter is an error. `null`
parameters are avoided on purpose: LadybugDB types a null parameter as BOOL, so optional
filters use an empty string or 0 as "no filter" in both dialects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from graph.errors import ConfigError, InputError

QUERY_DIR = Path(__file__).parent
PARTS_DIR = QUERY_DIR / "parts"
ENGINES = ("ladybug", "neo4j")
_PARAM = re.compile(r"^//\s*param\s+(\w+)\s*:\s*(string|int|string\[\]|bool)\s*=\s*(.*)$")
_CASTS = {"string": str, "int": int, "bool": bool}
_INCLUDE = re.compile(r"^\s*//@include\s+([a-z0-9_]+)\s*$")


@dataclass(frozen=True)
class Query:
    name: str
    engine: str
    text: str
    description: str
    params: dict[str, tuple[str, Any]]  #: name -> (type, default)
    path: Path


def query_names() -> list[str]:
    """Every named query (engine variants folded into their base name)."""
    return sorted({p.name.split(".")[0] for p in QUERY_DIR.glob("*.cypher")})


def _parse_default(kind: str, raw: str, where: str) -> Any:
    raw = raw.strip()
    if kind == "string[]":
        return [] if raw in ("[]", "") else [s.strip().strip('"') for s in raw.strip("[]").split(",")]
    if kind == "string":
        return raw.strip('"')
    if kind == "bool":
        return raw.lower() == "true"
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{where}: default {raw!r} is not an int") from exc


def _expand_includes(text: str, where: str) -> str:
    r"""Replace each ``//@include NAME`` line with the text of ``parts/NAME.cypher``.

    >>> _expand_includes("MATCH (w:Work)\n//@include direct_evidence_columns", "q").count("AS work_id")
    1
    """
    out = []
    for line in text.splitlines():
        match = _INCLUDE.match(line)
        if match is None:
            out.append(line)
            continue
        part = PARTS_DIR / f"{match.group(1)}.cypher"
        if not part.is_file():
            raise ConfigError(f"{where}: //@include {match.group(1)}: no file {part}")
        out.append(part.read_text(encoding="utf-8").rstrip("\n"))
    return "\n".join(out) + "\n"


def _engine_lines(text: str, engine: str) -> str:
    r"""Uncomment the ``//@<engine> `` lines meant for `engine`; others stay comments.

    >>> text = "MATCH (w:Work)\n//@neo4j USING INDEX w:Work(id)\nWHERE w.id = $id"
    >>> _engine_lines(text, "neo4j").splitlines()[1]
    'USING INDEX w:Work(id)'
    >>> _engine_lines(text, "ladybug").splitlines()[1]
    '//@neo4j USING INDEX w:Work(id)'
    """
    marker = f"//@{engine} "
    return "\n".join(line.replace(marker, "", 1) if line.lstrip().startswith(marker) else line
                     for line in text.splitlines()) + "\n"


@cache
def load_query(name: str, engine: str) -> Query:
    """The query `name` for `engine`, preferring `NAME.<engine>.cypher` over `NAME.cypher`."""
    if engine not in ENGINES:
        raise ConfigError(f"unknown engine {engine!r}")
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise InputError(f"not a query name: {name!r}")
    for path in (QUERY_DIR / f"{name}.{engine}.cypher", QUERY_DIR / f"{name}.cypher"):
        if path.is_file():
            break
    else:
        raise ConfigError(f"no query named {name!r} in {QUERY_DIR} (have: {query_names()})")
    raw = path.read_text(encoding="utf-8")
    text = _engine_lines(_expand_includes(raw, path.name), engine)
    description, params = [], {}
    for line in _engine_lines(raw, engine).splitlines():  # the header is the file's own
        if not line.startswith("//") or _INCLUDE.match(line):
            break
        match = _PARAM.match(line)
        if match:
            pname, kind, default = match.groups()
            params[pname] = (kind, _parse_default(kind, default, f"{path.name}: param {pname}"))
        else:
            description.append(line.lstrip("/ ").strip())
    return Query(name, engine, text, " ".join(d for d in description if d), params, path)


def bind_params(query: Query, params: dict[str, Any] | None) -> dict[str, Any]:
    """Declared parameters with defaults applied and types checked.

    `None` means "use the default" (the "no filter" value), never a null parameter.
    """
    given = dict(params or {})
    unknown = sorted(set(given) - set(query.params))
    if unknown:
        raise InputError(f"query {query.name}: unknown parameter(s) {unknown}")
    bound: dict[str, Any] = {}
    for pname, (kind, default) in query.params.items():
        value = given.get(pname)
        if value is None:
            bound[pname] = default
        elif kind == "string[]":
            if isinstance(value, str) or not all(isinstance(v, str) for v in value):
                raise InputError(f"query {query.name}: parameter {pname} must be a list of strings")
            bound[pname] = list(value)
        else:
            try:
                bound[pname] = _CASTS[kind](value)
            except (TypeError, ValueError) as exc:
                raise InputError(
                    f"query {query.name}: parameter {pname} must be {kind}, got {value!r}"
                ) from exc
    return bound


def render(name: str, engine: str, params: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
    """The text of query `name` for `engine` and its bound parameters: what a store executes.

    This is the :data:`graph.base_store.QueryLoader` the stores are opened with.
    """
    query = load_query(name, engine)
    return query.text, bind_params(query, params)


def one_list(rows: list[dict], column: str) -> list:
    """The list in `column` of the one row an aggregating query returns (empty without a row).

    The queries that return many values (brokers' projection and ties, indirect ties'
    incidence) return them as lists in one row: the Neo4j driver spends ~20 us per record.

    >>> one_list([{"ids": ["a", "b"]}], "ids"), one_list([], "ids")
    (['a', 'b'], [])
    """
    return rows[0][column] or [] if rows else []
