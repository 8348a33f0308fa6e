// How many TIE_YEAR rows the load derived: none means a table set written before they
// existed (or no Dutch direct tie), and queries.ranked ranks windows from the evidence.
MATCH ()-[t:TIE_YEAR]->()
RETURN count(t) AS ties
