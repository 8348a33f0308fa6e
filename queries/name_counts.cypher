// Tie strength: how many distinct OpenAlex authors in the store carry each normalised name
// (`graph/names.py`); a career tie resting on the author id alone is flagged more strongly
// when its author's name is common. Authors without an OpenAlex id (`ties:author:...`) are
// not counted. One query for every candidate tie at once.
// param name_keys: string[] = []
UNWIND $name_keys AS key
MATCH (a:Author)
WHERE a.name_key = key AND NOT a.id STARTS WITH 'ties:'
RETURN key AS name_key, count(DISTINCT a.id) AS authors
ORDER BY name_key
