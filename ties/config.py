"""One configuration object: environment first, then command-line flags override it."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

STORES = ("local", "neo4j")


def _read_dotenv(path: Path) -> dict[str, str]:
    """Read KEY=VALUE lines from a `.env` file; the tool never writes secrets itself."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip().strip('"').strip("'")
    return values


@dataclass(frozen=True)
class Config:
    """Where data lives and which store and services to use.

    Built by :func:`load_config`; commands derive variants with :meth:`with_overrides`.
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
    def neo4j_dir(self) -> Path:
        return self.home / "neo4j"

    @property
    def state_dir(self) -> Path:
        return self.home / "state"

    def with_overrides(self, **changes: object) -> Config:
        """Return a copy with flags applied; ``None`` values leave a setting unchanged."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def load_config(environ: dict[str, str] | None = None, dotenv: Path | None = None) -> Config:
    """Build the configuration from the environment and an optional `.env` file.

    The environment wins over `.env`. The local Neo4j server started by
    ``ties neo4j start`` writes its URI and generated password under ``TIES_HOME``;
    they are used when ``NEO4J_URI`` is not set.
    """
    env = dict(_read_dotenv(dotenv or Path(".env")))
    env.update(os.environ if environ is None else environ)
    home = Path(env.get("TIES_HOME") or ".ties")
    store = env.get("TIES_STORE") or "local"
    cfg = Config(
        home=home,
        store=store,
        neo4j_uri=env.get("NEO4J_URI") or None,
        neo4j_user=env.get("NEO4J_USER") or "neo4j",
        neo4j_password=env.get("NEO4J_PASSWORD") or None,
        neo4j_database=env.get("NEO4J_DATABASE") or "neo4j",
        neo4j_readonly_user=env.get("NEO4J_READONLY_USER") or None,
        neo4j_readonly_password=env.get("NEO4J_READONLY_PASSWORD") or None,
        openalex_api_key=env.get("OPENALEX_API_KEY") or None,
        openalex_mailto=env.get("OPENALEX_MAILTO") or None,
        openalex_base_url=env.get("OPENALEX_BASE_URL") or "https://api.openalex.org",
    )
    return cfg
