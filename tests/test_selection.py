"""One description of the path-selection options, one reading of institution ids.

`paths`, `exposure`, `brokers` and `export` take their selection options from the fields
of `queries.evidence.TieQuery`; an institution id is read once (`graph.ids`), so every
command (and the dashboard, which builds TieQuery too) accepts the same forms and finds
the same ties.
"""

from __future__ import annotations

import dataclasses
import json

import pytest

from queries.evidence import TieQuery, selection_options
from tests.cli_runner import run_cli
from tests.corpus import INSTITUTIONS, write_known_corpus
from ties.cli import cli

TUD = INSTITUTIONS["TUD"][0]
FORMS = [TUD, TUD.lower(), f"https://openalex.org/{TUD}", f"openalex.org/{TUD}",
         f"https://api.openalex.org/institutions/{TUD}", f" {TUD} "]
SELECTION_COMMANDS = ["paths", "exposure", "brokers", "export"]


@pytest.fixture
def in_known_home(known_home, monkeypatch, tmp_path):
    monkeypatch.setenv("TIES_HOME", str(known_home.home))
    monkeypatch.setenv("TIES_STORE", "local")
    monkeypatch.chdir(tmp_path)
    return known_home


def _json(capsys, argv: list[str]) -> dict:
    code, out, err = run_cli([*argv, "--json"], capsys)
    assert code == 0, err
    return json.loads(out)


def test_exposure_and_paths_agree_on_an_institution_given_by_its_short_id(in_known_home, capsys):
    """`exposure --from-institution I98358874` once found nothing where `paths` found ties."""
    exposure = _json(capsys, ["exposure", "--by", "institution", "--from-institution", TUD])
    paths = _json(capsys, ["paths", "--from-institution", TUD, "--kind", "direct", "--kind", "dual_affiliation",
                           "-k", "1000"])
    assert exposure["rows"] and paths["paths"]
    (row,) = exposure["rows"]
    assert row["unit_id"] == f"https://openalex.org/{TUD}"
    path_works = {w for p in paths["paths"] for w in p["works"]}
    assert row["works"] == len(path_works)


@pytest.mark.parametrize("command", SELECTION_COMMANDS)
def test_every_selection_command_reads_every_id_form_the_same(in_known_home, capsys, tmp_path, command):
    outputs = []
    for n, form in enumerate(FORMS):
        argv = [command, "--from-institution", form]
        if command == "export":
            argv += ["--format", "json", "--out", str(tmp_path / f"{n}.json")]
        result = _json(capsys, argv)
        if command == "export":
            result = json.loads((tmp_path / f"{n}.json").read_text())
            result.pop("generated_at", None)
        outputs.append(result)
    assert all(o == outputs[0] for o in outputs[1:])
    filters = json.dumps(outputs[0])
    assert f"https://openalex.org/{TUD}" in filters


@pytest.mark.parametrize("form", [FORMS[0], FORMS[4]])  # the reading itself: graph.ids, every form
def test_load_reads_the_same_id_forms(tmp_path, monkeypatch, capsys, form):
    monkeypatch.setenv("TIES_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TIES_STORE", "local")
    page = write_known_corpus(tmp_path / "corpus")
    result = _json(capsys, ["load", str(page), "--institution", form])
    assert result["works"] > 0


def test_the_options_of_every_selection_command_come_from_tie_query():
    fields = {f.name: f for f in dataclasses.fields(TieQuery)}
    for name in SELECTION_COMMANDS:
        command = cli.get_command(None, name)
        offered = {p.name: p for p in command.params if p.name in fields}
        assert offered, name
        for pname, param in offered.items():
            meta = fields[pname].metadata
            assert param.opts[0] == meta["flag"] and param.help == meta["help"], (name, pname)
            if not param.multiple:
                assert param.default == fields[pname].default, (name, pname)
    paths = {p.name for p in cli.get_command(None, "paths").params}
    assert set(fields) <= paths  # paths offers every option


def test_selection_options_give_the_dashboard_the_same_defaults():
    table = {o["name"]: o for o in selection_options()}
    assert {k: v["default"] for k, v in table.items()} == dataclasses.asdict(TieQuery())
    assert all(o["help"] and o["flag"].startswith("-") for o in table.values())
