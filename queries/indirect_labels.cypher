// The authors an indirect tie cannot pass through, one entry per distinct label: those with an
// affiliation in the country (`source` when it also matches the institution and department
// asked for) or with any watchlist match (`entity_id` when that entity is on the target side:
// a category, or one entity and its subtree), in the year window. Everyone else is an
// intermediary. Unordered (the caller sorts).
// param country: string = "NL"
// param institution: string = ""
// param department: string = ""
// param category: string = "cmc"
// param entity: string = ""
// param since: int = 0
// param until: int = 9999
MATCH (a:Author)-[r:AFFILIATED_WITH]->(i:Institution)
WHERE coalesce(r.year, 0) >= $since AND coalesce(r.year, 0) <= $until
OPTIONAL MATCH (i)-[:MATCHES]->(e:Entity)
WITH a, i, r, e
WHERE i.country = $country OR e IS NOT NULL
WITH DISTINCT a.id AS author_id,
     coalesce(i.country = $country AND ($institution = '' OR i.id = $institution)
              AND ($department = '' OR r.department_id = $department), false) AS source,
     CASE WHEN e IS NOT NULL
               AND (($category = 'cmc' AND e.under_cmc) OR ($category <> 'cmc' AND ($category = '' OR e.category = $category)))
               AND ($entity = '' OR $entity IN e.chain_ids)
          THEN e.id ELSE '' END AS entity_id
// one row of parallel lists, one entry per label (none is null): see indirect_authorships
RETURN collect(author_id) AS author_ids, collect(source) AS sources, collect(entity_id) AS entity_ids
