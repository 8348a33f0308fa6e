"""The package people install works: build the wheel, install it into a fresh venv outside
the checkout, run generate > load > paths > export there.

Every other test runs on the editable install, which reads data files from the checkout;
a data file missing from the package data (``queries/parts/*.cypher`` once) only shows here.

The fresh venv has no system site-packages and nothing from the project's venv: the wheel's
dependencies come from a wheelhouse under ``.ties-test/wheelhouse`` (``pip wheel`` fills it
once from the package registry, through pip's cache; later runs install from it with
``--no-index``, offline), keyed by the wheel's declared requirements.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("graph", "loaders", "queries", "dashboards", "ties")


def _pip(*args: str, timeout: float = 900) -> None:
    done = subprocess.run([sys.executable, "-m", "pip", *args], capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"pip {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"


def _requirements(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        meta = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        lines = archive.read(meta).decode().splitlines()
    return sorted(line for line in lines if line.startswith("Requires-Dist:") and "extra ==" not in line)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    _pip("wheel", "--no-deps", "--quiet", "--wheel-dir", str(out), str(ROOT))
    (built,) = out.glob("research_ties-*.whl")
    return built


def _tracked_data_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", *PACKAGES], cwd=ROOT, capture_output=True, text=True)
    if listed.returncode != 0:  # not a git checkout (an unpacked sdist): walk the folders
        files = [str(p.relative_to(ROOT)) for pkg in PACKAGES for p in (ROOT / pkg).rglob("*") if p.is_file()]
    else:
        files = listed.stdout.split()
    return sorted(f for f in files if not f.endswith((".py", ".pyc")) and "__pycache__" not in f)


def test_the_wheel_carries_every_data_file(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    missing = [f for f in _tracked_data_files() if f not in names]
    assert _tracked_data_files() and missing == [], f"add to [tool.setuptools.package-data]: {missing}"


@pytest.fixture(scope="module")
def fresh_venv(wheel, tmp_path_factory) -> Path:
    requirements = _requirements(wheel)
    key = hashlib.sha256("\n".join(requirements + [sys.version]).encode()).hexdigest()[:16]
    house = ROOT / ".ties-test" / "wheelhouse" / key
    if not (house / ".complete").is_file():
        _pip("wheel", "--quiet", "--wheel-dir", str(house), str(wheel))
        (house / ".complete").write_text("\n".join(requirements) + "\n")
    venv = tmp_path_factory.mktemp("fresh") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    _pip("--python", str(venv / "bin" / "python"), "install", "--quiet", "--no-compile", "--no-index",
         "--find-links", str(house), str(wheel))
    return venv


def test_the_installed_wheel_runs_the_pipeline_outside_the_checkout(fresh_venv, tmp_path):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TIES_", "NEO4J_", "PYTHON", "VIRTUAL_ENV", "OPENALEX_"))}
    env.update(TIES_HOME=str(tmp_path / "home"), TIES_STORE="local", PATH=f"{fresh_venv / 'bin'}:{env['PATH']}")
    ties = str(fresh_venv / "bin" / "ties")

    def run(*args: str) -> str:
        done = subprocess.run([ties, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"ties {' '.join(args)}: {done.stderr[-2000:]}"
        assert "Traceback" not in done.stderr
        return done.stdout

    where = subprocess.run([str(fresh_venv / "bin" / "python"), "-c",
                            "import queries, graph, ties; print(queries.__file__)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, check=True).stdout
    assert str(fresh_venv) in where and str(ROOT) not in where

    run("generate", "--works", "300", "--seed", "5", "--out", "corpus")
    assert json.loads(run("load", "corpus", "--json"))["works"] == 300
    report = json.loads(run("paths", "--json"))
    assert report["paths"], "the generator plants NL > CMC ties"
    assert json.loads(run("exposure", "--by", "technology", "--json"))["rows"]
    for fmt, name in (("html", "g.html"), ("md", "report.md"), ("csv", "g.zip")):
        result = json.loads(run("export", "--format", fmt, "--out", name, "--json"))
        assert result["paths"] and (tmp_path / name).stat().st_size > 0
    assert "<html" in (tmp_path / "g.html").read_text().lower()
