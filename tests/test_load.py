"""`ties load`: counts computed independently from the JSON, idempotent reloads, and the
real OpenAlex responses in ../shared/reference (where that folder exists)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.ladybug_store import LadybugStore
from graph.tables import read_tables
from loaders.ingest import ingest
from queries.registry import render
from tests.conftest import REFERENCE
from tests.corpus import known_works, write_known_corpus
from ties.cli import cli


def expected_counts(works: list[dict]) -> dict[str, int]:
    """Distinct works, authors, OpenAlex institutions and authorships, read straight from the JSON."""
    work_ids, authors, institutions, authorships = set(), set(), set(), set()
    for work in works:
        wid = work["id"] if work["id"].startswith("https://") else "https://openalex.org/" + work["id"]
        work_ids.add(wid)
        for index, authorship in enumerate(work.get("authorships") or []):
            aid = (authorship.get("author") or {}).get("id") or f"local:{wid}:{index}"
            authors.add(aid)
            authorships.add((aid, wid))
            for inst in authorship.get("institutions") or []:
                if inst.get("id"):
                    institutions.add(inst["id"])
    return {"works": len(work_ids), "authors": len(authors), "institutions": len(institutions),
            "authorships": len(authorships)}


def test_load_json_reports_the_distinct_records_of_the_input(home: Path, tmp_path: Path):
    page = write_known_corpus(tmp_path / "in")
    result = CliRunner().invoke(cli, ["load", str(page), "--json"])
    assert result.exit_code == 0, result.output
    counts = json.loads(result.output.strip().splitlines()[-1])
    assert counts == {**expected_counts(known_works()), "rejected": 0, "unresolved": 0}


def test_loading_the_same_files_twice_changes_no_count(config, tmp_path: Path):
    page = write_known_corpus(tmp_path / "in")
    ingest([page], config, progress=False)
    store = LadybugStore(config.ladybug_dir, queries=render)
    first = store.load(config.tables_dir)
    tables_first = {k: len(v) for k, v in read_tables(config.tables_dir).items()}
    ingest([page], config, progress=False)
    second = store.load(config.tables_dir)
    store.close()
    assert second == first
    assert {k: len(v) for k, v in read_tables(config.tables_dir).items()} == tables_first


def test_bad_records_are_rejected_with_file_and_field_and_the_rest_loads(config, tmp_path: Path):
    works = known_works()
    works[1]["publication_year"] = "next year"
    works[2]["id"] = "https://openalex.org/I123"
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "works.jsonl").write_text("\n".join(json.dumps(w) for w in works) + "\n{truncated\n")
    report = ingest([folder], config, progress=False)
    reasons = {(Path(r.origin.split(":")[0]).name, r.field) for r in report.rejections}
    assert reasons == {("works.jsonl", "publication_year"), ("works.jsonl", "id"), ("works.jsonl", "")}
    assert report.works == len(works) - 2
    truncated_line = f":{len(works) + 1}"
    assert any(r.origin.endswith(truncated_line) for r in report.rejections), "the truncated line is named"


def test_a_missing_path_is_a_one_line_error(home: Path):
    result = CliRunner().invoke(cli, ["load", "/nonexistent/works.json"], standalone_mode=False)
    assert result.exception is not None
    assert "no such file" in str(result.exception)


REFERENCE_FILES = [
    "openalex/works_list_page1__openalexPro.json",
    "openalex/works_list_page2_last__openalexPro.json",
    "openalex/works_list_50_chunk3__openalexPro.json",
    "openalex/works_list_25_chunk4__openalexPro.json",
    "openalex/work_W2741809807__b-vitamins.json",
]


def _reference_works(paths: list[Path]) -> list[dict]:
    works = []
    for path in paths:
        data = json.loads(path.read_text())
        works += data["results"] if "results" in data else [data]
    return works


def test_real_openalex_responses_load_with_the_right_counts(config):
    if not REFERENCE.is_dir():
        pytest.skip(f"reference data not present at {REFERENCE} (only on the project's machines)")
    paths = [REFERENCE / name for name in REFERENCE_FILES]
    report = ingest(paths, config, progress=False)
    expected = expected_counts(_reference_works(paths))
    summary = report.summary()
    # raw strings that name nothing the project knows are counted and listed, not lost (issue 14)
    assert summary.pop("unresolved") == len(
        {json.loads(line)["raw_affiliation"] for line in (config.home / "unresolved_affiliations.jsonl").open()})
    assert summary == {**expected, "rejected": 0}
    tables = read_tables(config.tables_dir)
    assert len(tables["works"]) == expected["works"]
    assert tables["affiliated_with"]["raw_affiliation"].ne("").mean() > 0.9


def test_other_entity_types_are_rejected_as_wrong_endpoint(config):
    if not REFERENCE.is_dir():
        pytest.skip(f"reference data not present at {REFERENCE}")
    report = ingest([REFERENCE / "openalex/author_A5023888391__b-vitamins.json",
                     REFERENCE / "openalex/institution_I27837315__b-vitamins.json"], config, progress=False)
    assert report.works == 0
    assert [r.field for r in report.rejections] == ["id", "id"]
    assert all("not a work id" in r.reason for r in report.rejections)


def test_an_affiliation_id_missing_from_institutions_gets_a_stub_node_and_still_loads(config, tmp_path: Path):
    from tests.corpus import authorship, work

    record = work(1, 2018, [authorship("x1", ["TUD"]), authorship("y1", ["NUDT"])])
    record["authorships"][1]["institutions"] = []  # the id stays in affiliations[] only
    page = tmp_path / "page.json"
    page.write_text(json.dumps({"results": [record]}))
    ingest([page], config, progress=False)
    store = LadybugStore(config.ladybug_dir, queries=render)
    counts = store.load(config.tables_dir)
    store.close()
    tables = read_tables(config.tables_dir)
    assert counts["AFFILIATED_WITH"] == len(tables["affiliated_with"]) + len(tables["affiliated_with_department"])
    assert len(tables["affiliated_with"]) == 2
    institutions = tables["institutions"].set_index("id")
    assert institutions.loc["https://openalex.org/I170215575", "source"].startswith("openalex id without a record")


def test_a_later_project_placeholder_never_replaces_openalex_s_institution_record(config, tmp_path: Path):
    from tests.corpus import authorship, work

    ingest([write_known_corpus(tmp_path / "a")], config, progress=False)
    unlinked = work(50, 2021, [authorship("q1", ["TUD"]), authorship("q2", ["NUDT"])])
    unlinked["authorships"][1]["institutions"] = []
    unlinked["authorships"][1]["affiliations"][0]["institution_ids"] = []
    page = tmp_path / "b.json"
    page.write_text(json.dumps({"results": [unlinked]}))
    ingest([page], config, progress=False)
    nudt = read_tables(config.tables_dir)["institutions"].set_index("id").loc["https://openalex.org/I170215575"]
    assert (nudt["source"], nudt["type"]) == ("openalex", "education")


def test_snapshot_parts_are_checked_against_the_manifest(config, tmp_path: Path):
    import gzip

    from loaders.generate import write_corpus

    write_corpus(tmp_path / "snap", 120, seed=5)
    report = ingest([tmp_path / "snap"], config, progress=False)
    assert report.rejected == 0 and report.works == 120
    part = next((tmp_path / "snap").rglob("part_*.gz"))
    lines = gzip.decompress(part.read_bytes()).splitlines(keepends=True)
    part.write_bytes(gzip.compress(b"".join(lines[:-1])))  # a partial download: one record short
    report = ingest([tmp_path / "snap"], config, progress=False)
    (problem,) = report.rejections
    assert problem.origin == str(part)
    assert f"the manifest lists {len(lines)} records, the file has {len(lines) - 1}" in problem.reason


def test_the_embedded_store_lets_go_of_its_buffers_after_a_large_query_and_reopens(known_home, monkeypatch):
    """A query past RELEASE_AFTER_ROWS closes the database (LadybugDB keeps every join's pages
    otherwise); the next query reopens it and answers the same."""
    import graph.ladybug_store as ladybug_store

    store = LadybugStore(known_home.ladybug_dir, read_only=True, queries=render)
    try:
        first = store.run("direct_ties", {})
        assert store._db is not None  # a few rows: kept open for the next lookup
        monkeypatch.setattr(ladybug_store, "RELEASE_AFTER_ROWS", 0)
        assert store.run("direct_ties", {}) == first
        assert store._db is None and store._conn is None
        assert store.run("direct_ties", {}) == first
    finally:
        store.close()
