// Dual affiliation on one work: the same author lists a Dutch (source) institution and a
// watchlist-matched institution on the same work. Written from the watchlist side (small);
// the author's other affiliation is found by the work id (an index seek in Neo4j), not by
// expanding every affiliation of a prolific author.
// param country: string = "NL"
// param institution: string = ""
// param department: string = ""
// param category: string = "cmc"
// param entity: string = ""
// param since: int = 0
// param until: int = 9999
// param field: string = ""
// param include_retracted: bool = false
MATCH (e:Entity)<-[m:MATCHES]-(ci:Institution)<-[a2:AFFILIATED_WITH]-(x:Author)
WHERE (($category = 'cmc' AND e.under_cmc) OR ($category <> 'cmc' AND ($category = '' OR e.category = $category)))
  AND ($entity = '' OR $entity IN e.chain_ids)
//@neo4j MATCH (x1:Author)-[a1:AFFILIATED_WITH]->(ni:Institution)
//@neo4j USING INDEX a1:AFFILIATED_WITH(work_id)
//@neo4j WHERE a1.work_id = a2.work_id AND x1.id = x.id AND ni.id <> ci.id
//@neo4j   AND ($country = '' OR ni.country = $country)
//@neo4j   AND ($institution = '' OR ni.id = $institution)
//@neo4j   AND ($department = '' OR a1.department_id = $department)
// LadybugDB joined every affiliation on the work id (3 s at 100,000 works): it takes each
// watchlist author once, their source-side affiliations, then their watchlist ones again
// (the same rows, one per combination)
//@ladybug WITH DISTINCT x
//@ladybug MATCH (x)-[a1:AFFILIATED_WITH]->(ni:Institution)
//@ladybug WHERE ($country = '' OR ni.country = $country) AND ($institution = '' OR ni.id = $institution)
//@ladybug   AND ($department = '' OR a1.department_id = $department)
//@ladybug MATCH (e:Entity)<-[m:MATCHES]-(ci:Institution)<-[a2:AFFILIATED_WITH]-(x)
//@ladybug WHERE (($category = 'cmc' AND e.under_cmc) OR ($category <> 'cmc' AND ($category = '' OR e.category = $category)))
//@ladybug   AND ($entity = '' OR $entity IN e.chain_ids) AND a1.work_id = a2.work_id AND ni.id <> ci.id
MATCH (w:Work)
//@neo4j USING INDEX w:Work(id)
WHERE w.id = a1.work_id
  AND coalesce(w.year, 0) >= $since AND coalesce(w.year, 0) <= $until
  AND ($field = '' OR w.field = $field)
  AND ($include_retracted OR NOT (coalesce(w.is_retracted, false) OR coalesce(w.is_paratext, false)))
// the name and ORCID as printed, after a horizon Neo4j keeps (DISTINCT: without it, its
// planner folded the optional match into the one above and could not honour the hint)
WITH DISTINCT e, m, ci, a2, x, a1, ni, w
OPTIONAL MATCH (x)-[s1:AUTHORED]->(w)
RETURN 'dual_affiliation' AS kind, w.id AS work_id, w.doi AS doi, w.year AS year, w.title AS title,
       w.field AS field, w.subfield AS subfield,
       x.id AS source_author_id, x.name AS source_author,
       ni.id AS source_institution_id, ni.name AS source_institution, ni.sector AS source_sector,
       a1.department_id AS department_id, a1.department AS department, a1.raw_affiliation AS source_raw, a1.matched_by AS source_matched_by,
       x.id AS target_author_id, x.name AS target_author,
       ci.id AS target_institution_id, ci.name AS target_institution,
       a2.raw_affiliation AS target_raw, a2.matched_by AS target_matched_by,
       e.id AS entity_id, e.name AS entity_name, e.category AS category, e.under_cmc AS under_cmc,
       e.chain_names AS chain, e.chain_ids AS chain_ids, m.rule AS match_rule, m.alias AS match_alias,
       w.year AS target_year, a1.alias AS source_alias, a2.alias AS target_alias,
       coalesce(w.is_retracted, false) AS is_retracted, coalesce(w.is_paratext, false) AS is_paratext,
       coalesce(s1.orcid, '') AS source_orcid, coalesce(s1.orcid, '') AS target_orcid,
       coalesce(s1.raw_author_name, '') AS source_raw_author_name,
       coalesce(s1.raw_author_name, '') AS target_raw_author_name
ORDER BY work_id, source_author_id, source_institution_id, target_institution_id, source_raw, target_raw
