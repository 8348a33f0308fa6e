// The strongest direct ties per (source institution, department, watchlist entity), ranked
// at load time (TIE_SUMMARY, `loaders/tie_summaries.py`): at most 10 per pair, strongest
// first, with the number of evidence rows of the whole pair. Same filters as direct_ties
// except the year and field window, which the summary does not have.
// param country: string = "NL"
// param institution: string = ""
// param department: string = ""
// param category: string = "cmc"
// param entity: string = ""
MATCH (e:Entity)<-[t:TIE_SUMMARY]-(ni:Institution)
WHERE (($category = 'cmc' AND e.under_cmc) OR ($category <> 'cmc' AND ($category = '' OR e.category = $category)))
  AND ($entity = '' OR $entity IN e.chain_ids)
  AND ($country = '' OR ni.country = $country)
  AND ($institution = '' OR ni.id = $institution)
  AND ($department = '' OR t.department_id = $department)
RETURN ni.id AS source_institution_id, t.department_id AS department_id, e.id AS entity_id,
       t.tie_rank AS tie_rank, t.source_author_id AS source_author_id, t.target_author_id AS target_author_id,
       t.target_institution_id AS target_institution_id, t.n_works AS n_works,
       t.first_year AS first_year, t.last_year AS last_year, t.pair_rows AS pair_rows
ORDER BY source_institution_id, department_id, entity_id, tie_rank
