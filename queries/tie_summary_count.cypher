// How many ranked direct ties the store holds (TIE_SUMMARY), and how many relationships
// have this version's per-(year, field) parts. No ties means it was loaded by a version
// without them (or has no direct ties at all); parts short of ties, a Neo4j store loaded by
// the version before windows. `ties paths` then ranks from the evidence (same report).
MATCH ()-[t:TIE_SUMMARY]->()
RETURN count(t) AS ties, count(t.part) AS parts
