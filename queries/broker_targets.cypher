// The watchlist side of brokers: every author with an affiliation matched to a watchlist
// entity of the target (a category, or one entity and its subtree) in the year window, as one
// list (one row: see broker_works).
// param category: string = "cmc"
// param entity: string = ""
// param since: int = 0
// param until: int = 9999
MATCH (e:Entity)<-[:MATCHES]-(i:Institution)<-[r:AFFILIATED_WITH]-(a:Author)
WHERE (($category = 'cmc' AND e.under_cmc) OR ($category <> 'cmc' AND ($category = '' OR e.category = $category)))
  AND ($entity = '' OR $entity IN e.chain_ids)
  AND coalesce(r.year, 0) >= $since AND coalesce(r.year, 0) <= $until
RETURN collect(DISTINCT a.id) AS author_ids
