// Every authorship in the year and field window as two ids, with the work's year and DOI:
// the co-authorship projection behind indirect ties, built on integer codes
// (queries/indirect.py). Unordered: the caller sorts codes, and a sort here costs seconds.
// param since: int = 0
// param until: int = 9999
// param field: string = ""
MATCH (a:Author)-[:AUTHORED]->(w:Work)
WHERE coalesce(w.year, 0) >= $since AND coalesce(w.year, 0) <= $until
  AND ($field = '' OR w.field = $field)
RETURN a.id AS author_id, w.id AS work_id, w.year AS year, w.doi AS doi
