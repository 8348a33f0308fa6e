// The Dutch (source) side of brokers: every author with an affiliation in the country (and
// institution, department) in the year window, as one list (one row: see broker_works).
// param country: string = "NL"
// param institution: string = ""
// param department: string = ""
// param since: int = 0
// param until: int = 9999
MATCH (a:Author)-[r:AFFILIATED_WITH]->(i:Institution)
WHERE i.country = $country
  AND ($institution = '' OR i.id = $institution)
  AND ($department = '' OR r.department_id = $department)
  AND coalesce(r.year, 0) >= $since AND coalesce(r.year, 0) <= $until
RETURN collect(DISTINCT a.id) AS author_ids
