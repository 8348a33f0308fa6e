"""Score the matcher against labelled affiliation strings (``ties match --evaluate``).

Why: the matcher was first tuned on strings the project wrote itself; real strings
(publisher-asserted ROR labels, e.g. ROR's Crossref test data) are the honest measure.
Every matcher change is measured here before and after.

Two kinds of labelled file are read (CSV, header row):

* ``affiliation,ror_id``: a real string and the ROR id its publisher asserted (one per
  string, sometimes a parent or a sibling of what is named: read the figures as a floor);
* ``text,under_cmc,...``: the project's own set (``tests/data/affiliations_labelled.csv``).

Figures:

``dutch``        strings whose label is a Dutch institution of the registry: how many got
                 any institution, and the share whose labelled institution is among the
                 institutions found (of those that got one; target 95%).
``cmc_claims``   strings claimed for the CMC whose label is no watchlist body under the
                 CMC: listed for review (target: none that name no PLA body).
``departments``  Dutch-labelled strings resolved to their labelled institution that have a
                 segment naming a unit below it (a unit word, or a known unit): share where
                 a Dutch institution of the string is given a department (a string naming
                 only a unit, with no institution, cannot have one and is not counted).
``under_cmc``    precision and recall on the project's own set (strongest institution).
``speed``        strings per second on one core, uncached, over the file's strings.
"""

from __future__ import annotations

import csv
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from graph.errors import InputError
from loaders.matcher import Matcher
from loaders.watchlist import normalise_name

__all__ = ["Evaluation", "evaluate", "format_evaluation"]

#: words that make a comma segment a unit below an institution (for the department figure);
#: deliberately independent of loaders/departments.py, which is what is being measured
_UNIT_WORDS = re.compile(
    r"(?i)\b(?:department|dept|dep|faculty|fac|institute|inst|group|laboratory|lab|centre|"
    r"center|school|division|section|chair|unit|afdeling|vakgroep|faculteit|instituut|"
    r"laboratorium|leerstoel|sectie|centrum|groep|qutech|mesa\+|liacs|donders|zernike|"
    r"debye|bernoulli|kavli)\b"
)


@dataclass
class Evaluation:
    """The figures of one run; ``as_dict`` for ``--json``."""

    file: str
    strings: int = 0
    dutch_labelled: int = 0
    dutch_found: int = 0
    dutch_correct: int = 0
    dutch_misses: list[dict] = field(default_factory=list)
    cmc_claims: list[dict] = field(default_factory=list)
    unit_strings: int = 0
    unit_found: int = 0
    unit_misses: list[str] = field(default_factory=list)
    labelled_rows: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    under_cmc_errors: list[dict] = field(default_factory=list)
    strings_per_second: float = 0.0

    @property
    def dutch_share(self) -> float:
        return self.dutch_correct / self.dutch_found if self.dutch_found else 0.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def department_share(self) -> float:
        return self.unit_found / self.unit_strings if self.unit_strings else 0.0

    def as_dict(self) -> dict:
        return {
            "file": self.file, "strings": self.strings,
            "dutch": {"labelled": self.dutch_labelled, "found": self.dutch_found,
                      "correct": self.dutch_correct, "share": round(self.dutch_share, 4),
                      "misses": self.dutch_misses},
            "cmc_claims": self.cmc_claims,
            "departments": {"strings_naming_a_unit": self.unit_strings, "found": self.unit_found,
                            "share": round(self.department_share, 4), "misses": self.unit_misses},
            "under_cmc": {"rows": self.labelled_rows, "precision": round(self.precision, 4),
                          "recall": round(self.recall, 4), "tp": self.tp, "fp": self.fp,
                          "fn": self.fn, "errors": self.under_cmc_errors},
            "strings_per_second": round(self.strings_per_second),
        }


def _read(path: Path) -> list[dict]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return list(csv.DictReader(fh))
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a CSV file: {exc}") from None


def _short_ror(ror: str) -> str:
    return (ror or "").strip().rsplit("/", 1)[-1].lower()


def _institutions(matcher, text: str) -> list[dict]:
    """Every institution the matcher finds (the strongest alone for a matcher without lists)."""
    described = matcher.describe(text)
    if "institutions" in described:
        return described["institutions"]
    inst = described["institution"]
    if inst is None:
        return []
    return [{**inst, "department": described["department"], "under_cmc": described["under_cmc"],
             "entity": (described["entity"] or {}).get("id")}]


def evaluate(path: Path, matcher=None, labelled: Path | None = None) -> Evaluation:
    """Score `matcher` on the labelled file `path` (and the project's set `labelled`).

    Raises InputError for an unreadable file or one without a known header.
    """
    matcher = matcher or Matcher()
    rows = _read(path)
    out = Evaluation(file=str(path))
    if rows and "affiliation" in rows[0] and "ror_id" in rows[0]:
        _score_ror(out, matcher, rows)
    elif rows and "text" in rows[0] and "under_cmc" in rows[0]:
        labelled = path
    elif rows:
        raise InputError(f"{path}: expected columns 'affiliation,ror_id' or 'text,under_cmc'")
    if labelled is not None and labelled.exists():
        _score_under_cmc(out, matcher, _read(labelled))
    texts = [r.get("affiliation") or r.get("text") or "" for r in rows]
    out.strings = len(texts)
    out.strings_per_second = _speed(matcher, texts)
    return out


