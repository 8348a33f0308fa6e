// exposure_ties read from TIE_WORK, the rows derived at load time (loaders/exposure_facts.py):
// the same distinct (unit, work, year, Dutch author, entity) rows without joining two
// affiliations on a work at query time (tests/test_exposure_facts.py pins the two to the same
// tables on both stores). Only for the source country the rows were derived for
// (graph.schema.DERIVED_COUNTRY); queries.exposure counts any other country live.
// param by: string = "sector"
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
MATCH (e:Entity)<-[t:TIE_WORK]-(ni:Institution)
WHERE (($category = 'cmc' AND e.under_cmc) OR ($category <> 'cmc' AND ($category = '' OR e.category = $category)))
  AND ($entity = '' OR $entity IN e.chain_ids)
  AND (($direct AND t.direct) OR ($dual AND t.dual))
  AND ($country = '' OR ni.country = $country)
  AND ($institution = '' OR ni.id = $institution)
  AND ($department = '' OR t.department_id = $department)
  AND coalesce(t.year, 0) >= $since AND coalesce(t.year, 0) <= $until
  AND ($field = '' OR t.field = $field)
  AND ($include_retracted OR NOT t.retracted_or_paratext)
RETURN DISTINCT
       CASE WHEN $by = 'sector' THEN ni.sector ELSE '' END AS sector,
       CASE WHEN $by = 'institution' OR $by = 'department' THEN ni.id ELSE '' END AS institution_id,
       CASE WHEN $by = 'institution' OR $by = 'department' THEN ni.name ELSE '' END AS institution,
       CASE WHEN $by = 'department' THEN t.department_id ELSE '' END AS department_id,
       CASE WHEN $by = 'department' THEN t.department ELSE '' END AS department,
       CASE WHEN $by = 'field' THEN t.field ELSE '' END AS field,
       CASE WHEN $by = 'technology' THEN t.subfield ELSE '' END AS subfield,
       t.work_id AS work_id, t.year AS year, t.source_author_id AS source_author_id, e.id AS entity_id
ORDER BY sector, institution_id, department_id, field, subfield, work_id, source_author_id, entity_id
