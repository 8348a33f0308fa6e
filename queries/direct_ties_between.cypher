// The direct_ties evidence rows of chosen ties only: between the watchlist-side authors in
// target_authors and, for each, the Dutch-side authors named in pair_keys ("<source author
// id> <target author id>"). `ties paths` reads the ranking from tie_summaries and the
// evidence of the ties it shows from here: 0.2 s instead of every row (10 s) at 10^6 works.
// Starts from the named authors; the pair filter needs both ends, so it is not pushed down
// onto every author (LadybugDB compares an IN list row by row).
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
MATCH (x:Author)-[a1:AFFILIATED_WITH]->(ni:Institution)
//@neo4j USING INDEX a1:AFFILIATED_WITH(work_id)
WHERE a1.work_id = a2.work_id AND x.id <> y.id AND (x.id + ' ' + y.id) IN $pair_keys
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
