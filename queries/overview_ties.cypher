// The publication-based ties behind the dashboard's Overview, every unit column at once:
// distinct (Dutch affiliation, work, entity) rows of direct co-authorship and dual
// affiliation (the pattern of exposure_ties), with the raw affiliation string as printed.
// The Overview tabulates sector, technology, year, the institution-by-year heatmap and its
// drill-down from these rows; before, it read every evidence row of both kinds (30 columns
// with the name and ORCID look-ups: 5 s of CPU at 100,000 works).
// param direct: bool = true
// param dual: bool = true
// param country: string = "NL"
// param institution: string = ""
// param department: string = ""
// param category: string = "cmc"
// param entity: string = ""
// param since: int = 0
// param until: int = 9999
// param field: string = ""
// param include_retracted: bool = false
MATCH (e:Entity)<-[:MATCHES]-(ci:Institution)<-[a2:AFFILIATED_WITH]-(y:Author)
WHERE (($category = 'cmc' AND e.under_cmc) OR ($category <> 'cmc' AND ($category = '' OR e.category = $category)))
  AND ($entity = '' OR $entity IN e.chain_ids)
MATCH (x:Author)-[a1:AFFILIATED_WITH]->(ni:Institution)
//@neo4j USING INDEX a1:AFFILIATED_WITH(work_id)
WHERE a1.work_id = a2.work_id
  AND (($direct AND x.id <> y.id) OR ($dual AND x.id = y.id AND ni.id <> ci.id))
  AND ($country = '' OR ni.country = $country)
  AND ($institution = '' OR ni.id = $institution)
  AND ($department = '' OR a1.department_id = $department)
MATCH (w:Work)
//@neo4j USING INDEX w:Work(id)
WHERE w.id = a2.work_id
  AND coalesce(w.year, 0) >= $since AND coalesce(w.year, 0) <= $until
  AND ($field = '' OR w.field = $field)
  AND ($include_retracted OR NOT (coalesce(w.is_retracted, false) OR coalesce(w.is_paratext, false)))
RETURN DISTINCT ni.sector AS sector, ni.id AS institution_id, ni.name AS institution,
       a1.department_id AS department_id, a1.department AS department, w.field AS field, w.subfield AS subfield,
       w.id AS work_id, w.year AS year, x.id AS source_author_id, a1.raw_affiliation AS source_raw,
       e.id AS entity_id, e.name AS entity_name, w.doi AS doi, w.title AS title
ORDER BY institution_id, department_id, work_id, source_author_id, entity_id, source_raw
