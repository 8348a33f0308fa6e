"""Configuration: environment first, `.env` second, and the dashboard's read-only login."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.errors import StoreError
from graph.store import open_store
from ties.config import load_config


def test_environment_wins_over_dotenv(tmp_path: Path):
    dotenv = tmp_path / ".env"
    dotenv.write_text("NEO4J_USER=from-file\nNEO4J_PASSWORD='secret-from-file'\nTIES_STORE=neo4j\n")
    config = load_config({"NEO4J_USER": "from-env"}, dotenv)
    assert (config.neo4j_user, config.neo4j_password, config.store) == ("from-env", "secret-from-file", "neo4j")
    assert "secret-from-file" not in repr(config)


@pytest.mark.neo4j
def test_readers_log_in_with_the_read_only_account_when_one_is_configured(neo4j_credentials, tmp_path: Path):
    uri, user, password = neo4j_credentials
    env = {"TIES_HOME": str(tmp_path), "TIES_STORE": "neo4j", "NEO4J_URI": uri, "NEO4J_USER": user,
           "NEO4J_PASSWORD": password, "NEO4J_READONLY_USER": "reader", "NEO4J_READONLY_PASSWORD": "not-set-up"}
    config = load_config(env, tmp_path / "none.env")
    writer = open_store(config)  # the loading side uses the full account
    writer.close()
    with pytest.raises(StoreError, match="'reader'"):
        open_store(config, read_only=True)
