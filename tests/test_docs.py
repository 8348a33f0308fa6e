"""The README stays true: it leads with the two commands and documents every command."""

from __future__ import annotations

import re

from tests.conftest import ROOT
from ties.cli import COMMANDS

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_leads_with_make_demo_and_make_test():
    first_block = README.split("```")[1]
    assert [line.split("#")[0].strip() for line in first_block.strip().splitlines()] == ["make demo", "make test"]


def test_every_ties_command_has_a_heading_in_the_readme():
    headings = set(re.findall(r"^### ties (\w+)", README, flags=re.M))
    assert set(COMMANDS) <= headings, f"undocumented: {sorted(set(COMMANDS) - headings)}"


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
