"""The source distribution carries every data file, and a wheel built from it does too.

``pip install research-ties`` from an sdist (no wheel for the platform, or ``--no-binary``)
unpacks the sdist and builds a wheel from the unpacked tree, without the git checkout. A data
file the sdist leaves out is then missing from the installed package although the wheel built
from the checkout (``tests/test_wheel.py``) has it. So: build the sdist with PyPA's ``build``,
check its member list, unpack it elsewhere, build a wheel from the unpacked tree and check
that wheel's member list too.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from tests.test_wheel import PACKAGES, _tracked_data_files

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]


def _build(kind: str, source: Path, out: Path) -> Path:
    """``python -m build --<kind>`` of ``source``: PyPA's frontend, in an isolated environment
    with the build requirements of that tree's pyproject.toml, as pip builds an sdist it installs."""
    done = subprocess.run([sys.executable, "-m", "build", f"--{kind}", "--outdir", str(out), str(source)],
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"build --{kind} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    (built,) = out.glob("*.tar.gz" if kind == "sdist" else "*.whl")
    return built


@pytest.fixture(scope="module")
def sdist(tmp_path_factory) -> Path:
    return _build("sdist", ROOT, tmp_path_factory.mktemp("sdist"))


def _members(sdist: Path) -> set[str]:
    """Paths inside the sdist, relative to its top folder (``research_ties-<version>/``)."""
    with tarfile.open(sdist) as archive:
        return {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}


def test_the_sdist_carries_every_data_file_and_the_package_metadata(sdist):
    members = _members(sdist)
    missing = [f for f in _tracked_data_files() if f not in members]
    assert _tracked_data_files() and missing == [], f"add to [tool.setuptools.package-data]: {missing}"
    assert {"pyproject.toml", "README.md"} <= members
    for package in PACKAGES:
        assert f"{package}/__init__.py" in members, package


def test_a_wheel_built_from_the_unpacked_sdist_carries_every_data_file(sdist, tmp_path):
    with tarfile.open(sdist) as archive:
        archive.extractall(tmp_path / "src", filter="data")
    (tree,) = (tmp_path / "src").iterdir()
    wheel = _build("wheel", tree, tmp_path / "dist")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    missing = [f for f in _tracked_data_files() if f not in names]
    assert missing == [], f"the sdist's wheel lacks: {missing}"
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    with zipfile.ZipFile(wheel) as archive:
        assert "ties = ties.cli:main" in archive.read(entry_points).decode()
