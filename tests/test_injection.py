"""No Cypher is ever built from user text: hostile institution names, search terms and
file names go through every entry point, nothing executes, and the answers stay right.

The static test at the end reads the code: only the two store modules talk to a database,
and every value they splice into Cypher comes from `graph/schema.yaml`.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from graph.errors import ConfigError, InputError, StoreError
from graph.ladybug_store import LadybugStore, plain_file_literal
from loaders.ingest import ingest
from queries.registry import load_query, render
from tests.cli_runner import run_cli
from tests.corpus import INSTITUTIONS, OA, known_works
from ties.commands import dashboard, demo
from ties.commands._common import streamlit_command
from ties.config import Config

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = [
    "x' OR 1=1 //",
    '") MATCH (n) DETACH DELETE n //',
    "'}) MATCH (n) DETACH DELETE n RETURN 1 AS x //",
    "$(touch pwned) `rm -rf /` ; DROP DATABASE neo4j",
    "\\' OR ''='",
    "Robert'); CALL dbms.killQueries(); //",
    "{{ $country }} ${x} %s %(x)s",
]
HOSTILE_NAME = '") MATCH (n) DETACH DELETE n // Delft \' OR 1=1'


def hostile_works() -> list[dict]:
    """The known corpus with TU Delft and one author renamed to hostile text."""
    works = known_works()
    for work in works:
        for authorship in work["authorships"]:
            for inst in authorship["institutions"]:
                if inst["id"] == OA + INSTITUTIONS["TUD"][0]:
                    inst["display_name"] = HOSTILE_NAME
            if authorship["author"]["display_name"].endswith("x1"):
                authorship["author"]["display_name"] = HOSTILE[0]
    return works


@pytest.fixture(scope="module")
def hostile_home(tmp_path_factory) -> Config:
    base = tmp_path_factory.mktemp("hostile")
    page = base / "in" / "page.json"
    page.parent.mkdir()
    page.write_bytes(orjson.dumps({"results": hostile_works()}))
    config = Config(home=base / "home")
    ingest([page], config, progress=False)
    store = LadybugStore(config.ladybug_dir, queries=render)
    store.load(config.tables_dir)
    store.close()
    return config


@pytest.fixture
def in_hostile_home(hostile_home: Config, monkeypatch) -> Config:
    monkeypatch.setenv("TIES_HOME", str(hostile_home.home))
    monkeypatch.setenv("TIES_STORE", "local")
    monkeypatch.chdir(hostile_home.home.parent)
    return hostile_home


def _counts(config: Config) -> dict[str, int]:
    store = LadybugStore(config.ladybug_dir, read_only=True, queries=render)
    try:
        return store.counts()
    finally:
        store.close()


@pytest.mark.parametrize("option", ["--from-department", "--to", "--field"])
@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_paths_options_find_nothing_and_change_nothing(in_hostile_home, capsys, option, value):
    before = _counts(in_hostile_home)
    code, out, err = run_cli(["paths", option, value, "--json"], capsys)
    assert code == 0, err
    report = json.loads(out)
    assert report["paths"] == []
    assert value in json.dumps(report["summary"]["filters"], ensure_ascii=False)
    assert _counts(in_hostile_home) == before
    assert not (in_hostile_home.home.parent / "pwned").exists()


@pytest.mark.parametrize("command", ["paths", "exposure", "brokers"])
@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_institution_id_is_refused_in_one_line(in_hostile_home, capsys, command, value):
    """An institution id is read (graph.ids) before any query: text that is not one is refused."""
    before = _counts(in_hostile_home)
    code, out, err = run_cli([command, "--from-institution", value, "--json"], capsys)
    assert code == 1 and out == ""
    assert err.startswith("error: not an institution id") and len(err.strip().splitlines()) == 1
    assert _counts(in_hostile_home) == before
    assert not (in_hostile_home.home.parent / "pwned").exists()


def test_a_hostile_institution_name_is_data_shown_verbatim_in_the_evidence(in_hostile_home, capsys):
    code, out, err = run_cli(["paths", "--kind", "direct", "--json"], capsys)
    assert code == 0, err
    (path,) = json.loads(out)["paths"]
    # the record's hostile display_name does not rename a registry institution (issue 18)
    assert path["source"]["institution"] == "Delft University of Technology"
    authors = {n["name"] for n in path["nodes"] if n["label"] == "Author"}
    assert HOSTILE[0] in authors


@pytest.mark.parametrize("command", ["exposure", "brokers"])
def test_exposure_and_brokers_take_hostile_filters_as_plain_values(in_hostile_home, capsys, command):
    before = _counts(in_hostile_home)
    for value in HOSTILE:
        code, out, err = run_cli([command, "--from-department", value, "--to", value, "--json"], capsys)
        assert code == 0, err
    assert _counts(in_hostile_home) == before


def test_match_reads_hostile_strings_as_text(tmp_path, capsys):
    source = tmp_path / "strings.txt"
    source.write_text("\n".join(HOSTILE) + "\n", encoding="utf-8")
    code, out, err = run_cli(["match", str(source), "--json"], capsys)
    assert code == 0, err
    results = [json.loads(line) for line in out.splitlines()]
    assert [r["text"] for r in results] == HOSTILE
    assert not any(r["entity"] for r in results)


def test_a_file_with_a_hostile_name_loads_like_any_other(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TIES_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TIES_STORE", "local")
    monkeypatch.chdir(tmp_path)
    name = "x' OR 1=1; $(touch pwned) `touch pwned2` ..json"
    (tmp_path / name).write_bytes(orjson.dumps({"results": known_works()}))
    code, out, err = run_cli(["load", str(tmp_path / name), "--json"], capsys)
    assert code == 0, err
    assert json.loads(out.splitlines()[-1])["works"] == len(known_works())
    assert not (tmp_path / "pwned").exists() and not (tmp_path / "pwned2").exists()


@pytest.mark.parametrize("folder", ["it's home", "x' RETURN 1 //", "back\\slash", "new\nline"])
def test_a_table_set_under_a_hostile_path_builds_the_same_store(known_home, known_local, tmp_path, folder):
    """COPY names a table file in a string literal (LadybugDB binds no parameter for it); a
    path that could end that literal is copied through Arrow instead, to the same store."""
    tables = tmp_path / folder / "tables"
    shutil.copytree(known_home.tables_dir, tables)
    assert plain_file_literal(tables / "works.parquet") is None
    with LadybugStore(tmp_path / folder / "ladybug", queries=render) as store:
        assert store.load(tables) == known_local.counts()
        ties = known_local.run("direct_ties", {"country": "NL"})
        assert ties and store.run("direct_ties", {"country": "NL"}) == ties


@pytest.mark.parametrize("name", HOSTILE + ["direct_ties.cypher", "../registry", "direct_ties; MATCH (n)"])
def test_a_query_name_is_never_text_to_run(name):
    with pytest.raises(InputError, match="not a query name"):
        load_query(name, "ladybug")


def test_undeclared_parameters_are_refused(known_local):
    with pytest.raises(InputError, match="unknown parameter"):
        known_local.run("direct_ties", {"country": "NL", "x' OR 1=1": 1})


@pytest.mark.neo4j
def test_hostile_values_on_neo4j_find_nothing_and_delete_nothing(hostile_home, neo4j_factory, neo4j_credentials,
                                                                  monkeypatch, capsys):
    store = neo4j_factory("hostile")
    store.clear()
    store.load(hostile_home.tables_dir)
    before = store.counts()
    uri, user, password = neo4j_credentials
    for key, value in (("TIES_HOME", str(hostile_home.home)), ("NEO4J_URI", uri), ("NEO4J_USER", user),
                       ("NEO4J_PASSWORD", password)):
        monkeypatch.setenv(key, value)
    for value in HOSTILE:
        for option in ("--from-department", "--to"):
            code, out, err = run_cli(["paths", "--store", "neo4j", option, value, "--json"], capsys)
            assert code == 0, err
            assert json.loads(out)["paths"] == []
    assert store.counts() == before
    code, out, _ = run_cli(["paths", "--store", "neo4j", "--kind", "direct", "--json"], capsys)
    assert json.loads(out)["paths"][0]["source"]["institution"] == "Delft University of Technology"  # registry


@pytest.mark.neo4j
def test_the_read_path_cannot_write_even_on_community_edition(neo4j_factory):
    """Queries run with READ access mode; the server itself refuses a write there, so a
    dashboard using `store.run` cannot change the graph even without a read-only user."""
    store = neo4j_factory("read-path")
    before = store.counts()
    with pytest.raises(StoreError, match="read access mode"):
        store.execute("CREATE (n:Work {id: $id}) RETURN n.id AS id", {"id": "ties:probe"}, "probe")
    assert store.counts() == before


# -- static: where Cypher is built ------------------------------------------------------

CODE_DIRS = ("graph", "queries", "loaders", "ties", "dashboards")
STORE_MODULES = {"graph/neo4j_store.py", "graph/ladybug_store.py", "graph/base_store.py"}
CYPHER = re.compile(r"\b(MATCH|MERGE|CREATE|UNWIND|COPY|DELETE|DETACH|RETURN|SET|CALL|WHERE)\b")
#: names that may be spliced into Cypher text: each comes from graph/schema.yaml
#: (labels, relationship types, endpoints, property and key names, DDL pieces built from them)
SCHEMA_NAMES = {"label", "node", "rel", "rtype", "end", "source", "target", "prop", "props", "option",
                "cols", "ends", "keyed", "k", "n", "t", "LADYBUG_TYPES", "WRITE_VERBS",
                "literal"}  # a file path's literal, from `plain_file_literal` only (tested below)
DRIVER_CALLS = {"execute_query", "execute"}


def _python_files() -> list[tuple[str, ast.Module]]:
    files = []
    for folder in CODE_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            files.append((rel, ast.parse(path.read_text(encoding="utf-8"), filename=rel)))
    return files


def _root_name(node: ast.AST) -> str:
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        node = node.value if not isinstance(node, ast.Call) else node.func
    return node.id if isinstance(node, ast.Name) else type(node).__name__


def test_only_the_store_modules_send_text_to_a_database():
    offenders = []
    for rel, tree in _python_files():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            receiver = ast.unparse(node.func.value)
            driver_call = node.func.attr in DRIVER_CALLS or (
                node.func.attr == "run" and re.search(r"\b(tx|session|driver|conn)\b", receiver))
            if driver_call and rel not in STORE_MODULES:
                offenders.append(f"{rel}:{node.lineno}: {ast.unparse(node)[:80]}")
    assert offenders == [], "database calls outside graph/*_store.py:\n" + "\n".join(offenders)


def test_cypher_text_in_the_stores_splices_only_schema_names():
    offenders = []
    for rel, tree in _python_files():
        if rel not in STORE_MODULES:
            continue
        messages = {id(n) for r in ast.walk(tree) if isinstance(r, ast.Raise) for n in ast.walk(r)}
        for node in ast.walk(tree):
            if id(node) in messages:
                continue  # error messages, not queries
            if isinstance(node, ast.JoinedStr):
                text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
                if not (CYPHER.search(text) or "row." in text or "`" in text):
                    continue
                for value in node.values:
                    if isinstance(value, ast.FormattedValue) and _root_name(value.value) not in SCHEMA_NAMES:
                        offenders.append(f"{rel}:{node.lineno}: {{{ast.unparse(value.value)}}}")
            elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
                for side in (node.left, node.right):
                    if isinstance(side, ast.Constant) and isinstance(side.value, str) and CYPHER.search(side.value) \
                            and isinstance(node.op, ast.Mod):
                        offenders.append(f"{rel}:{node.lineno}: %-formatting of Cypher")
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
                if isinstance(node.func.value, ast.Constant) and CYPHER.search(str(node.func.value.value)):
                    offenders.append(f"{rel}:{node.lineno}: str.format of Cypher")
    assert offenders == [], "values spliced into Cypher that do not come from the schema:\n" + "\n".join(offenders)


def test_the_stores_run_named_queries_as_the_registry_renders_and_binds_them(known_home):
    """`store.run(name, params)` executes the registry's text with the registry's bound
    parameters, nothing else; a store opened without the registry runs no name at all."""
    asked = []

    def loader(name, engine, params):
        asked.append((name, engine, params))
        return render(name, engine, params)

    with LadybugStore(known_home.ladybug_dir, read_only=True, queries=loader) as store:
        rows = store.run("direct_ties", {"country": "NL"})
        assert asked == [("direct_ties", "ladybug", {"country": "NL"})]
        assert rows and rows == store.execute(*render("direct_ties", "ladybug", {"country": "NL"}))
    with LadybugStore(known_home.ladybug_dir, read_only=True) as bare, \
            pytest.raises(ConfigError, match="without the query registry"):
        bare.run("direct_ties")


@pytest.mark.parametrize("value", HOSTILE)
def test_a_bound_value_comes_back_as_the_same_text(known_local, value):
    """A parameter is a value, never spliced into the query: it comes back byte for byte."""
    assert known_local.execute("RETURN $value AS value", {"value": value}) == [{"value": value}]


# -- access: where the dashboard listens -------------------------------------------------


def test_the_dashboard_binds_to_localhost_unless_told_otherwise(monkeypatch):
    monkeypatch.delenv("TIES_DASHBOARD_ADDRESS", raising=False)
    ctx = dashboard.command.make_context("dashboard", [])
    assert ctx.params["address"] == "127.0.0.1"
    argv = streamlit_command(ctx.params["port"], ctx.params["address"], headless=True)
    assert argv[argv.index("--server.address") + 1] == "127.0.0.1"


def test_the_demo_serves_on_localhost(monkeypatch):
    """`ties demo` hands Streamlit 127.0.0.1 (preparing the corpus is not what this checks)."""
    served = []
    monkeypatch.setattr(demo, "prepare_demo", lambda: {"load": {"works": 0, "authors": 0, "institutions": 0}})
    monkeypatch.setattr(demo, "run_dashboard", lambda *args: served.append(args))
    result = CliRunner().invoke(demo.command, ["--no-browser", "--port", "8599"])
    assert result.exit_code == 0, result.output
    assert served == [(8599, "127.0.0.1", True, "local")]
