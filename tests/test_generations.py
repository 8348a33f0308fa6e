"""`ties diff` and the What changed page: two loads of a changed corpus, the new ties listed."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from tests.corpus import authorship, inst, known_works, work
from ties.cli import cli

APP = str(Path(__file__).resolve().parents[1] / "dashboards" / "app.py")


def page_of(works: list[dict], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(orjson.dumps({"meta": {"count": len(works), "next_cursor": None}, "results": works}))
    return path


@pytest.mark.slow  # over 1.5 s; `make test` runs it, `make check` leaves it out
def test_a_second_load_lists_the_new_and_stronger_ties(home, tmp_path):
    runner = CliRunner()
    first = [w for w in known_works() if not w["id"].endswith("W9900000001")]  # no direct Delft-NUDT tie yet
    result = runner.invoke(cli, ["load", str(page_of(first, tmp_path / "a" / "page.json"))])
    assert result.exit_code == 0, result.output
    once = json.loads(runner.invoke(cli, ["diff", "--json"]).output)
    assert once["previous"] is None and once["new"] == []
    again = known_works() + [work(10, 2021, [authorship("x2", ["TUD", "NUDT"], "first")])]
    result = runner.invoke(cli, ["load", str(page_of(again, tmp_path / "b" / "page.json"))])
    assert result.exit_code == 0, result.output
    report = json.loads(runner.invoke(cli, ["diff", "--json"]).output)
    new = {(r["kind"], r["source_author"], r["target_author"]) for r in report["new"]}
    assert ("direct", "Test Author x1", "Test Author y1") in new
    stronger = {(r["kind"], r["source_author"]): r for r in report["stronger"]}
    dual = stronger[("dual_affiliation", "Test Author x2")]
    assert dual["works_before"] == 1 and dual["works"] == 2 and dual["new_works"] == [
        "https://openalex.org/W9900000010"]
    assert report["gone"] == []
    text = runner.invoke(cli, ["diff"]).output
    assert "new" in text and "Test Author x1" in text

    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("views/changes.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["New ties"] == str(len(report["new"])) and int(metrics["Stronger ties (more works)"]) >= 1
    new_table = at.dataframe[0].value
    assert "Test Author x1" in set(new_table["Dutch author"])
    assert inst("TUD")  # the corpus's real institution ids


def test_the_stored_digest_is_compact_and_reads_back_exactly():
    from queries.generations import pack, tie_digest, unpack

    row = {"kind": "direct", "source_institution_id": "https://openalex.org/I1",
           "department_id": "https://openalex.org/I1#dept-x", "entity_id": "nudt",
           "source_author_id": "https://openalex.org/A1", "target_author_id": "https://openalex.org/A2",
           "target_institution_id": "ties:entity:pla-unit", "work_id": "https://openalex.org/W7",
           "source_institution": "Delft", "entity_name": "NUDT", "source_author": "x", "target_author": "y",
           "target_institution": "PLA unit", "year": 2018}
    ties = tie_digest([row, {**row, "work_id": "https://openalex.org/W8", "year": 2020}])
    stored = pack(ties)
    assert "https://openalex.org/" not in json.dumps(stored)
    assert unpack(json.loads(json.dumps(stored))) == ties
