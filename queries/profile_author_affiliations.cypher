// One author's affiliations per work over time, with the raw strings (career ties show here).
// param author: string = ""
MATCH (a:Author)-[r:AFFILIATED_WITH]->(i:Institution), (a)-[:AUTHORED]->(w:Work)
WHERE a.id = $author AND r.work_id = w.id
OPTIONAL MATCH (i)-[:MATCHES]->(e:Entity)
RETURN a.name AS author, w.id AS work_id, w.doi AS doi, w.title AS title, w.year AS year,
       i.id AS institution_id, i.name AS institution, i.country AS country,
       r.raw_affiliation AS raw_affiliation, e.id AS entity_id, e.name AS entity_name
ORDER BY year, work_id, institution_id, raw_affiliation
