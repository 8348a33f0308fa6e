// The `ties` column of brokers for career ties: the same matches as career_ties, reduced in
// the store to distinct (author, Dutch institution, entity, Dutch-side work): brokers need
// neither the evidence columns nor the strength look-ups of every career row. The years are
// checked on the affiliations first (each carries its work's year), so only candidate moves
// are joined to their works (2.1 s -> 1.7 s at 100,000 works on the embedded store), and the
// Dutch affiliations are those of the watchlist-side authors, reached from them after a
// horizon (Neo4j joined all 315,000 Dutch affiliations on the author under the hint
// career_ties uses: 3.3 s for no rows).
// param country: string = "NL"
// param institution: string = ""
// param department: string = ""
// param category: string = "cmc"
// param entity: string = ""
// param since: int = 0
// param until: int = 9999
// param field: string = ""
// param include_retracted: bool = false
MATCH (e:Entity)<-[:MATCHES]-(ci:Institution)<-[a2:AFFILIATED_WITH]-(x:Author)
WHERE (($category = 'cmc' AND e.under_cmc) OR ($category <> 'cmc' AND ($category = '' OR e.category = $category)))
  AND ($entity = '' OR $entity IN e.chain_ids)
  AND a2.year IS NOT NULL AND a2.year >= $since AND a2.year <= $until
WITH DISTINCT e, ci, a2, x
MATCH (x)-[a1:AFFILIATED_WITH]->(ni:Institution)
WHERE a1.work_id <> a2.work_id AND ni.id <> ci.id
  AND a1.year IS NOT NULL AND a1.year <> a2.year AND a1.year >= $since AND a1.year <= $until
  AND ($country = '' OR ni.country = $country)
  AND ($institution = '' OR ni.id = $institution)
  AND ($department = '' OR a1.department_id = $department)
MATCH (w:Work)
//@neo4j USING INDEX w:Work(id)
WHERE w.id = a1.work_id
MATCH (v:Work)
//@neo4j USING INDEX v:Work(id)
WHERE v.id = a2.work_id
  AND w.year IS NOT NULL AND v.year IS NOT NULL AND w.year <> v.year
  AND w.year >= $since AND w.year <= $until AND v.year >= $since AND v.year <= $until
  AND ($field = '' OR w.field = $field OR v.field = $field)
  AND ($include_retracted OR NOT (coalesce(w.is_retracted, false) OR coalesce(w.is_paratext, false)))
  AND ($include_retracted OR NOT (coalesce(v.is_retracted, false) OR coalesce(v.is_paratext, false)))
WITH DISTINCT x.id AS author_id, ni.id AS source_institution_id, e.id AS entity_id, w.id AS work_id
// one row holding a list per tie (no order), as broker_ties
RETURN collect([author_id, source_institution_id, entity_id, work_id]) AS ties
