"""`ties load` and `ties sync` killed with SIGKILL at random points: the previous complete
table set and store survive the kill, and a rerun gives exactly what an uninterrupted run
gives: no duplicates, nothing missing. (`ties fetch` under SIGKILL: tests/test_fetch.py.)

The kill points are random on purpose (seeded, printed on failure); nothing is timed.
"""

from __future__ import annotations

import random

import pytest

from faults.run import (
    clear_neo4j,
    expected_counts,
    local_counts,
    make_corpus,
    neo4j_counts,
    neo4j_env,
    run_ties,
    stored_work_ids,
    table_snapshot,
    ties_env,
    timed_ties,
    work_ids_in,
)
from graph.tables import publish_generation

pytestmark = pytest.mark.slow  # loads killed in subprocesses, then rerun
SEED = random.randrange(1_000_000)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_corpus(tmp_path_factory.mktemp("interrupt") / "corpus", 800, 5)


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory):
    """An uninterrupted load: (seconds it took, home)."""
    home = tmp_path_factory.mktemp("reference") / "home"
    seconds, _ = timed_ties(["load", str(corpus), "--json"], ties_env(home))
    return seconds, home


@pytest.mark.parametrize("run", range(3))
def test_a_load_killed_at_a_random_point_then_rerun_equals_an_uninterrupted_load(corpus, reference, tmp_path, run):
    seconds, ref_home = reference
    rng = random.Random(SEED + run)
    delay = rng.uniform(0.05, seconds)
    home = tmp_path / "home"
    run_ties(["load", str(corpus), "--json"], ties_env(home), kill_after=delay)
    after_kill = table_snapshot(home / "tables") if (home / "tables").exists() else {}
    assert after_kill in ({}, table_snapshot(ref_home / "tables")), f"seed {SEED}: a partial table set is visible"
    timed_ties(["load", str(corpus), "--json"], ties_env(home))
    assert table_snapshot(home / "tables") == table_snapshot(ref_home / "tables"), f"seed {SEED}, delay {delay}"
    assert local_counts(home) == local_counts(ref_home) == expected_counts(home / "tables")
    assert stored_work_ids(home) == work_ids_in(corpus)


def test_a_load_killed_over_a_loaded_set_leaves_that_set_and_its_store(corpus, reference, tmp_path):
    seconds, ref_home = reference
    part = sorted(corpus.rglob("part_*.gz"))[0]
    home = tmp_path / "home"
    timed_ties(["load", str(part), "--json"], ties_env(home))
    before, store_before = table_snapshot(home / "tables"), local_counts(home)
    rng = random.Random(SEED)
    for _ in range(2):
        run_ties(["load", str(corpus), "--json"], ties_env(home), kill_after=rng.uniform(0.05, seconds))
        now = table_snapshot(home / "tables")
        if now == before:
            assert local_counts(home) in (store_before, local_counts(ref_home))
        else:
            assert now == table_snapshot(ref_home / "tables"), f"seed {SEED}: a mixed table set"
    timed_ties(["load", str(corpus), "--json"], ties_env(home))
    assert table_snapshot(home / "tables") == table_snapshot(ref_home / "tables")


def test_a_generation_whose_writer_dies_is_never_published(tmp_path):
    link = tmp_path / "tables"
    publish_generation(link, lambda folder: (folder / "a.txt").write_text("complete"))

    def dies(folder):
        (folder / "a.txt").write_text("half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        publish_generation(link, dies)
    assert (link / "a.txt").read_text() == "complete"
    assert len(list(tmp_path.glob("tables.gen-*"))) == 1


@pytest.mark.neo4j
@pytest.mark.parametrize("run", range(2))
def test_a_sync_killed_at_a_random_point_then_rerun_holds_exactly_the_tables(reference, neo4j_credentials, run):
    _, home = reference
    want = expected_counts(home / "tables")
    clear_neo4j(neo4j_credentials, home)
    seconds, _ = timed_ties(["sync", "--json"], neo4j_env(home, neo4j_credentials))
    assert neo4j_counts(neo4j_credentials) == want
    clear_neo4j(neo4j_credentials, home)
    delay = random.Random(SEED + run).uniform(0.05, seconds)
    run_ties(["sync", "--json"], neo4j_env(home, neo4j_credentials), kill_after=delay)
    timed_ties(["sync", "--json"], neo4j_env(home, neo4j_credentials))
    assert neo4j_counts(neo4j_credentials) == want, f"seed {SEED}, delay {delay}"


@pytest.mark.neo4j
def test_a_sync_killed_after_an_earlier_complete_sync_resumes_without_duplicates(reference, neo4j_credentials,
                                                                                   tmp_path):
    """The sync state of the first sync survives; the second (killed) sync pushes a larger
    table set; the rerun completes it, and every row is in Neo4j exactly once."""
    corpus_dir = tmp_path / "bigger"
    make_corpus(corpus_dir, 1200, 6)
    home = tmp_path / "home"
    small = sorted(corpus_dir.rglob("part_*.gz"))[0]
    timed_ties(["load", str(small), "--json"], ties_env(home))
    clear_neo4j(neo4j_credentials, home)
    timed_ties(["sync", "--json"], neo4j_env(home, neo4j_credentials))
    timed_ties(["load", str(corpus_dir), "--json"], ties_env(home))
    run_ties(["sync", "--json"], neo4j_env(home, neo4j_credentials), kill_after=random.Random(SEED).uniform(0.5, 4.0))
    timed_ties(["sync", "--json"], neo4j_env(home, neo4j_credentials))
    assert neo4j_counts(neo4j_credentials) == expected_counts(home / "tables")
