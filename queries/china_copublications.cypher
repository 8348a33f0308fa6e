// Works that a Dutch (source) unit co-published with any Chinese institution: the denominator
// of exposure shares. One row per work and Dutch institution (and department). The partner
// side comes first (the works with a Chinese or watchlist-matched affiliation), and the Dutch
// side is reached through the affiliations recorded on each work (by work id: expanding the
// works' authors and all their affiliations was 9 million rows at 100,000 works), so the same
// author may be on both sides (a dual affiliation) on either store. A watchlist-matched
// partner counts even where OpenAlex gave it no country code.
// Rows are made distinct on node references and the department only, and the other
// columns read afterwards: at 1,000,000 works (1.2 million rows) distinct and sort over
// all nine columns needed more than 2 GB of Neo4j transaction memory.
// param country: string = "NL"
// param partner: string = "CN"
// param since: int = 0
// param until: int = 9999
MATCH (ci:Institution)<-[a2:AFFILIATED_WITH]-(:Author)
WHERE ci.country = $partner OR EXISTS { MATCH (ci)-[:MATCHES]->(:Entity) }
WITH DISTINCT a2.work_id AS wid
MATCH (w:Work)
//@neo4j USING INDEX w:Work(id)
WHERE w.id = wid
  AND coalesce(w.year, 0) >= $since AND coalesce(w.year, 0) <= $until
MATCH (:Author)-[a1:AFFILIATED_WITH]->(ni:Institution)
//@neo4j USING INDEX a1:AFFILIATED_WITH(work_id)
WHERE a1.work_id = w.id AND ni.country = $country
WITH DISTINCT w, ni, a1.department_id AS department_id, a1.department AS department
RETURN w.id AS work_id, w.year AS year, w.field AS field, w.subfield AS subfield,
       ni.id AS institution_id, ni.name AS institution, ni.sector AS sector,
       department_id, department
ORDER BY work_id, institution_id, department_id
