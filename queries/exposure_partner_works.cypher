// exposure_china and exposure_china_works read from PARTNER_WORK, the rows derived at load
// time (loaders/exposure_facts.py): per unit of $by, the works a Dutch unit co-published with
// a Chinese or watchlist-matched institution, without joining every Dutch affiliation at
// query time (tests/test_exposure_facts.py pins the figures to the live queries' on both
// stores). The year is the affiliation's own, as in exposure_china; field and subfield are
// the work's, as in exposure_china_works. Only for graph.schema.DERIVED_COUNTRY.
// param by: string = "sector"
// param country: string = "NL"
// param institution: string = ""
// param since: int = 0
// param until: int = 9999
MATCH (ni:Institution)-[p:PARTNER_WORK]->(:Work)
WHERE ni.country = $country
  AND ($institution = '' OR ni.id = $institution)
  AND coalesce(p.year, 0) >= $since AND coalesce(p.year, 0) <= $until
WITH DISTINCT p.work_id AS wid,
     CASE WHEN $by = 'sector' THEN ni.sector ELSE '' END AS sector,
     CASE WHEN $by = 'institution' OR $by = 'department' THEN ni.id ELSE '' END AS institution_id,
     CASE WHEN $by = 'institution' OR $by = 'department' THEN ni.name ELSE '' END AS institution,
     CASE WHEN $by = 'department' THEN p.department_id ELSE '' END AS department_id,
     CASE WHEN $by = 'department' THEN p.department ELSE '' END AS department,
     CASE WHEN $by = 'field' THEN p.field ELSE '' END AS field,
     CASE WHEN $by = 'technology' THEN p.subfield ELSE '' END AS subfield,
     CASE WHEN $by = 'year' THEN p.year ELSE 0 END AS year
RETURN sector, institution_id, institution, department_id, department, field, subfield, year,
       count(*) AS china_works
ORDER BY sector, institution_id, department_id, field, subfield, year
