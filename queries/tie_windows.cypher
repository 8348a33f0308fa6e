// Every direct tie's works and evidence rows in a year and field window, one row per tie,
// from the load-time summary (TIE_SUMMARY: one relationship per tie and (year, field) of
// its works, `loaders/tie_summaries.py`). `queries/ranked.py` ranks them per (source
// institution, department, entity) as `queries.paths.rank_paths` would and fetches the
// evidence of the ties it keeps (direct_ties_between): a window no longer reads every
// evidence row. Same filters as direct_ties; years compare as coalesce(w.year, 0) there.
// param country: string = "NL"
// param institution: string = ""
// param department: string = ""
// param category: string = "cmc"
// param entity: string = ""
// param since: int = 0
// param until: int = 9999
// param field: string = ""
MATCH (e:Entity)<-[t:TIE_SUMMARY]-(ni:Institution)
WHERE (($category = 'cmc' AND e.under_cmc) OR ($category <> 'cmc' AND ($category = '' OR e.category = $category)))
  AND ($entity = '' OR $entity IN e.chain_ids)
  AND ($country = '' OR ni.country = $country)
  AND ($institution = '' OR ni.id = $institution)
  AND ($department = '' OR t.department_id = $department)
  AND t.window_year >= $since AND t.window_year <= $until
  AND ($field = '' OR t.window_field = $field)
RETURN ni.id AS source_institution_id, t.department_id AS department_id, e.id AS entity_id,
       t.source_author_id AS source_author_id, t.target_author_id AS target_author_id,
       t.target_institution_id AS target_institution_id,
       sum(t.window_works) AS n_works, max(t.window_year) AS last_year, sum(t.window_rows) AS rows
