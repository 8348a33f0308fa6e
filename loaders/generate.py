"""Synthetic OpenAlex `/works` corpora for the demo and for scale tests, with known ties.

Why: the demo and the benchmarks need data that nests exactly like OpenAlex (so one loader
reads both) but names no real person, and whose ties are known in advance (so analyses can
be checked against ``truth.json``). Institutions, their OpenAlex/ROR ids and the topic
taxonomy are real (``loaders/data/demo_institutions.yaml`` names the sources); authors,
titles, DOIs (Crossref test prefix 10.5555), departments and venues are synthetic, and
every work and author object says so with ``"is_synthetic": true``.

Planted in every block of ``BLOCK`` works (``PLANTED`` scenarios, see ``_planted_set``):
a TU Delft-NUDT direct tie with a department in the Delft raw string, a former name in a
raw string, a null ``country_code``, dual affiliations, a career move (a real mover: ORCID
and/or a co-author on both periods), an indirect (two-hop) tie, raw-string-only
affiliations, a university typed ``funder``, and a merged identity (two people, one name,
one author id: a false career tie that tie strength must call weak). Random
works add Dutch-Chinese, Dutch-only and China-only works; ``cmc_share`` of the works with
Chinese partners include a PLA institution. Authors are drawn from per-institution pools
with a power law, so works per author are heavy-tailed; authors per work are lognormal.

Memory stays flat: author names and ids are functions of an integer, not a stored table;
only the ties list for ``truth.json`` grows (a few per thousand works).
"""

from __future__ import annotations

import gzip
import math
import random
import sys
from bisect import bisect
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields, replace
from functools import lru_cache
from pathlib import Path

import orjson
import yaml

from graph.datafile import parse_yaml
from graph.errors import ConfigError, InputError

__all__ = ["Mix", "CorpusSummary", "generate_works", "write_corpus", "FORMATS"]

DATA_FILE = Path(__file__).parent / "data" / "demo_institutions.yaml"
OA = "https://openalex.org/"
WORK_BASE = 9_000_000_000  # W9000000000+: above every real work id (W4.4e9 in 2025)
AUTHOR_BASE = 9_000_000_000  # A9000000000 + institution * STRIDE + rank
PLANTED_AUTHOR_BASE = 9_900_000_000  # A99...: authors of planted scenarios
STRIDE = 1_000_000
BLOCK = 500  # one planted set per BLOCK works
PLANTED = 14  # works per planted set
PART_SIZE = 50_000  # works per snapshot part file
PER_PAGE = 200
UPDATED_DATES = ("2025-03-04", "2025-06-11", "2025-09-02")  # snapshot partitions
FORMATS = ("snapshot", "pages", "jsonl")
NUDT = OA + "I170215575"


@dataclass(frozen=True)
class Mix:
    """The shape of a corpus; every field can be passed to :func:`generate_works`.

    ``china_share`` and ``nl_share`` are the shares of works with a Chinese and with a
    Dutch institution (their overlap, ``china_share + nl_share - 1``, is Dutch-Chinese);
    ``cmc_share`` is the share of works with Chinese partners that include a PLA
    institution; ``seven_sons_share`` the share of Chinese partner picks (engineering
    topics) that are Seven Sons universities.
    """

    china_share: float = 0.8
    nl_share: float = 0.8
    cmc_share: float = 0.025
    seven_sons_share: float = 0.3
    mean_authors: float = 6.0
    max_authors: int = 100
    author_reuse: float = 2.5  # power-law exponent of the pool draw; higher = more reuse
    chinese_names_in_nl: float = 0.2  # Dutch-affiliated authors with Chinese names
    year_min: int = 2010
    year_max: int = 2025

    def __post_init__(self) -> None:
        for name in ("china_share", "nl_share", "cmc_share", "seven_sons_share",
                     "chinese_names_in_nl"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise InputError(f"mix: {name} must be between 0 and 1")
        if self.china_share + self.nl_share < 1.0:
            raise InputError("mix: china_share + nl_share must be at least 1")
        if not 1.0 <= self.mean_authors <= self.max_authors <= 100:
            raise InputError("mix: need 1 <= mean_authors <= max_authors <= 100")
        if not 2010 <= self.year_min <= self.year_max <= 2025:
            raise InputError("mix: years must lie within 2010-2025")

    @classmethod
    def from_kwargs(cls, **kwargs: object) -> Mix:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(kwargs) - known)
        if unknown:
            raise InputError(f"mix: unknown option {unknown[0]!r}; known: {sorted(known)}")
        return cls(**kwargs)  # type: ignore[arg-type]


@dataclass
class _Inst:
    """One real institution as the generator writes it (dicts shared, never copied)."""

    key: str
    group: str
    index: int
    id: str
    obj: dict
    ids: list
    countries: list
    country: str
    weight: float
    domains: tuple
    raw: dict  # domain -> ready raw affiliation strings
    raw_nl: list
    raw_former: list


@dataclass
class _Reference:
    insts: dict
    pools: dict  # (group, domain) -> (items, cumulative weights)
    topics: list
    topic_cum: list
    unresolved: dict
    names: dict
    titles: dict
    venues: dict  # domain -> list of synthetic source objects
    group_of: dict  # institution id -> group


