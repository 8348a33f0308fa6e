"""Compatibility re-export: the exception family lives in :mod:`graph.errors` (the base layer)."""

from graph.errors import (  # noqa: F401
    ConfigError,
    FetchError,
    InputError,
    QuotaExhausted,
    ServiceUnavailable,
    StoreError,
    TiesError,
)
