"""The query registry: `//@include` parts and headers read from the query file itself."""

from __future__ import annotations

import pytest

from graph.errors import ConfigError
from queries import registry


@pytest.fixture
def query_dir(tmp_path, monkeypatch):
    (tmp_path / "parts").mkdir()
    monkeypatch.setattr(registry, "QUERY_DIR", tmp_path)
    monkeypatch.setattr(registry, "PARTS_DIR", tmp_path / "parts")
    return tmp_path


def _load(name: str, engine: str = "ladybug") -> registry.Query:
    return registry.load_query.__wrapped__(name, engine)  # not the cached one: files differ per test


def test_an_included_part_is_spliced_in_and_its_comments_stay_out_of_the_header(query_dir):
    (query_dir / "parts" / "cols.cypher").write_text("// the shared columns\nRETURN w.id AS id\n")
    (query_dir / "q.cypher").write_text("// One work.\n// param id: string = \"\"\n"
                                        "//@include cols\n")
    query = _load("q")
    assert query.description == "One work."
    assert list(query.params) == ["id"]
    assert "RETURN w.id AS id" in query.text


def test_a_missing_part_names_the_query_file(query_dir):
    (query_dir / "q.cypher").write_text("MATCH (w:Work)\n//@include nowhere\n")
    with pytest.raises(ConfigError, match=r"q\.cypher: //@include nowhere"):
        _load("q")


def test_the_evidence_queries_share_one_column_list():
    direct, between = registry.load_query("direct_ties", "neo4j"), registry.load_query("direct_ties_between", "neo4j")
    columns = (registry.PARTS_DIR / "direct_evidence_columns.cypher").read_text().split("RETURN", 1)[1]
    assert columns in direct.text and columns in between.text
