// The works with an author affiliated with one institution, most recent first.
// param institution: string = ""
MATCH (a:Author)-[r:AFFILIATED_WITH]->(i:Institution), (a)-[:AUTHORED]->(w:Work)
WHERE i.id = $institution AND r.work_id = w.id
RETURN DISTINCT w.id AS work_id, w.doi AS doi, w.title AS title, w.year AS year, w.field AS field
ORDER BY year DESC, work_id
LIMIT 500
