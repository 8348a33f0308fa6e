// The names of the authors on the indirect chains found.
// param authors: string[] = []
UNWIND $authors AS author_id
MATCH (a:Author {id: author_id})
RETURN a.id AS author_id, a.name AS author
ORDER BY author_id
