"""The matcher on a labelled set of raw affiliation strings written for this project:
precision and recall for under_cmc, the traps, the Seven Sons, and `ties match`."""

from __future__ import annotations

import csv
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from loaders.matcher import Matcher
from ties.cli import cli

LABELLED = Path(__file__).parent / "data" / "affiliations_labelled.csv"
ROWS = list(csv.DictReader(LABELLED.open(encoding="utf-8")))


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher()


def test_the_labelled_set_is_large_and_covers_every_kind_and_the_traps():
    assert len(ROWS) >= 150
    notes = " ".join(r["note"] for r in ROWS)
    for word in ("former", "unit designator", "Chinese", "trap: US NDU", "NLDA",
                 "information engineering", "postcode", "CNRS", "Changsha civilian",
                 "Xi'an civilian", "Zhengzhou civilian", "Seven Sons"):
        assert word in notes, word


def test_under_cmc_precision_and_recall_on_the_labelled_set(matcher, capsys):
    tp = fp = fn = 0
    for row in ROWS:
        hit = matcher.match_text(row["text"])
        predicted = bool(hit and hit.entity.under_cmc)
        truth = row["under_cmc"] == "true"
        tp += predicted and truth
        fp += predicted and not truth
        fn += truth and not predicted
    precision = tp / (tp + fp)
    recall = tp / (tp + fn)
    with capsys.disabled():
        print(f"\nunder_cmc on {len(ROWS)} labelled strings: precision {precision:.3f}, "
              f"recall {recall:.3f} (tp {tp}, fp {fp}, fn {fn})")
    assert precision >= 0.98
    assert recall >= 0.95


@pytest.mark.parametrize("row", ROWS, ids=[r["text"][:50] for r in ROWS])
def test_each_labelled_string_resolves_to_its_entity_and_category(matcher, row):
    hit = matcher.match_text(row["text"])
    assert (hit.entity.id if hit else "") == row["entity_id"], row["note"]
    assert (hit.entity.category if hit else "") == row["category"]


@pytest.mark.parametrize("text", [
    "Harbin Institute of Technology, Harbin 150001, China",
    "Beihang University, Beijing, China",
    "Beijing Institute of Technology, Beijing, China",
    "Northwestern Polytechnical University, Xi'an, China",
    "Nanjing University of Aeronautics and Astronautics, Nanjing, China",
    "Nanjing University of Science and Technology, Nanjing, China",
    "Harbin Engineering University, Harbin, China",
])
def test_ties_match_on_each_seven_sons_university_says_defence_industry_not_under_cmc(text):
    result = CliRunner().invoke(cli, ["match", "-", "--json"], input=text + "\n")
    assert result.exit_code == 0, result.output
    obj = orjson.loads(result.output)
    assert obj["category"] == "defence_industry"
    assert obj["under_cmc"] is False


def test_ties_match_json_has_exactly_the_issue_keys_and_the_chain_to_the_cmc():
    text = "Department of Neurosurgery, Southwest Hospital, Third Military Medical University, Chongqing"
    result = CliRunner().invoke(cli, ["match", "--json"], input=text + "\n\n")
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    obj = orjson.loads(lines[0])
    assert list(obj) == ["text", "institution", "department", "under_cmc", "category",
                         "entity", "chain", "rule", "institutions"]
    assert obj["institution"] == {"id": "https://openalex.org/I4210131174",
                                  "name": "Southwest Hospital", "country": "CN"}
    assert obj["department"] == "Department of Neurosurgery"
    assert obj["chain"] == ["Southwest Hospital", "Army Medical University", "PLA Ground Force",
                            "Central Military Commission"]
    assert obj["rule"] == "alias_in_city"


def test_ties_match_resolves_dutch_institutions_and_departments_in_the_same_strings(tmp_path):
    path = tmp_path / "in.txt"
    path.write_text("Afdeling Neurologie, Erasmus MC, Rotterdam\nNo institution here\n",
                    encoding="utf-8")
    result = CliRunner().invoke(cli, ["match", str(path), "--json"])
    first, second = (orjson.loads(x) for x in result.output.splitlines())
    assert first["institution"] == {"id": "https://openalex.org/I2801952686",
                                    "name": "Erasmus MC", "country": "NL"}
    assert first["department"] == "Department of Neurologie"
    assert first["under_cmc"] is False and first["entity"] is None and first["rule"] == "none"
    assert second["institution"] is None


def test_a_college_is_reported_as_a_department_of_its_university(matcher):
    d = matcher.describe("College of Computer, NUDT, Changsha 410073, China")
    assert d["institution"]["name"] == "National University of Defense Technology"
    assert d["department"] == "College of Computer"
    assert d["entity"]["id"] == "nudt_college_computer"


def test_match_institution_uses_openalex_id_then_ror_then_lineage_then_name(matcher):
    assert matcher.match_institution(openalex_id="https://openalex.org/I9916479").entity.id == "afmu"
    assert matcher.match_institution(openalex_id="I1", ror="https://ror.org/04yvdan45").rule == "ror"
    hit = matcher.match_institution(openalex_id="https://openalex.org/I1",
                                    lineage=["https://openalex.org/I1",
                                             "https://openalex.org/I170215575"])
    assert (hit.entity.id, hit.rule) == ("nudt", "lineage")
    assert matcher.match_institution(name="Xinqiao Hospital").entity.id == "xinqiao_hospital"
    assert matcher.match_institution(openalex_id="https://openalex.org/I98358874") is None


