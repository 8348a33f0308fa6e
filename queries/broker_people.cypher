// Names and institutions (in the year window) of the authors a brokers table reports.
// param authors: string[] = []
// param since: int = 0
// param until: int = 9999
UNWIND $authors AS author_id
MATCH (a:Author {id: author_id})
OPTIONAL MATCH (a)-[r:AFFILIATED_WITH]->(i:Institution)
WHERE coalesce(r.year, 0) >= $since AND coalesce(r.year, 0) <= $until
WITH DISTINCT a.id AS author_id, a.name AS author, i.id AS institution_id, i.name AS institution
// one row holding a list per (author, institution), no order: see broker_ties
RETURN collect([author_id, author, institution_id, institution]) AS people
