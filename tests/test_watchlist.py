"""The shipped watchlist is valid and sourced; bad edits fail on load naming file and key;
`ties watchlist update` reports added, renamed and removed entities."""

from __future__ import annotations

import re
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from graph.errors import InputError
from loaders.dutch import SECTORS, load_dutch_institutions
from loaders.watchlist import entity_rows, load_watchlist, subordinate_rows
from queries.tech_areas import load_area_labels, load_tech_areas
from ties.cli import cli

DATA = Path(__file__).parent / "data"
REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"
SEVEN_SONS = ("hit", "beihang", "bit", "nwpu", "nuaa", "njust", "heu")


def test_every_shipped_entity_has_at_least_one_named_source():
    wl = load_watchlist()
    assert len(wl.entities) > 100
    for entity in wl.entities.values():
        assert entity.sources and all(s.strip() for s in entity.sources), entity.id


def test_everything_in_category_cmc_chains_up_to_the_central_military_commission():
    wl = load_watchlist()
    for entity in wl.entities.values():
        chain = wl.chain(entity.id)
        assert chain[0] is entity
        assert (chain[-1].id == "cmc") == entity.under_cmc == (entity.category == "cmc")


def test_seven_sons_are_defence_industry_and_not_under_the_cmc():
    wl = load_watchlist()
    for eid in SEVEN_SONS:
        assert wl.entities[eid].category == "defence_industry"
        assert wl.entities[eid].under_cmc is False


def test_issue_coverage_services_successors_hospitals_and_former_names_are_present():
    wl = load_watchlist()
    for eid in ("ground_force", "navy", "air_force", "rocket_force", "ssf", "aerospace_force",
                "cyberspace_force", "isf", "jlsf", "pap", "ams", "ndu", "nudt", "amms",
                "cardc", "nint", "plagh", "southwest_hospital", "xinqiao_hospital",
                "daping_hospital", "xijing_hospital", "tangdu_hospital", "changhai_hospital",
                "changzheng_hospital", "ehbh", "caep", "cetc", "casc", "ppsuc", "cicir"):
        assert eid in wl.entities, eid
    assert ("Third Military Medical University", 2017) in wl.entities["amu"].former_names
    assert ("Second Military Medical University", 2017) in wl.entities["nmu"].former_names
    assert ("Fourth Military Medical University", 2017) in wl.entities["afmu"].former_names
    assert ("PLA University of Science and Technology", 2017) in wl.entities["aeu"].former_names
    assert ("Second Artillery Engineering University", 2017) in wl.entities["rfue"].former_names
    assert [e.id for e in wl.chain("ieu")] == ["ieu", "isf", "cmc"]


def test_lookups_by_openalex_and_ror_accept_urls_and_bare_ids():
    wl = load_watchlist()
    assert wl.by_openalex_id("https://openalex.org/I170215575").id == "nudt"
    assert wl.by_openalex_id("I170215575").id == "nudt"
    assert wl.by_ror("05d2yfz11").id == "nudt"
    assert wl.by_openalex_id("I98358874") is None


def test_entity_rows_have_exactly_the_schema_columns_and_former_names_among_aliases():
    wl = load_watchlist()
    rows = {r["id"]: r for r in entity_rows(wl)}
    assert set(rows["amu"]) == {"id", "name", "name_zh", "kind", "category", "under_cmc",
                                "chain_ids", "chain_names", "aliases", "sources"}
    assert "Third Military Medical University" in rows["amu"]["aliases"]
    assert rows["xijing_hospital"]["chain_ids"] == ["xijing_hospital", "afmu", "air_force", "cmc"]
    edges = subordinate_rows(wl)
    assert {"from": "ieu", "to": "isf", "source": wl.entities["ieu"].sources[0],
            "since": 2024} in edges
    assert all(set(e) == {"from", "to", "source", "since"} for e in edges)


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "wl.yaml"
    path.write_text(body, encoding="utf-8")
    return path


ROOT_ENTRY = "  - {id: cmc, name: CMC, kind: commission, category: cmc, sources: [s]}\n"


@pytest.mark.parametrize("entry, message", [
    ("  - {id: a, name: A, kind: unit, category: cmc, parent: nowhere, sources: [s]}\n",
     "unknown parent 'nowhere'"),
    ("  - {id: a, name: A, kind: unit, category: cmc, parent: cmc}\n", "a) .sources"),
    ("  - {id: cmc, name: A, kind: unit, category: cmc, sources: [s]}\n", "duplicate id 'cmc'"),
    ("  - {id: a, name: A, kind: unit, category: cmc, parent: b, sources: [s]}\n"
     "  - {id: b, name: B, kind: unit, category: cmc, parent: a, sources: [s]}\n", "cycle"),
    ("  - {id: a, name: A, kind: tank, category: cmc, parent: cmc, sources: [s]}\n", ".kind"),
    ("  - {id: a, name: A, kind: unit, category: security, parent: cmc, sources: [s]}\n",
     "chain ends at 'cmc'"),
])
def test_a_bad_watchlist_edit_fails_on_load_naming_file_and_key(tmp_path, entry, message):
    path = _write(tmp_path, "entities:\n" + ROOT_ENTRY + entry)
    with pytest.raises(InputError) as err:
        load_watchlist(path)
    assert str(path) in str(err.value)
    assert message.replace("a) .sources", "(a).sources") in str(err.value) or message in str(err.value)


