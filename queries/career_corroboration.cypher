// Tie strength: every authorship of the given works (the works of the candidate career ties,
// both periods), with the ORCID and the name as each work's record gives them and the work's
// topic and venue. `queries/strength.py` compares the two periods of each move: the same
// ORCID, co-authors, topics or venues. One query for every candidate tie at once.
// param work_ids: string[] = []
UNWIND $work_ids AS work_id
MATCH (w:Work {id: work_id})<-[r:AUTHORED]-(a:Author)
RETURN w.id AS work_id, w.year AS year, coalesce(w.topic, '') AS topic,
       coalesce(w.venue, '') AS venue, a.id AS author_id,
       coalesce(r.orcid, '') AS orcid, coalesce(r.raw_author_name, '') AS raw_author_name
ORDER BY work_id, author_id
