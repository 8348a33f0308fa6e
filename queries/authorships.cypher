// Every authorship in the year and field window, for co-authorship projections in NetworkX
// (indirect ties, brokers). One row per author and work.
// param since: int = 0
// param until: int = 9999
// param field: string = ""
MATCH (a:Author)-[:AUTHORED]->(w:Work)
WHERE coalesce(w.year, 0) >= $since AND coalesce(w.year, 0) <= $until
  AND ($field = '' OR w.field = $field)
RETURN a.id AS author_id, a.name AS author, w.id AS work_id, w.doi AS doi, w.year AS year
ORDER BY author_id, work_id
