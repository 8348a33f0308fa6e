// Every affiliation in the year window of the two ends of the indirect chains found, in the
// order and with the columns of author_affiliations, so each end's affiliation is chosen as
// there (on the linking work if it has one, else the most recent).
// param authors: string[] = []
// param since: int = 0
// param until: int = 9999
UNWIND $authors AS author_id
MATCH (a:Author {id: author_id})-[r:AFFILIATED_WITH]->(i:Institution)
WHERE coalesce(r.year, 0) >= $since AND coalesce(r.year, 0) <= $until
OPTIONAL MATCH (i)-[m:MATCHES]->(e:Entity)
RETURN a.id AS author_id, r.work_id AS work_id, r.year AS year, r.raw_affiliation AS raw_affiliation,
       r.department_id AS department_id, r.department AS department, r.matched_by AS matched_by,
       i.id AS institution_id, i.name AS institution, i.country AS country, i.sector AS sector,
       e.id AS entity_id, e.name AS entity_name, e.category AS category, e.under_cmc AS under_cmc,
       e.chain_ids AS chain_ids, e.chain_names AS chain, r.alias AS alias
ORDER BY author_id, work_id, institution_id, raw_affiliation
