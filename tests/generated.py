"""A corpus ingested and loaded into the embedded store: the starting point of the tests that
need more than the hand-written corpus (ranking, brokers, tie strength, the hostile corpus)."""

from __future__ import annotations

from pathlib import Path

from graph.ladybug_store import LadybugStore
from loaders.generate import write_corpus
from loaders.ingest import ingest
from queries.registry import render
from ties.config import Config


def generated_home(base: Path, works: int, seed: int) -> Config:
    """`works` generated works (seed `seed`) written to ``base/corpus`` (with its
    ``truth.json``), ingested into tables under ``base/home`` and loaded into the embedded store."""
    write_corpus(base / "corpus", works, seed=seed)
    return loaded_home(base / "corpus", base / "home")


def loaded_home(corpus: Path, home: Path) -> Config:
    """`corpus` (a file or folder of OpenAlex JSON) ingested into tables under `home` and
    loaded into the embedded store."""
    cfg = Config(home=home)
    ingest([corpus], cfg, progress=False)
    with LadybugStore(cfg.ladybug_dir, queries=render) as store:
        store.load(cfg.tables_dir)
    return cfg
