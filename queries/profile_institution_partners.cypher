// Institutions that co-published with one institution, with shared works and years.
// The institution's works come from its affiliation edges (each names its work), and the
// partners from the affiliations recorded on those works, by work id: going through each
// author's every work instead filled LadybugDB's buffer pool at 100,000 works. The partner
// may be listed by the same author (a dual affiliation).
// param institution: string = ""
MATCH (:Author)-[r1:AFFILIATED_WITH]->(i:Institution)
WHERE i.id = $institution
WITH DISTINCT r1.work_id AS wid
MATCH (w:Work)
//@neo4j USING INDEX w:Work(id)
WHERE w.id = wid
MATCH (:Author)-[r2:AFFILIATED_WITH]->(j:Institution)
//@neo4j USING INDEX r2:AFFILIATED_WITH(work_id)
WHERE r2.work_id = w.id AND j.id <> $institution
RETURN j.id AS institution_id, j.name AS institution, j.country AS country, count(DISTINCT w.id) AS works,
       min(w.year) AS first_year, max(w.year) AS last_year
ORDER BY works DESC, institution_id
LIMIT 200
