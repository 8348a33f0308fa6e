// Names and institutions (in the year window) of the authors a brokers table reports.
// param authors: string[] = []
// param since: int = 0
// param until: int = 9999
UNWIND $authors AS author_id
MATCH (a:Author {id: author_id})
OPTIONAL MATCH (a)-[r:AFFILIATED_WITH]->(i:Institution)
WHERE coalesce(r.year, 0) >= $since AND coalesce(r.year, 0) <= $until
RETURN DISTINCT a.id AS author_id, a.name AS author, i.id AS institution_id, i.name AS institution
ORDER BY author_id, institution_id