def _cum(weights: list) -> list:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


@lru_cache(maxsize=4)
def load_reference(path: Path = DATA_FILE) -> _Reference:
    """Read and check the reference data file; errors name the file and key."""
    try:
        data = parse_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read reference data: {exc}") from exc
    insts: dict[str, _Inst] = {}
    try:
        for index, row in enumerate(data["institutions"]):
            key, raw = row["key"], data["raw"][row["key"]]
            iid = OA + row["id"]
            obj = {"id": iid, "display_name": row["display_name"],
                   "ror": "https://ror.org/" + row["ror"], "country_code": row["country_code"],
                   "type": row["type"], "lineage": [iid]}
            depts = raw["departments"]
            every = [d for ds in depts.values() for d in ds]
            addr = raw["address"]
            by_domain = {}
            for dom in (1, 2, 3, 4):
                chosen = depts.get(dom) or every
                by_domain[dom] = [f"{d}, {nm}, {addr}" for d in chosen for nm in raw["names"]]
                by_domain[dom] += [f"{nm}, {addr}" for nm in raw["names"]]  # no department
            local = addr.replace(", The Netherlands", "")
            raw_nl = [f"{d}, {nm}, {local}, Nederland"
                      for d in raw.get("departments_nl", []) for nm in raw.get("names_nl", [])]
            former = [f"{d}, {fn}, {addr}" for fn in row.get("former_names", []) for d in every]
            insts[key] = _Inst(key, row["group"], index, iid, obj, [iid], [row["country_code"]],
                               row["country_code"], float(row["weight"]), tuple(row["domains"]),
                               by_domain, raw_nl, former)
        pools = {}
        for group in ("nl", "cn", "seven_sons", "pla"):
            members = [i for i in insts.values() if i.group == group]
            for dom in (1, 2, 3, 4):
                eligible = [i for i in members if dom in i.domains] or members
                pools[(group, dom)] = (eligible, _cum([i.weight for i in eligible]))
        topics = []
        for t in data["topics"]:
            sub = {"id": f"{OA}subfields/{t['subfield']}", "display_name": t["subfield_name"]}
            fld = {"id": f"{OA}fields/{t['field']}", "display_name": data["fields"][str(t["field"])]}
            dom = {"id": f"{OA}domains/{t['domain']}",
                   "display_name": data["domains"][str(t["domain"])]}
            topics.append((t["domain"], t["weight"], {"id": OA + t["id"], "display_name": t["name"],
                                                       "subfield": sub, "field": fld, "domain": dom}))
        venues: dict[int, list] = {}
        for v in data["venues"]:
            venues.setdefault(v["domain"], []).append({
                "id": OA + v["id"], "display_name": v["display_name"], "issn_l": None,
                "issn": None, "is_oa": False, "is_in_doaj": False, "is_indexed_in_scopus": False,
                "is_core": False, "host_organization": None, "host_organization_name": None,
                "host_organization_lineage": [], "host_organization_lineage_names": [],
                "type": "journal", "is_synthetic": True})
        return _Reference(insts, pools, topics, _cum([t[1] for t in topics]), data["unresolved"],
                          data["names"], data["titles"], venues,
                          {i.id: i.group for i in insts.values()})
    except (KeyError, TypeError) as exc:
        raise ConfigError(f"{path}: missing or malformed key {exc}") from exc


def _orcid(aid: int) -> str:
    """A synthetic ORCID (prefix 9999, never issued) with a valid ISO 7064 check digit."""
    digits = f"9999{aid % 10**11:011d}"
    total = 0
    for ch in digits:
        total = (total + ord(ch) - 48) * 2
    check = (12 - total % 11) % 11
    d = digits + ("X" if check == 10 else str(check))
    return f"https://orcid.org/{d[0:4]}-{d[4:8]}-{d[8:12]}-{d[12:16]}"


