// How many exposure rows were derived at load time (TIE_WORK, PARTNER_WORK): none means a
// table set written before they existed (or nothing Dutch co-published with a partner), and
// queries.exposure counts live instead.
MATCH ()-[t:TIE_WORK]->()
WITH count(t) AS ties
MATCH ()-[p:PARTNER_WORK]->()
RETURN ties, count(p) AS partner_works
