"""The curated watchlist (``loaders/data/watchlist.yaml``): who sits under the Central
Military Commission, who is defence industry or security sector, and the public source of
each fact.

The file is data, reviewable without Python; this module reads it, checks it and fails
on load, naming the file and key, so a bad edit never reaches a graph. Matching raw
strings against it is :mod:`loaders.matcher`'s job.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from graph.datafile import read_yaml
from graph.errors import InputError

__all__ = [
    "Entity", "Watchlist", "load_watchlist", "entity_rows", "subordinate_rows",
    "normalise_name", "DEFAULT_PATH", "CATEGORIES", "KINDS",
]

DEFAULT_PATH = Path(__file__).parent / "data" / "watchlist.yaml"
CATEGORIES = ("cmc", "defence_industry", "security")
KINDS = (
    "commission", "service", "university", "academy", "college", "lab", "hospital",
    "institute", "unit", "company",
)
MATCH_LEVELS = ("always", "context", "city", "parent")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_OPENALEX = re.compile(r"^(?:https://openalex\.org/)?(I\d+)$", re.I)
_ROR = re.compile(r"^(?:https://ror\.org/)?(0[a-z0-9]{6}\d{2})$")


@dataclass(frozen=True)
class Entity:
    """One watchlist entity, with every name it is known by and the sources behind it."""

    id: str
    name: str
    name_zh: str
    kind: str
    category: str  #: "cmc" | "defence_industry" | "security"
    under_cmc: bool
    parent: str | None
    city: str
    aliases: tuple[str, ...]
    former_names: tuple[tuple[str, int | None], ...]  #: (name, year it stopped being used)
    openalex_ids: tuple[str, ...]  #: full URLs, https://openalex.org/I170215575
    ror_ids: tuple[str, ...]  #: full URLs, https://ror.org/05d2yfz11
    sources: tuple[str, ...]
    acronyms: tuple[str, ...] = ()
    match: str = "always"  #: always | context | city | parent (see watchlist.yaml header)
    #: names too generic to count alone: only with China context and no other country
    context_aliases: tuple[str, ...] = ()
    zh_ambiguous: bool = False
    unit_designators: tuple[str, ...] = ()
    patterns: tuple[tuple[str, str], ...] = ()  #: (rule, regex)
    since: int | None = None
    note: str = ""


@dataclass
class Watchlist:
    """All entities by id, with lookups by OpenAlex and ROR id and the chain to the root."""

    entities: dict[str, Entity]
    path: Path = DEFAULT_PATH
    _by_openalex: dict[str, str] = field(default_factory=dict, repr=False)
    _by_ror: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for entity in self.entities.values():
            for oid in entity.openalex_ids:
                self._by_openalex.setdefault(_short_openalex(oid), entity.id)
            for ror in entity.ror_ids:
                self._by_ror.setdefault(_short_ror(ror), entity.id)

    def chain(self, entity_id: str) -> list[Entity]:
        """The entity, then each parent up to the root (the CMC for everything under it).

        >>> wl = load_watchlist()
        >>> [e.id for e in wl.chain("nudt")]
        ['nudt', 'cmc']
        """
        out: list[Entity] = []
        current: str | None = entity_id
        while current is not None:
            entity = self.entities[current]
            out.append(entity)
            current = entity.parent
        return out

    def by_openalex_id(self, oid: str) -> Entity | None:
        """The entity with this OpenAlex id (full URL or bare ``I123``), else None."""
        found = self._by_openalex.get(_short_openalex(oid or ""))
        return self.entities[found] if found else None

    def by_ror(self, ror: str) -> Entity | None:
        """The entity with this ROR id (full URL or bare), else None."""
        found = self._by_ror.get(_short_ror(ror or ""))
        return self.entities[found] if found else None


def normalise_name(text: str) -> str:
    """Lower-case words for comparing names: accents, apostrophes and punctuation dropped.

    Commas and semicolons stay as their own tokens, so "Information Engineering,
    University of X" never reads as "Information Engineering University".

    >>> normalise_name("People’s  Liberation-Army, Xi'an")
    'peoples liberation army , xian'
    """
    return _normalise_cached(text)


_APOSTROPHES = re.compile(r"['’‘`´]")
_SEPARATORS = re.compile(r"([,;])")
_NON_WORD = re.compile(r"[^\w,;]+")


@lru_cache(maxsize=300_000)
def _normalise_cached(text: str) -> str:
    """Cached: the same pieces (cities, countries, institution names) recur in every load;
    ASCII text skips the Unicode folding, which was most of the matcher's time."""
    if text.isascii():
        text = text.lower()
    else:
        text = unicodedata.normalize("NFKC", text).lower()
        text = _APOSTROPHES.sub("", text)
        text = "".join(
            ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
        )
    text = text.replace("&", " and ").replace("'", "").replace("`", "")
    text = _SEPARATORS.sub(r" \1 ", text)
    text = _NON_WORD.sub(" ", text)
    return " ".join(text.split())


