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
from functools import lru_cache
from typing import Protocol

from graph.names import name_key

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
    """An institution the project found in a raw string, with the alias that fired and,
    for a Dutch institution, the department read from its own part of the string."""

    id: str
    name: str
    country: str
    ror: str
    rule: str
    alias: str = ""
    entity_id: str = ""  #: the watchlist entity named, "" for a Dutch institution
    department_id: str = ""
    department: str = ""


class Resolver(Protocol):
    def resolve_text(self, raw: str) -> ResolvedInstitution | None: ...

    def resolve_all(self, raw: str) -> tuple[ResolvedInstitution, ...]:
        """Every institution the string names (issue 14), in the order written."""

    def already_linked(self, found: ResolvedInstitution, linked: list[dict]) -> bool:
        """True if `found` is, or is in one chain with, an institution OpenAlex linked."""

    def may_name_more(self, raw: str) -> bool:
        """A cheap test: could this string name a Dutch institution or a watchlist entity?"""

    def department(self, raw: str, institution_id: str, institution_name: str) -> tuple[str, str] | None:
        """(department id, name) for a Dutch institution's raw string, else None."""


@dataclass
class WorkRows:
    """Rows for each table, produced from one work.

    Institution rows and their lineage edges are shared between the works that name the
    same institution (see :func:`_institution`): treat rows as read-only.
    """

    works: list[dict] = field(default_factory=list)
    authors: list[dict] = field(default_factory=list)
    institutions: list[dict] = field(default_factory=list)
    departments: list[dict] = field(default_factory=list)
    authored: list[dict] = field(default_factory=list)
    affiliated_with: list[dict] = field(default_factory=list)
    affiliated_with_department: list[dict] = field(default_factory=list)
    part_of: list[dict] = field(default_factory=list)
    child_of: list[dict] = field(default_factory=list)
    #: raw strings OpenAlex linked to nothing that name no institution the project knows
    #: (work_id, author_id, raw_affiliation): not a table, listed for review by `ties load`
    unresolved: list[dict] = field(default_factory=list)

    def tables(self) -> dict[str, list[dict]]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__ if name != "unresolved"}


def _text(value: object) -> str:
    if value.__class__ is str and value.isprintable():  # the common case, checked in C
        return value.strip()
    if value is None:
        return ""
    if not isinstance(value, str):
        return str(value)
    if value.isprintable():
        return value.strip()
    # control characters break CSV/Markdown exports and terminals; keep tabs/newlines as spaces
    return "".join(ch if ch.isprintable() else " " for ch in value).strip()


def _str(value: object, field: str | tuple[int, str]) -> str:
    """A text field: None means empty; another type is a RecordError naming the field.

    Why not ``str(value)``: a title object became ``"{'a': 1}"`` in every report. `field` may
    be (authorship index, rest) so the name is only formatted for a rejection.
    """
    if value.__class__ is str:
        return _text(value)
    if value is None:
        return ""
    raise RecordError(_field(field), f"expected a string, got {type(value).__name__}")


#: longest id and longest indexed text (names, DOI, ROR, country) a record may carry. Why:
#: Neo4j refuses index entries past ~8 KB ("Property value is too large to index"), and one
#: 1 MB author name made every later `ties sync` fail; no real name or id comes near these
MAX_ID = 512
MAX_INDEXED = 1000


def _bounded(text: str, field: str | tuple[int, str], limit: int = MAX_INDEXED) -> str:
    """`text` if at most `limit` characters, else a RecordError naming the field."""
    if len(text) > limit:
        raise RecordError(_field(field), f"{len(text):,} characters, more than {limit:,} (no real value is this "
                                         "long; it would not fit in a store index)")
    return text


def _bool(value: object, field: str | tuple[int, str]) -> bool:
    """A true/false field: None means false; ``"no"`` or 1 is a RecordError, not true."""
    if value.__class__ is bool:
        return value  # type: ignore[return-value]
    if value is None:
        return False
    raise RecordError(_field(field), f"expected true or false, got {type(value).__name__} {str(value)[:40]!r}")


