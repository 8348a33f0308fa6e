"""The affiliation matcher: OpenAlex institutions and raw affiliation strings -> watchlist
entities, with the rule and the alias that fired and the chain up to the root.

Every rule is deliberately literal (exact names after normalisation, no fuzzy scoring):
a false tie to the CMC costs more than a missed one, and each match must explain itself.

Rules for an OpenAlex institution (:meth:`Matcher.match_institution`), first that fires:

``openalex_id``  the institution's OpenAlex id is an entity's id.
``ror``          its ROR id is an entity's ROR id.
``lineage``      one of its OpenAlex parents (``lineage``) is an entity.
then its display name is read as a raw string (rules below).

Rules for a raw string (:meth:`Matcher.match_text`), per ``;``-separated affiliation,
after real spellings are undone (:mod:`loaders.spelling`: Web of Science and IEEE
abbreviations, glued words; "of"/"the" do not count when names are compared):

``alias``                 an English name or alias as whole words ("Army Medical
                          University"); commas are kept as boundaries, so
                          "Information Engineering, University of X" is not
                          "Information Engineering University".
``former_name``           a former name ("Third Military Medical University").
``name_zh``               a Chinese name as a substring ("国防科技大学"), unless marked
                          ambiguous (国际关系学院 is every university's school of IR).
``alias_in_context``      a generic name ("National Defense University", "Southwest
                          Hospital") that only counts with China context in the same
                          affiliation: the entity's city, China, PRC, Chinese, People's Liberation Army or Chinese
                          script; never when Taiwan or "Republic of China" without
                          "People's" is named.
``alias_in_city``         a name several Chinese cities use ("Southwest Hospital", "ATR Key
                          Laboratory"): only with the entity's city or an ancestor named.
                          A generic alias of a specific entity (``context_aliases``: "Institute
                          of Fluid Physics") fires as ``alias_in_context``; context never holds
                          when another country is named ("..., University of Kiel, Germany").
``alias_with_parent``     a unit name ("College of Computer") that only counts when an
                          ancestor is named too ("..., NUDT, Changsha").
``abbreviation_in_context``  an acronym exactly as written (NUDT is an alias; "HIT",
                          "NUST", "AMS", "NDU" are acronyms) with the same context rule:
                          "BIT Mesra" and "NUST Islamabad" do not fire.
``unit_designator``       a PLA military unit cover designator, exactly five digits tied to
                          "Unit", "Troops" or "部队" ("Unit 63892 of PLA", "93114
                          Troops", "The 92941st Unit of PLA"); Chinese postcodes have six
                          digits and CNRS "UMR 8520" four, so neither fires. Known
                          designators map to their entity (63820 -> CARDC).
``numbered_hospital``     "No. 150 Hospital of PLA", "PLA 306 Hospital", military-region
                          general hospitals.

When several entities fire, the one under the CMC wins, then the deepest (a hospital over
its university), then a named entity over a pattern, then the longest alias.

rapidfuzz is not used: exact names after normalisation already score full precision and
recall on the labelled set, and a fuzzy score between near-identical names ("Naval
University of Engineering" / "Naval Engineering University", "Army Medical University" /
"Army Medical College") is exactly where false ties to the CMC would come from. Variants
are added to the data file as aliases instead, where a reviewer can see them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from graph.datafile import read_yaml
from loaders.departments import parse_department, specificity
from loaders.dutch import DutchInstitution, DutchRegistry, load_dutch_institutions
from loaders.spelling import DEFAULT_PATH as SPELLING_PATH
from loaders.spelling import expand, name_key
from loaders.watchlist import Entity, Watchlist, load_watchlist, normalise_name

__all__ = ["EntityMatch", "Found", "Matcher"]

_DIGIT = re.compile(r"\d")
#: rapidfuzz ratio (0-100) a comma piece needs to count as a near spelling of a long name;
#: measured on real and labelled strings (README, matcher accuracy)
NEAR_THRESHOLD = 96.0
_NEAR_MIN_CHARS = 20


@lru_cache(maxsize=1)
def _foreign() -> re.Pattern[str]:
    """Countries (and a few of their cities) other than China, from loaders/data/spelling.yaml."""
    names = (read_yaml(SPELLING_PATH) or {}).get("foreign_countries") or []
    keys = sorted({normalise_name(str(n)) for n in names if str(n).strip()}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, keys)) + r")(?!\w)") if keys else re.compile(r"(?!x)x")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_CHINA = re.compile(
    r"(?<!\w)(?:china|prc|p r china|pr china|chinese|peoples liberation army)(?!\w)"
)
_TAIWAN = re.compile(r"(?<!\w)(?:taiwan|roc|r o c|taipei|taoyuan|hsinchu|kaohsiung)(?!\w)")
_ROC = re.compile(r"(?<!peoples )republic of china")
_ACRONYM_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9/+\-]*[A-Za-z0-9+]|[A-Z]")
_ENTITY_PREFIX = "ties:entity:"
#: kinds that are a department of the institution above them, not an institution
_UNIT_KINDS = ("college", "lab")


@dataclass(frozen=True)
class EntityMatch:
    """A watchlist entity found, the rule and alias (or pattern) that fired, and its chain."""

    entity: Entity
    rule: str
    alias: str
    chain: list[Entity]


@dataclass(frozen=True)
class Found:
    """One institution named in a raw string (see :meth:`Matcher.find_all`).

    ``entity`` is the deepest watchlist entity named (a college, a hospital), ``dutch`` a
    Dutch institution of the registry; exactly one is set. ``span`` is the part of the
    raw string that belongs to this institution (its units and its name), by character
    offsets; a department is read from that part only.
    """

    entity: Entity | None
    dutch: DutchInstitution | None
    rule: str
    alias: str
    span: tuple[int, int]
    segment: str


@dataclass(frozen=True)
class _Name:
    entity_id: str
    rule: str
    alias: str
    level: str  # always | context | parent


class Matcher:
    """Resolve institutions and raw strings to watchlist entities (see module docstring).

    Build once per process: it compiles one token index, one Chinese-name list, one
    acronym table and the patterns; results are cached per string.

    Examples
    --------
    >>> m = Matcher()
    >>> hit = m.match_text("College of Computer, NUDT, Changsha 410073, China")
    >>> hit.entity.id, hit.rule, [e.id for e in hit.chain]
    ('nudt_college_computer', 'alias_with_parent', ['nudt_college_computer', 'nudt', 'cmc'])
    """

    def __init__(self, watchlist: Watchlist | None = None, dutch: DutchRegistry | None = None):
        self.watchlist = watchlist or load_watchlist()
        self.dutch = dutch or load_dutch_institutions()
        self._latin: dict[str, list[tuple[tuple[str, ...], _Name]]] = {}
        self._zh: list[tuple[str, _Name]] = []
        self._acronyms: dict[str, list[_Name]] = {}
        self._patterns: list[tuple[re.Pattern[str], str, str]] = []
        self._units: dict[str, str] = {}
        self._near_keys: list[str] = []
        self._near_names: list[_Name] = []
        self._cities: dict[str, str] = {}
        self._ancestors: dict[str, frozenset[str]] = {}
        self._depth: dict[str, int] = {}
        for entity in self.watchlist.entities.values():
            self._index(entity)
        self._zh.sort(key=lambda item: len(item[0]), reverse=True)
        self.match_text = lru_cache(maxsize=500_000)(self._match_text)  # type: ignore[method-assign]
        self.describe = lru_cache(maxsize=200_000)(self._describe)  # type: ignore[method-assign]
        self.find_all = lru_cache(maxsize=500_000)(self._find_all)  # type: ignore[method-assign]
        #: match_text and find_all read the same affiliations: fire the names once
        self._part_hits = lru_cache(maxsize=200_000)(self._fire)  # type: ignore[method-assign]

    # ------------------------------------------------------------------ index
    def _index(self, entity: Entity) -> None:
        chain = self.watchlist.chain(entity.id)
        self._ancestors[entity.id] = frozenset(e.id for e in chain[1:])
        self._depth[entity.id] = len(chain)
        self._cities[entity.id] = normalise_name(entity.city) if entity.city else ""
        level = entity.match
        english_rule = {"always": "alias", "context": "alias_in_context", "city": "alias_in_city",
                        "parent": "alias_with_parent"}[level]
        names = [(entity.name, english_rule, level), *((a, english_rule, level) for a in entity.aliases)]
        names += [(n, "former_name", level) for n, _ in entity.former_names]
        # a generic alias of a specific entity needs China context whatever the entity's level
        names += [(a, "alias_in_context", "context" if level == "always" else level)
                  for a in entity.context_aliases]
        if entity.name_zh and not entity.zh_ambiguous:
            names.append((entity.name_zh, "name_zh", level))
        for text, rule, name_level in names:
            if _CJK.search(text):
                rule = "former_name" if rule == "former_name" else "name_zh"
                zh = unicodedata.normalize("NFKC", text)
                self._zh.append((zh, _Name(entity.id, rule, text, name_level)))
                continue
            tokens = tuple(name_key(text).split())
            if tokens:
                self._latin.setdefault(tokens[0], []).append(
                    (tokens, _Name(entity.id, rule, text, name_level))
                )
        if level == "always":
            # near spellings: only long, distinctive names that count on their own
            for text, rule, name_level in names:
                key = name_key(text)
                if rule != "name_zh" and name_level == "always" and not _CJK.search(text) \
                        and len(key) >= _NEAR_MIN_CHARS and len(key.split()) >= 3:
                    self._near_keys.append(key)
                    self._near_names.append(_Name(entity.id, "near_spelling", text, "always"))
        for acronym in entity.acronyms:
            self._acronyms.setdefault(acronym, []).append(
                _Name(entity.id, "abbreviation_in_context", acronym,
                      level if level in ("parent", "city") else "context")
            )
        for rule, regex in entity.patterns:
            self._patterns.append((re.compile(regex, re.I), rule, entity.id))
        for unit in entity.unit_designators:
            self._units[unit] = entity.id

    # ------------------------------------------------------------------ institutions
    def match_institution(
        self, openalex_id: str | None = None, ror: str | None = None,
        lineage: Iterable[str] = (), name: str | None = None,
    ) -> EntityMatch | None:
        """The entity an OpenAlex institution is or belongs to, else None.

        >>> Matcher().match_institution(openalex_id="https://openalex.org/I170215575").rule
        'openalex_id'
        """
        wl = self.watchlist
        if openalex_id:
            entity = wl.by_openalex_id(openalex_id)
            if entity:
                return self._result(entity, "openalex_id", openalex_id)
        if ror:
            entity = wl.by_ror(ror)
            if entity:
                return self._result(entity, "ror", ror)
        for parent in lineage or ():
            if openalex_id and parent.rsplit("/", 1)[-1] == openalex_id.rsplit("/", 1)[-1]:
                continue
            entity = wl.by_openalex_id(parent)
            if entity:
                return self._result(entity, "lineage", parent)
        if name:
            return self.match_text(name)
        return None

    def _result(self, entity: Entity, rule: str, alias: str) -> EntityMatch:
        return EntityMatch(entity, rule, alias, self.watchlist.chain(entity.id))

    # ------------------------------------------------------------------ raw strings
    def _match_text(self, text: str) -> EntityMatch | None:
        """The watchlist entity a raw affiliation string names, else None.

        >>> Matcher().match_text("National Defense University, Washington, DC, USA") is None
        True
        """
        if not text or not text.strip():
            return None
        best: tuple[tuple, _Name] | None = None
        for part in text.split(";"):
            for hit in self._part_hits(part):
                key = self._rank(hit)
                if best is None or key > best[0]:
                    best = (key, hit)
        if best is None:
            return None
        hit = best[1]
        return self._result(self.watchlist.entities[hit.entity_id], hit.rule, hit.alias)

    def _rank(self, hit: _Name) -> tuple:
        entity = self.watchlist.entities[hit.entity_id]
        pattern = hit.rule in ("unit_designator", "numbered_hospital")
        # services and the PLA umbrella yield to a named institution at the same depth
        return (entity.under_cmc, self._depth[hit.entity_id], not pattern,
                entity.kind != "service", len(hit.alias))

    def _part_hits(self, part: str) -> list[_Name]:  # replaced by a cached _fire per instance
        return self._fire(part)

    def _fire(self, part: str) -> list[_Name]:
        """Every name that fires in one affiliation, after the context and parent rules."""
        norm = normalise_name(expand(part))
        tokens = name_key(part).split()
        found: list[_Name] = []
        for i, token in enumerate(tokens):
            for alias_tokens, name in self._latin.get(token, ()):
                if tuple(tokens[i:i + len(alias_tokens)]) == alias_tokens:
                    found.append(name)
        has_cjk = bool(_CJK.search(part))
        if has_cjk:
            zh = unicodedata.normalize("NFKC", part)
            found += [name for alias, name in self._zh if alias in zh]
        for token in _ACRONYM_TOKEN.findall(part):
            found += self._acronyms.get(token, ())
        lowered = part.lower()
        # every pattern needs a digit or the word hospital: skip the regexes otherwise
        patterns = self._patterns if (
            "hospital" in lowered or _DIGIT.search(part)) else ()
        for regex, rule, entity_id in patterns:
            m = regex.search(lowered)
            if m:
                unit = m.groupdict().get("n")
                target = self._units.get(unit or "", entity_id)
                found.append(_Name(target, rule, m.group(0).strip(), "always"))
        if not found:
            return self._near(part, norm)
        accepted = self._accept(found, part, norm, has_cjk)
        if not accepted:
            # no name counts: a near spelling of a long name may ("College of Computer,
            # National Univeristy of Defense Technology"), with the units under it
            near = self._near(part, norm)
            if near:
                accepted = self._accept([*found, *near], part, norm, has_cjk)
        return accepted

    def _accept(self, found: list[_Name], part: str, norm: str, has_cjk: bool) -> list[_Name]:
        """The fired names that count under the context, city and parent rules."""
        taiwan = bool(_TAIWAN.search(norm) or _ROC.search(norm))
        china = not taiwan and (has_cjk or bool(_CHINA.search(norm)))
        # another country named: a generic name is that country's, never China's
        abroad = taiwan or (not china and _foreign().search(norm) is not None)
        padded = f" {norm} "
        accepted = [n for n in found if n.level == "always"]
        for n in found:
            if n.level in ("context", "city") and not abroad:
                city = self._cities[n.entity_id]
                if (city and f" {city} " in padded) or (china and n.level == "context"):
                    accepted.append(n)
        # context-, city- and parent-level names also count when an ancestor is named
        pending = [n for n in found if n not in accepted and not (abroad and n.level in ("context", "city"))]
        changed = True
        while pending and changed:
            named = {n.entity_id for n in accepted}
            keep = []
            changed = False
            for n in pending:
                if self._ancestors[n.entity_id] & named:
                    accepted.append(n)
                    changed = True
                else:
                    keep.append(n)
            pending = keep
        return accepted

    def _near(self, part: str, norm: str) -> list[_Name]:
        """A near spelling of a distinctive watchlist name ("Natioanl University of Defense
        Technology"), for an affiliation where no name fired: one comma piece scored
        against every long name with rapidfuzz's ratio, only with China context and no
        other country named. The threshold (``NEAR_THRESHOLD``) was measured: the lowest
        score that claims none of the 6,747 real Crossref strings nor any trap of the
        project's labelled set (see README, matcher accuracy)."""
        if not self._near_keys or not (_CHINA.search(norm) or _CJK.search(part)) or \
                _TAIWAN.search(norm) or _ROC.search(norm):
            return []
        best = None
        for _, piece in _split(part, _PIECE_SEPARATORS):
            key = name_key(piece)
            if len(key) < _NEAR_MIN_CHARS:
                continue
            hit = process.extractOne(key, self._near_keys, scorer=fuzz.ratio, score_cutoff=NEAR_THRESHOLD)
            if hit is not None and (best is None or hit[1] > best[1]):
                best = hit
        return [self._near_names[best[2]]] if best is not None else []

    # ------------------------------------------------------------------ every institution
    def _find_all(self, text: str) -> tuple[Found, ...]:
        """Every institution a raw string names, in the order written.

        The string is split into affiliations at ``;`` and ``|`` (OpenAlex joins several
        strings with " | "), each affiliation into comma pieces. In each affiliation the
        watchlist names that fire (context rules as in :meth:`match_text`) and the Dutch
        names are located in their pieces; a watchlist entity named together with one of
        its own units ("College of Computer, NUDT") counts once, as the unit, and the PLA
        or a service yields to a named body under it. The pieces up to and including an
        institution's name, after the previous institution's, belong to it (units are
        written before their institution); pieces after the last one (city, country)
        belong to the last.

        >>> [f.entity.id if f.entity else f.dutch.name for f in Matcher().find_all(
        ...     "Dept of Physics, TU Delft, Delft; College of Computer, NUDT, Changsha, China")]
        ['Delft University of Technology', 'nudt_college_computer']
        """
        out: list[Found] = []
        for start, part in _split(text, _AFFILIATION_SEPARATORS):
            if part.strip():
                out.extend(self._find_in_part(part, start))
        return tuple(out)

    def _find_in_part(self, part: str, offset: int) -> list[Found]:
        pieces = _split(part, _PIECE_SEPARATORS)
        norms = [f" {name_key(p)} " for _, p in pieces]
        located: list[tuple[int, int, Found]] = []  # (piece index, order, found)
        hits = self._part_hits(part)
        if hits:
            named = {h.entity_id for h in hits}
            kept: dict[str, _Name] = {}
            for h in hits:
                # a body named with one of its own units counts once, as the unit
                if any(h.entity_id in self._ancestors[o] for o in named if o != h.entity_id):
                    continue
                entity = self.watchlist.entities[h.entity_id]
                if entity.kind in ("service", "commission") and any(
                        self.watchlist.entities[o].under_cmc and self.watchlist.entities[o].kind
                        not in ("service", "commission") for o in named):
                    continue
                if h.entity_id not in kept or self._rank(h) > self._rank(kept[h.entity_id]):
                    kept[h.entity_id] = h
            for h in kept.values():
                index = _locate(h, pieces, norms)
                located.append((index, len(located), Found(
                    self.watchlist.entities[h.entity_id], None, h.rule, h.alias, (0, 0), "")))
        for inst, rule, alias in self.dutch.find_all(part):
            key = f" {name_key(alias)} " if rule in ("dutch_name", "dutch_unit") else None
            index = next((i for i, (_, piece) in enumerate(pieces)
                          if (key in norms[i] if key else _has_token(piece, alias))), 0)
            located.append((index, len(located), Found(None, inst, rule, alias, (0, 0), "")))
        if not located:
            return []
        located.sort(key=lambda item: (item[0], item[1]))
        out: list[Found] = []
        previous = -1
        for n, (index, _, found) in enumerate(located):
            first = previous + 1 if index > previous else index
            last = len(pieces) - 1 if n == len(located) - 1 else index
            if n + 1 < len(located) and located[n + 1][0] == index:
                last = index  # two institutions in one piece share it
            start = pieces[min(first, index)][0]
            end = pieces[last][0] + len(pieces[last][1])
            while start < end and part[start].isspace():
                start += 1
            while end > start and part[end - 1].isspace():
                end -= 1
            segment = part[start:end]
            out.append(Found(found.entity, found.dutch, found.rule, found.alias,
                             (offset + start, offset + end), segment))
            previous = max(previous, index)
        return out

    def institutions(self, text: str) -> list[dict]:
        """The ``institutions`` list of ``ties match --json``: one object per institution
        named, with its department read from its own part of the string."""
        return [self._institution_dict(f) for f in self.find_all(text)]

    def _institution_dict(self, found: Found) -> dict:
        if found.entity is not None:
            chain = self.watchlist.chain(found.entity.id)
            units = [e for e in chain if e.kind in _UNIT_KINDS]
            holder = next((e for e in chain if e.kind not in _UNIT_KINDS), found.entity)
            department = None
            if found.rule not in ("unit_designator", "numbered_hospital"):
                department = parse_department(found.segment, holder.name)
                if department and found.entity.kind not in _UNIT_KINDS and name_key(department) in (
                        name_key(found.alias), name_key(found.entity.name)):
                    department = None  # the entity's own name ("Naval NCO School"), not a unit
            if department is None and units:
                department = units[0].name
            return {
                "id": holder.openalex_ids[0] if holder.openalex_ids else _ENTITY_PREFIX + holder.id,
                "name": holder.name, "country": "CN", "department": department,
                "entity": {"id": found.entity.id, "name": found.entity.name},
                "under_cmc": found.entity.under_cmc, "category": found.entity.category,
                "rule": found.rule, "alias": found.alias, "span": list(found.span),
            }
        inst = found.dutch
        assert inst is not None
        return {
            "id": inst.id, "name": inst.name, "country": "NL",
            "department": self.dutch_department(found.segment, inst, found.alias),
            "entity": None, "under_cmc": False, "category": None,
            "rule": found.rule, "alias": found.alias, "span": list(found.span),
        }

    def dutch_department(self, segment: str, inst: DutchInstitution, alias: str = "") -> str | None:
        """The department of a Dutch institution named in its own part of a string: a known
        unit of it (one name for its Dutch and English forms), else the parser's reading."""
        unit = self.dutch.unit_of(segment, inst)
        if alias and alias != unit:
            # "University Medical Center Groningen 6 Department of Pathology": the unit is
            # printed in the institution's own piece; read it without the name
            segment = re.sub(re.escape(alias), ",", segment, flags=re.I)
        department = parse_department(segment, inst.name)
        if unit and not (department and specificity(department) == 1
                         and self.dutch.unit_of(department, inst) is None):
            return unit  # a group or lab inside the known unit is more specific: keep that
        if department:
            key = normalise_name(department)
            if any(normalise_name(alias) == key for alias in inst.aliases):
                return None
        return department

    # ------------------------------------------------------------------ explanation
    def _describe(self, text: str) -> dict:
        """The ``ties match --json`` object for one raw string (issues 4 and 14).

        The first fields describe the strongest institution (the watchlist entity that
        ranks highest, else the first Dutch institution), as before issue 14;
        ``institutions`` lists every institution named, each with its own department.

        >>> d = Matcher().describe("Xijing Hospital, Fourth Military Medical University, Xi'an")
        >>> d["under_cmc"], d["entity"]["id"], d["chain"][-1]
        (True, 'xijing_hospital', 'Central Military Commission')
        """
        match = self.match_text(text)
        found = self.find_all(text)
        listed = [self._institution_dict(f) for f in found]
        strongest = None
        if match is not None:
            chain_ids = {e.id for e in match.chain}
            strongest = next((d for f, d in zip(found, listed, strict=True)
                              if f.entity is not None and f.entity.id == match.entity.id), None) or next(
                (d for f, d in zip(found, listed, strict=True)
                 if f.entity is not None and f.entity.id in chain_ids), None)
        else:
            strongest = next((d for d in listed if d["country"] == "NL"), None)
        if strongest is not None:
            institution = {k: strongest[k] for k in ("id", "name", "country")}
            department = strongest["department"]
        elif match is not None:
            units = [e for e in match.chain if e.kind in _UNIT_KINDS]
            entity = next((e for e in match.chain if e.kind not in _UNIT_KINDS), match.entity)
            inst_id = entity.openalex_ids[0] if entity.openalex_ids else _ENTITY_PREFIX + entity.id
            institution = {"id": inst_id, "name": entity.name, "country": "CN"}
            department = units[0].name if units else None
        else:
            institution = None
            department = parse_department(text)
        return {
            "text": text,
            "institution": institution,
            "department": department,
            "under_cmc": bool(match and match.entity.under_cmc),
            "category": match.entity.category if match else None,
            "entity": {"id": match.entity.id, "name": match.entity.name} if match else None,
            "chain": [e.name for e in match.chain] if match else [],
            "rule": match.rule if match else "none",
            "institutions": listed,
        }

    def explain(self, text: str) -> dict:
        """``describe`` plus the alias or pattern that fired and the entity's sources."""
        out = dict(self.describe(text))
        match = self.match_text(text)
        out["alias"] = match.alias if match else None
        out["sources"] = list(match.entity.sources) if match else []
        return out


_AFFILIATION_SEPARATORS = re.compile(r"[;|；]")
_PIECE_SEPARATORS = re.compile(r"[,，、]")


def _split(text: str, separators: re.Pattern[str]) -> list[tuple[int, str]]:
    """(offset, piece) for each piece of `text` between separators, offsets into `text`."""
    out = []
    start = 0
    for m in separators.finditer(text):
        out.append((start, text[start:m.start()]))
        start = m.end()
    out.append((start, text[start:]))
    return out


def _has_token(piece: str, token: str) -> bool:
    return re.search(r"(?<![\w/])" + re.escape(token) + r"(?![\w/])", piece) is not None


def _locate(hit: _Name, pieces: list[tuple[int, str]], norms: list[str]) -> int:
    """The index of the comma piece where a fired name stands (0 when unsure)."""
    if hit.rule == "abbreviation_in_context":
        test = lambda i: _has_token(pieces[i][1], hit.alias)  # noqa: E731
    elif hit.rule in ("unit_designator", "numbered_hospital"):
        head = hit.alias.lower().split(",")[0].strip()
        test = lambda i: head in pieces[i][1].lower()  # noqa: E731
    elif _CJK.search(hit.alias):
        zh = unicodedata.normalize("NFKC", hit.alias)
        test = lambda i: zh in unicodedata.normalize("NFKC", pieces[i][1])  # noqa: E731
    else:
        key = f" {name_key(hit.alias.split(',')[0])} "
        test = lambda i: key in norms[i]  # noqa: E731
    return next((i for i in range(len(pieces)) if test(i)), 0)
