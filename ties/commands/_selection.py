"""The path-selection options of `paths`, `exposure`, `brokers` and `export`, generated
from the fields of :class:`queries.evidence.TieQuery` (flag, help, choices, bounds in each
field's ``metadata``), so no command restates an option or its default.

A module of its own, not in ``_common``: it imports the query layer (NetworkX, both stores),
which `ties generate`, `match`, `watchlist` and `neo4j` need not pay for at start-up.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable, Iterable
from typing import Any

import click

from queries.evidence import TieQuery, check_source

__all__ = ["tie_query_from", "tie_query_options"]


def _click_option(f: dataclasses.Field) -> Callable[[Any], Any]:
    """The click option of one TieQuery field, from its type and ``metadata``."""
    meta = f.metadata
    kind = typing.get_type_hints(TieQuery)[f.name]
    flag = meta["flag"]
    kwargs: dict[str, Any] = {"help": meta["help"], "show_default": True}
    if "choices" in meta:
        kwargs["type"] = click.Choice(meta["choices"])
    elif kind in (int, float) and ("min" in meta or "max" in meta):
        ranged = click.IntRange if kind is int else click.FloatRange
        kwargs["type"] = ranged(meta.get("min"), meta.get("max"))
    elif kind in (int, float):
        kwargs["type"] = kind
    elif kind is bool:
        kwargs["is_flag"] = True
    if typing.get_origin(kind) is tuple:
        # repeatable; none given means the field's default
        kwargs.update(multiple=True, default=(), show_default=False)
    else:
        kwargs["default"] = f.default
        if kind is str and not f.default:
            kwargs["show_default"] = False
    return click.option(flag, f.name, **kwargs)


def tie_query_options(skip: Iterable[str] = ()) -> Callable[[Any], Any]:
    """Decorator adding the path-selection options, generated from :class:`TieQuery`'s fields.

    `skip` names fields a command does not offer (they keep TieQuery's default).
    """
    skipped = set(skip)
    chosen = [f for f in dataclasses.fields(TieQuery) if f.name not in skipped and "flag" in f.metadata]

    def decorate(func: Any) -> Any:
        for f in reversed(chosen):
            func = _click_option(f)(func)
        return func

    return decorate


def tie_query_from(kwargs: dict, **fixed: Any) -> TieQuery:
    """Pop the path-selection options out of a command's `kwargs` into a TieQuery.

    Ids are normalised by TieQuery itself, the same for every command and the dashboard.
    """
    values = {}
    for f in dataclasses.fields(TieQuery):
        if f.name in kwargs:
            value = kwargs.pop(f.name)
            if value == () and typing.get_origin(typing.get_type_hints(TieQuery)[f.name]) is tuple:
                continue  # a repeatable option not given: the default
            values[f.name] = value
    return check_source(TieQuery(**{**values, **fixed}))