def test_readable_output_has_one_line_per_input_and_no_verdict_words():
    result = CliRunner().invoke(cli, ["match"], input="93114 Troops, Beijing\n")
    assert result.exit_code == 0
    assert "UNDER CMC" in result.output and "suspect" not in result.output.lower()


@pytest.mark.slow  # over 1.5 s; `make test` runs it, `make check` leaves it out
def test_matching_throughput_on_the_labelled_set_times_a_thousand(matcher, capsys):
    """Reports strings per second (uncached and cached); no timed assertion."""
    import time

    texts = [r["text"] for r in ROWS]
    elapsed = 0.0
    for _ in range(20):  # a fresh matcher each round: its caches (names fired per affiliation) empty
        fresh = Matcher(matcher.watchlist, matcher.dutch)
        start = time.perf_counter()
        for text in texts:
            fresh.describe(text)
        elapsed += time.perf_counter() - start
    uncached = 20 * len(texts) / elapsed
    start = time.perf_counter()
    for _ in range(1000):
        for text in texts:
            fresh.match_text(text)
    cached = 1000 * len(texts) / (time.perf_counter() - start)
    with capsys.disabled():
        print(f"\nmatcher: {uncached:,.0f} strings/s uncached, {cached:,.0f} strings/s cached")
    assert uncached > 0


def test_ties_match_evaluate_scores_a_ror_labelled_file_and_the_project_set(tmp_path):
    """`ties match --evaluate` prints the four figures of issue 14 (strings written here)."""
    path = tmp_path / "labelled.csv"
    path.write_text(
        "affiliation,ror_id\n"
        '"Department of Physics, Delft University of Technology, Delft",https://ror.org/02e2c7k09\n'
        '"Department of Genetics, University Medical Center Groningen, University of Groningen",'
        "https://ror.org/012p63287\n"
        '"College of Computer, National University of Defense Technology, Changsha",'
        "https://ror.org/05d2yfz11\n"
        '"Institute of Toxicology and Pharmacology, University of Kiel, Germany",https://ror.org/04v76ef78\n',
        encoding="utf-8")
    result = CliRunner().invoke(cli, ["match", "--evaluate", str(path), "--json"])
    assert result.exit_code == 0, result.output
    figures = orjson.loads(result.output)
    assert figures["dutch"]["labelled"] == 2 and figures["dutch"]["found"] == 2
    assert figures["dutch"]["correct"] == 2, figures["dutch"]["misses"]
    assert figures["cmc_claims"] == []
    assert figures["departments"]["found"] == figures["departments"]["strings_naming_a_unit"] == 2
    assert figures["under_cmc"]["rows"] == len(ROWS) and figures["under_cmc"]["precision"] >= 0.99
    assert figures["strings_per_second"] > 0
    text = CliRunner().invoke(cli, ["match", "--evaluate", str(path)]).output
    assert "resolved to the labelled one: 100.0%" in text and "strings/s" in text


def test_ties_match_json_lists_every_institution_of_a_combined_string_with_its_own_department():
    text = ("Delft University of Technology, Department of Precision and Microsystems Engineering, "
            "Delft, The Netherlands; College of Intelligence Science and Technology, National "
            "University of Defense Technology, Changsha 410073, China")
    result = CliRunner().invoke(cli, ["match", "--json"], input=text + "\n")
    obj = orjson.loads(result.output)
    got = [(i["name"], i["country"], i["department"], (i["entity"] or {}).get("id"), i["under_cmc"], i["rule"])
           for i in obj["institutions"]]
    assert got == [
        ("Delft University of Technology", "NL", "Department of Precision and Microsystems Engineering",
         None, False, "dutch_name"),
        ("National University of Defense Technology", "CN", "College of Intelligence Science and Technology",
         "nudt_college_intelligence", True, "alias_with_parent"),
    ]
    first, second = obj["institutions"]
    assert text[slice(*first["span"])].startswith("Delft University of Technology")
    assert text[slice(*second["span"])].startswith("College of Intelligence")
    # the strongest institution stays in the old fields
    assert obj["entity"]["id"] == "nudt_college_intelligence" and obj["under_cmc"] is True


def test_a_university_medical_centre_and_its_university_are_both_found():
    d = Matcher().describe("Department of Radiation Oncology, University Medical Center Groningen, "
                           "University of Groningen, Groningen, The Netherlands")
    assert [i["name"] for i in d["institutions"]] == ["University Medical Center Groningen",
                                                      "University of Groningen"]
    assert d["institutions"][0]["department"] == "Department of Radiation Oncology"
    assert d["institutions"][1]["department"] is None


def test_readable_output_lists_the_other_institutions_of_the_string():
    text = "Department of Physics, TU Delft, Delft; College of Computer, NUDT, Changsha, China"
    result = CliRunner().invoke(cli, ["match"], input=text + "\n")
    assert result.exit_code == 0
    assert "also" in result.output and "Delft University of Technology (NL)" in result.output
    assert "dept: Department of Physics" in result.output
