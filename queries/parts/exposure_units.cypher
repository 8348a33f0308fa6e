// The columns that name an exposure unit, each kept only for the dimension $by asks for (an
// empty string otherwise), so rows made distinct on them, or grouped by them, count each
// unit once: queries.exposure.units_of turns them into unit ids exactly as for evidence rows.
CASE WHEN $by = 'sector' THEN ni.sector ELSE '' END AS sector,
CASE WHEN $by = 'institution' OR $by = 'department' THEN ni.id ELSE '' END AS institution_id,
CASE WHEN $by = 'institution' OR $by = 'department' THEN ni.name ELSE '' END AS institution,
CASE WHEN $by = 'department' THEN a1.department_id ELSE '' END AS department_id,
CASE WHEN $by = 'department' THEN a1.department ELSE '' END AS department,
CASE WHEN $by = 'field' THEN w.field ELSE '' END AS field,
CASE WHEN $by = 'technology' THEN w.subfield ELSE '' END AS subfield
