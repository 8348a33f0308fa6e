"""The settings every layer is given as an argument; reading them from the environment is
the command line's job (:func:`ties.config.load_config`), so library code never reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

#: the project's version (pyproject.toml reads it from here; the API client sends it)
VERSION = "0.1.0"
STORES = ("local", "neo4j")


@dataclass(frozen=True)
class Config:
    """Where data lives and which store and services to use.

    Built by :func:`ties.config.load_config`; commands derive variants with :meth:`with_overrides`.
    """

    home: Path = Path(".ties")
    store: str = "local"
    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: str | None = field(default=None, repr=False)
    neo4j_database: str = "neo4j"
    #: optional read-only account the dashboard uses (Neo4j Enterprise/Aura can grant the
    #: `reader` role; on Community every query already runs in READ access mode)
    neo4j_readonly_user: str | None = None
    neo4j_readonly_password: str | None = field(default=None, repr=False)
    openalex_api_key: str | None = field(default=None, repr=False)
    openalex_mailto: str | None = None
    openalex_base_url: str = "https://api.openalex.org"

    @property
    def raw_dir(self) -> Path:
        return self.home / "raw"

    @property
    def tables_dir(self) -> Path:
        return self.home / "tables"

    @property
    def ladybug_dir(self) -> Path:
        return self.home / "ladybug"

    @property
    def state_dir(self) -> Path:
        return self.home / "state"

    @property
    def logs_dir(self) -> Path:
        return self.home / "logs"

    def with_overrides(self, **changes: object) -> Config:
        """Return a copy with flags applied; ``None`` values leave a setting unchanged."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})
