// The columns and order of a direct-tie evidence row, shared by every query that returns
// one (direct_ties, direct_ties_between): rows that must compare equal come from one text.
// Each side's authorship on the work gives the ORCID and the name as printed there.
OPTIONAL MATCH (x)-[s1:AUTHORED]->(w)
OPTIONAL MATCH (y)-[s2:AUTHORED]->(w)
RETURN 'direct' AS kind, w.id AS work_id, w.doi AS doi, w.year AS year, w.title AS title,
       w.field AS field, w.subfield AS subfield,
       x.id AS source_author_id, x.name AS source_author,
       ni.id AS source_institution_id, ni.name AS source_institution, ni.sector AS source_sector,
       a1.department_id AS department_id, a1.department AS department, a1.raw_affiliation AS source_raw, a1.matched_by AS source_matched_by,
       y.id AS target_author_id, y.name AS target_author,
       ci.id AS target_institution_id, ci.name AS target_institution,
       a2.raw_affiliation AS target_raw, a2.matched_by AS target_matched_by,
       e.id AS entity_id, e.name AS entity_name, e.category AS category, e.under_cmc AS under_cmc,
       e.chain_names AS chain, e.chain_ids AS chain_ids, m.rule AS match_rule, m.alias AS match_alias,
       w.year AS target_year, a1.alias AS source_alias, a2.alias AS target_alias,
       coalesce(w.is_retracted, false) AS is_retracted, coalesce(w.is_paratext, false) AS is_paratext,
       coalesce(s1.orcid, '') AS source_orcid, coalesce(s2.orcid, '') AS target_orcid,
       coalesce(s1.raw_author_name, '') AS source_raw_author_name,
       coalesce(s2.raw_author_name, '') AS target_raw_author_name
ORDER BY work_id, source_author_id, target_author_id, source_institution_id, target_institution_id, source_raw, target_raw
