// Works that a Dutch (source) unit co-published with any Chinese institution: the denominator
// of exposure shares. One row per work and Dutch institution (and department). The partner
// may be the same author (a dual affiliation), so the partner side is an EXISTS subquery:
// Neo4j would not reuse the AUTHORED relationship within one pattern, LadybugDB would.
// A watchlist-matched partner counts even where OpenAlex gave it no country code.
// param country: string = "NL"
// param partner: string = "CN"
// param since: int = 0
// param until: int = 9999
MATCH (ni:Institution)<-[a1:AFFILIATED_WITH]-(x:Author)-[:AUTHORED]->(w:Work)
WHERE a1.work_id = w.id AND ni.country = $country
  AND coalesce(w.year, 0) >= $since AND coalesce(w.year, 0) <= $until
  AND EXISTS { MATCH (w)<-[:AUTHORED]-(y:Author)-[a2:AFFILIATED_WITH]->(ci:Institution)
               WHERE a2.work_id = w.id
                 AND (ci.country = $partner OR EXISTS { MATCH (ci)-[:MATCHES]->(:Entity) }) }
RETURN DISTINCT w.id AS work_id, w.year AS year, w.field AS field, w.subfield AS subfield,
       ni.id AS institution_id, ni.name AS institution, ni.sector AS sector,
       a1.department_id AS department_id, a1.department AS department
ORDER BY work_id, institution_id, department_id
