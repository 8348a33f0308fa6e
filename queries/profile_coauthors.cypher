// One author's co-authors, with the number of shared works and the years.
// param author: string = ""
MATCH (a:Author)-[:AUTHORED]->(w:Work)<-[:AUTHORED]-(b:Author)
WHERE a.id = $author AND b.id <> a.id
RETURN b.id AS author_id, b.name AS author, count(DISTINCT w.id) AS works,
       min(w.year) AS first_year, max(w.year) AS last_year
ORDER BY works DESC, author_id
LIMIT 200
