"""How strong is each tie: planted merged identities come out weak, planted movers
supported, on both stores; weak ties are hidden unless asked for; the report says why.

The generator plants, in every block of 500 works, a real mover (NUDT then a Dutch
university; the ORCID on both periods, a co-author from the NUDT years on the Dutch work,
or both) and a merged identity (two people with one common name under one author id,
one at NUDT and one later at a Dutch university, no shared co-authors, no ORCID or a
different one per period). `truth.json` says which is which.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from graph.ladybug_store import LadybugStore
from queries.evidence import TieQuery, find_evidence
from queries.paths import paths_report, rank_paths
from queries.ranked import find_paths
from queries.registry import render
from queries.strength import LEVELS, at_least, career_strength, printed_strength
from tests.generated import generated_home as generated
from ties.config import Config

WORKS, SEED = 3000, 5  # six planted sets: six movers (two per variant), six merges
SIGNALS = ("same_orcid", "orcid_conflict", "shared_coauthors", "shared_topic", "shared_venue", "common_name")


# -- the rules, on hand-made rows ----------------------------------------------------------

def _career_row(work: str, year: int, target_work: str, target_year: int, source_orcid: str = "",
                target_orcid: str = "") -> dict:
    return {"kind": "career", "direction": "watchlist_to_nl", "work_id": work, "year": year,
            "target_work_id": target_work, "target_year": target_year, "source_author_id": "A1",
            "source_author": "Wei Wang", "target_author_id": "A1", "source_institution_id": "NL",
            "department_id": "", "entity_id": "nudt", "target_institution_id": "NUDT",
            "source_orcid": source_orcid, "target_orcid": target_orcid}


#: the columns a path needs beyond those the strength rules read
DISPLAY = {"source_raw": "", "target_raw": "", "source_institution": "", "target_institution": "",
           "target_author": "", "entity_name": "", "category": "cmc", "under_cmc": True}


def _authorships(*rows: tuple[str, str, str, str]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for work, author, topic, venue in rows:
        out.setdefault(work, []).append({"work_id": work, "author_id": author, "topic": topic, "venue": venue})
    return out


def test_a_career_tie_on_the_author_id_alone_is_weak_and_says_so_in_words():
    rows = [_career_row("W2", 2019, "W1", 2014)]
    found = career_strength(rows, _authorships(("W1", "A1", "Optics", "S1"), ("W1", "B", "Optics", "S1"),
                                               ("W2", "A1", "Optics", "S2"), ("W2", "C", "Optics", "S2")),
                            name_authors=7)
    assert found.level == "weak"
    assert found.reasons == ("no_orcid", "no_shared_coauthors", "author_id_only", "shared_topic", "common_name")
    assert found.note.startswith("one OpenAlex author id, no ORCID, no shared co-authors across 2014 and 2019")
    assert "shared by 7 OpenAlex authors" in found.note and "not enough alone" in found.note


def test_the_same_orcid_or_a_shared_coauthor_supports_a_career_tie_and_different_orcids_do_not():
    same = [_career_row("W2", 2019, "W1", 2014, "O1", "O1")]
    assert career_strength(same, _authorships(("W1", "A1", "", ""), ("W2", "A1", "", ""))).level == "supported"
    coauthor = [_career_row("W2", 2019, "W1", 2014)]
    shared = _authorships(("W1", "A1", "", ""), ("W1", "B", "", ""), ("W2", "A1", "", ""), ("W2", "B", "", ""))
    found = career_strength(coauthor, shared)
    assert found.level == "supported" and "shared_coauthors" in found.reasons and "1 shared co-author" in found.note
    conflict = [_career_row("W2", 2019, "W1", 2014, "O1", "O2")]
    found = career_strength(conflict, shared)
    assert found.level == "weak" and "orcid_conflict" in found.reasons and "two people" in found.note
    # co-authors not looked up: an ORCID on one period only does not support the tie
    found = career_strength([_career_row("W2", 2019, "W1", 2014, "O1", "")])
    assert found.level == "weak" and {"orcid_one_period", "coauthors_not_checked"} <= set(found.reasons)


def test_direct_and_dual_ties_are_strong_and_rank_before_a_supported_career_tie_with_more_works():
    direct = {**_career_row("W9", 2020, "W9", 2020), "kind": "direct", "target_author_id": "B"}
    assert printed_strength(direct).level == "strong"
    assert printed_strength({**direct, "kind": "dual_affiliation"}).level == "strong"
    career = [_career_row(f"W{i}", 2019, "W1", 2014, "O1", "O1") | DISPLAY for i in (2, 3, 4)]
    direct |= {k: v for k, v in career[0].items() if k not in direct}
    paths = rank_paths(career + [direct])
    assert [(p["kind"], p["strength"]) for p in paths] == [("direct", "strong"), ("career", "supported")]
    assert paths[1]["n_works"] == 4


def test_weak_ties_are_hidden_by_default_and_counted_with_how_to_show_them():
    row = _career_row("W2", 2019, "W1", 2014) | DISPLAY
    report = paths_report([row], TieQuery().filters())
    assert report["paths"] == [] and report["summary"]["hidden_by_strength"] == {"weak": 1}
    assert "--min-strength weak" in report["summary"]["hidden_note"]
    shown = paths_report([row], TieQuery(min_strength="weak").filters())
    assert [p["strength"] for p in shown["paths"]] == ["weak"] and shown["summary"]["hidden_note"] == ""
    assert at_least("strong", "supported") and not at_least("weak", "supported")


# -- planted merges and movers, on both stores ---------------------------------------------

@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> tuple[Config, dict, Path]:
    """A generated corpus with planted merges and movers, in tables and the embedded store."""
    base = tmp_path_factory.mktemp("strength")
    cfg = generated(base, WORKS, seed=SEED)
    truth = json.loads((base / "corpus" / "truth.json").read_text())
    return cfg, truth, base / "corpus"


def _truth_by_author(truth: dict) -> dict[str, str]:
    movers = {t["author_ids"][0]: "mover" for t in truth["ties"]["career"]}
    merges = {t["author_ids"][0]: "merge" for t in truth["ties"]["merged_identity"]}
    assert len(movers) == len(merges) == WORKS // 500 and not movers.keys() & merges.keys()
    return movers | merges


def _classify(store, truth: dict) -> tuple[dict[str, dict], Counter, dict]:
    """Each planted person's career path (all levels shown), the confusion counts and the
    signals (reason codes) seen per class."""
    query = TieQuery(kinds=("career",), target="all", k=100, min_strength="weak")
    report = find_paths(store, query, evidence=True)
    expected = _truth_by_author(truth)
    found: dict[str, dict] = {}
    for path in report["paths"]:
        author = path["evidence"][0]["source_author_id"]
        if author in expected:
            found[author] = path
    confusion: Counter = Counter()
    signals: dict[str, Counter] = {"mover": Counter(), "merge": Counter()}
    for author, cls in expected.items():
        path = found.get(author)
        confusion[(cls, path["strength"] if path else "missing")] += 1
        for code in path["strength_reasons"] if path else ():
            signals[cls][code] += 1
    return found, confusion, signals


def _print_tables(store_name: str, confusion: Counter, signals: dict) -> None:
    print(f"\nconfusion table, {store_name} (rows: planted truth; columns: strength found)")
    print(f"{'':8}" + "".join(f"{c:>11}" for c in (*reversed(LEVELS), "missing")))
    for cls in ("mover", "merge"):
        print(f"{cls:8}" + "".join(f"{confusion[(cls, c)]:>11}" for c in (*reversed(LEVELS), "missing")))
    n = {cls: sum(v for (c, _), v in confusion.items() if c == cls) for cls in ("mover", "merge")}
    print(f"signals, {store_name}: share of planted ties with each (movers {n['mover']}, merges {n['merge']})")
    for code in SIGNALS:
        print(f"  {code:18} movers {signals['mover'][code]}/{n['mover']}  merges {signals['merge'][code]}/{n['merge']}")


def _check(confusion: Counter) -> None:
    for (cls, level), count in confusion.items():
        if cls == "merge":
            assert level == "weak", f"{count} planted merged identities came out {level}"
        else:
            assert level in ("supported", "strong"), f"{count} planted movers came out {level}"


def test_planted_merges_are_weak_and_movers_supported_on_the_embedded_store(planted):
    cfg, truth, _ = planted
    store = LadybugStore(cfg.ladybug_dir, read_only=True, queries=render)
    try:
        found, confusion, signals = _classify(store, truth)
    finally:
        store.close()
    _print_tables("embedded store", confusion, signals)
    _check(confusion)
    # which signals separate: ORCID agreement and shared co-authors never occur on a merge;
    # a shared topic does (merges are of people in one field), so it supports nothing alone
    assert signals["merge"]["same_orcid"] == signals["merge"]["shared_coauthors"] == 0
    assert signals["mover"]["same_orcid"] == 4 and signals["mover"]["shared_coauthors"] == 4
    assert signals["merge"]["orcid_conflict"] == 3 and signals["merge"]["shared_topic"] >= 3
    merge = next(p for a, p in found.items() if "orcid_conflict" not in p["strength_reasons"]
                 and a in {t["author_ids"][0] for t in truth["ties"]["merged_identity"]})
    assert merge["strength_note"].startswith("one OpenAlex author id, no ORCID, no shared co-authors across ")


@pytest.mark.neo4j
def test_planted_merges_are_weak_and_movers_supported_on_neo4j(planted, neo4j_factory):
    cfg, truth, _ = planted
    store = neo4j_factory("strength")
    store.clear()
    store.load(cfg.tables_dir)
    found, confusion, signals = _classify(store, truth)
    _print_tables("Neo4j", confusion, signals)
    _check(confusion)
    local = LadybugStore(cfg.ladybug_dir, read_only=True, queries=render)
    try:
        query = TieQuery(target="all", min_strength="weak", kinds=("direct", "dual_affiliation", "career"))
        assert find_evidence(store, query) == find_evidence(local, query)
        assert find_paths(store, query) == find_paths(local, query)
    finally:
        local.close()


def test_ties_paths_min_strength_supported_drops_the_planted_merges(planted, monkeypatch, capsys):
    from tests.cli_runner import run_cli

    cfg, truth, _ = planted
    monkeypatch.setenv("TIES_HOME", str(cfg.home))
    monkeypatch.setenv("TIES_STORE", "local")
    merges = {t["author_ids"][0] for t in truth["ties"]["merged_identity"]}
    movers = {t["author_ids"][0] for t in truth["ties"]["career"]}

    def career_authors(*options: str) -> tuple[set[str], dict]:
        code, out, err = run_cli(["paths", "--kind", "career", "--to", "all", "-k", "100", *options, "--json"],
                                 capsys)
        assert code == 0, err
        report = json.loads(out)
        authors = {n["id"] for p in report["paths"] for n in p["nodes"] if n["label"] == "Author"}
        return authors, report["summary"]

    shown, summary = career_authors("--min-strength", "supported")
    assert movers <= shown and not merges & shown
    assert summary["hidden_by_strength"] == {"weak": len(merges)}
    assert "show them with --min-strength weak" in summary["hidden_note"]
    assert career_authors()[0] == shown  # supported is the default
    everything, summary = career_authors("--min-strength", "weak")
    assert merges | movers <= everything and summary["by_strength"]["weak"] == len(merges)
    code, out, _ = run_cli(["paths", "--kind", "career", "--to", "all", "-k", "100"], capsys)
    assert code == 0 and "[career, supported]" in out and "hidden below --min-strength supported" in out


def test_the_markdown_report_states_each_ties_strength_and_why(planted, monkeypatch, capsys, tmp_path):
    from tests.cli_runner import run_cli

    cfg, truth, _ = planted
    monkeypatch.setenv("TIES_HOME", str(cfg.home))
    monkeypatch.setenv("TIES_STORE", "local")
    out = tmp_path / "report.md"
    code, _, err = run_cli(["export", "--format", "md", "--kind", "career", "--to", "all", "-k", "100",
                            "--min-strength", "weak", "--out", str(out)], capsys)
    assert code == 0, err
    text = out.read_text()
    sections = text.split("\n### ")[1:]
    assert sections and all("\n- Strength: **" in s for s in sections)
    assert "- Strength: **weak**: one OpenAlex author id, no ORCID, no shared co-authors across" in text
    assert "- Strength: **supported**: one OpenAlex author id, the same ORCID" in text
    assert "(reasons: no\\_orcid, no\\_shared\\_coauthors, author\\_id\\_only" in text


def test_evidence_rows_carry_the_orcid_and_the_name_as_printed_on_each_work(planted):
    cfg, truth, corpus = planted
    works = {}
    for part in corpus.rglob("part_*.gz"):
        import gzip

        with gzip.open(part, "rt") as handle:
            for line in handle:
                work = json.loads(line)
                works[work["id"]] = work
    store = LadybugStore(cfg.ladybug_dir, read_only=True, queries=render)
    try:
        rows = find_evidence(store, TieQuery(kinds=("career", "direct", "dual_affiliation"), target="all"))
    finally:
        store.close()
    assert {r["kind"] for r in rows} == {"career", "direct", "dual_affiliation"}
    for row in rows:
        for side, work in (("source", row["work_id"]),
                           ("target", row.get("target_work_id") or row["work_id"])):
            author = row[f"{side}_author_id"]
            ship = next(s for s in works[work]["authorships"] if s["author"]["id"] == author)
            assert row[f"{side}_raw_author_name"] == ship["raw_author_name"]
            assert row[f"{side}_orcid"] == (ship["author"]["orcid"] or "")
    # a merged identity with two ORCIDs shows each on its own work
    conflict = next(t for t in truth["ties"]["merged_identity"] if t["orcids"]["pla"])
    merge_rows = [r for r in rows if r["source_author_id"] == conflict["author_ids"][0]]
    assert {(r["source_orcid"], r["target_orcid"]) for r in merge_rows} == {
        (conflict["orcids"]["dutch"], conflict["orcids"]["pla"])}


def test_each_authorship_keeps_the_orcid_and_the_name_as_printed_and_the_author_a_name_key():
    from loaders.normalise import normalise_work

    rows = normalise_work({
        "id": "https://openalex.org/W1", "publication_year": 2020,
        "primary_location": {"source": {"id": "https://openalex.org/S7", "display_name": "A journal"}},
        "authorships": [{"author": {"id": "https://openalex.org/A1", "display_name": "Wei Wang",
                                    "orcid": "https://orcid.org/0000-0002-1825-0097"},
                         "raw_author_name": "W. Wang", "institutions": []},
                        {"author": {"id": "https://openalex.org/A2", "display_name": "Xiao-Ming Li", "orcid": None},
                         "raw_author_name": "Li Xiaoming", "institutions": []}]})
    assert [(a["orcid"], a["raw_author_name"]) for a in rows.authored] == [
        ("https://orcid.org/0000-0002-1825-0097", "W. Wang"), ("", "Li Xiaoming")]
    assert [a["name_key"] for a in rows.authors] == ["wang wei", "li xiaoming"]
    assert rows.works[0]["venue"] == "https://openalex.org/S7"
    assert normalise_work({"id": "https://openalex.org/W2", "primary_location": None}).works[0]["venue"] == ""


@pytest.mark.slow  # over 1.5 s; `make test` runs it, `make check` leaves it out
def test_json_csv_and_graphml_exports_carry_strength_and_the_printed_name_on_their_edges(planted):
    import io
    import zipfile

    import networkx as nx
    import pandas as pd

    from graph.tables import read_meta
    from queries.export import gather, to_csv_zip, to_graphml, to_json

    cfg, truth, _ = planted
    store = LadybugStore(cfg.ladybug_dir, read_only=True, queries=render)
    try:
        bundle = gather(store, TieQuery(kinds=("career", "direct"), target="all", k=100, min_strength="weak"),
                        read_meta(cfg.tables_dir))
    finally:
        store.close()
    merge = truth["ties"]["merged_identity"][0]
    G = bundle.graph  # what `render` builds for each format: built once here (tests/test_export.py covers render)
    links = json.loads(to_json(bundle, G))["links"]
    weak = [e for e in links if e["source"] == merge["author_ids"][0] and e["type"] == "AUTHORED"]
    assert weak and {e["strength"] for e in weak} == {"weak"} and all(e.get("raw_author_name") for e in weak)
    assert {e.get("strength") for e in links if e["type"] in ("AUTHORED", "AFFILIATED_WITH")} == \
        {"strong", "supported", "weak"}
    edges = pd.read_csv(io.BytesIO(zipfile.ZipFile(io.BytesIO(to_csv_zip(bundle, G))).read("edges.csv")))
    assert {"strength", "raw_author_name", "orcid"} <= set(edges.columns)
    assert set(edges["strength"].dropna()) == {"strong", "supported", "weak"}
    back = nx.read_graphml(io.BytesIO(to_graphml(G)))
    assert {d.get("strength") for _, _, d in back.edges(data=True)} >= {"strong", "supported", "weak"}
