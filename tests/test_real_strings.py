"""Issue 14 on the graph: every institution of a raw string becomes evidence, with honest
provenance, on both stores (real LadybugDB and a real Neo4j server).

The works are written here in the shape of real OpenAlex records (ids of real
institutions, synthetic people and works)."""

from __future__ import annotations

import orjson

from graph.ladybug_store import LadybugStore
from graph.tables import read_meta, read_tables
from loaders.ingest import ingest
from queries.evidence import TieQuery, find_evidence
from queries.export import gather, to_markdown
from queries.registry import render
from tests.corpus import OA, institution, work

#: a combined string as OpenAlex prints it: a TU Delft unit, then an NUDT college after ";"
COMBINED = ("Delft University of Technology, Department of Precision and Microsystems Engineering, "
            "Mekelweg 2, 2628 CD Delft, The Netherlands; College of Intelligence Science and "
            "Technology, National University of Defense Technology, Changsha 410073, China")
TUD = OA + "I98358874"
NUDT_COLLEGE = "ties:entity:nudt_college_intelligence"


def _combined_work() -> dict:
    """OpenAlex linked the combined string to TU Delft alone (as it does on real records)."""
    author = {
        "author_position": "first",
        "author": {"id": f"{OA}A9000000014", "display_name": "Test Author d14", "orcid": None},
        "institutions": [institution("TUD")],
        "countries": ["NL"],
        "is_corresponding": True,
        "raw_author_name": "Test Author d14",
        "raw_affiliation_strings": [COMBINED],
        "affiliations": [{"raw_affiliation_string": COMBINED, "institution_ids": [TUD]}],
    }
    return work(140, 2021, [author])


def _load(config, tmp_path) -> None:
    page = tmp_path / "page.json"
    page.write_bytes(orjson.dumps({"meta": {"count": 1}, "results": [_combined_work()]}))
    ingest([page], config, progress=False)


def _dual(rows: list[dict]) -> list[tuple]:
    return sorted((r["source_institution_id"], r["department"], r["target_institution_id"], r["entity_id"],
                   r["source_matched_by"], r["target_matched_by"]) for r in rows)


EXPECTED = [(TUD, "Department of Precision and Microsystems Engineering", NUDT_COLLEGE,
             "nudt_college_intelligence", "openalex", "project:alias_with_parent")]


def test_a_combined_string_gives_a_dual_affiliation_tie_and_no_foreign_department_on_both_stores(
        config, tmp_path, neo4j_factory):
    _load(config, tmp_path)
    tables = read_tables(config.tables_dir)
    names = set(tables["departments"]["name"])
    assert "College of Intelligence Science and Technology" not in names
    assert names == {"Department of Precision and Microsystems Engineering"}
    edges = tables["affiliated_with"]
    project = edges[edges["matched_by"] != "openalex"]
    assert list(project["to"]) == [NUDT_COLLEGE]
    assert list(project["alias"]) == ["College of Intelligence Science and Technology"]

    store = LadybugStore(config.ladybug_dir, queries=render)
    store.load(config.tables_dir)
    local = find_evidence(store, TieQuery(kinds=("dual_affiliation",)))
    report = to_markdown(gather(store, TieQuery(kinds=("dual_affiliation",)), read_meta(config.tables_dir))).decode()
    store.close()
    assert _dual(local) == EXPECTED
    # provenance travels with the evidence: who linked each side, and the alias that fired
    assert [(r["source_alias"], r["target_alias"]) for r in local] == [
        ("", "College of Intelligence Science and Technology")]
    assert "(matched_by openalex)" in report
    assert "(matched_by project:alias\\_with\\_parent, alias College of Intelligence Science and Technology)" in report

    neo = neo4j_factory("issue14")
    neo.clear()
    neo.load(config.tables_dir)
    remote = find_evidence(neo, TieQuery(kinds=("dual_affiliation",)))
    assert _dual(remote) == EXPECTED
    assert [{k: r[k] for k in sorted(r)} for r in remote] == [{k: r[k] for k in sorted(r)} for r in local]


def test_ties_load_counts_and_lists_raw_strings_that_name_no_known_institution(home, tmp_path):
    """A string OpenAlex linked to nothing and the project cannot read used to vanish."""
    from click.testing import CliRunner

    from ties.cli import cli

    def unlinked(author: str, raw: str) -> dict:
        return {"author_position": "middle",
                "author": {"id": f"{OA}A90000{author}", "display_name": f"Test Author {author}", "orcid": None},
                "institutions": [], "countries": [], "is_corresponding": False,
                "raw_author_name": f"Test Author {author}", "raw_affiliation_strings": [raw],
                "affiliations": [{"raw_affiliation_string": raw, "institution_ids": []}]}

    record = work(141, 2022, [unlinked("u1", "Food Process Engineering Group, Bornse Weilanden 9"),
                              unlinked("u2", "Natl Univ Def Technol, Coll Comp, Changsha 410073, Peoples R China"),
                              unlinked("u3", "TUDelft, Mekelweg 4, Delft")])
    page = tmp_path / "page.json"
    page.write_bytes(orjson.dumps({"results": [record]}))
    result = CliRunner().invoke(cli, ["load", str(page), "--json"])
    assert result.exit_code == 0, result.output
    assert orjson.loads(result.output.strip().splitlines()[-1])["unresolved"] == 1
    listed = [orjson.loads(line) for line in (home / "unresolved_affiliations.jsonl").read_bytes().splitlines()]
    assert listed == [{"work_id": record["id"], "author_id": f"{OA}A90000u1",
                       "raw_affiliation": "Food Process Engineering Group, Bornse Weilanden 9"}]
    edges = read_tables(home / "tables")["affiliated_with"]
    assert sorted(edges["matched_by"]) == ["project:alias_with_parent", "project:dutch_name"]


