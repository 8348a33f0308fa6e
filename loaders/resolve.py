"""The project's own resolution of raw affiliation strings, for the normaliser.

Every raw string is re-read, also those OpenAlex linked (issue 14): each watchlist entity or
Dutch institution it names that OpenAlex did not link becomes an edge recording `matched_by:
project:<rule>` and the alias that fired, so nobody mistakes the project's reading for
OpenAlex's. A department is read only from the part of the string that belongs to its
institution.
"""

from __future__ import annotations

import re
from functools import lru_cache

from loaders.departments import department_id, parse_department
from loaders.dutch import DutchRegistry, load_dutch_institutions
from loaders.matcher import EntityMatch, Matcher
from loaders.normalise import ENTITY_INSTITUTION_PREFIX, ResolvedInstitution
from loaders.watchlist import Entity, Watchlist, load_watchlist


def entity_institution_id(entity: Entity) -> str:
    """The Institution node that stands for a watchlist entity in the graph.

    An entity OpenAlex knows is its OpenAlex institution; one it does not know (a PLA
    unit, a college) gets a project id, so a tie to it still has one shape.
    """
    if entity.openalex_ids:
        return entity.openalex_ids[0]
    return f"{ENTITY_INSTITUTION_PREFIX}{entity.id}"


def watchlist_institution_ids(watchlist: Watchlist) -> tuple[str, ...]:
    """Every Institution id that stands for a watchlist entity: its OpenAlex ids, and the
    project id of one OpenAlex does not know (reached through a resolved raw string).
    For `--watchlist` filters: a national extract must keep the works an author wrote at a
    watchlist entity, or a career move from it is invisible."""
    ids = {oid for e in watchlist.entities.values() for oid in e.openalex_ids}
    ids.update(entity_institution_id(e) for e in watchlist.entities.values())
    return tuple(sorted(ids))


