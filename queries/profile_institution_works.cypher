// The works with an author affiliated with one institution, most recent first. The works
// come from the institution's affiliation edges (each names its work), not from every work
// of every author who ever listed the institution.
// param institution: string = ""
MATCH (:Author)-[r:AFFILIATED_WITH]->(i:Institution)
WHERE i.id = $institution
WITH DISTINCT r.work_id AS wid
MATCH (w:Work)
//@neo4j USING INDEX w:Work(id)
WHERE w.id = wid
RETURN w.id AS work_id, w.doi AS doi, w.title AS title, w.year AS year, w.field AS field
ORDER BY year DESC, work_id
LIMIT 500
