"""The synthetic corpus generator: deterministic, OpenAlex-shaped, with known ties."""

from __future__ import annotations

import csv
import gzip
import json
import statistics
from collections import Counter
from pathlib import Path

import pytest
import yaml

from graph.errors import InputError
from loaders import generate
from loaders.generate import DATA_FILE, Mix, generate_works, write_corpus
from ties.cli import main

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"
OA = "https://openalex.org/"
TUDELFT, NUDT = OA + "I98358874", OA + "I170215575"

WORK_KEYS = {
    "id", "doi", "title", "display_name", "publication_year", "publication_date", "ids",
    "language", "primary_location", "type", "type_crossref", "indexed_in", "open_access",
    "authorships", "institution_assertions", "countries_distinct_count",
    "institutions_distinct_count", "corresponding_author_ids", "corresponding_institution_ids",
    "apc_list", "apc_paid", "fwci", "has_fulltext", "fulltext_origin", "cited_by_count",
    "citation_normalized_percentile", "cited_by_percentile_year", "biblio", "is_retracted",
    "is_paratext", "primary_topic", "topics", "keywords", "concepts", "mesh", "locations_count",
    "locations", "best_oa_location", "sustainable_development_goals", "grants", "datasets",
    "versions", "referenced_works_count", "referenced_works", "related_works",
    "abstract_inverted_index", "abstract_inverted_index_v3", "cited_by_api_url",
    "counts_by_year", "updated_date", "created_date",
}
AUTHORSHIP_KEYS = {"author_position", "author", "institutions", "countries", "is_corresponding",
                   "raw_author_name", "raw_affiliation_strings", "affiliations"}
INSTITUTION_KEYS = {"id", "display_name", "ror", "country_code", "type", "lineage"}
TOPIC_KEYS = {"id", "display_name", "score", "subfield", "field", "domain"}


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_bytes().splitlines()]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict], dict]:
    """The default demo corpus (2,000 works, seed 42) as JSON Lines, and its truth."""
    out = tmp_path_factory.mktemp("demo")
    write_corpus(out, 2000, 42, "jsonl")
    return read_jsonl(out / "works.jsonl"), json.loads((out / "truth.json").read_text())


def pla_ids() -> set[str]:
    data = yaml.safe_load(DATA_FILE.read_text())
    return {OA + i["id"] for i in data["institutions"] if i["group"] == "pla"}


def nl_ids() -> set[str]:
    data = yaml.safe_load(DATA_FILE.read_text())
    return {OA + i["id"] for i in data["institutions"] if i["group"] == "nl"}


