"""Options and helpers shared by several commands."""

from __future__ import annotations

import sys
from typing import Any

import click
import orjson

from ties.config import STORES, Config, load_config


def store_option(func: Any) -> Any:
    """``--store local|neo4j`` (default from TIES_STORE, else local)."""
    return click.option(
        "--store",
        type=click.Choice(STORES),
        default=None,
        help="Graph store: local (embedded LadybugDB, default) or neo4j. Env: TIES_STORE.",
    )(func)


def json_option(func: Any) -> Any:
    return click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")(func)


def config_from(store: str | None = None) -> Config:
    """The configuration from the environment, with ``--store`` applied."""
    return load_config().with_overrides(store=store)


def echo_json(obj: Any) -> None:
    """Print one JSON document on stdout (orjson: numpy and dataclasses allowed)."""
    sys.stdout.write(
        orjson.dumps(obj, option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS).decode()
        + "\n"
    )
