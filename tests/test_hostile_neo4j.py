"""Hostile records against the real Neo4j: one huge value cannot block a sync, and the
exports read from Neo4j escape what they read exactly as those read from LadybugDB."""

from __future__ import annotations

import csv
import io
import zipfile

import orjson
import pytest

from graph.tables import read_meta, read_tables, write_tables
from loaders.ingest import ingest
from queries.evidence import TieQuery
from queries.export import gather, render
from tests.corpus import author, inst, known_works, write_known_corpus
from tests.hostile import write_hostile_corpus
from ties.config import Config

pytestmark = [pytest.mark.neo4j]

HUGE = "N" * 1_000_000


def test_a_one_megabyte_author_name_is_rejected_at_load_with_its_field(tmp_path):
    works = known_works()
    works[0]["authorships"][0]["author"]["display_name"] = HUGE
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "w.json").write_bytes(orjson.dumps(works))
    report = ingest([folder], Config(home=tmp_path / "home"), progress=False)
    (rejection,) = report.rejections
    assert rejection.field == "authorships[0].author.display_name" and "1,000,000 characters" in rejection.reason
    assert report.works == len(works) - 1


def test_a_table_set_holding_a_huge_indexed_value_still_syncs_with_the_full_text_kept(tmp_path, neo4j_factory):
    config = Config(home=tmp_path / "home")
    ingest([write_known_corpus(tmp_path / "corpus")], config, progress=False)
    frames = read_tables(config.tables_dir)
    authors = frames["authors"]
    authors.loc[authors["id"] == author("x1"), "name"] = HUGE  # as an older loader, without the bound, stored it
    institutions = frames["institutions"]
    institutions.loc[institutions["id"] == inst("THU"), "name"] = "\u4e2d" * 5000
    write_tables(config.tables_dir, frames, read_meta(config.tables_dir))
    store = neo4j_factory("huge")
    store.clear()
    counts = store.load(config.tables_dir)  # raised "Property value is too large to index" before
    assert counts
    with store.driver.session(database=store.database) as session:
        row = session.run("MATCH (a:Author {id: $id}) RETURN a.name AS name, a.name_full AS full",
                          id=author("x1")).single()
        assert len(row["name"].encode()) <= 4000 and row["name"].endswith("\u2026") and row["full"] == HUGE
        row = session.run("MATCH (i:Institution {id: $id}) RETURN i.name AS name, i.name_full AS full",
                          id=inst("THU")).single()
        assert len(row["name"].encode()) <= 4000 and len(row["full"]) == 5000
    assert store.load(config.tables_dir) == counts  # and every later sync too


@pytest.fixture(scope="module")
def hostile_tables(tmp_path_factory) -> Config:
    base = tmp_path_factory.mktemp("hostile-neo4j")
    config = Config(home=base / "home")
    ingest([write_hostile_corpus(base / "corpus")], config, progress=False)
    return config


def test_exports_read_from_neo4j_escape_the_hostile_corpus(hostile_tables, neo4j_factory):
    from markdown_it import MarkdownIt

    from tests.test_hostile_exports import FORMULA, NUMBER, _inline_tokens

    store = neo4j_factory("hostile")
    store.clear()
    store.load(hostile_tables.tables_dir)
    bundle = gather(store, TieQuery(target="all", max_hops=3), read_meta(hostile_tables.tables_dir))
    assert {p["kind"] for p in bundle.paths} == {"direct", "dual_affiliation", "career", "indirect"}
    tokens = list(_inline_tokens(MarkdownIt("commonmark").parse(render(bundle, "md").decode())))
    assert not [t for t in tokens if t.type in ("html_inline", "html_block", "image")]
    archive = zipfile.ZipFile(io.BytesIO(render(bundle, "csv")))
    for name in ("nodes.csv", "edges.csv", "works.csv"):
        for row in csv.reader(io.StringIO(archive.read(name).decode())):
            assert all(c[:1] not in FORMULA or NUMBER.fullmatch(c) for c in row), row
    page = render(bundle, "html").decode()
    assert "Content-Security-Policy" in page and "<img" not in page
    with store.driver.session(database=store.database) as session:
        row = session.run("MATCH (i:Institution {id: $id}) RETURN i.name AS name, i.country AS country",
                          id=inst("TUD")).single()
    assert (row["name"], row["country"]) == ("Delft University of Technology", "NL")  # registry, not last record
