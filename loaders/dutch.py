"""The Dutch institution registry (``loaders/data/dutch_institutions.yaml``): sector of
each Dutch institution, and recognition of Dutch institutions in raw affiliation strings.

Sectors drive ``ties exposure --by sector``; the name index lets the loader and
``ties match`` name a Dutch institution where OpenAlex linked none. Shared by the loader
and the watchlist matcher so both read a string the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from graph.datafile import read_yaml
from graph.errors import InputError
from loaders.dutch_units import DutchUnits, load_dutch_units
from loaders.spelling import name_key

__all__ = ["DutchInstitution", "DutchRegistry", "load_dutch_institutions", "SECTORS", "DEFAULT_PATH"]

DEFAULT_PATH = Path(__file__).parent / "data" / "dutch_institutions.yaml"
SECTORS = (
    "research_university", "umc", "applied_sciences_university", "to2_institute",
    "nwo_knaw_institute", "company", "government",
)
#: words that make a Dutch acronym (UM, VU, UT ...) count; cities are added from the data
_NL_CONTEXT = ("netherlands", "nederland", "holland", "the netherlands")


@dataclass(frozen=True)
class DutchInstitution:
    """A Dutch institution; ``id`` is its OpenAlex URL, or "" if none is confirmed."""

    id: str
    ror: str
    name: str
    aliases: tuple[str, ...]
    sector: str
    city: str
    acronyms: tuple[str, ...] = ()


class DutchRegistry:
    """Dutch institutions by OpenAlex id, and a name index over their names and aliases.

    Matching rules of :meth:`find_in_text`:

    * a name or alias (English or Dutch) as whole words of the normalised string, the
      longest at each place winning ("Leiden University Medical Center" over "Leiden
      University");
    * an acronym (UvA, TU/e, LUMC ...) exactly as written, only when the string also
      names a Dutch city or the Netherlands: UM, UT, VU, EUR are common abroad.
    """

    def __init__(self, institutions: list[DutchInstitution], units: DutchUnits | None = None) -> None:
        self.institutions = institutions
        self.units = units if units is not None else DutchUnits([])
        self._by_ror = {i.ror: i for i in institutions if i.ror}
        self._by_id = {i.id.rsplit("/", 1)[-1].upper(): i for i in institutions if i.id}
        names: dict[str, DutchInstitution] = {}
        #: normalised name -> the name as written in the registry (the alias reported)
        self._written: dict[str, str] = {}
        for inst in institutions:
            for name in (inst.name, *inst.aliases):
                names.setdefault(name_key(name), inst)
                self._written.setdefault(name_key(name), name)
        self._names = names
        ordered = sorted(names, key=len, reverse=True)
        self._name_re = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, ordered)) + r")(?!\w)")
        acronyms: dict[str, DutchInstitution] = {}
        for inst in institutions:
            for acr in inst.acronyms:
                acronyms.setdefault(acr, inst)
        self._acronyms = acronyms
        self._acr_re = re.compile(
            r"(?<![\w/])(" + "|".join(map(re.escape, sorted(acronyms, key=len, reverse=True)))
            + r")(?![\w/])"
        )
        cities = {name_key(i.city) for i in institutions if i.city}
        context = sorted({*cities, *_NL_CONTEXT}, key=len, reverse=True)
        self._context_re = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, context)) + r")(?!\w)")
        self.find_in_text = lru_cache(maxsize=100_000)(self._find_in_text)  # type: ignore[method-assign]

    def by_openalex_id(self, oid: str) -> DutchInstitution | None:
        """The institution with this OpenAlex id (URL or bare id), else None."""
        return self._by_id.get((oid or "").rsplit("/", 1)[-1].upper())

    def sector_of(self, oid: str) -> str | None:
        """Sector of the institution with this OpenAlex id, else None."""
        inst = self.by_openalex_id(oid)
        return inst.sector if inst else None

    def _find_in_text(self, raw: str) -> DutchInstitution | None:
        """The Dutch institution a raw affiliation string names, else None.

        >>> reg = load_dutch_institutions()
        >>> reg.find_in_text("Faculteit EWI, Technische Universiteit Delft, Delft").name
        'Delft University of Technology'
        """
        if not raw:
            return None
        text = name_key(raw)
        best = None
        for m in self._name_re.finditer(text):
            if best is None or len(m.group(1)) > len(best):
                best = m.group(1)
        if best is not None:
            return self._names[best]
        if self._context_re.search(text):
            m = self._acr_re.search(raw)
            if m:
                return self._acronyms[m.group(1)]
        return None


    def find_all(self, raw: str) -> list[tuple[DutchInstitution, str, str]]:
        """Every Dutch institution a raw string names, in order: (institution, rule, the
        name or acronym that fired). Names are whole words, the longest at each place;
        an acronym counts only with Dutch context in the string and only for an
        institution not already named.

        >>> reg = load_dutch_institutions()
        >>> [(i.name, rule) for i, rule, _ in reg.find_all(
        ...     "Dept of Genetics, University Medical Center Groningen, University of Groningen")]
        [('University Medical Center Groningen', 'dutch_name'), ('University of Groningen', 'dutch_name')]
        """
        if not raw:
            return []
        text = name_key(raw)
        out: list[tuple[DutchInstitution, str, str]] = []
        seen: set[str] = set()
        for m in self._name_re.finditer(text):
            inst = self._names[m.group(1)]
            if inst.name not in seen:
                seen.add(inst.name)
                out.append((inst, "dutch_name", self._written[m.group(1)]))
        if self._context_re.search(text):
            for m in self._acr_re.finditer(raw):
                inst = self._acronyms[m.group(1)]
                if inst.name not in seen:
                    seen.add(inst.name)
                    out.append((inst, "dutch_acronym", m.group(1)))
        # a known unit named by its full form names its institution, unless one of its
        # institutions is named already ("Kavli Institute of Nanoscience, Delft")
        for unit, _, full in self.units.find(raw):
            owners = [self._by_ror[r] for r in unit.institutions if r in self._by_ror]
            if full and owners and not any(o.name in seen for o in owners):
                seen.add(owners[0].name)
                out.append((owners[0], "dutch_unit", unit.name))
        return out

    def unit_of(self, segment: str, inst: DutchInstitution) -> str | None:
        """The name of a known unit of `inst` named in `segment`, else None."""
        for unit, _, _ in self.units.find(segment):
            if inst.ror and inst.ror in unit.institutions:
                return unit.name
        return None


def _inst(path: Path, index: int, raw: Any) -> DutchInstitution:
    key = f"institutions[{index}]"
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
        raise InputError(f"{path}: {key}.name: missing")
    key = f"{key} ({raw['name']})"
    sector = raw.get("sector")
    if sector not in SECTORS:
        raise InputError(f"{path}: {key}.sector: {sector!r} not one of {', '.join(SECTORS)}")
    oid = str(raw.get("openalex") or "")
    if oid and not re.fullmatch(r"I\d+", oid):
        raise InputError(f"{path}: {key}.openalex: {oid!r} is not an OpenAlex institution id")
    ror = str(raw.get("ror") or "")
    if ror and not re.fullmatch(r"0[a-z0-9]{6}\d{2}", ror):
        raise InputError(f"{path}: {key}.ror: {ror!r} is not a ROR id")
    for field_name in ("aliases", "acronyms"):
        value = raw.get(field_name) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InputError(f"{path}: {key}.{field_name}: must be a list of strings")
    return DutchInstitution(
        id=f"https://openalex.org/{oid}" if oid else "",
        ror=f"https://ror.org/{ror}" if ror else "",
        name=raw["name"], aliases=tuple(raw.get("aliases") or ()), sector=sector,
        city=str(raw.get("city") or ""), acronyms=tuple(raw.get("acronyms") or ()),
    )


def load_dutch_institutions(path: Path | None = None) -> DutchRegistry:
    """Read and check the Dutch registry.

    Raises
    ------
    InputError naming the file and key: bad YAML, unknown sector, malformed or repeated id.

    Examples
    --------
    >>> load_dutch_institutions().sector_of("https://openalex.org/I98358874")
    'research_university'
    """
    path = Path(path) if path else DEFAULT_PATH
    data = read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("institutions"), list):
        raise InputError(f"{path}: institutions: must be a list of mappings")
    out = [_inst(path, i, raw) for i, raw in enumerate(data["institutions"])]
    seen: dict[str, str] = {}
    for inst in out:
        for ident in (inst.id, inst.ror):
            if ident and ident in seen:
                raise InputError(f"{path}: {inst.name}: {ident} already used by {seen[ident]}")
            if ident:
                seen[ident] = inst.name
    return DutchRegistry(out, load_dutch_units())