def _score_ror(out: Evaluation, matcher, rows: list[dict]) -> None:
    dutch = {_short_ror(i.ror): i for i in matcher.dutch.institutions if i.ror}
    by_id = {i.id: i for i in matcher.dutch.institutions if i.id}
    by_name = {i.name: i for i in matcher.dutch.institutions}
    cmc_rors = {_short_ror(r) for e in matcher.watchlist.entities.values() if e.under_cmc for r in e.ror_ids}
    for row in rows:
        text, label = row["affiliation"], _short_ror(row["ror_id"])
        found = _institutions(matcher, text)
        if label in dutch:
            out.dutch_labelled += 1
            nl = [by_id.get(f["id"]) or by_name.get(f["name"]) for f in found if f.get("country") == "NL"]
            rors = {_short_ror(i.ror) for i in nl if i is not None}
            if found:
                out.dutch_found += 1
                if label in rors:
                    out.dutch_correct += 1
                else:
                    out.dutch_misses.append({"text": text, "label": dutch[label].name,
                                             "found": [f["name"] for f in found]})
            mine = [f for f in found if f.get("country") == "NL"
                    and _short_ror(getattr(by_id.get(f["id"]) or by_name.get(f["name"]), "ror", "")) == label]
            if mine and _names_unit(text, dutch[label]):
                out.unit_strings += 1
                # the unit may belong to the other Dutch institution of the string
                # ("Dept X, UMC Groningen, University of Groningen", labelled the university)
                if any(f.get("department") for f in found if f.get("country") == "NL"):
                    out.unit_found += 1
                else:
                    out.unit_misses.append(text)
        claimed = [f for f in found if f.get("under_cmc")]
        if claimed and label not in cmc_rors:
            out.cmc_claims.append({"text": text, "label": row["ror_id"],
                                   "claimed": [f.get("entity") or f["name"] for f in claimed]})


def _names_unit(text: str, inst) -> bool:
    """True if a comma segment other than the institution's own name names a unit."""
    names = {normalise_name(n) for n in (inst.name, *inst.aliases)}
    for segment in re.split(r"[,;]", text):
        norm = normalise_name(segment)
        if not norm or norm in names or any(n and n in norm for n in names):
            continue
        if _UNIT_WORDS.search(segment):
            return True
    return False


def _score_under_cmc(out: Evaluation, matcher, rows: list[dict]) -> None:
    for row in rows:
        predicted = bool(matcher.describe(row["text"])["under_cmc"])
        truth = row["under_cmc"].strip().lower() == "true"
        out.labelled_rows += 1
        out.tp += predicted and truth
        out.fp += predicted and not truth
        out.fn += truth and not predicted
        if predicted != truth:
            out.under_cmc_errors.append({"text": row["text"], "expected": truth})


def _speed(matcher, texts: list[str], rounds: int = 3) -> float:
    """Strings per second of CPU time (one core; other processes on a shared machine do not
    count) through a fresh matcher each round (caches empty), build excluded."""
    if not texts:
        return 0.0
    elapsed = 0.0
    for _ in range(rounds):
        fresh = type(matcher)(matcher.watchlist, matcher.dutch)
        start = time.process_time()
        for text in texts:
            fresh.describe(text)
        elapsed += time.process_time() - start
    return rounds * len(texts) / elapsed


def format_evaluation(ev: Evaluation, show: int = 20) -> str:
    """The figures as text, with the strings a reviewer should look at."""
    lines = [f"labelled file: {ev.file} ({ev.strings} strings)"]
    if ev.dutch_labelled:
        lines.append(
            f"Dutch institution resolved to the labelled one: {ev.dutch_share:.1%} "
            f"({ev.dutch_correct} of {ev.dutch_found} strings with an institution found; "
            f"{ev.dutch_labelled} labelled Dutch)")
        lines += [f"  miss: {m['text']!r} label {m['label']!r} found {m['found']}" for m in ev.dutch_misses[:show]]
        lines.append(f"claimed for the CMC although the label is no CMC body: {len(ev.cmc_claims)}")
        lines += [f"  claim: {c['text']!r} -> {c['claimed']} (label {c['label']})" for c in ev.cmc_claims]
        lines.append(f"department found for Dutch strings naming a unit: {ev.department_share:.1%} "
                     f"({ev.unit_found} of {ev.unit_strings})")
        lines += [f"  no department: {t!r}" for t in ev.unit_misses[:show]]
    if ev.labelled_rows:
        lines.append(f"under_cmc on the project's labelled set ({ev.labelled_rows} strings): precision "
                     f"{ev.precision:.3f}, recall {ev.recall:.3f} (tp {ev.tp}, fp {ev.fp}, fn {ev.fn})")
        lines += [f"  wrong: {e['text']!r} (expected {e['expected']})" for e in ev.under_cmc_errors[:show]]
    lines.append(f"speed: {ev.strings_per_second:,.0f} strings/s on one core (uncached)")
    return "\n".join(lines)
