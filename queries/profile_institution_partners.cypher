// Institutions that co-published with one institution, with shared works and years.
// Two MATCH clauses on purpose: the partner may be listed by the same author (a dual
// affiliation), and Neo4j only lets one pattern reuse an AUTHORED relationship across clauses.
// param institution: string = ""
MATCH (i:Institution)<-[r1:AFFILIATED_WITH]-(a:Author)-[:AUTHORED]->(w:Work)
WHERE i.id = $institution AND r1.work_id = w.id
MATCH (w)<-[:AUTHORED]-(b:Author)-[r2:AFFILIATED_WITH]->(j:Institution)
WHERE r2.work_id = w.id AND j.id <> i.id
RETURN j.id AS institution_id, j.name AS institution, j.country AS country, count(DISTINCT w.id) AS works,
       min(w.year) AS first_year, max(w.year) AS last_year
ORDER BY works DESC, institution_id
LIMIT 200
