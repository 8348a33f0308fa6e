// Each work's authors in the year and field window, one row per work: the co-authorship
// projection behind brokers, shipped as lists (one row per authorship was 5x the rows).
// param since: int = 0
// param until: int = 9999
// param field: string = ""
MATCH (a:Author)-[:AUTHORED]->(w:Work)
WHERE coalesce(w.year, 0) >= $since AND coalesce(w.year, 0) <= $until
  AND ($field = '' OR w.field = $field)
RETURN w.id AS work_id, collect(DISTINCT a.id) AS authors
