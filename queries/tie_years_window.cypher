// The direct ties of a year or field window, ranked from TIE_YEAR (loaders/tie_summaries.py):
// each tie's works and evidence rows summed over the (year, field) rows in the window, so the
// window does not read every evidence row (at 1,000,000 works direct_ties returned 112,017
// rows in 13 s for --since 2018). queries.ranked ranks them as tie_summaries ranks all years;
// the tests compare the paths with the ones ranked from the evidence, on both stores.
// An unknown year is 0 here (as coalesce(w.year, 0) in direct_ties), and not a first or
// last year.
// param country: string = "NL"
// param institution: string = ""
// param department: string = ""
// param category: string = "cmc"
// param entity: string = ""
// param since: int = 0
// param until: int = 9999
// param field: string = ""
MATCH (e:Entity)<-[t:TIE_YEAR]-(ni:Institution)
WHERE (($category = 'cmc' AND e.under_cmc) OR ($category <> 'cmc' AND ($category = '' OR e.category = $category)))
  AND ($entity = '' OR $entity IN e.chain_ids)
  AND ($country = '' OR ni.country = $country)
  AND ($institution = '' OR ni.id = $institution)
  AND ($department = '' OR t.department_id = $department)
  AND t.year >= $since AND t.year <= $until
  AND ($field = '' OR t.field = $field)
RETURN ni.id AS source_institution_id, t.department_id AS department_id, e.id AS entity_id,
       t.source_author_id AS source_author_id, t.target_author_id AS target_author_id,
       t.target_institution_id AS target_institution_id, sum(t.n_works) AS n_works, sum(t.rows) AS rows,
       min(CASE WHEN t.year = 0 THEN null ELSE t.year END) AS first_year,
       max(CASE WHEN t.year = 0 THEN null ELSE t.year END) AS last_year
ORDER BY source_institution_id, department_id, entity_id, source_author_id, target_author_id, target_institution_id
