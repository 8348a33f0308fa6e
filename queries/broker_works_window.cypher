// Each work's authors in a year and field window: broker_works for `--since`, `--until` or
// `--field` (one row holding a list per work, as there).
// param since: int = 0
// param until: int = 9999
// param field: string = ""
MATCH (a:Author)-[:AUTHORED]->(w:Work)
WHERE coalesce(w.year, 0) >= $since AND coalesce(w.year, 0) <= $until
  AND ($field = '' OR w.field = $field)
WITH w, collect(DISTINCT a.id) AS authors
RETURN collect(authors) AS works
