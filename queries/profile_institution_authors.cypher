// The authors affiliated with one institution, with their works there and years.
// param institution: string = ""
MATCH (a:Author)-[r:AFFILIATED_WITH]->(i:Institution)
WHERE i.id = $institution
RETURN a.id AS author_id, a.name AS author, count(DISTINCT r.work_id) AS works,
       min(r.year) AS first_year, max(r.year) AS last_year
ORDER BY works DESC, author_id
LIMIT 300
