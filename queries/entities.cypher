// The watchlist entities with their place in the hierarchy.
// param category: string = ""
MATCH (e:Entity)
WHERE $category = '' OR e.category = $category
RETURN e.id AS id, e.name AS name, e.name_zh AS name_zh, e.kind AS kind, e.category AS category,
       e.under_cmc AS under_cmc, e.chain_ids AS chain_ids, e.chain_names AS chain_names,
       e.aliases AS aliases, e.sources AS sources
ORDER BY id
