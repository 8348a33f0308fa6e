// Direct co-authorship: an author with a Dutch (source) affiliation and another author with a
// watchlist-matched affiliation on the same work. One row per piece of evidence.
// Written from the watchlist side, which is small; the Dutch side joins on the work id of the
// affiliation edge (a relationship index in Neo4j, named in a hint: its planner otherwise
// hash-joins every Dutch affiliation, 3-4x slower), and the work is found by its key. Starting
// from every Dutch affiliation instead was 200x slower and 20x hungrier at 100,000 works.
// param country: string = "NL"
// param institution: string = ""
// param department: string = ""
// param category: string = "cmc"
// param entity: string = ""
// param since: int = 0
// param until: int = 9999
// param field: string = ""
// param include_retracted: bool = false
MATCH (e:Entity)<-[m:MATCHES]-(ci:Institution)<-[a2:AFFILIATED_WITH]-(y:Author)
WHERE (($category = 'cmc' AND e.under_cmc) OR ($category <> 'cmc' AND ($category = '' OR e.category = $category)))
  AND ($entity = '' OR $entity IN e.chain_ids)
MATCH (x:Author)-[a1:AFFILIATED_WITH]->(ni:Institution)
//@neo4j USING INDEX a1:AFFILIATED_WITH(work_id)
WHERE a1.work_id = a2.work_id AND x.id <> y.id
  AND ($country = '' OR ni.country = $country)
  AND ($institution = '' OR ni.id = $institution)
  AND ($department = '' OR a1.department_id = $department)
MATCH (w:Work)
//@neo4j USING INDEX w:Work(id)
WHERE w.id = a2.work_id
  AND coalesce(w.year, 0) >= $since AND coalesce(w.year, 0) <= $until
  AND ($field = '' OR w.field = $field)
  AND ($include_retracted OR NOT (coalesce(w.is_retracted, false) OR coalesce(w.is_paratext, false)))
//@include direct_evidence_columns