def test_same_seed_gives_byte_identical_snapshot_files(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    write_corpus(a, 1300, 7)
    write_corpus(b, 1300, 7)
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert files_a == files_b
    for rel in files_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_different_seeds_give_different_works() -> None:
    first = [w["title"] for w in generate_works(50, seed=1)]
    second = [w["title"] for w in generate_works(50, seed=2)]
    assert first != second


def test_every_work_has_the_fields_and_nesting_of_a_real_openalex_work(demo) -> None:
    works, _ = demo
    for w in works:
        assert WORK_KEYS <= set(w), WORK_KEYS - set(w)
        assert w["primary_topic"] == w["topics"][0]
        assert set(w["primary_topic"]) == TOPIC_KEYS
        assert 2010 <= w["publication_year"] <= 2025
        assert w["publication_date"].startswith(str(w["publication_year"]))
        assert 1 <= len(w["authorships"]) <= 100 and w["is_authors_truncated"] is False
        positions = [s["author_position"] for s in w["authorships"]]
        assert positions[0] == "first"
        assert len(positions) == 1 or positions[-1] == "last"
        for s in w["authorships"]:
            assert set(s) == AUTHORSHIP_KEYS
            for inst in s["institutions"]:
                assert set(inst) == INSTITUTION_KEYS and inst["lineage"][0] == inst["id"]
            assert [a["raw_affiliation_string"] for a in s["affiliations"]] \
                == s["raw_affiliation_strings"]


def test_the_fields_match_a_real_openalex_work_where_the_reference_is_present(demo) -> None:
    path = REFERENCE / "openalex" / "work_W2741809807__b-vitamins.json"
    if not path.is_file():
        pytest.skip(f"reference data not present: {path}")
    real = json.loads(path.read_text())
    works, _ = demo
    ours = works[0]
    assert set(real) <= set(ours)
    assert set(real["authorships"][0]) == set(ours["authorships"][0])
    assert set(real["authorships"][0]["institutions"][0]) == INSTITUTION_KEYS
    assert set(real["primary_topic"]) == set(ours["primary_topic"])
    assert set(real["primary_location"]) == set(ours["primary_location"])


def test_every_work_and_every_author_is_marked_synthetic_and_uses_synthetic_ids(demo) -> None:
    works, _ = demo
    for w in works:
        assert w["is_synthetic"] is True
        assert int(w["id"].removeprefix(OA + "W")) >= 9_000_000_000
        assert w["doi"].startswith("https://doi.org/10.5555/ties-demo.")
        for s in w["authorships"]:
            assert s["author"]["is_synthetic"] is True
            assert int(s["author"]["id"].removeprefix(OA + "A")) >= 9_000_000_000
            orcid = s["author"]["orcid"]
            assert orcid is None or orcid.startswith("https://orcid.org/9999-")
    assert len({w["id"] for w in works}) == len(works)


def test_default_demo_has_a_tudelft_nudt_tie_with_a_department_in_the_delft_string(demo) -> None:
    works, truth = demo
    by_id = {w["id"]: w for w in works}
    ties = [t for t in truth["ties"]["direct"]
            if t["dutch_institution_id"] == TUDELFT and t["pla_institution_id"] == NUDT]
    assert ties
    work = by_id[ties[0]["work_ids"][0]]
    delft_raws = [r for s in work["authorships"] if s["author"]["id"] in ties[0]["dutch_author_ids"]
                  for r in s["raw_affiliation_strings"]]
    assert any(r.startswith("Department of") and "Delft" in r for r in delft_raws)


def test_direct_and_dual_ties_in_truth_are_exactly_those_in_the_works(demo) -> None:
    works, truth = demo
    pla, nl = pla_ids(), nl_ids()
    direct, dual = set(), set()
    for w in works:
        holders: dict[str, set] = {}
        for s in w["authorships"]:
            ids = {i["id"] for i in s["institutions"]}
            for x in ids & nl:
                for y in ids & pla:
                    dual.add((w["id"], s["author"]["id"], x, y))
            for i in ids:
                holders.setdefault(i, set()).add(s["author"]["id"])
        for x in holders.keys() & nl:
            for y in holders.keys() & pla:
                if any(a != b for a in holders[x] for b in holders[y]):
                    direct.add((w["id"], x, y))
    got_direct = {(t["work_ids"][0], t["dutch_institution_id"], t["pla_institution_id"])
                  for t in truth["ties"]["direct"]}
    got_dual = {(t["work_ids"][0], t["author_ids"][0], t["dutch_institution_id"],
                 t["pla_institution_id"]) for t in truth["ties"]["dual_affiliation"]}
    assert got_direct == direct
    assert got_dual == dual
    assert len(dual) >= 4 and any(y == NUDT for _, _, _, y in dual)
    share = len({w for w, _, _ in direct}) / len(works)
    assert 0.02 <= share <= 0.05


def test_career_ties_show_one_author_at_nudt_before_a_dutch_institution(demo) -> None:
    works, truth = demo
    by_id = {w["id"]: w for w in works}
    assert len(truth["ties"]["career"]) >= 2
    for tie in truth["ties"]["career"]:
        author = tie["author_ids"][0]

        def affiliations(work_id: str, author: str = author) -> tuple[int, set]:
            w = by_id[work_id]
            ids = {i["id"] for s in w["authorships"] if s["author"]["id"] == author
                   for i in s["institutions"]}
            return w["publication_year"], ids

        early = [affiliations(w) for w in tie["pla_work_ids"]]
        late = [affiliations(w) for w in tie["dutch_work_ids"]]
        assert all(tie["pla_institution_id"] in ids for _, ids in early)
        assert all(tie["dutch_institution_id"] in ids for _, ids in late)
        assert max(y for y, _ in early) < min(y for y, _ in late)


def test_indirect_ties_are_two_hops_with_a_civilian_chinese_author_between(demo) -> None:
    works, truth = demo
    by_id = {w["id"]: w for w in works}
    assert len(truth["ties"]["indirect"]) >= 2
    for tie in truth["ties"]["indirect"]:
        a, b, c = tie["author_ids"]
        w1, w2 = (by_id[w] for w in tie["work_ids"])

        def inst_of(work: dict, author: str) -> set:
            return {i["id"] for s in work["authorships"] if s["author"]["id"] == author
                    for i in s["institutions"]}

        assert tie["dutch_institution_id"] in inst_of(w1, a)
        assert tie["via_institution_id"] in inst_of(w1, b) and inst_of(w2, b)
        assert tie["pla_institution_id"] in inst_of(w2, c)
        assert tie["via_institution_id"] not in pla_ids()
        assert not any({a, c} <= {s["author"]["id"] for s in w["authorships"]} for w in works)


def test_unresolved_ties_carry_the_raw_string_and_no_institution(demo) -> None:
    works, truth = demo
    by_id = {w["id"]: w for w in works}
    sides = Counter(t["side"] for t in truth["ties"]["unresolved"])
    assert sides["pla"] >= 2 and sides["nl"] >= 2
    for tie in truth["ties"]["unresolved"]:
        ship = next(s for s in by_id[tie["work_ids"][0]]["authorships"]
                    if s["author"]["id"] == tie["author_ids"][0])
        assert ship["institutions"] == []
        assert ship["raw_affiliation_strings"] == [tie["raw_affiliation"]]
        assert ship["affiliations"][0]["institution_ids"] == []


def test_edge_cases_are_planted_former_name_null_country_and_funder_type(demo) -> None:
    works, _ = demo
    raws = [r for w in works for s in w["authorships"] for r in s["raw_affiliation_strings"]]
    insts = [i for w in works for s in w["authorships"] for i in s["institutions"]]
    assert any("Third Military Medical University, Chongqing" in r for r in raws)
    assert any("College of Advanced Interdisciplinary Studies, National University of Defense "
               "Technology" in r for r in raws)
    assert any(r.startswith("Afdeling ") for r in raws)
    assert any(i["country_code"] is None for i in insts)
    assert any(i["type"] == "funder" and i["id"] == OA + "I99065089" for i in insts)


def test_small_corpora_hold_exactly_n_works_and_truth_names_only_those(tmp_path: Path) -> None:
    for n in (0, 1, 5, 13):
        out = tmp_path / str(n)
        summary = write_corpus(out, n, 3, "jsonl")
        works = read_jsonl(out / "works.jsonl") if n else []
        assert len(works) == summary.works == n
        ids = {w["id"] for w in works}
        truth = json.loads((out / "truth.json").read_text())
        for entries in truth["ties"].values():
            for tie in entries:
                assert set(tie["work_ids"]) <= ids
    first = read_jsonl(tmp_path / "1" / "works.jsonl")[0]
    assert {i["id"] for s in first["authorships"] for i in s["institutions"]} >= {TUDELFT, NUDT}


def test_snapshot_manifest_counts_and_sizes_match_the_part_files(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(generate, "PART_SIZE", 400)
    write_corpus(tmp_path, 2500, 5)
    manifest = json.loads((tmp_path / "works" / "manifest").read_text())
    assert manifest["meta"]["record_count"] == 2500
    assert len(manifest["entries"]) > 3  # several partitions, several parts each
    total = 0
    for entry in manifest["entries"]:
        rel = entry["url"].removeprefix("s3://openalex/data/")
        path = tmp_path / rel
        lines = gzip.decompress(path.read_bytes()).splitlines()
        assert len(lines) == entry["meta"]["record_count"] <= 400
        assert path.stat().st_size == entry["meta"]["content_length"]
        day = path.parent.name.removeprefix("updated_date=")
        assert all(json.loads(line)["updated_date"].startswith(day) for line in lines)
        total += entry["meta"]["content_length"]
    assert manifest["meta"]["content_length"] == total


def test_pages_format_writes_api_list_pages(tmp_path: Path) -> None:
    write_corpus(tmp_path, 450, 5, "pages")
    pages = sorted(tmp_path.glob("page_*.json"))
    assert [p.name for p in pages] == ["page_0001.json", "page_0002.json", "page_0003.json"]
    bodies = [json.loads(p.read_text()) for p in pages]
    assert [len(b["results"]) for b in bodies] == [200, 200, 50]
    assert all(b["meta"]["count"] == 450 and b["meta"]["per_page"] == 200 for b in bodies)
    assert {"count", "db_response_time_ms", "page", "per_page", "next_cursor"} \
        <= set(bodies[0]["meta"])


def test_authors_per_work_and_works_per_author_are_heavy_tailed() -> None:
    per_work, per_author = [], Counter()
    for w in generate_works(20_000, seed=11):
        per_work.append(len(w["authorships"]))
        per_author.update(s["author"]["id"] for s in w["authorships"])
    assert 5.0 <= statistics.mean(per_work) <= 7.0
    assert max(per_work) <= 100 and max(per_work) >= 4 * statistics.median(per_work)
    counts = sorted(per_author.values())
    assert statistics.median(counts) <= 3 and counts[-1] >= 50


def test_mix_options_change_the_corpus_and_bad_options_are_refused(tmp_path: Path) -> None:
    summary = write_corpus(tmp_path / "no-cmc", 1000, 1, "jsonl", cmc_share=0.0)
    assert summary.counts["with_pla"] <= 2 * 10  # only the planted PLA works remain (10 per set)
    summary = write_corpus(tmp_path / "all-nl-cn", 1000, 1, "jsonl", china_share=1.0,
                           nl_share=1.0)
    # planted per set: at most 2 Dutch-only works (career, merged identity), 4 China-only
    assert summary.counts["nl_only"] <= 2 * 2 and summary.counts["cn_only"] <= 2 * 4
    with pytest.raises(InputError, match="unknown option"):
        list(generate_works(1, colour="red"))
    with pytest.raises(InputError, match="china_share"):
        Mix(china_share=0.2, nl_share=0.2)
    with pytest.raises(InputError, match="format"):
        write_corpus(tmp_path / "x", 1, fmt="csv")


def test_reference_data_names_real_institutions_with_their_departments() -> None:
    data = yaml.safe_load(DATA_FILE.read_text())
    keys = {i["key"] for i in data["institutions"]}
    assert keys == set(data["raw"])
    groups = Counter(i["group"] for i in data["institutions"])
    assert groups["nl"] == 15 and groups["seven_sons"] == 7 and groups["pla"] >= 8
    for key, raw in data["raw"].items():
        assert raw["names"] and raw["address"] and any(raw["departments"].values()), key
    ids = {i["key"]: i["id"] for i in data["institutions"]}
    assert ids["tudelft"] == "I98358874" and ids["nudt"] == "I170215575"


def test_reference_ids_agree_with_the_shared_identifier_list() -> None:
    path = REFERENCE / "identifiers.csv"
    if not path.is_file():
        pytest.skip(f"reference data not present: {path}")
    known = {}
    with path.open(newline="") as fh:
        for row in csv.DictReader(fh):
            if row["openalex_id"]:
                known[row["openalex_id"]] = row["ror_id"]
    data = yaml.safe_load(DATA_FILE.read_text())
    checked = 0
    for inst in data["institutions"]:
        oid = OA + inst["id"]
        if oid in known:
            assert known[oid] == "https://ror.org/" + inst["ror"], inst["key"]
            checked += 1
    assert checked >= 35


def run(args: list[str]) -> int:
    """Run the real `ties` entry point; its exit code (0 when it returns)."""
    try:
        main(args)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def test_cli_writes_a_corpus_prints_json_and_refuses_to_overwrite(tmp_path, capsys) -> None:
    out = tmp_path / "corpus"
    assert run(["generate", "--works", "40", "--out", str(out), "--format", "jsonl",
                "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["works"] == 40 and printed["files"] == ["works.jsonl"]
    assert printed["ties"]["direct"] >= 1
    assert run(["generate", "--works", "40", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "--force" in err and "Traceback" not in err
    assert run(["generate", "--works", "40", "--out", str(out), "--force"]) == 0
    assert "synthetic works" in capsys.readouterr().out
    assert not (out / "works.jsonl").exists() and (out / "works" / "manifest").is_file()
    assert run(["generate", "--works", "-3", "--out", str(out)]) == 2


def test_two_corpora_generated_side_by_side_do_not_disturb_each_other() -> None:
    alone = [w["authorships"][0]["author"]["id"] for w in generate_works(300, seed=4)]
    first, other = generate_works(300, seed=4), generate_works(50_000, seed=9)
    mixed = []
    for w in first:
        next(other)
        mixed.append(w["authorships"][0]["author"]["id"])
    assert mixed == alone
