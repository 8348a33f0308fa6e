"""OpenAlex subfields -> sensitive technology areas (``queries/data/tech_areas.yaml``).

So exposure can be read as "quantum" or "semiconductors" rather than journal fields.
The areas are the EU critical technology areas and the Dutch key technologies; the file
names its sources.
"""

from __future__ import annotations

from pathlib import Path

from graph.datafile import read_yaml
from graph.errors import InputError

__all__ = ["load_tech_areas", "load_area_labels", "DEFAULT_PATH"]

DEFAULT_PATH = Path(__file__).parent / "data" / "tech_areas.yaml"


def _read(path: Path | None) -> tuple[Path, dict]:
    path = Path(path) if path else DEFAULT_PATH
    data = read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("subfields"), dict) \
            or not isinstance(data.get("areas"), dict):
        raise InputError(f"{path}: needs mappings 'areas' and 'subfields'")
    return path, data


def load_tech_areas(path: Path | None = None) -> dict[str, list[str]]:
    """Subfield display name -> area ids (e.g. ``eu:quantum``), checked against ``areas``.

    Raises
    ------
    InputError naming the file and subfield when an area id is not defined.

    Examples
    --------
    >>> load_tech_areas()["Artificial Intelligence"]
    ['eu:artificial_intelligence', 'nl:ai_data_science']
    """
    path, data = _read(path)
    known = set(data["areas"])
    out: dict[str, list[str]] = {}
    for subfield, areas in data["subfields"].items():
        areas = areas or []
        if not isinstance(areas, list):
            raise InputError(f"{path}: subfields.{subfield}: must be a list of area ids")
        unknown = [a for a in areas if a not in known]
        if unknown:
            raise InputError(f"{path}: subfields.{subfield}: unknown area {unknown[0]!r}")
        out[str(subfield)] = list(areas)
    return out


def load_area_labels(path: Path | None = None) -> dict[str, str]:
    """Area id -> human label, e.g. ``eu:quantum`` -> ``Quantum technologies``."""
    _, data = _read(path)
    return {str(k): str(v) for k, v in data["areas"].items()}
