// The denominator of exposure shares, counted in the store: works a Dutch (source) unit
// co-published with any Chinese (or watchlist-matched) institution, per unit of $by.
// Same works as china_copublications (which returns them one row per work and unit: 1.2
// million rows at 1,000,000 works); here only one row per unit leaves the store.
// param by: string = "sector"
// param country: string = "NL"
// param institution: string = ""
// param partner: string = "CN"
// param since: int = 0
// param until: int = 9999
MATCH (ci:Institution)<-[a2:AFFILIATED_WITH]-(:Author)
WHERE ci.country = $partner OR EXISTS { MATCH (ci)-[:MATCHES]->(:Entity) }
WITH DISTINCT a2.work_id AS wid
MATCH (w:Work)
//@neo4j USING INDEX w:Work(id)
WHERE w.id = wid
  AND coalesce(w.year, 0) >= $since AND coalesce(w.year, 0) <= $until
MATCH (:Author)-[a1:AFFILIATED_WITH]->(ni:Institution)
//@neo4j USING INDEX a1:AFFILIATED_WITH(work_id)
WHERE a1.work_id = w.id AND ni.country = $country
  AND ($institution = '' OR ni.id = $institution)
WITH w,
//@include exposure_units
       , CASE WHEN $by = 'year' THEN w.year ELSE 0 END AS year
RETURN sector, institution_id, institution, department_id, department, field, subfield, year,
       count(DISTINCT w.id) AS china_works
ORDER BY sector, institution_id, department_id, field, subfield, year
