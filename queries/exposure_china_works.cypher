// The denominator of exposure shares by field or technology area (see exposure_china):
// the co-published works are made distinct first, and each is looked up once for its field
// and subfield (not once per Dutch affiliation, as before).
// param by: string = "field"
// param country: string = "NL"
// param institution: string = ""
// param partner: string = "CN"
// param since: int = 0
// param until: int = 9999
MATCH (ci:Institution)<-[a2:AFFILIATED_WITH]-(:Author)
WHERE ci.country = $partner OR EXISTS { MATCH (ci)-[:MATCHES]->(:Entity) }
WITH DISTINCT a2.work_id AS wid
MATCH (:Author)-[a1:AFFILIATED_WITH]->(ni:Institution)
//@neo4j USING INDEX a1:AFFILIATED_WITH(work_id)
WHERE a1.work_id = wid AND ni.country = $country
  AND ($institution = '' OR ni.id = $institution)
  AND coalesce(a1.year, 0) >= $since AND coalesce(a1.year, 0) <= $until
WITH DISTINCT wid
MATCH (w:Work)
//@neo4j USING INDEX w:Work(id)
WHERE w.id = wid
WITH CASE WHEN $by = 'field' THEN w.field ELSE '' END AS field,
     CASE WHEN $by = 'technology' THEN w.subfield ELSE '' END AS subfield
RETURN '' AS sector, '' AS institution_id, '' AS institution, '' AS department_id, '' AS department,
       field, subfield, 0 AS year, count(*) AS china_works
ORDER BY sector, institution_id, department_id, field, subfield, year