def test_dutch_registry_gives_sectors_from_the_data_file():
    reg = load_dutch_institutions()
    assert reg.sector_of("https://openalex.org/I98358874") == "research_university"
    assert reg.sector_of("I2801952686") == "umc"
    assert reg.sector_of("I148297040") == "to2_institute"
    assert reg.sector_of("I999") is None
    assert {i.sector for i in reg.institutions} == set(SECTORS)


def test_tech_areas_map_subfields_to_eu_and_dutch_areas_named_in_the_file():
    areas = load_tech_areas()
    labels = load_area_labels()
    assert "eu:quantum" in areas["Atomic and Molecular Physics, and Optics"]
    assert "eu:semiconductors" in areas["Electrical and Electronic Engineering"]
    assert "eu:space_propulsion" in areas["Aerospace Engineering"]
    assert all(a in labels for values in areas.values() for a in values)


def test_watchlist_update_reports_added_and_renamed_from_an_aspi_style_file():
    result = CliRunner().invoke(
        cli, ["watchlist", "update", "--from", str(DATA / "watchlist_aspi_sample.json"), "--json"]
    )
    assert result.exit_code == 0, result.output
    report = orjson.loads(result.output)
    assert [r["name"] for r in report["added"]] == ["Example Defence Institute of Testing"]
    assert report["renamed"] == [{
        "entity": "nmu", "ours": "Naval Medical University",
        "theirs": "PLA Naval Medical Research Academy", "note": "new name; an alias matches",
    }]
    assert any(r["entity"] == "xijing_hospital" for r in report["removed"]) is False


def test_watchlist_update_reads_an_opensanctions_csv_uses_the_latest_year_and_reports_removed(
    tmp_path,
):
    out = tmp_path / "proposal.yaml"
    result = CliRunner().invoke(cli, [
        "watchlist", "update", "--from", str(DATA / "watchlist_1286_sample.csv"), "--json",
        "--out", str(out),
    ])
    assert result.exit_code == 0, result.output
    report = orjson.loads(result.output)
    assert report["source"] == "Section 1286"
    assert [r["name"] for r in report["added"]] == ["Example Military Engineering Academy"]
    removed = {r["entity"] for r in report["removed"]}
    assert "amu" in removed and "nudt" not in removed and "hit" not in removed
    assert "Example Military Engineering Academy" in out.read_text(encoding="utf-8")


def test_watchlist_update_rejects_a_file_of_neither_shape_with_one_line():
    result = CliRunner().invoke(
        cli, ["watchlist", "update", "--from", str(DATA / "affiliations_labelled.csv")]
    )
    assert result.exit_code != 0


@pytest.mark.skipif(not (REFERENCE / "watchlists").is_dir(),
                    reason="../shared/reference/watchlists not present (only on the dev machine)")
def test_every_military_entry_of_the_real_aspi_tracker_is_known_to_the_watchlist():
    from ties.commands.watchlist import compare, read_list

    tag, records = read_list(
        REFERENCE / "watchlists" / "aspi_china_defence_universities_tracker__misp-galaxy.json"
    )
    report = compare(load_watchlist(), tag, records)
    missing = [r["name"] for r in report["added"] if r["category"] == "Military"]
    assert missing == []
    assert report["removed"] == []


# ------------------------------------------------------------------ issue 14: the alias audit
def _generic_names():
    """(entity, name) for every name that is only allowed with context."""
    from loaders.watchlist import load_watchlist

    for entity in load_watchlist().entities.values():
        names = list(entity.context_aliases)
        if entity.match in ("context", "city"):
            names += [entity.name, *entity.aliases]
        for name in names:
            # a name that says China itself ("... of China", "Chinese ...") is its own context
            if name.isascii() and not re.search(r"(?i)\b(?:china|chinese|pla|people'?s liberation)\b", name):
                yield entity, name


@pytest.mark.parametrize("entity, name", list(_generic_names()), ids=lambda x: getattr(x, "id", x))
def test_a_generic_name_never_counts_with_another_country_named(entity, name):
    from loaders.matcher import Matcher

    matcher = _matcher_for_audit(Matcher)
    hit = matcher.match_text(f"{name}, Kiel, Germany")
    assert hit is None or hit.entity.id != entity.id, (entity.id, name)


_AUDIT: list = []


def _matcher_for_audit(cls):
    if not _AUDIT:
        _AUDIT.append(cls())
    return _AUDIT[0]