def _field(field: str | tuple) -> str:
    """A field name; a tuple (authorship index, part, ...) is formatted only here, for a
    rejection, so the common path builds no strings: ints become ``[n]``."""
    if isinstance(field, str):
        return field
    parts = [f"[{p}]" if isinstance(p, int) else f".{p}" for p in field[1:]]
    return f"authorships[{field[0]}]" + "".join(parts)


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
    lineage = [_bounded(t, f"{where}.lineage", MAX_ID)
               for x in _list(inst.get("lineage"), f"{where}.lineage") if isinstance(x, str) and (t := _text(x))]
    return {
        "id": _bounded(_text(inst["id"]), f"{where}.id", MAX_ID),
        "ror": _bounded(_str(inst.get("ror"), f"{where}.ror"), f"{where}.ror"),
        "name": _bounded(_str(inst.get("display_name"), f"{where}.display_name"), f"{where}.display_name"),
        "country": _bounded(_str(inst.get("country_code"), f"{where}.country_code"), f"{where}.country_code").upper(),
        "type": _str(inst.get("type"), f"{where}.type"),
        "lineage": lineage,
        "source": "openalex",
    }


#: institution object (as its raw field values) -> (row, child_of rows); see _institution
_INSTITUTIONS: dict[tuple, tuple[dict, list[dict]]] = {}
_INSTITUTIONS_MAX = 100_000


def _institution(inst: dict, index: int, number: int) -> tuple[dict, list[dict]] | None:
    """The row and lineage edges for one authorship institution, None without a usable id.

    Why cached: the same few thousand institutions recur on hundreds of thousands of
    authorships, each time with the same fields; building their rows was a fifth of the
    normalising time. The key holds the raw values, so a record that describes an
    institution differently gets its own rows; only plain strings are cached (bad data
    takes the uncached path and fails there with the field named).
    """
    lineage = inst.get("lineage")
    key = (inst.get("id"), inst.get("ror"), inst.get("display_name"), inst.get("country_code"), inst.get("type"),
           tuple(lineage) if lineage.__class__ is list else lineage)
    try:
        found = _INSTITUTIONS.get(key)
    except TypeError:  # an unhashable value where a string belongs
        key, found = None, None
    if found is not None:
        return found
    if not isinstance(inst.get("id"), str) or not _text(inst["id"]):
        return None
    row = _institution_row(inst, f"authorships[{index}].institutions[{number}]")
    found = (row, [{"from": row["id"], "to": ancestor, "source": "openalex lineage"}
                   for ancestor in row["lineage"] if ancestor != row["id"]])
    if key is not None and all(v is None or v.__class__ is str for v in key[:5]) and (
            key[5] is None or all(v.__class__ is str for v in key[5])):
        if len(_INSTITUTIONS) >= _INSTITUTIONS_MAX:
            _INSTITUTIONS.clear()
        _INSTITUTIONS[key] = found
    return found


#: (department id, name, institution id) -> (department row, part_of row), shared like _INSTITUTIONS
_DEPARTMENTS: dict[tuple[str, str, str], tuple[dict, dict]] = {}


def _department_rows(department: tuple[str, str], inst_id: str) -> tuple[dict, dict]:
    key = (*department, inst_id)
    found = _DEPARTMENTS.get(key)
    if found is None:
        dept_id, dept_name = department
        found = ({"id": dept_id, "name": dept_name, "institution_id": inst_id},
                 {"from": dept_id, "to": inst_id, "source": "raw affiliation string"})
        if len(_DEPARTMENTS) >= _INSTITUTIONS_MAX:
            _DEPARTMENTS.clear()
        _DEPARTMENTS[key] = found
    return found


