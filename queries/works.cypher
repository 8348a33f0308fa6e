// Work records by id, for evidence tables and exports.
// param ids: string[] = []
MATCH (w:Work)
WHERE w.id IN $ids
RETURN w.id AS id, w.doi AS doi, w.title AS title, w.year AS year, w.type AS type,
       w.field AS field, w.subfield AS subfield, w.topic AS topic, w.is_synthetic AS is_synthetic
ORDER BY id
