"""Read the project's YAML data files (watchlist, Dutch registry, technology areas) with
one error style: the file, then what is wrong with it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from graph.errors import InputError


def read_yaml(path: Path) -> Any:
    """The parsed YAML document at `path`; InputError naming the file if unreadable or invalid.

    >>> read_yaml(Path("/nonexistent.yaml"))
    Traceback (most recent call last):
    ...
    graph.errors.InputError: /nonexistent.yaml: cannot read: No such file or directory
    """
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: not valid YAML: {exc}") from None
