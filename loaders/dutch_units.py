"""Known units of Dutch institutions (``loaders/data/dutch_units.yaml``), issue 14.

Real strings name institutes and groups the department parser cannot read ("QuTech",
"MESA+ Institute", "Donders Institute, Radboud University") or name the same unit in two
languages; each known unit gets one department name (so one department id) whatever the
form, and a form alone names its institution ("Kavli Institute of Nanoscience, Delft").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from graph.datafile import read_yaml
from graph.errors import InputError
from loaders.spelling import name_key

__all__ = ["DutchUnit", "DutchUnits", "load_dutch_units", "DEFAULT_PATH"]

DEFAULT_PATH = Path(__file__).parent / "data" / "dutch_units.yaml"
_ROR = re.compile(r"^0[a-z0-9]{6}\d{2}$")


@dataclass(frozen=True)
class DutchUnit:
    """One unit: its English name, the ROR ids of its institutions, its forms."""

    id: str
    name: str
    institutions: tuple[str, ...]  #: full ROR URLs, the owning institution first
    forms: tuple[str, ...]
    acronyms: tuple[str, ...] = ()
    ror: str = ""
    source: str = ""


class DutchUnits:
    """Find known units in a string: by form (whole words of the name key) or acronym."""

    def __init__(self, units: list[DutchUnit]) -> None:
        self.units = units
        self._by_key: dict[str, DutchUnit] = {}
        for unit in units:
            for form in (unit.name, *unit.forms):
                key = name_key(form)
                if key:
                    self._by_key.setdefault(key, unit)
        keys = sorted(self._by_key, key=len, reverse=True)
        self._form_re = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, keys)) + r")(?!\w)") if keys else None
        self._acronyms = {a: u for u in units for a in u.acronyms}
        self._acr_re = re.compile(
            r"(?<![\w/])(" + "|".join(map(re.escape, sorted(self._acronyms, key=len, reverse=True))) + r")(?![\w/])"
        ) if self._acronyms else None
        self.find = lru_cache(maxsize=200_000)(self._find)  # type: ignore[method-assign]

    def _find(self, text: str) -> tuple[tuple[DutchUnit, str, bool], ...]:
        """(unit, form as matched, named by a full form) for each unit in `text`, in order."""
        out: list[tuple[DutchUnit, str, bool]] = []
        seen: set[str] = set()
        if self._form_re is not None:
            for m in self._form_re.finditer(name_key(text)):
                unit = self._by_key[m.group(1)]
                if unit.id not in seen:
                    seen.add(unit.id)
                    out.append((unit, m.group(1), True))
        if self._acr_re is not None:
            for m in self._acr_re.finditer(text):
                unit = self._acronyms[m.group(1)]
                if unit.id not in seen:
                    seen.add(unit.id)
                    out.append((unit, m.group(1), False))
        return tuple(out)


def load_dutch_units(path: Path | None = None) -> DutchUnits:
    """Read and check the units file; InputError naming the file and key if malformed."""
    path = Path(path) if path else DEFAULT_PATH
    data = read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("units"), list):
        raise InputError(f"{path}: units: must be a list of mappings")
    units = []
    for index, raw in enumerate(data["units"]):
        key = f"units[{index}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or not isinstance(raw.get("name"), str):
            raise InputError(f"{path}: {key}: id and name are required")
        rors = [raw.get("institution"), *(raw.get("also_in") or [])]
        if not all(isinstance(r, str) and _ROR.match(r) for r in rors):
            raise InputError(f"{path}: {key} ({raw['id']}).institution: not a ROR id")
        for field_name in ("forms", "acronyms"):
            value = raw.get(field_name) or []
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise InputError(f"{path}: {key} ({raw['id']}).{field_name}: must be a list of strings")
        units.append(DutchUnit(
            id=raw["id"], name=raw["name"], institutions=tuple(f"https://ror.org/{r}" for r in rors),
            forms=tuple(raw.get("forms") or ()), acronyms=tuple(raw.get("acronyms") or ()),
            ror=f"https://ror.org/{raw['ror']}" if raw.get("ror") else "", source=str(raw.get("source") or ""),
        ))
    return DutchUnits(units)