class _Builder:
    """Holds the random state and writes works; one instance per corpus."""

    def __init__(self, n: int, seed: int, mix: Mix, ref: _Reference) -> None:
        self.n, self.mix, self.ref = n, mix, ref
        self.rng = random.Random(seed)
        self.salt = (seed * 0x9E3779B1) & 0xFFFFFFFF
        self.truth: dict[str, list] = {k: [] for k in
                                       ("direct", "dual_affiliation", "career", "indirect",
                                        "unresolved", "merged_identity")}
        self.counts = {"nl_cn": 0, "nl_only": 0, "cn_only": 0, "with_pla": 0, "planted": 0}
        gshare = {"nl": 0.5, "cn": 0.38, "seven_sons": 0.1, "pla": 0.02}
        totals = {g: sum(i.weight for i in ref.insts.values() if i.group == g) for g in gshare}
        self.pools = {}  # institution index -> author pool size (per builder: ref is shared)
        for inst in ref.insts.values():
            share = gshare[inst.group] * inst.weight / totals[inst.group]
            self.pools[inst.index] = int(max(20, min(STRIDE - 200,
                                                     n * mix.mean_authors * share / 2.0)))
        self.mu = math.log(mix.mean_authors) - 0.32  # lognormal, sigma 0.8, mean ~ mean_authors
        names = ref.names
        self.nl_names = (names["nl_given"], names["nl_family"])
        self.cn_names = (names["cn_given"], names["cn_family"])

    # --- people -------------------------------------------------------------------------
    def author(self, aid: int, chinese_home: bool) -> dict:
        h = ((aid * 2654435761) ^ self.salt) & 0xFFFFFFFF
        h ^= h >> 13
        chinese = chinese_home or (h % 1000) < self.mix.chinese_names_in_nl * 1000
        given, family = self.cn_names if chinese else self.nl_names
        name = f"{given[(h >> 4) % len(given)]} {family[(h >> 12) % len(family)]}"
        orcid = _orcid(aid) if (h >> 20) % 10 < 4 else None
        return {"id": f"{OA}A{aid}", "display_name": name, "orcid": orcid, "is_synthetic": True}

    def pool_author(self, inst: _Inst, taken: set) -> dict:
        pool = self.pools[inst.index]
        aid = AUTHOR_BASE + inst.index * STRIDE + int(pool * self.rng.random()
                                                       ** self.mix.author_reuse)
        while aid in taken:
            aid += 1
        taken.add(aid)
        return self.author(aid, inst.country == "CN")

    def raw_for(self, inst: _Inst, domain: int) -> str:
        rnd = self.rng.random
        if inst.raw_nl and rnd() < 0.08:
            return self.rng.choice(inst.raw_nl)
        if inst.raw_former and rnd() < 0.3:
            return self.rng.choice(inst.raw_former)
        return self.rng.choice(inst.raw[domain])

    def ship(self, author: dict, insts: list, raws: list) -> dict:
        """One authorship; ``insts`` may be empty (a raw string OpenAlex did not resolve)."""
        if len(insts) == 1 and len(raws) == 1:
            inst = insts[0]
            institutions, countries = [inst.obj], inst.countries
            affs = [{"raw_affiliation_string": raws[0], "institution_ids": inst.ids}]
        else:
            institutions = [i.obj for i in insts]
            countries = sorted({i.obj["country_code"] for i in insts} - {None})
            affs = [{"raw_affiliation_string": r, "institution_ids": i.ids if i else []}
                    for r, i in zip(raws, insts + [None] * (len(raws) - len(insts)), strict=True)]
        name = author["display_name"]
        if self.rng.random() < 0.12:
            given, _, family = name.partition(" ")
            name = f"{given[0]}. {family}"
        return {"author_position": "middle", "author": author, "institutions": institutions,
                "countries": countries, "is_corresponding": False, "raw_author_name": name,
                "raw_affiliation_strings": raws, "affiliations": affs}

    # --- works --------------------------------------------------------------------------
    def pick(self, group: str, domain: int) -> _Inst:
        items, cum = self.ref.pools[(group, domain)]
        return items[bisect(cum, self.rng.random() * cum[-1]) if len(items) > 1 else 0]

    def topic(self) -> tuple[int, dict]:
        r = self.ref
        domain, _, t = r.topics[bisect(r.topic_cum, self.rng.random() * r.topic_cum[-1])]
        return domain, t

    def work(self, i: int, year: int, topic: dict, ships: list, kind: str) -> dict:
        """Assemble a work object around its authorships (fills positions and counts)."""
        rnd, n = self.rng.random, len(ships)
        for k, s in enumerate(ships):
            s["author_position"] = "first" if k == 0 else ("last" if k == n - 1 else "middle")
        corr = ships[-1] if n > 1 and rnd() < 0.6 else ships[0]
        corr["is_corresponding"] = True
        inst_ids, countries = set(), set()
        for s in ships:
            for inst in s["institutions"]:
                inst_ids.add(inst["id"])
            countries.update(s["countries"])
        wid = f"{OA}W{WORK_BASE + i}"
        doi = f"https://doi.org/10.5555/ties-demo.{i}"
        domain_id = int(topic["domain"]["id"].rsplit("/", 1)[1])
        titles = self.ref.titles
        title = (f"{self.rng.choice(titles['openings'])} {self.rng.choice(titles['methods'])} "
                 f"for {topic['display_name'].lower()}")
        date = f"{year}-{1 + int(rnd() * 12):02d}-{1 + int(rnd() * 28):02d}"
        updated = UPDATED_DATES[i * len(UPDATED_DATES) // max(self.n, 1)]
        location = {"is_oa": False, "landing_page_url": doi, "pdf_url": None,
                    "source": self._venue(domain_id, i), "license": None,
                    "license_id": None, "version": "publishedVersion", "is_accepted": True,
                    "is_published": True}
        cited = int(math.exp(rnd() * 5)) - 1
        primary = dict(topic, score=round(0.9 + rnd() * 0.0999, 4))
        self.counts[kind] += 1
        return {
            "id": wid, "doi": doi, "title": title, "display_name": title,
            "publication_year": year, "publication_date": date,
            "ids": {"openalex": wid, "doi": doi}, "language": "en",
            "primary_location": location, "type": "article", "type_crossref": "journal-article",
            "indexed_in": ["crossref"],
            "open_access": {"is_oa": False, "oa_status": "closed", "oa_url": None,
                            "any_repository_has_fulltext": False},
            "authorships": ships, "institution_assertions": [],
            "countries_distinct_count": len(countries),
            "institutions_distinct_count": len(inst_ids),
            "corresponding_author_ids": [corr["author"]["id"]],
            "corresponding_institution_ids": [x["id"] for x in corr["institutions"]],
            "apc_list": None, "apc_paid": None, "fwci": round(rnd() * 3, 3),
            "has_fulltext": False, "fulltext_origin": None, "cited_by_count": cited,
            "citation_normalized_percentile": None, "cited_by_percentile_year": None,
            "biblio": {"volume": str(year - 2000), "issue": None,
                       "first_page": str(1 + i % 900), "last_page": str(12 + i % 900)},
            "is_retracted": False, "is_paratext": False, "is_authors_truncated": False,
            "primary_topic": primary, "topics": [primary], "keywords": [], "concepts": [],
            "mesh": [], "locations_count": 1, "locations": [location],
            "best_oa_location": None, "sustainable_development_goals": [], "grants": [],
            "datasets": [], "versions": [], "referenced_works_count": 0,
            "referenced_works": [], "related_works": [], "abstract_inverted_index": None,
            "abstract_inverted_index_v3": None,
            "cited_by_api_url": f"https://api.openalex.org/works?filter=cites:W{WORK_BASE + i}",
            "counts_by_year": [],
            "updated_date": f"{updated}T{i % 24:02d}:{i * 7 % 60:02d}:{i * 13 % 60:02d}."
                            f"{i * 7919 % 1_000_000:06d}",
            "created_date": date, "is_synthetic": True,
        }

    def _venue(self, domain: int, i: int) -> dict | None:
        venues = self.ref.venues.get(domain)
        return venues[i % len(venues)] if venues else None

    def random_work(self, i: int) -> dict:
        rng, mix = self.rng, self.mix
        rnd = rng.random
        year = mix.year_min + int(rnd() * (mix.year_max - mix.year_min + 1))
        domain, topic = self.topic()
        u = rnd()
        both = mix.china_share + mix.nl_share - 1.0
        kind = "nl_cn" if u < both else ("nl_only" if u < mix.nl_share else "cn_only")
        n = min(mix.max_authors, max(1, round(rng.lognormvariate(self.mu, 0.8))))
        if kind == "nl_cn":
            n = max(n, 2)
        n_nl = n if kind == "nl_only" else 0
        if kind == "nl_cn":
            n_nl = min(n - 1, max(1, round(n * (0.25 + 0.5 * rnd()))))
        n_cn = n - n_nl
        teams = []
        if n_nl:
            k = min(n_nl, 1 + (rnd() < 0.35) + (rnd() < 0.1))
            teams.append((n_nl, self.distinct("nl", domain, k, [])))
        pla = kind != "nl_only" and rnd() < mix.cmc_share
        if n_cn:
            k = min(n_cn, 1 + (rnd() < 0.4) + (rnd() < 0.15))
            first = [self.pick("pla", domain)] if pla else []
            cn = self.distinct("cn", domain, k, first,
                               seven_sons=mix.seven_sons_share if domain == 3 else 0.0)
            teams.append((n_cn, cn))
        if rnd() < 0.5:
            teams.reverse()
        ships, taken = [], set()
        for count, insts in teams:
            for j in range(count):
                inst = insts[j % len(insts)]
                author = self.pool_author(inst, taken)
                if len(insts) > 1 and rnd() < 0.03:  # same-country dual affiliation
                    other = insts[(j + 1) % len(insts)]
                    ships.append(self.ship(author, [inst, other],
                                           [self.raw_for(inst, domain),
                                            self.raw_for(other, domain)]))
                else:
                    ships.append(self.ship(author, [inst], [self.raw_for(inst, domain)]))
        return self.work(i, year, topic, ships, kind)

    def distinct(self, group: str, domain: int, total: int, chosen: list,
                 seven_sons: float = 0.0) -> list:
        """Fill ``chosen`` up to ``total`` different institutions of ``group``."""
        for _ in range(20):
            if len(chosen) >= total:
                break
            g = "seven_sons" if seven_sons and self.rng.random() < seven_sons else group
            inst = self.pick(g, domain)
            if inst not in chosen:
                chosen.append(inst)
        return chosen or [self.pick(group, domain)]


def _variant(inst: _Inst, **obj: object) -> _Inst:
    """The same institution with some fields of its OpenAlex object changed."""
    countries = [] if obj.get("country_code", inst.country) is None else inst.countries
    return replace(inst, obj={**inst.obj, **obj}, countries=countries)


def _planted_set(b: _Builder, s: int, positions: list) -> tuple[dict, list]:
    """The ``PLANTED`` works of planted set ``s`` with their known ties.

    ``positions[j]`` is the stream position of scenario work ``j``, or None when the
    corpus is too small to hold it (the work is then built but not emitted, so the random
    state does not depend on ``n``). Returns ({position: (work, scenario)}, composites)
    where composites are (kind, truth entry) pairs whose works are all emitted.
    """
    ins, rng = b.ref.insts, b.rng
    topics = {t["id"].rsplit("/", 1)[1]: t for _, _, t in b.ref.topics}
    emitted: dict = {}
    composites: list = []
    serial = [PLANTED_AUTHOR_BASE + s * 100]

    def person(chinese: bool) -> dict:
        serial[0] += 1
        return b.author(serial[0], chinese)

    def team(inst: _Inst, count: int, domain: int, taken: set) -> list:
        return [b.ship(b.pool_author(inst, taken), [inst], [b.raw_for(inst, domain)])
                for _ in range(count)]

    def emit(j: int, year: int, topic: str, ships: list, kind: str, scenario: str) -> str | None:
        pos = positions[j]
        work = b.work(pos if pos is not None else 0, year, topics[topic], ships, kind)
        if pos is None:
            b.counts[kind] -= 1
            return None
        emitted[pos] = (work, scenario)
        return work["id"]

    def aid(ship: dict) -> str:
        return ship["author"]["id"]

    tud, nudt = ins["tudelft"], ins["nudt"]
    year = 2014 + (s * 3) % 9
    # 0. direct: TU Delft (department in the raw string) and NUDT College of Computer
    ships = [b.ship(person(False), [tud], [tud.raw[3][0]]), *team(tud, 1, 3, set()),
             b.ship(person(True), [nudt], [nudt.raw[3][0]]), *team(ins["zju"], 1, 3, set())]
    emit(0, year, "T99008", ships, "nl_cn", "direct_tudelft_nudt")
    # 1. direct, former name in the raw string (Third Military Medical University)
    amu, nl_med = ins["amu"], b.pick("nl", 4)
    ships = [*team(nl_med, 2, 4, set()), b.ship(person(True), [amu], [amu.raw_former[0]]),
             *team(amu, 1, 4, set())]
    emit(1, 2012 + s % 10, "T12379", ships, "nl_cn", "direct_former_name")
    # 2. direct, PLA institution with a null country_code
    nue = _variant(ins["nue"], country_code=None)
    nl_tech = ins["tue"] if s % 2 == 0 else ins["utwente"]
    ships = [*team(nl_tech, 2, 3, set()), *team(nue, 2, 3, set())]
    emit(2, 2015 + s % 8, "T99007", ships, "nl_cn", "direct_null_country")
    # 3-4. dual affiliation: one author with a Dutch institution and NUDT (then another PLA)
    for j, pla, topic in ((3, nudt, "T99010"),
                          (4, rng.choice([ins["afeu"], ins["nue"], ins["aeu"]]), "T99002")):
        home = b.pick("nl", 3)
        raws = [b.raw_for(home, 3), pla.raw[3][1 if pla is nudt else 0]]
        ships = [*team(home, 1, 3, set()), b.ship(person(True), [home, pla], raws),
                 *team(home, 1, 3, set())]
        emit(j, 2016 + (s + j) % 9, topic, ships, "nl_cn", "dual_affiliation")
    # 5-7. career: a real mover, NUDT on two earlier works, a Dutch institution on a later
    # one, corroborated beyond the author id (the ORCID on both periods, a co-author from
    # the NUDT years on the Dutch work, or both: one variant per set, so each signal is tested)
    variant = ("orcid_and_coauthor", "orcid", "coauthor")[s % 3]
    mover, y0, dest = person(True), 2011 + s % 4, b.pick("nl", 3)
    mover_number = int(mover["id"].removeprefix(OA + "A"))
    mover["orcid"] = _orcid(mover_number) if "orcid" in variant else None
    tsinghua = ins["tsinghua"]
    colleague = b.pool_author(tsinghua, set())  # a civilian co-author of the NUDT years
    early = [emit(5, y0, "T99003", [b.ship(mover, [nudt], [nudt.raw[3][0]]),
                                    *team(nudt, 1, 3, set()), *team(ins["hit"], 1, 3, set())],
                  "cn_only", "career"),
             emit(6, y0 + 2, "T99003", [b.ship(colleague, [tsinghua], [b.raw_for(tsinghua, 3)]),
                                        b.ship(mover, [nudt], [nudt.raw[3][5]])],
                  "cn_only", "career")]
    later = [*team(dest, 2, 3, set()), b.ship(mover, [dest], [b.raw_for(dest, 3)])]
    if "coauthor" in variant:
        later.append(b.ship(colleague, [tsinghua], [b.raw_for(tsinghua, 3)]))
    late = emit(7, y0 + 6, "T99003", later, "nl_cn" if "coauthor" in variant else "nl_only", "career")
    if None not in (*early, late):
        composites.append(("career", {
            "work_ids": [*early, late], "author_ids": [mover["id"]],
            "pla_work_ids": early, "dutch_work_ids": [late], "dutch_institution_id": dest.id,
            "pla_institution_id": nudt.id, "years": {"pla": [y0, y0 + 2], "dutch": [y0 + 6]},
            "signals": {"same_orcid": "orcid" in variant, "shared_coauthor": "coauthor" in variant},
            "expected_strength": "supported", "scenario": "career"}))
    # 8-9. indirect: Dutch author - civilian Chinese author - NUDT author, over two works
    q, w = b.pick("nl", 3), b.pick("cn", 3)
    a_nl, a_cn = b.ship(person(False), [q], [b.raw_for(q, 3)]), person(True)
    w1 = emit(8, 2019, "T99001", [a_nl, *team(q, 1, 3, set()),
                                  b.ship(a_cn, [w], [b.raw_for(w, 3)])], "nl_cn", "indirect")
    a_pla = b.ship(person(True), [nudt], [nudt.raw[3][4]])
    w2 = emit(9, 2017, "T99001", [b.ship(a_cn, [w], [b.raw_for(w, 3)]), a_pla,
                                  *team(nudt, 1, 3, set())], "cn_only", "indirect")
    if w1 and w2:
        composites.append(("indirect", {
            "work_ids": [w1, w2], "author_ids": [aid(a_nl), a_cn["id"], aid(a_pla)],
            "dutch_institution_id": q.id, "via_institution_id": w.id,
            "pla_institution_id": nudt.id, "scenario": "indirect"}))
    # 10. raw-string-only PLA unit (no institution), on a Dutch-Chinese work
    r, unit = b.pick("nl", 3), rng.choice(b.ref.unresolved["pla"])
    u = b.ship(person(True), [], [unit])
    w10 = emit(10, 2018 + s % 7, "T99004",
               [*team(r, 2, 3, set()), *team(ins["whu"], 1, 3, set()), u], "nl_cn",
               "raw_only_pla")
    if w10:
        composites.append(("unresolved", {
            "work_ids": [w10], "author_ids": [aid(u)], "raw_affiliation": unit, "side": "pla",
            "dutch_institution_id": r.id, "pla_institution_id": None,
            "scenario": "raw_only_pla"}))
    # 11. raw-string-only Dutch university, with NUDT and a university typed "funder"
    raw_nl = b.ref.unresolved["nl"][s % len(b.ref.unresolved["nl"])]
    v = b.ship(person(False), [], [raw_nl])
    funder = _variant(ins["tsinghua"], type="funder")
    w11 = emit(11, 2020 + s % 5, "T99005",
               [v, *team(funder, 1, 3, set()), *team(nudt, 1, 3, set())], "nl_cn",
               "raw_only_nl")
    if w11:
        composites.append(("unresolved", {
            "work_ids": [w11], "author_ids": [aid(v)], "raw_affiliation": raw_nl,
            "side": "nl", "dutch_institution_id": None,
            "intended_institution_id": (tud if "Delft" in raw_nl else ins["tue"]).id,
            "pla_institution_id": nudt.id, "scenario": "raw_only_nl"}))
    # 12-13. merged identity: two people with the same (common Chinese) name under one
    # author id, as OpenAlex's disambiguation merges them: one at NUDT, one later at a Dutch
    # university, the same topic (another one in every third set), no shared co-authors, no
    # ORCID or a different one on each period. The data shows a career tie; it is false, and must come out weak.
    given, family = b.cn_names
    name = f"{given[s % len(given)]} {family[0]}"
    merged = {**person(True), "display_name": name, "orcid": None}
    orcids = (None, None) if s % 2 == 0 else (_orcid(serial[0] * 10 + 1), _orcid(serial[0] * 10 + 2))
    at_nudt, at_home = ({**merged, "orcid": o} for o in orcids)
    ym, home = 2012 + s % 5, b.pick("nl", 3)
    w12 = emit(12, ym, "T99003", [b.ship(at_nudt, [nudt], [nudt.raw[3][0]]), *team(nudt, 2, 3, set())],
               "cn_only", "merged_identity")
    w13 = emit(13, ym + 5, "T99003" if s % 3 != 2 else "T99001",
               [*team(home, 2, 3, set()), b.ship(at_home, [home], [b.raw_for(home, 3)])],
               "nl_only", "merged_identity")
    if w12 and w13:
        composites.append(("merged_identity", {
            "work_ids": [w12, w13], "author_ids": [merged["id"]], "name": name,
            "pla_work_ids": [w12], "dutch_work_ids": [w13], "dutch_institution_id": home.id,
            "pla_institution_id": nudt.id, "years": {"pla": [ym], "dutch": [ym + 5]},
            "orcids": {"pla": orcids[0], "dutch": orcids[1]}, "expected_strength": "weak",
            "scenario": "merged_identity"}))
    return emitted, composites


def record_ties(b: _Builder, work: dict, scenario: str | None) -> None:
    """Add the direct and dual-affiliation ties of one work to ``b.truth``."""
    group_of = b.ref.group_of
    nl: dict[str, list] = {}
    pla: dict[str, list] = {}
    for s in work["authorships"]:
        aid = s["author"]["id"]
        a_nl = [x["id"] for x in s["institutions"] if group_of.get(x["id"]) == "nl"]
        a_pla = [x["id"] for x in s["institutions"] if group_of.get(x["id"]) == "pla"]
        for x in a_nl:
            nl.setdefault(x, []).append(aid)
        for y in a_pla:
            pla.setdefault(y, []).append(aid)
            for x in a_nl:
                b.truth["dual_affiliation"].append({
                    "work_ids": [work["id"]], "author_ids": [aid], "dutch_institution_id": x,
                    "pla_institution_id": y, "year": work["publication_year"],
                    "scenario": scenario})
    for x, xa in nl.items():
        for y, ya in pla.items():
            if any(a != c for a in xa for c in ya):
                b.truth["direct"].append({
                    "work_ids": [work["id"]], "author_ids": xa + [c for c in ya if c not in xa],
                    "dutch_author_ids": xa, "pla_author_ids": ya, "dutch_institution_id": x,
                    "pla_institution_id": y, "year": work["publication_year"],
                    "scenario": scenario})


def _stream(n: int, seed: int, mix: Mix, builder_out: list | None = None) -> Iterator[dict]:
    if n < 0:
        raise InputError(f"--works must be 0 or more, got {n}")
    b = _Builder(n, seed, mix, load_reference())
    if builder_out is not None:
        builder_out.append(b)
    group_of = b.ref.group_of
    for set_index, start in enumerate(range(0, n, BLOCK)):
        length = min(BLOCK, n - start)
        k = min(PLANTED, length)
        positions = [start + j * (length // k) for j in range(k)]
        planted, composites = _planted_set(b, set_index, positions + [None] * (PLANTED - k))
        for i in range(start, start + length):
            entry = planted.get(i)
            if entry is not None:
                work, scenario = entry
                b.counts["planted"] += 1
            else:
                work, scenario = b.random_work(i), None
            if any(group_of.get(x["id"]) == "pla"
                   for s in work["authorships"] for x in s["institutions"]):
                b.counts["with_pla"] += 1
                record_ties(b, work, scenario)
            yield work
        for kind, entry in composites:
            b.truth[kind].append(entry)


def generate_works(n: int, seed: int = 42, **mix: object) -> Iterator[dict]:
    """Yield ``n`` synthetic OpenAlex work objects, deterministically for ``seed``.

    Parameters
    ----------
    n : number of works.
    seed : random seed; the same seed and mix give the same works, in the same order.
    **mix : fields of :class:`Mix` (``china_share``, ``cmc_share``, ``mean_authors``...).

    Returns
    -------
    An iterator of dicts shaped like OpenAlex ``/works`` results. Sub-objects
    (institutions, venues) are shared between works for speed: treat them as read-only.

    Raises
    ------
    InputError : a negative ``n`` or a bad mix option.

    Examples
    --------
    >>> works = list(generate_works(3, seed=1))
    >>> works[0]["id"], works[0]["is_synthetic"]
    ('https://openalex.org/W9000000000', True)
    """
    return _stream(n, seed, Mix.from_kwargs(**mix))


@dataclass
class CorpusSummary:
    """What :func:`write_corpus` wrote: counts, files and the planted ties."""

    out: Path
    format: str
    works: int
    seed: int
    files: list[Path] = field(default_factory=list)
    bytes: int = 0
    ties: dict[str, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    truth: Path | None = None

    def as_dict(self) -> dict:
        d = asdict(self)
        d["out"] = str(self.out)
        d["truth"] = str(self.truth) if self.truth else None
        d["files"] = [str(p.relative_to(self.out)) for p in self.files]
        return d


def _generated_files(out: Path) -> list[Path]:
    """Files a previous run may have left in ``out`` (only names this module writes)."""
    if not out.is_dir():
        return []
    found = [*out.glob("works/updated_date=*/part_*.gz"), *out.glob("page_*.json")]
    found += [p for p in (out / "works" / "manifest", out / "works.jsonl", out / "truth.json")
              if p.is_file()]
    return sorted(found)


def write_corpus(out: Path, n: int, seed: int = 42, fmt: str = "snapshot",
                 progress: bool = False, overwrite: bool = False,
                 **mix: object) -> CorpusSummary:
    """Write ``n`` synthetic works under ``out`` in one of :data:`FORMATS`, plus truth.json.

    ``snapshot``: ``works/updated_date=YYYY-MM-DD/part_NNN.gz`` (gzip JSON Lines,
    ``PART_SIZE`` works per part) and a Redshift-style ``works/manifest``; ``pages``: list
    pages ``page_0001.json`` of ``PER_PAGE`` results; ``jsonl``: one ``works.jsonl``.
    Output is byte-identical for the same arguments. With ``overwrite``, files a previous
    run wrote there are removed first (so no stale part survives); otherwise their
    presence is an error.

    Raises
    ------
    InputError : unknown format, negative ``n``, bad mix option, or ``out`` already holds
        a corpus and ``overwrite`` is false.

    Examples
    --------
    >>> import tempfile
    >>> s = write_corpus(Path(tempfile.mkdtemp()), 10, fmt="jsonl")
    >>> s.works, s.ties["direct"] >= 1
    (10, True)
    """
    if fmt not in FORMATS:
        raise InputError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    out = Path(out)
    old = _generated_files(out)
    if old and not overwrite:
        raise InputError(f"{out}: already holds a generated corpus ({old[0].name}); "
                         "use --force to replace it")
    for path in old:
        path.unlink()
    for folder in sorted(out.glob("works/updated_date=*")) + [out / "works"]:
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    holder: list[_Builder] = []
    works = _stream(n, seed, Mix.from_kwargs(**mix), holder)
    summary = CorpusSummary(out=out, format=fmt, works=n, seed=seed)
    write_stream(summary, works, n, progress=progress and sys.stderr is not None)
    b = holder[0] if holder else _Builder(0, seed, Mix(), load_reference())
    summary.ties = {k: len(v) for k, v in b.truth.items()}
    summary.counts = dict(b.counts)
    summary.truth = summary.out / "truth.json"
    truth = {
        "generator": "ties generate", "is_synthetic": True, "seed": seed, "works": n,
        "mix": asdict(Mix.from_kwargs(**mix)),
        "definitions": {
            "direct": "one work lists a Dutch and a PLA institution on different authorships",
            "dual_affiliation": "one authorship lists a Dutch and a PLA institution",
            "career": "one author: PLA institution on earlier works, Dutch on later works",
            "indirect": "Dutch author -> co-author (civilian Chinese) -> PLA author, "
                        "over two works",
            "unresolved": "a raw affiliation string names a PLA unit or Dutch university "
                          "but OpenAlex gave no institution",
            "merged_identity": "two people with one name under one author id (a disambiguation "
                               "merge): NUDT on an earlier work, Dutch on a later one, no shared "
                               "co-authors, no ORCID or a different one per period; a false "
                               "career tie, expected strength weak",
        },
        "complete": {"direct": True, "dual_affiliation": True, "career": True,
                     "indirect": False, "unresolved": True, "merged_identity": True},
        "counts": summary.counts, "ties": b.truth,
    }
    summary.truth.write_bytes(orjson.dumps(truth, option=orjson.OPT_INDENT_2) + b"\n")
    return summary



def _gzip_open(path: Path) -> gzip.GzipFile:
    """A gzip writer with a fixed header (mtime 0, no name) so output is byte-identical."""
    return gzip.GzipFile(filename="", mode="wb", fileobj=open(path, "wb"), mtime=0,
                         compresslevel=3)


def _close(gz: gzip.GzipFile) -> None:
    fileobj = gz.fileobj
    gz.close()
    if fileobj is not None:
        fileobj.close()


def write_stream(summary: CorpusSummary, works: Iterator[dict], n: int,
                 progress: bool = False) -> None:
    """Serialise ``works`` into ``summary.out`` in ``summary.format``; fills files/bytes."""
    from tqdm import tqdm

    out, dumps = summary.out, orjson.dumps
    out.mkdir(parents=True, exist_ok=True)
    bar = tqdm(total=n, unit="works", file=sys.stderr, disable=not progress, mininterval=0.5,
               desc="generate")
    if summary.format == "jsonl":
        path = out / "works.jsonl"
        with open(path, "wb") as fh:
            buf = []
            for k, w in enumerate(works, 1):
                buf.append(dumps(w))
                if k % 1000 == 0:
                    fh.write(b"\n".join(buf) + b"\n")
                    buf.clear()
                    bar.update(1000)
            if buf:
                fh.write(b"\n".join(buf) + b"\n")
        summary.files.append(path)
    elif summary.format == "pages":
        page: list = []
        number = 0

        def flush(last: bool) -> None:
            nonlocal number
            number += 1
            body = {"meta": {"count": n, "db_response_time_ms": 12, "page": number,
                             "per_page": PER_PAGE, "next_cursor": None, "groups_count": None},
                    "results": page, "group_by": []}
            path = out / f"page_{number:04d}.json"
            path.write_bytes(dumps(body))
            summary.files.append(path)
            bar.update(len(page))

        for w in works:
            page.append(w)
            if len(page) == PER_PAGE:
                flush(False)
                page = []
        if page or number == 0:
            flush(True)
    else:
        _write_snapshot(summary, works, bar)
    bar.close()
    summary.bytes = sum(p.stat().st_size for p in summary.files)


def _write_snapshot(summary: CorpusSummary, works: Iterator[dict], bar: object) -> None:
    """OpenAlex snapshot layout: partitions by updated_date, parts, a Redshift manifest."""
    root = summary.out / "works"
    root.mkdir(parents=True, exist_ok=True)
    entries: list = []
    gz, path, date, count, part, buf = None, None, None, 0, 0, []

    def finish() -> None:
        if gz is None:
            return
        if buf:
            gz.write(b"".join(buf))
            buf.clear()
        _close(gz)
        rel = path.relative_to(summary.out)
        entries.append({"url": f"s3://openalex/data/{rel.as_posix()}",
                        "meta": {"content_length": path.stat().st_size, "record_count": count}})
        summary.files.append(path)

    for w in works:
        day = w["updated_date"][:10]
        if gz is None or day != date or count == PART_SIZE:
            finish()
            part = 0 if day != date else part + 1
            date, count = day, 0
            folder = root / f"updated_date={day}"
            folder.mkdir(exist_ok=True)
            path = folder / f"part_{part:03d}.gz"
            gz = _gzip_open(path)
        buf.append(orjson.dumps(w) + b"\n")
        count += 1
        if len(buf) == 1000:
            gz.write(b"".join(buf))
            buf.clear()
            bar.update(1000)  # type: ignore[attr-defined]
    finish()
    manifest = {"entries": entries, "meta": {
        "content_length": sum(e["meta"]["content_length"] for e in entries),
        "record_count": sum(e["meta"]["record_count"] for e in entries)}}
    (root / "manifest").write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2) + b"\n")
    summary.files.append(root / "manifest")
