// How many ranked direct ties the store holds (TIE_SUMMARY). None means it was loaded by a
// version without them (or has no direct ties at all): `ties paths` then ranks from the evidence.
MATCH ()-[t:TIE_SUMMARY]->()
RETURN count(t) AS ties
