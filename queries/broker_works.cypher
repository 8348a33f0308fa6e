// Each work's authors, every work: the co-authorship projection behind brokers when no year
// or field window is asked (the default). Without the window's WHERE this read takes half
// the time on LadybugDB (0.4 s, not 0.9-1.2 s, at 100,000 works). One row holding a list per
// work: the Neo4j driver spends ~20 us per record, so 96,000 rows cost 3.4 s and one 1.5 s.
// The order of the lists (and within them) means nothing: the projection sorts the ids.
MATCH (a:Author)-[:AUTHORED]->(w:Work)
WITH w, collect(DISTINCT a.id) AS authors
RETURN collect(authors) AS works