def _short_openalex(oid: str) -> str:
    return oid.rsplit("/", 1)[-1].upper()


def _short_ror(ror: str) -> str:
    return ror.rsplit("/", 1)[-1].lower()


def _fail(path: Path, key: str, message: str) -> InputError:
    return InputError(f"{path}: {key}: {message}")


def _strings(path: Path, key: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        raise _fail(path, key, "must be a list of strings")
    return tuple(str(v) for v in value)


def _ids(path: Path, key: str, value: Any, pattern: re.Pattern, what: str) -> list[str]:
    """The short ids (first group of `pattern`) of a list of identifiers, or an error naming the key."""
    shorts = []
    for ident in _strings(path, key, value):
        m = pattern.match(ident)
        if not m:
            raise _fail(path, key, f"{ident!r} is not {what}")
        shorts.append(m.group(1))
    return shorts


def _entity(path: Path, index: int, raw: Any) -> Entity:
    """One YAML mapping -> Entity, with every field checked (under_cmc set later)."""
    if not isinstance(raw, dict):
        raise _fail(path, f"entities[{index}]", "must be a mapping")
    eid = raw.get("id")
    key = f"entities[{index}] ({eid})"
    if not isinstance(eid, str) or not _ID.match(eid):
        raise _fail(path, f"{key}.id", "missing or not lower_snake_case")
    for required in ("name", "kind", "category"):
        if not isinstance(raw.get(required), str) or not raw[required].strip():
            raise _fail(path, f"{key}.{required}", "missing")
    if raw["kind"] not in KINDS:
        raise _fail(path, f"{key}.kind", f"{raw['kind']!r} not one of {', '.join(KINDS)}")
    if raw["category"] not in CATEGORIES:
        raise _fail(path, f"{key}.category", f"{raw['category']!r} not one of {CATEGORIES}")
    sources = _strings(path, f"{key}.sources", raw.get("sources"))
    if not sources or not all(s.strip() for s in sources):
        raise _fail(path, f"{key}.sources", "every entity needs at least one named public source")
    match = raw.get("match", "always")
    if match not in MATCH_LEVELS:
        raise _fail(path, f"{key}.match", f"{match!r} not one of {MATCH_LEVELS}")
    former: list[tuple[str, int | None]] = []
    for j, item in enumerate(raw.get("former_names") or []):
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)
                and (item[1] is None or isinstance(item[1], int))):
            raise _fail(path, f"{key}.former_names[{j}]", "must be [name, year or null]")
        former.append((item[0], item[1]))
    openalex = [f"https://openalex.org/{short.upper()}" for short in
                _ids(path, f"{key}.openalex", raw.get("openalex"), _OPENALEX, "an OpenAlex institution id")]
    rors = [f"https://ror.org/{short}" for short in _ids(path, f"{key}.ror", raw.get("ror"), _ROR, "a ROR id")]
    patterns = []
    for j, item in enumerate(raw.get("patterns") or []):
        if not (isinstance(item, dict) and isinstance(item.get("regex"), str)
                and isinstance(item.get("rule"), str)):
            raise _fail(path, f"{key}.patterns[{j}]", "must be {rule: ..., regex: ...}")
        try:
            re.compile(item["regex"])
        except re.error as exc:
            raise _fail(path, f"{key}.patterns[{j}].regex", str(exc)) from None
        patterns.append((item["rule"], item["regex"]))
    units = _strings(path, f"{key}.unit_designators", raw.get("unit_designators"))
    for unit in units:
        if not re.fullmatch(r"\d{5}", unit):
            raise _fail(path, f"{key}.unit_designators", f"{unit!r} is not 5 digits")
    since = raw.get("since")
    if since is not None and not isinstance(since, int):
        raise _fail(path, f"{key}.since", "must be a year")
    return Entity(
        id=eid, name=raw["name"].strip(), name_zh=str(raw.get("name_zh") or ""),
        kind=raw["kind"], category=raw["category"], under_cmc=False,
        parent=raw.get("parent"), city=str(raw.get("city") or ""),
        aliases=_strings(path, f"{key}.aliases", raw.get("aliases")),
        context_aliases=_strings(path, f"{key}.context_aliases", raw.get("context_aliases")),
        former_names=tuple(former), openalex_ids=tuple(openalex), ror_ids=tuple(rors),
        sources=sources, acronyms=_strings(path, f"{key}.acronyms", raw.get("acronyms")),
        match=match, zh_ambiguous=bool(raw.get("zh_ambiguous", False)),
        unit_designators=units, patterns=tuple(patterns), since=since,
        note=str(raw.get("note") or "").strip(),
    )


