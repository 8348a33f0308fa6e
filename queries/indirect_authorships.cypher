// Every work in the year and field window with its authors, year and DOI: the co-authorship
// incidence behind indirect ties, built on integer codes (queries/indirect.py). One row of
// parallel lists, one entry per work: the Neo4j driver spends ~20 us per record, and one row
// per authorship was 580,000 records at 100,000 works. Unordered: the caller sorts codes.
// Year and DOI are never null here (collect skips nulls, which would shift the lists).
// param since: int = 0
// param until: int = 9999
// param field: string = ""
MATCH (a:Author)-[:AUTHORED]->(w:Work)
WHERE coalesce(w.year, 0) >= $since AND coalesce(w.year, 0) <= $until
  AND ($field = '' OR w.field = $field)
WITH w, collect(DISTINCT a.id) AS authors
RETURN collect(w.id) AS work_ids, collect(coalesce(w.year, 0)) AS years, collect(coalesce(w.doi, '')) AS dois,
       collect(authors) AS authors
