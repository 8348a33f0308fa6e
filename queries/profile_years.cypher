// The first and last publication year in the store, for the dashboard's year sliders.
MATCH (w:Work)
WHERE w.year IS NOT NULL
RETURN min(w.year) AS first, max(w.year) AS last
