// Departments parsed from raw affiliation strings, with their institution.
// param institution: string = ""
MATCH (d:Department)-[:PART_OF]->(i:Institution)
WHERE $institution = '' OR i.id = $institution
RETURN d.id AS id, d.name AS name, i.id AS institution_id, i.name AS institution
ORDER BY institution, name, id
