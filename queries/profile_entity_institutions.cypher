// The institutions matched to a watchlist entity or anything under it, with the rule.
// param entity: string = ""
MATCH (i:Institution)-[m:MATCHES]->(e:Entity)
WHERE $entity IN e.chain_ids
RETURN i.id AS institution_id, i.name AS institution, i.country AS country, e.id AS entity_id,
       e.name AS entity, m.rule AS rule, m.alias AS alias
ORDER BY institution, institution_id, entity_id
