"""Shared fixtures: a temporary TIES_HOME, the known-answer corpus loaded into both
stores, and the real Neo4j server (never a mock; never a silent skip under CI)."""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import pytest

from graph.ladybug_store import LadybugStore
from queries.registry import render
from tests.corpus import write_known_corpus
from ties.config import Config

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference"


@pytest.fixture(scope="session", autouse=True)
def streamlit_components_scanned_once():
    """Every new ``AppTest`` scans the metadata of every installed distribution for Streamlit
    components (0.4 s each, a third of the dashboard tests' time). The installed packages do
    not change during a session, so the scan's answer is kept after the first one."""
    if "streamlit.testing.v1" not in sys.modules:  # no dashboard test was collected
        yield
        return
    from streamlit.components.v2 import manifest_scanner

    scan = manifest_scanner.scan_component_manifests
    manifest_scanner.scan_component_manifests = functools.cache(scan)
    yield
    manifest_scanner.scan_component_manifests = scan


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty TIES_HOME for one test, with the embedded store selected."""
    path = tmp_path / "ties-home"
    monkeypatch.setenv("TIES_HOME", str(path))
    monkeypatch.setenv("TIES_STORE", "local")
    return path


@pytest.fixture
def config(home: Path) -> Config:
    return Config(home=home)


@pytest.fixture(scope="session")
def known_home(tmp_path_factory: pytest.TempPathFactory) -> Config:
    """The known-answer corpus loaded once into tables and the embedded store."""
    from loaders.ingest import ingest

    base = tmp_path_factory.mktemp("known")
    cfg = Config(home=base / "home")
    ingest([write_known_corpus(base / "corpus")], cfg, progress=False)
    store = LadybugStore(cfg.ladybug_dir, queries=render)
    store.load(cfg.tables_dir)
    store.close()
    return cfg


@pytest.fixture
def known_local(known_home: Config):
    store = LadybugStore(known_home.ladybug_dir, read_only=True, queries=render)
    yield store
    store.close()


@pytest.fixture(scope="session")
def generated_corpus(tmp_path_factory: pytest.TempPathFactory):
    """``generated_corpus(works, seed)``: that generated corpus ingested and loaded into the
    embedded store once per test session (per xdist worker), shared read-only by every module
    that asks for the same size and seed (several modules check different analyses on one)."""
    from tests.generated import generated_home

    made: dict[tuple[int, int], Config] = {}

    def get(works: int, seed: int) -> Config:
        if (works, seed) not in made:
            made[(works, seed)] = generated_home(tmp_path_factory.mktemp(f"generated-{works}-{seed}"), works, seed)
        return made[(works, seed)]

    return get


@pytest.fixture(scope="session")
def neo4j_credentials() -> tuple[str, str, str]:
    """(uri, user, password) of a real Neo4j: NEO4J_URI, a compose service, or the local server."""
    from tests.neo4j_service import neo4j_connection, stop_if_started

    yield neo4j_connection()
    stop_if_started()


@pytest.fixture(scope="session")
def neo4j_factory(neo4j_credentials, tmp_path_factory):
    """Open Neo4jStore objects on the test server; each loads into a cleared database."""
    from graph.neo4j_store import Neo4jStore

    uri, user, password = neo4j_credentials
    opened = []

    def open_store(state_name: str = "sync") -> Neo4jStore:
        store = Neo4jStore(uri, user, password, state_dir=tmp_path_factory.mktemp(state_name),
                           queries=render)
        opened.append(store)
        return store

    yield open_store
    for store in opened:
        store.close()


@pytest.fixture
def known_neo4j(known_home: Config, neo4j_factory):
    """The known-answer corpus in Neo4j (database cleared first)."""
    store = neo4j_factory("known")
    store.clear()
    store.load(known_home.tables_dir)
    return store


NEO4J_FIXTURES = {"neo4j_credentials", "neo4j_factory", "known_neo4j"}
#: fixtures that build large corpora (test_ranked's 3,000 generated works)
SLOW_FIXTURES = {"generated_home"}


def pytest_collection_modifyitems(config, items) -> None:
    """A test that uses a real Neo4j is marked `neo4j` (one on a large corpus `slow`),
    whether or not it says so, so `make check` never starts a server or builds one."""
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if NEO4J_FIXTURES & used:
            item.add_marker(pytest.mark.neo4j)
        if SLOW_FIXTURES & used:
            item.add_marker(pytest.mark.slow)


def under_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")
