// The publication-based ties behind exposure (direct co-authorship and dual affiliation, the
// same matches as direct_ties and dual_affiliations in one pattern), reduced in the store to
// distinct (unit, work, year, Dutch author, entity): every count exposure reports is a
// distinct count over these. At 1,000,000 works the evidence rows were 200,000 rows of 30
// columns, shipped and folded in pandas.
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
RETURN DISTINCT
//@include exposure_units
       , w.id AS work_id, w.year AS year, x.id AS source_author_id, e.id AS entity_id
ORDER BY sector, institution_id, department_id, field, subfield, work_id, source_author_id, entity_id
