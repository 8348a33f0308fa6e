// Authors whose name contains a text (case-insensitive), for the profile search box.
// param name: string = ""
MATCH (a:Author)
WHERE $name <> '' AND lower(a.name) CONTAINS lower($name)
RETURN a.id AS id, a.name AS name
ORDER BY name, id
LIMIT 50
