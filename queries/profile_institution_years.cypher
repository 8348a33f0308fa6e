// Authors and works affiliated with one institution per year.
// param institution: string = ""
MATCH (a:Author)-[r:AFFILIATED_WITH]->(i:Institution)
WHERE i.id = $institution
RETURN r.year AS year, count(DISTINCT a.id) AS authors, count(DISTINCT r.work_id) AS works
ORDER BY year