def _check_tree(path: Path, entities: dict[str, Entity]) -> dict[str, bool]:
    """Unknown parents and cycles fail; returns under_cmc per id (root of chain is 'cmc')."""
    under: dict[str, bool] = {}
    for eid, entity in entities.items():
        seen = [eid]
        current = entity.parent
        while current is not None:
            if current not in entities:
                raise _fail(path, f"{seen[-1]}.parent", f"unknown parent {current!r}")
            if current in seen:
                raise _fail(path, f"{eid}.parent", "cycle: " + " -> ".join([*seen, current]))
            seen.append(current)
            current = entities[current].parent
        under[eid] = seen[-1] == "cmc"
        if under[eid] != (entity.category == "cmc"):
            raise _fail(
                path, f"{eid}.category",
                f"category {entity.category!r} but chain ends at {seen[-1]!r}"
                " (category cmc exactly for entities under the CMC)",
            )
    return under


def load_watchlist(path: Path | None = None) -> Watchlist:
    """Read and check the watchlist file.

    Parameters
    ----------
    path : the YAML file; the shipped ``loaders/data/watchlist.yaml`` by default.

    Returns
    -------
    Watchlist with ``under_cmc`` set from each entity's chain.

    Raises
    ------
    InputError naming the file and key: unreadable YAML, a missing field or source, an
    unknown parent, a cycle, a duplicate id, an OpenAlex/ROR id used twice.

    Examples
    --------
    >>> load_watchlist().entities["nudt"].under_cmc
    True
    """
    path = Path(path) if path else DEFAULT_PATH
    data = read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("entities"), list):
        raise InputError(f"{path}: entities: must be a list of mappings")
    entities: dict[str, Entity] = {}
    owners: dict[str, str] = {}
    for index, raw in enumerate(data["entities"]):
        entity = _entity(path, index, raw)
        if entity.id in entities:
            raise _fail(path, f"entities[{index}].id", f"duplicate id {entity.id!r}")
        for ident in (*entity.openalex_ids, *entity.ror_ids):
            if ident in owners:
                raise _fail(path, f"{entity.id}", f"{ident} already belongs to {owners[ident]!r}")
            owners[ident] = entity.id
        entities[entity.id] = entity
    under = _check_tree(path, entities)
    entities = {
        eid: _replace_under(entity, under[eid]) for eid, entity in entities.items()
    }
    return Watchlist(entities=entities, path=path)


def _replace_under(entity: Entity, value: bool) -> Entity:
    from dataclasses import replace

    return replace(entity, under_cmc=value)


def entity_rows(wl: Watchlist) -> list[dict]:
    """Rows for the graph's Entity node table (columns as in graph/schema.yaml)."""
    rows = []
    for entity in wl.entities.values():
        chain = wl.chain(entity.id)
        aliases = list(dict.fromkeys(
            [*entity.aliases, *entity.context_aliases, *entity.acronyms,
             *(name for name, _ in entity.former_names)]
        ))
        rows.append({
            "id": entity.id, "name": entity.name, "name_zh": entity.name_zh,
            "kind": entity.kind, "category": entity.category, "under_cmc": entity.under_cmc,
            "chain_ids": [e.id for e in chain], "chain_names": [e.name for e in chain],
            "aliases": aliases, "sources": list(entity.sources),
        })
    return rows


def subordinate_rows(wl: Watchlist) -> list[dict]:
    """SUBORDINATE_TO edges, child -> parent, with the child's first source and year."""
    return [
        {"from": e.id, "to": e.parent, "source": e.sources[0], "since": e.since}
        for e in wl.entities.values() if e.parent is not None
    ]
