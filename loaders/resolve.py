"""The project's own resolution of raw affiliation strings, for the normaliser.

Where OpenAlex linked no institution to a raw string, the watchlist matcher and the
Dutch registry may still recognise one; the resulting edge records `matched_by:
project:<rule>` so nobody mistakes the project's reading for OpenAlex's.
"""

from __future__ import annotations

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
        #: the whole answer is cached, id included: building the id normalises the name
        #: again (Unicode folding per character), and the same few strings recur
        self.department = lru_cache(maxsize=200_000)(self._department)  # type: ignore[method-assign]

    def _resolve_text(self, raw: str) -> ResolvedInstitution | None:
        match = self.matcher.match_text(raw)
        if match is not None:
            entity = match.entity
            return ResolvedInstitution(
                id=entity_institution_id(entity),
                name=entity.name,
                country="CN",
                ror=entity.ror_ids[0] if entity.ror_ids else "",
                rule=match.rule,
            )
        dutch = self.dutch.find_in_text(raw)
        if dutch is not None and dutch.id:
            return ResolvedInstitution(dutch.id, dutch.name, "NL", dutch.ror, "dutch_name")
        return None

    def department(self, raw: str, institution_id: str, institution_name: str) -> tuple[str, str] | None:
        """(department id, name) parsed from a raw string, else None (cached per instance)."""
        return self._department(raw, institution_id, institution_name)

    def _department(self, raw: str, institution_id: str, institution_name: str) -> tuple[str, str] | None:
        name = parse_department(raw, institution_name or None)
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