class ProjectResolver:
    """Resolver for :func:`loaders.normalise.normalise_work`, cached per string."""

    def __init__(
        self, watchlist: Watchlist | None = None, dutch: DutchRegistry | None = None
    ) -> None:
        self.watchlist = watchlist or load_watchlist()
        self.dutch = dutch or load_dutch_institutions()
        self.matcher = Matcher(self.watchlist, self.dutch)
        self.resolve_text = lru_cache(maxsize=200_000)(self._resolve_text)
        self.resolve_all = lru_cache(maxsize=200_000)(self._resolve_all)
        places = {i.city for i in self.dutch.institutions if i.city}
        places |= {e.city for e in self.watchlist.entities.values() if e.city}
        places |= {"Netherlands", "Nederland", "Holland", "China", "PRC", "P.R.C", "Chinese", "PLA", "NUDT",
                   # Dutch names written without their city
                   "Radboud", "Radboudumc", "Erasmus", "Vrije", "Twente", "Universiteit", "Rijksuniversiteit",
                   "Hogeschool", "UMC", "VUmc", "TNO", "QuTech", "Kavli"}
        self._hint = re.compile(
            r"(?i)(?<!\w)(?:" + "|".join(re.escape(p).replace("'", "'?") for p in sorted(places, key=len, reverse=True))
            + r")(?!\w)|[\u3400-\u9fff]")
        self._linked_chain = lru_cache(maxsize=100_000)(self._linked_chain_uncached)
        #: the whole answer is cached, id included: building the id normalises the name
        #: again (Unicode folding per character), and the same few strings recur
        self.department = lru_cache(maxsize=200_000)(self._department)  # type: ignore[method-assign]

    def _resolve_text(self, raw: str) -> ResolvedInstitution | None:
        """The strongest institution a raw string names (the watchlist entity that ranks
        highest, else the first Dutch institution), else None."""
        found = self.resolve_all(raw)
        if not found:
            return None
        match = self.matcher.match_text(raw)
        if match is not None:
            return next((f for f in found if f.entity_id == match.entity.id), found[0])
        return found[0]

    def _resolve_all(self, raw: str) -> tuple[ResolvedInstitution, ...]:
        out = []
        for found in self.matcher.find_all(raw):
            if found.entity is not None:
                entity = found.entity
                out.append(ResolvedInstitution(
                    id=entity_institution_id(entity), name=entity.name, country="CN",
                    ror=entity.ror_ids[0] if entity.ror_ids else "", rule=found.rule,
                    alias=found.alias, entity_id=entity.id))
            elif found.dutch is not None and found.dutch.id:
                inst = found.dutch
                name = self.matcher.dutch_department(found.segment, inst, found.alias)
                out.append(ResolvedInstitution(
                    id=inst.id, name=inst.name, country="NL", ror=inst.ror, rule=found.rule,
                    alias=found.alias, department_id=department_id(inst.id, name) if name else "",
                    department=name or ""))
        return tuple(out)

    def may_name_more(self, raw: str) -> bool:
        """A cheap prefilter for the load filter (`involves`): the string names the
        Netherlands, a Dutch city, China or a Chinese city, or has Chinese script. Strings
        that fail it cannot name a Dutch institution or a watchlist entity in a way the load
        filter needs (an acronym or name alone still resolves once the work is kept)."""
        return self._hint.search(raw) is not None

    def already_linked(self, found: ResolvedInstitution, linked: list[dict]) -> bool:
        """True if `found` is an institution OpenAlex linked, or a watchlist entity in one
        chain with an entity a linked institution matches (a college of the linked
        university, the university of a linked hospital): the link is already there."""
        for row in linked:
            if row["id"] == found.id:
                return True
            if found.entity_id:
                chain = self._linked_chain(row["id"], row.get("ror") or "", row.get("name") or "",
                                           tuple(row.get("lineage") or ()))
                if chain and (found.entity_id in chain or chain[0] in self._chain_ids(found.entity_id)):
                    return True
        return False

    def _chain_ids(self, entity_id: str) -> tuple[str, ...]:
        return tuple(e.id for e in self.watchlist.chain(entity_id))

    def _linked_chain_uncached(self, inst_id: str, ror: str, name: str, lineage: tuple[str, ...]) -> tuple[str, ...]:
        """The chain ids (entity first) of the entity an OpenAlex institution matches."""
        match = self.match_institution({"id": inst_id, "ror": ror, "name": name, "lineage": list(lineage)})
        return tuple(e.id for e in match.chain) if match else ()

    def department(self, raw: str, institution_id: str, institution_name: str) -> tuple[str, str] | None:
        """(department id, name) of an institution OpenAlex linked, read only from the part
        of the raw string that belongs to it, else None (cached per instance)."""
        return self._department(raw, institution_id, institution_name)

    def _department(self, raw: str, institution_id: str, institution_name: str) -> tuple[str, str] | None:
        found = self.matcher.find_all(raw)
        mine = next((f for f in found if f.dutch is not None and (
            f.dutch.id == institution_id or f.dutch.name == institution_name)), None)
        if mine is not None:
            name = self.matcher.dutch_department(mine.segment, mine.dutch, mine.alias)
        else:
            # the string does not name it in a form the project knows: read the parts that
            # belong to no other institution, never another institution's units
            text = raw
            for other in sorted(found, key=lambda f: f.span[0], reverse=True):
                text = text[:other.span[0]] + " ; " + text[other.span[1]:]
            name = parse_department(text, institution_name or None)
        if not name:
            return None
        return department_id(institution_id, name), name

    def match_institution(self, row: dict) -> EntityMatch | None:
        """The watchlist entity an institution row is, or belongs to, if any."""
        inst_id = row["id"]
        if inst_id.startswith(ENTITY_INSTITUTION_PREFIX):
            entity = self.watchlist.entities.get(inst_id.removeprefix(ENTITY_INSTITUTION_PREFIX))
            if entity is None:
                return None
            return EntityMatch(entity, "raw_string", entity.name, self.watchlist.chain(entity.id))
        ror, name, lineage = row.get("ror"), row.get("name"), row.get("lineage")
        return self.matcher.match_institution(
            openalex_id=inst_id,
            ror=ror if isinstance(ror, str) and ror else None,
            lineage=[x for x in lineage if isinstance(x, str)] if lineage is not None and not isinstance(
                lineage, float) else [],
            name=name if isinstance(name, str) and name else None,
        )
