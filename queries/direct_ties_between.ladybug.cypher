// direct_ties_between for LadybugDB: the same rows (tests/test_parity.py), reached from the
// work instead of from every Dutch affiliation. LadybugDB has no index on a relationship
// property, so the Neo4j form's join on a1.work_id scanned the Dutch affiliations; here the
// work is found by its key, its co-authors by their AUTHORED edges, and only their
// affiliations are read. At 1,000,000 works: 3.7-4.9 s, the Neo4j form 4.7-7.6 s on the
// embedded store (2,506 rows; timings vary run to run on this machine).
// param target_authors: string[] = []
// param pair_keys: string[] = []
// param country: string = "NL"
// param institution: string = ""
// param department: string = ""
// param category: string = "cmc"
// param entity: string = ""
// param since: int = 0
// param until: int = 9999
// param field: string = ""
// param include_retracted: bool = false
UNWIND $target_authors AS target_author_id
MATCH (e:Entity)<-[m:MATCHES]-(ci:Institution)<-[a2:AFFILIATED_WITH]-(y:Author {id: target_author_id})
WHERE (($category = 'cmc' AND e.under_cmc) OR ($category <> 'cmc' AND ($category = '' OR e.category = $category)))
  AND ($entity = '' OR $entity IN e.chain_ids)
MATCH (w:Work)
WHERE w.id = a2.work_id
  AND coalesce(w.year, 0) >= $since AND coalesce(w.year, 0) <= $until
  AND ($field = '' OR w.field = $field)
  AND ($include_retracted OR NOT (coalesce(w.is_retracted, false) OR coalesce(w.is_paratext, false)))
MATCH (x:Author)-[:AUTHORED]->(w)
WHERE x.id <> y.id AND (x.id + ' ' + y.id) IN $pair_keys
MATCH (x)-[a1:AFFILIATED_WITH]->(ni:Institution)
WHERE a1.work_id = w.id
  AND ($country = '' OR ni.country = $country)
  AND ($institution = '' OR ni.id = $institution)
  AND ($department = '' OR a1.department_id = $department)
//@include direct_evidence_columns
