"""Turn one OpenAlex work object into rows of the normalised tables.

Pure functions: no I/O. Institution resolution for raw strings that OpenAlex left
unmatched, and department parsing, are delegated to a :class:`Resolver` so this module
stays a faithful reading of the OpenAlex record.

Tolerated, because the real data has them: empty `institutions`, null `country_code`,
`type: "funder"` on universities, null or deleted authors, records without the
`affiliations[]` pairing (before 2023), extra fields from later schema changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

WORK_PREFIX = "https://openalex.org/W"
_WORK_ID = re.compile(r"https://openalex\.org/W[0-9]{1,20}")
ENTITY_INSTITUTION_PREFIX = "ties:entity:"


class RecordError(ValueError):
    """A work record this loader cannot use; `field` names the offending field."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"field {field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class ResolvedInstitution:
    """An institution the project found in a raw string (OpenAlex gave none)."""

    id: str
    name: str
    country: str
    ror: str
    rule: str


class Resolver(Protocol):
    def resolve_text(self, raw: str) -> ResolvedInstitution | None: ...

    def department(self, raw: str, institution_id: str, institution_name: str) -> tuple[str, str] | None:
        """(department id, name) for a Dutch institution's raw string, else None."""


@dataclass
class WorkRows:
    """Rows for each table, produced from one work."""

    works: list[dict] = field(default_factory=list)
    authors: list[dict] = field(default_factory=list)
    institutions: list[dict] = field(default_factory=list)
    departments: list[dict] = field(default_factory=list)
    authored: list[dict] = field(default_factory=list)
    affiliated_with: list[dict] = field(default_factory=list)
    affiliated_with_department: list[dict] = field(default_factory=list)
    part_of: list[dict] = field(default_factory=list)
    child_of: list[dict] = field(default_factory=list)

    def tables(self) -> dict[str, list[dict]]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def _text(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        return str(value)
    if value.isprintable():  # the common case, checked in C
        return value.strip()
    # control characters break CSV/Markdown exports and terminals; keep tabs/newlines as spaces
    return "".join(ch if ch.isprintable() else " " for ch in value).strip()


def _list(value: object, field: str) -> list:
    """A list field: None means empty; anything else that is not a list is a RecordError."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(field, f"expected a list, got {type(value).__name__}")
    return value


def _name(obj: object, key: str = "display_name") -> str:
    return _text(obj.get(key)) if isinstance(obj, dict) else ""


def _year(work: dict) -> int | None:
    year = work.get("publication_year")
    if year is None:
        return None
    if isinstance(year, bool) or not isinstance(year, int | str):
        raise RecordError("publication_year", f"expected an integer, got {year!r}")
    try:
        year = int(year)
    except ValueError as exc:
        raise RecordError("publication_year", f"expected an integer, got {year!r}") from exc
    if not 1000 <= year <= 2100:
        raise RecordError("publication_year", f"implausible year {year}")
    return year


def work_id_of(work: dict) -> str:
    """The work's OpenAlex id, or a RecordError naming the problem."""
    wid = work.get("id")
    if not isinstance(wid, str) or not wid:
        raise RecordError("id", "missing")
    if wid.startswith("W"):
        wid = "https://openalex.org/" + wid
    if not wid.startswith(WORK_PREFIX):
        kind = wid.removeprefix("https://openalex.org/")[:1] or "?"
        raise RecordError("id", f"{wid[:80]!r} is not a work id (entity type {kind!r}); wrong endpoint?")
    if not _WORK_ID.fullmatch(wid):
        raise RecordError("id", f"{wid[:80]!r} is not an OpenAlex work id (W followed by digits)")
    return wid


def _institution_row(inst: dict, where: str) -> dict:
    lineage = [t for x in _list(inst.get("lineage"), f"{where}.lineage") if isinstance(x, str) and (t := _text(x))]
    return {
        "id": _text(inst["id"]),
        "ror": _text(inst.get("ror")),
        "name": _name(inst),
        "country": _text(inst.get("country_code")).upper(),
        "type": _text(inst.get("type")),
        "lineage": lineage,
        "source": "openalex",
    }


def _pairings(authorship: dict, known: dict[str, dict], where: str) -> list[tuple[str, list[str]]]:
    """(raw string, institution ids) pairs for one authorship.

    Uses OpenAlex's own `affiliations[]` pairing where present; older records only have
    `raw_affiliation_strings` and `institutions`: one string pairs with every institution,
    several strings are kept whole, joined, so no institution loses its evidence.
    """
    affiliations = _list(authorship.get("affiliations"), f"{where}.affiliations")
    pairs: list[tuple[str, list[str]]] = []
    if affiliations:
        for number, aff in enumerate(affiliations):
            if not isinstance(aff, dict):
                continue
            field = f"{where}.affiliations[{number}].institution_ids"
            ids = [t for i in _list(aff.get("institution_ids"), field) if isinstance(i, str) and (t := _text(i))]
            pairs.append((_text(aff.get("raw_affiliation_string")), ids))
        paired = {i for _, ids in pairs for i in ids}
        missing = [i for i in known if i not in paired]
        if missing:
            pairs.append((" | ".join(r for r, _ in pairs if r), missing))
        return pairs
    raws = [_text(r) for r in _list(authorship.get("raw_affiliation_strings"), f"{where}.raw_affiliation_strings")
            if _text(r)]
    if len(raws) == 1 or not known:
        if known:
            return [(raws[0], list(known))]
        return [(raw, []) for raw in raws]
    return [(" | ".join(raws), list(known))] if known else []


def normalise_work(work: dict, resolver: Resolver | None = None) -> WorkRows:
    """Rows for one OpenAlex work.

    Raises RecordError for a record that cannot be used (no id, wrong entity, bad types).

    >>> rows = normalise_work({"id": "https://openalex.org/W1", "publication_year": 2020,
    ...     "authorships": [{"author": {"id": "https://openalex.org/A1", "display_name": "X"},
    ...     "institutions": [{"id": "https://openalex.org/I1", "country_code": "NL"}],
    ...     "raw_affiliation_strings": ["Dept. of Physics, Somewhere"]}]})
    >>> rows.affiliated_with[0]["raw_affiliation"]
    'Dept. of Physics, Somewhere'
    """
    if not isinstance(work, dict):
        raise RecordError("", "not a JSON object")
    wid = work_id_of(work)
    year = _year(work)
    topic = work.get("primary_topic") if isinstance(work.get("primary_topic"), dict) else {}
    doi = _text(work.get("doi"))
    rows = WorkRows()
    rows.works.append({
        "id": wid,
        "doi": doi,
        "title": _text(work.get("display_name") or work.get("title"))[:2000],
        "year": year,
        "type": _text(work.get("type")),
        "topic": _name(topic),
        "subfield": _name(topic.get("subfield")),
        "field": _name(topic.get("field")),
        "domain": _name(topic.get("domain")),
        "is_synthetic": bool(work.get("is_synthetic", False)),
    })
    authorships = work.get("authorships")
    if authorships is not None and not isinstance(authorships, list):
        raise RecordError("authorships", "is not a list")
    authorships = authorships or []
    for index, authorship in enumerate(authorships):
        if not isinstance(authorship, dict):
            raise RecordError(f"authorships[{index}]", "is not an object")
        _authorship_rows(rows, authorship, index, wid, year, resolver)
    return rows


def _authorship_rows(
    rows: WorkRows, authorship: dict, index: int, wid: str, year: int | None, resolver: Resolver | None
) -> None:
    author = authorship.get("author") if isinstance(authorship.get("author"), dict) else {}
    aid = author.get("id") if isinstance(author.get("id"), str) and author.get("id") else None
    name = _name(author) or _text(authorship.get("raw_author_name"))
    if aid is None:
        # deleted or unresolved author: keep the authorship's evidence under a stable local id
        aid = f"ties:author:{wid.rsplit('/', 1)[-1]}:{index}"
    rows.authors.append({
        "id": aid,
        "name": name,
        "orcid": _text(author.get("orcid")),
        "is_synthetic": bool(author.get("is_synthetic", False)),
    })
    rows.authored.append({
        "from": aid,
        "to": wid,
        "position": _text(authorship.get("author_position")),
        "corresponding": bool(authorship.get("is_corresponding", False)),
        "work_id": wid,
    })
    where = f"authorships[{index}]"
    known: dict[str, dict] = {}
    for number, inst in enumerate(_list(authorship.get("institutions"), f"{where}.institutions")):
        if isinstance(inst, dict) and isinstance(inst.get("id"), str) and _text(inst["id"]):
            row = _institution_row(inst, f"{where}.institutions[{number}]")
            known[row["id"]] = row
            rows.institutions.append(row)
            for ancestor in row["lineage"]:
                if ancestor != row["id"]:
                    rows.child_of.append({"from": row["id"], "to": ancestor, "source": "openalex lineage"})
    for raw, ids in _pairings(authorship, known, where):
        matched_by = "openalex"
        targets = [(i, known.get(i, {}).get("name", ""), known.get(i, {}).get("country", "")) for i in ids]
        if not targets and raw and resolver is not None:
            found = resolver.resolve_text(raw)
            if found is not None:
                matched_by = f"project:{found.rule}"
                targets = [(found.id, found.name, found.country)]
                rows.institutions.append({
                    "id": found.id, "ror": found.ror, "name": found.name, "country": found.country,
                    "type": "", "lineage": [found.id], "source": "project",
                })
        for inst_id, inst_name, country in targets:
            department = None
            if resolver is not None and raw and country == "NL":
                department = resolver.department(raw, inst_id, inst_name)
            edge = {
                "from": aid, "to": inst_id, "work_id": wid, "year": year,
                "raw_affiliation": raw, "matched_by": matched_by,
                "department_id": department[0] if department else "",
                "department": department[1] if department else "",
            }
            rows.affiliated_with.append(edge)
            if department:
                dept_id, dept_name = department
                rows.departments.append({"id": dept_id, "name": dept_name, "institution_id": inst_id})
                rows.part_of.append({"from": dept_id, "to": inst_id, "source": "raw affiliation string"})
                rows.affiliated_with_department.append({**edge, "to": dept_id})


def involves(work: dict, countries: Iterable[str] = (), institutions: Iterable[str] = ()) -> bool:
    """True if any authorship institution is in `countries` or is/descends from `institutions`.

    With neither given, every work is kept. Malformed parts are passed over here (the
    record is kept for :func:`normalise_work` to reject with the field named).
    """
    countries = {c.upper() for c in countries}
    wanted = set(institutions)
    if not countries and not wanted:
        return True
    authorships = work.get("authorships") if isinstance(work, dict) else None
    if authorships is not None and not isinstance(authorships, list):
        return True
    for authorship in authorships or []:
        insts = authorship.get("institutions") if isinstance(authorship, dict) else None
        if insts is not None and not isinstance(insts, list):
            return True
        for inst in insts or []:
            if not isinstance(inst, dict):
                continue
            if countries and str(inst.get("country_code") or "").upper() in countries:
                return True
            lineage = inst.get("lineage") if isinstance(inst.get("lineage"), list) else []
            own = inst.get("id") if isinstance(inst.get("id"), str) else ""
            if wanted and (own in wanted or wanted.intersection(x for x in lineage if isinstance(x, str))):
                return True
    return False
