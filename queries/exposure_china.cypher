// The denominator of exposure shares, counted in the store: works a Dutch (source) unit
// co-published with any Chinese (or watchlist-matched) institution, per unit of $by, for
// the units an affiliation names (sector, institution, department, year; branch: one row).
// Same works as china_copublications (which returns them one row per work and unit: 1.2
// million rows at 1,000,000 works); here only one row per unit leaves the store.
// The year is the affiliation's own (loaders/normalise.py writes each affiliation with its
// work's year), so no Work is looked up: at 100,000 works that join was a quarter of the
// query. Field and technology units come from the Work: exposure_china_works.
// param by: string = "sector"
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
WITH DISTINCT wid,
     CASE WHEN $by = 'sector' THEN ni.sector ELSE '' END AS sector,
     CASE WHEN $by = 'institution' OR $by = 'department' THEN ni.id ELSE '' END AS institution_id,
     CASE WHEN $by = 'institution' OR $by = 'department' THEN ni.name ELSE '' END AS institution,
     CASE WHEN $by = 'department' THEN a1.department_id ELSE '' END AS department_id,
     CASE WHEN $by = 'department' THEN a1.department ELSE '' END AS department,
     CASE WHEN $by = 'year' THEN a1.year ELSE 0 END AS year
RETURN sector, institution_id, institution, department_id, department, '' AS field, '' AS subfield, year,
       count(*) AS china_works
ORDER BY sector, institution_id, department_id, field, subfield, year
