"""A store the dashboard cannot open stops every page with one line saying what to do.

Before, the error was repeated by every query on the page and the institution profile then
failed on an empty table (KeyError 'id') when the embedded store had been built by another
version of the schema.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from graph.ladybug_store import SCHEMA_STAMP, LadybugStore
from ties.config import Config

APP = str(Path(__file__).resolve().parents[1] / "dashboards" / "app.py")
PAGES = ("overview", "explorer", "entity", "institution", "author", "export", "changes")


@pytest.fixture(scope="module")
def stale_home(known_home, tmp_path_factory) -> Config:
    """A copy of the known-answer home whose embedded store carries another schema's stamp."""
    home = tmp_path_factory.mktemp("stale") / "home"
    shutil.copytree(known_home.home, home, symlinks=True)
    cfg = Config(home=home)
    stamp = LadybugStore(cfg.ladybug_dir).current / SCHEMA_STAMP
    stamp.write_text("a schema of another version\n")
    return cfg


@pytest.mark.parametrize("page", PAGES)
def test_every_page_stops_with_one_error_naming_the_fix(stale_home, monkeypatch, page):
    monkeypatch.setenv("TIES_HOME", str(stale_home.home))
    monkeypatch.setenv("TIES_STORE", "local")
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page(f"views/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.error) == 1, [e.value for e in at.error]
    assert "another version of graph/schema.yaml" in at.error[0].value.replace("\\", "")
    assert "ties load" in at.error[0].value
