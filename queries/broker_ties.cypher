// The `ties` column of brokers for direct co-authorship and dual affiliation: the same
// matches as direct_ties and dual_affiliations (one pattern, as in exposure_ties), reduced in
// the store to distinct (Dutch author, watchlist author, Dutch institution, entity, work).
// Brokers count each person's distinct (institution, entity) pairs and list their works;
// the 30 columns and the authorship look-ups of every evidence row were most of its time
// (direct_ties alone 11.7 s of 49.6 s at 100,000 works on the embedded store).
// For a dual affiliation both author columns name the one author, as in its evidence row.
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
WITH DISTINCT x.id AS source_author_id, y.id AS target_author_id, ni.id AS source_institution_id,
     e.id AS entity_id, w.id AS work_id
// one row holding a list per tie (no order): the Neo4j driver spends ~20 us per record
RETURN collect([source_author_id, target_author_id, source_institution_id, entity_id, work_id]) AS ties