def test_retracted_works_and_paratext_are_kept_but_no_evidence_unless_asked_on_both_stores(
        config, tmp_path, neo4j_factory):
    from tests.corpus import authorship

    plain = work(150, 2018, [authorship("x1", ["TUD"]), authorship("y1", ["NUDT"])])
    retracted = {**work(151, 2019, [authorship("x1", ["TUD"]), authorship("y1", ["NUDT"])]), "is_retracted": True}
    paratext = {**work(152, 2020, [authorship("x2", ["TUD", "NUDT"])]), "is_paratext": True}
    page = tmp_path / "page.json"
    page.write_bytes(orjson.dumps({"results": [plain, retracted, paratext]}))
    ingest([page], config, progress=False)
    assert len(read_tables(config.tables_dir)["works"]) == 3  # kept in the graph

    def seen(store, include: bool) -> list[tuple]:
        rows = find_evidence(store, TieQuery(kinds=("direct", "dual_affiliation"), include_retracted=include))
        return sorted((r["kind"], r["work_id"], r["is_retracted"], r["is_paratext"]) for r in rows)

    default = [("direct", plain["id"], False, False)]
    asked = [("direct", plain["id"], False, False), ("direct", retracted["id"], True, False),
             ("dual_affiliation", paratext["id"], False, True)]
    store = LadybugStore(config.ladybug_dir, queries=render)
    store.load(config.tables_dir)
    assert seen(store, False) == default
    assert seen(store, True) == asked
    store.close()
    neo = neo4j_factory("retracted")
    neo.clear()
    neo.load(config.tables_dir)
    assert seen(neo, False) == default
    assert seen(neo, True) == asked


def test_the_stored_ranking_leaves_out_retracted_works_like_the_evidence_does(config, tmp_path):
    """A tie that only a retracted work adds to is ranked on its evidence works alone: the
    summary `ties paths` ranks from counts what `find_evidence` shows by default."""
    from queries.ranked import find_paths, summary_covers
    from tests.corpus import authorship

    plain = work(160, 2018, [authorship("x1", ["TUD"]), authorship("y1", ["NUDT"])])
    retracted = {**work(161, 2019, [authorship("x1", ["TUD"]), authorship("y1", ["NUDT"])]), "is_retracted": True}
    page = tmp_path / "page.json"
    page.write_bytes(orjson.dumps({"results": [plain, retracted]}))
    ingest([page], config, progress=False)
    summary = read_tables(config.tables_dir)["tie_summaries"]
    assert list(summary["n_works"]) == [1] and list(summary["last_year"]) == [2018]
    query = TieQuery(kinds=("direct",))
    assert summary_covers(query)
    store = LadybugStore(config.ladybug_dir, queries=render)
    store.load(config.tables_dir)
    try:
        paths = find_paths(store, query)["paths"]
    finally:
        store.close()
    assert [(p["n_works"], p["last_year"]) for p in paths] == [(1, 2018)]


def test_the_country_filter_keeps_a_work_whose_linked_string_also_names_a_dutch_institution():
    """OpenAlex linked the combined string to NUDT alone: `--country NL` must still keep it."""
    from loaders.normalise import involves
    from loaders.resolve import ProjectResolver

    record = _combined_work()
    authorship = record["authorships"][0]
    authorship["institutions"] = [institution("NUDT")]
    authorship["countries"] = ["CN"]
    authorship["affiliations"][0]["institution_ids"] = [OA + "I170215575"]
    resolver = ProjectResolver()
    assert involves(record, ("NL",), (), resolver)
    assert not involves(record, ("NL",), ())  # OpenAlex's links alone do not show it


def test_a_link_the_project_made_says_so_in_every_evidence_row_on_both_stores(config, tmp_path, neo4j_factory):
    """Issue 14: a link made from a raw string was reported with rule `openalex_id`."""
    from tests.corpus import authorship

    nudt_by_string = authorship("y7", ["NUDT"])
    nudt_by_string["institutions"] = []
    nudt_by_string["affiliations"][0]["institution_ids"] = []
    nudt_by_string["affiliations"][0]["raw_affiliation_string"] = \
        "Natl Univ Def Technol, Changsha 410073, Hunan, Peoples R China"
    record = work(160, 2020, [authorship("x7", ["TUD"]), nudt_by_string])
    page = tmp_path / "page.json"
    page.write_bytes(orjson.dumps({"results": [record]}))
    ingest([page], config, progress=False)

    def provenance(store) -> list[tuple]:
        rows = find_evidence(store, TieQuery(kinds=("direct",)))
        return [(r["source_matched_by"], r["source_alias"], r["target_matched_by"], r["target_alias"],
                 r["target_institution_id"]) for r in rows]

    expected = [("openalex", "", "project:alias", "National University of Defense Technology", OA + "I170215575")]
    store = LadybugStore(config.ladybug_dir, queries=render)
    store.load(config.tables_dir)
    assert provenance(store) == expected
    store.close()
    neo = neo4j_factory("provenance")
    neo.clear()
    neo.load(config.tables_dir)
    assert provenance(neo) == expected