def _pairings(authorship: dict, known: dict[str, dict], index: int) -> list[tuple[str, list[str]]]:
    """(raw string, institution ids) pairs for one authorship.

    Uses OpenAlex's own `affiliations[]` pairing where present; older records only have
    `raw_affiliation_strings` and `institutions`: one string pairs with every institution,
    several strings are kept whole, joined, so no institution loses its evidence.
    """
    affiliations = authorship.get("affiliations")
    if affiliations.__class__ is not list:
        affiliations = _list(affiliations, f"authorships[{index}].affiliations")
    if affiliations:
        pairs: list[tuple[str, list[str]]] = []
        paired: set[str] = set()
        for number, aff in enumerate(affiliations):
            if not isinstance(aff, dict):
                continue
            ids = aff.get("institution_ids")
            if ids.__class__ is not list:
                ids = _list(ids, f"authorships[{index}].affiliations[{number}].institution_ids")
            ids = [t if len(t) <= MAX_ID else _bounded(t, (index, "affiliations", number, "institution_ids"), MAX_ID)
                   for i in ids if isinstance(i, str) and (t := _text(i))]
            paired.update(ids)
            pairs.append((_str(aff.get("raw_affiliation_string"),
                               (index, "affiliations", number, "raw_affiliation_string")), ids))
        if len(paired) < len(known) or not paired.issuperset(known):
            missing = [i for i in known if i not in paired]
            pairs.append((" | ".join(r for r, _ in pairs if r), missing))
        return pairs
    raws = [t for n, r in enumerate(_list(authorship.get("raw_affiliation_strings"),
                                          f"authorships[{index}].raw_affiliation_strings"))
            if (t := _str(r, (index, "raw_affiliation_strings", n)))]
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
    doi = _bounded(_str(work.get("doi"), "doi"), "doi")
    title = _str(work.get("display_name"), "display_name") or _str(work.get("title"), "title")
    _str(work.get("title"), "title")  # checked even when display_name is given
    rows = WorkRows()
    rows.works.append({
        "id": wid,
        "doi": doi,
        "title": title[:2000],
        "year": year,
        "type": _str(work.get("type"), "type"),
        "topic": _name(topic),
        "subfield": _name(topic.get("subfield")),
        "field": _name(topic.get("field")),
        "domain": _name(topic.get("domain")),
        "venue": _venue(work),
        "is_synthetic": _bool(work.get("is_synthetic"), "is_synthetic"),
        # only a real JSON true counts: a string "false" must not hide a work's evidence
        "is_retracted": work.get("is_retracted") is True,
        "is_paratext": work.get("is_paratext") is True,
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


def _venue(work: dict) -> str:
    """The id of the work's primary venue, "" without one (tie strength compares venues)."""
    location = work.get("primary_location")
    source = location.get("source") if isinstance(location, dict) else None
    return _text(source.get("id")) if isinstance(source, dict) else ""


def _authorship_rows(
    rows: WorkRows, authorship: dict, index: int, wid: str, year: int | None, resolver: Resolver | None
) -> None:
    author = authorship.get("author")
    if not isinstance(author, dict):
        author = {}
    aid = author.get("id")
    # control characters are dropped as in institution ids; an id of nothing else is no id
    aid = _text(aid) if isinstance(aid, str) else ""
    aid = _bounded(aid, (index, "author.id"), MAX_ID) if aid else None
    name = _str(author.get("display_name"), (index, "author.display_name"))
    raw_name = _str(authorship.get("raw_author_name"), (index, "raw_author_name"))
    name = _bounded(name or raw_name, (index, "author.display_name" if name else "raw_author_name"))
    if aid is None:
        # deleted or unresolved author: keep the authorship's evidence under a stable local id
        aid = f"ties:author:{wid.rsplit('/', 1)[-1]}:{index}"
    rows.authors.append({
        "id": aid,
        "name": name,
        "orcid": _str(author.get("orcid"), (index, "author.orcid")),
        "is_synthetic": _bool(author.get("is_synthetic"), (index, "author.is_synthetic")),
        "name_key": name_key(name),
    })
    rows.authored.append({
        "from": aid,
        "to": wid,
        "position": _str(authorship.get("author_position"), (index, "author_position")),
        "corresponding": _bool(authorship.get("is_corresponding"), (index, "is_corresponding")),
        "work_id": wid,
        # as this work's record gives them: tie strength compares them across works
        "orcid": _str(author.get("orcid"), (index, "author.orcid")),
        "raw_author_name": _str(authorship.get("raw_author_name"), (index, "raw_author_name")),
    })
    known: dict[str, dict] = {}
    institutions = authorship.get("institutions")
    if institutions.__class__ is not list:
        institutions = _list(institutions, f"authorships[{index}].institutions")
    for number, inst in enumerate(institutions):
        if isinstance(inst, dict):
            found = _institution(inst, index, number)
            if found is not None:
                row, lineage_edges = found
                known[row["id"]] = row
                rows.institutions.append(row)
                rows.child_of.extend(lineage_edges)
    added: set[str] = set(known)
    for raw, ids in _pairings(authorship, known, index):
        # OpenAlex's own links, untouched: (id, name, country, matched_by, alias, department)
        targets: list[tuple[str, str, str, str, str, tuple[str, str] | None]] = [
            (i, row["name"], row["country"], "openalex", "", None) if (row := known.get(i)) is not None
            else (i, "", "", "openalex", "", None) for i in ids]
        if raw and resolver is not None:
            # re-read every raw string, linked or not: an institution it names that OpenAlex
            # did not link (the NUDT half of a "TU Delft; NUDT" string) is added, as the project's
            linked: list[dict] | None = None  # built only when a string names more than was linked
            for found in resolver.resolve_all(raw):
                if found.id in added:
                    continue
                if linked is None:
                    linked = [known.get(i) or {"id": i} for i in ids]
                if resolver.already_linked(found, linked):
                    continue
                added.add(found.id)
                department = (found.department_id, found.department) if found.department else None
                targets.append((found.id, found.name, found.country, f"project:{found.rule}",
                                found.alias, department))
                rows.institutions.append({
                    "id": found.id, "ror": found.ror, "name": found.name, "country": found.country,
                    "type": "", "lineage": [found.id], "source": "project",
                })
        if not targets and raw and resolver is not None:
            rows.unresolved.append({"work_id": wid, "author_id": aid, "raw_affiliation": raw})
        for inst_id, inst_name, country, matched_by, alias, department in targets:
            if department is None and resolver is not None and raw and country == "NL" \
                    and matched_by == "openalex":
                department = resolver.department(raw, inst_id, inst_name)
            edge = {
                "from": aid, "to": inst_id, "work_id": wid, "year": year,
                "raw_affiliation": raw, "matched_by": matched_by, "alias": alias,
                "department_id": department[0] if department else "",
                "department": department[1] if department else "",
            }
            rows.affiliated_with.append(edge)
            if department:
                department_row, part_of_row = _department_rows(department, inst_id)
                rows.departments.append(department_row)
                rows.part_of.append(part_of_row)
                rows.affiliated_with_department.append({**edge, "to": department[0]})


def _raws(authorship: dict) -> list[tuple[str, bool]]:
    """Every raw string of an authorship, and whether OpenAlex linked it to an institution:
    `normalise_work` re-reads them all (issue 14)."""
    affiliations = authorship.get("affiliations")
    if isinstance(affiliations, list) and affiliations:
        return [(a["raw_affiliation_string"], bool(a.get("institution_ids"))) for a in affiliations
                if isinstance(a, dict) and isinstance(a.get("raw_affiliation_string"), str)]
    linked = bool(authorship.get("institutions"))
    raws = authorship.get("raw_affiliation_strings")
    return [(r, linked) for r in raws if isinstance(r, str)] if isinstance(raws, list) else []


def involves(work: dict, countries: Iterable[str] = (), institutions: Iterable[str] = (),
             resolver: Resolver | None = None) -> bool:
    """True if any authorship is in `countries` or is/descends from `institutions`.

    An authorship counts through an OpenAlex institution, its own `countries` list, or,
    given the `resolver` `normalise_work` uses, an institution the project finds in any raw
    string, linked or not (a Dutch university named only in the string:
    without this, `--country NL` dropped exactly those works, 2,000 of the direct ties to
    NUDT in the 1,000,000-work benchmark corpus). With neither filter, every work is kept.
    Malformed parts are passed over here (the record is kept for :func:`normalise_work`
    to reject with the field named).
    """
    countries = _codes(countries) if countries.__class__ is tuple else frozenset(c.upper() for c in countries)
    wanted = set(institutions)
    if not countries and not wanted:
        return True
    authorships = work.get("authorships") if isinstance(work, dict) else None
    if authorships is not None and not isinstance(authorships, list):
        return True
    for authorship in authorships or ():
        insts = authorship.get("institutions") if isinstance(authorship, dict) else None
        if insts is not None and not isinstance(insts, list):
            return True
        for inst in insts or ():
            if not isinstance(inst, dict):
                continue
            if countries:
                code = inst.get("country_code")
                if (code.upper() if code.__class__ is str else str(code or "").upper()) in countries:
                    return True
            if wanted:
                lineage = inst.get("lineage") if isinstance(inst.get("lineage"), list) else []
                own = inst.get("id") if isinstance(inst.get("id"), str) else ""
                if own in wanted or wanted.intersection(x for x in lineage if isinstance(x, str)):
                    return True
        if not isinstance(authorship, dict):
            continue
        own_countries = authorship.get("countries")
        if countries and isinstance(own_countries, list) and any(
                isinstance(c, str) and c.upper() in countries for c in own_countries):
            return True
        if resolver is not None:
            for raw, linked in _raws(authorship):
                # a linked string is read in full only if it may name more (a Dutch place, the
                # Netherlands, China): a snapshot has hundreds of millions of linked strings
                if linked and not resolver.may_name_more(raw):
                    continue
                for found in resolver.resolve_all(raw):
                    if found.country in countries or found.id in wanted:
                        return True
    return False


@lru_cache(maxsize=64)
def _codes(countries: tuple[str, ...]) -> frozenset[str]:
    """Upper-case country codes, computed once per filter rather than once per work."""
    return frozenset(c.upper() for c in countries)
