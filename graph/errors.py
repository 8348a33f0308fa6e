"""One exception family, so the command line can print one line and exit non-zero."""

from __future__ import annotations


class TiesError(Exception):
    """Base of every error the tool reports to a user as a single line."""

    exit_code = 1


class InputError(TiesError):
    """Bad input: names the file, line or record and field at fault."""


class ConfigError(TiesError):
    """A setting is missing or wrong (environment variable, flag, data file)."""


class StoreError(TiesError):
    """The graph store refused, is unreachable or is locked."""


class ServiceUnavailable(StoreError):
    """A service a command needs (Neo4j, the OpenAlex API) is not running or not reachable."""


class FetchError(TiesError):
    """The OpenAlex API refused or failed in a way retries cannot fix."""


class QuotaExhausted(FetchError):
    """The daily OpenAlex allowance is used up; the fetch can resume later."""
