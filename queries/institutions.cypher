// Institutions of a country (Dutch institutions for the source pickers), with their sector.
// param country: string = "NL"
MATCH (i:Institution)
WHERE $country = '' OR i.country = $country
RETURN i.id AS id, i.name AS name, i.country AS country, i.sector AS sector, i.ror AS ror, i.source AS source
ORDER BY name, id
