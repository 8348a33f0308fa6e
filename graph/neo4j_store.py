"""Neo4j as the production store: constraints from the schema, batched idempotent sync.

Loading is incremental: the store remembers (under ``TIES_HOME/state/sync``) a hash of
every row it pushed per table and server, and pushes only new or changed rows, in
batches of ``UNWIND $rows ... MERGE`` inside ``execute_write`` (so transient errors are
retried by the driver). Rows that disappeared from the tables are deleted. Labels,
relationship types and property names come from `graph/schema.yaml`, never from user
input; values always travel as parameters.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import neo4j
import orjson
import pyarrow.parquet as pq
from neo4j.exceptions import AuthError, Neo4jError, SessionExpired
from neo4j.exceptions import ServiceUnavailable as DriverUnavailable

from graph.base_store import QueryLoader, StoreBase
from graph.errors import ConfigError, ServiceUnavailable, StoreError
from graph.neo4j_server import local_connection
from graph.schema import Schema, load_schema
from graph.settings import Config
from graph.tables import require_tables

#: seconds one write batch may take before the server ends it and it is retried as two halves:
#: a batch takes about a second; the server's own limit (120 s) made a rare stall cost minutes
BATCH_TIMEOUT_S = 30.0
#: rows deleted per transaction by `clear` (each well under the server's transaction timeout)
CLEAR_BATCH = 50_000
#: the longest string written to an indexed property (UTF-8 bytes): Neo4j refuses index entries
#: past ~8 KB, and a refused row failed every later sync. Longer values are cut here, the full
#: text kept in the unindexed property `<name>_full`; rows whose key is that long are skipped
MAX_INDEXED_BYTES = 4000
BATCH_ROWS = 20_000  # measured at 100,000 works: 5,000 -> 20,000 rows per batch, 18.7k -> 21.7k rows/s


def neo4j_schema_statements(schema: Schema) -> list[str]:
    """Uniqueness constraints on every node id, and the indexes the schema asks for."""
    statements = []
    for label, node in schema.nodes.items():
        statements.append(
            f"CREATE CONSTRAINT {label.lower()}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE"
        )
        for prop in node.indexes:
            statements.append(f"CREATE INDEX {label.lower()}_{prop} IF NOT EXISTS FOR (n:{label}) ON (n.`{prop}`)")
    for rtype, rel in schema.relationships.items():
        if "work_id" in rel.properties:
            statements.append(
                f"CREATE INDEX {rtype.lower()}_work_id IF NOT EXISTS FOR ()-[r:{rtype}]-() ON (r.work_id)"
            )
    return statements


def _set_each(n: str, props: list[str]) -> str:
    """`SET n.p = row.props.p, ...` for the named properties of variable `n`.

    Not `SET n += row.props`: a map write may touch the properties MERGE matched on, so the
    planner inserts an Eager barrier; naming only the other properties lets batches stream.
    """
    if not props:
        return ""
    return " SET " + ", ".join(f"{n}.`{prop}` = row.props.`{prop}`" for prop in props)


#: the write clauses a statement may use: fixed keywords, never text from a caller
WRITE_VERBS = {"merge": "MERGE", "create": "CREATE"}


def node_merge(label: str, properties: list[str] | None = None, verb: str = "merge") -> str:
    """Write nodes by id. `verb` create is for a label that was empty when the sync began:
    it skips MERGE's lookup (see ``write_batches`` for why retries still MERGE)."""
    if properties is None:
        properties = list(load_schema().nodes[label].properties)
    rest = [p for p in properties if p != "id"]
    return f"UNWIND $rows AS row {WRITE_VERBS[verb]} (n:{label} {{id: row.id}})" + _set_each("n", rest)


def rel_merge(rtype: str, source: str, target: str, key: tuple[str, ...],
               properties: list[str] | None = None, verb: str = "merge") -> str:
    """Write relationships by their key. `verb` create is for a type that was empty when the
    sync began: it skips MERGE's scan of the edges already between the two nodes, which
    grows with a prolific author's degree."""
    if properties is None:
        properties = list(load_schema().relationships[rtype].properties)
    keyed = ", ".join(f"`{k}`: row.key.`{k}`" for k in key if k not in ("from", "to"))
    props = f" {{{keyed}}}" if keyed else ""
    rest = [p for p in properties if p not in key]
    return (
        f"UNWIND $rows AS row MATCH (a:{source} {{id: row.from}}) MATCH (b:{target} {{id: row.to}}) "
        f"{WRITE_VERBS[verb]} (a)-[r:{rtype}{props}]->(b)" + _set_each("r", rest) + " RETURN count(r) AS written"
    )


def _record_batches(path: Path, size: int):
    """The rows of a Parquet table as lists of dicts, `size` rows at a time."""
    if not path.is_file():
        return
    for batch in pq.ParquetFile(path).iter_batches(batch_size=size):
        yield batch.to_pylist()


def _dicts(result: neo4j.Result) -> list[dict]:
    """Every record as a plain dict; zipping the keys once is 5x faster than dict(record)."""
    keys = result.keys()
    return [dict(zip(keys, values, strict=True)) for values in result]


BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


def check_uri(uri: str) -> str:
    """`uri` if it names a Bolt endpoint, else a ConfigError saying what one looks like.

    Why: ``NEO4J_URI=notauri`` ended in the driver's traceback, and ``http://...`` (the
    browser's port) in a missing optional module deep inside the driver.
    """
    scheme, sep, rest = uri.partition("://")
    if scheme.lower() in ("http", "https"):
        raise ConfigError(f"NEO4J_URI {uri!r}: that is Neo4j's HTTP (browser) address; the store speaks Bolt: "
                          "bolt://host:7687 or neo4j://host:7687")
    if not sep or scheme.lower() not in BOLT_SCHEMES or not rest.strip("/"):
        raise ConfigError(f"NEO4J_URI {uri!r}: expected bolt://host:port or neo4j://host:port "
                          f"(schemes: {', '.join(BOLT_SCHEMES)})")
    return uri


def _too_long(value: object) -> bool:
    return isinstance(value, str) and len(value) * 4 > MAX_INDEXED_BYTES and len(value.encode()) > MAX_INDEXED_BYTES


def _cut(text: str) -> str:
    """The longest prefix of `text` within MAX_INDEXED_BYTES (whole characters), marked with an ellipsis."""
    return text.encode()[:MAX_INDEXED_BYTES - 3].decode("utf-8", "ignore") + "\u2026"


def _row_hash(row: dict) -> str:
    return hashlib.blake2b(orjson.dumps(row, option=orjson.OPT_SORT_KEYS), digest_size=12).hexdigest()


class Neo4jStore(StoreBase):
    """GraphStore over a Neo4j 5 server (Community is enough)."""

    name = "neo4j"
    engine = "neo4j"

    def __init__(self, uri: str, user: str, password: str | None, database: str = "neo4j",
                 state_dir: Path | None = None, batch_rows: int = BATCH_ROWS,
                 queries: QueryLoader | None = None) -> None:
        self.uri = uri
        self.queries = queries
        self.database = database
        self.schema = load_schema()
        self.batch_rows = batch_rows
        self.oversized: list[str] = []  #: rows skipped at load because a key was too long to index
        self.state_dir = state_dir
        check_uri(uri)
        try:
            self.driver = neo4j.GraphDatabase.driver(
                uri, auth=(user, password or ""),
                # "label does not exist yet" notices on a fresh database are noise, not news
                notifications_min_severity=neo4j.NotificationMinimumSeverity.OFF,
            )
            self.driver.verify_connectivity()
        except AuthError as exc:
            raise StoreError(
                f"Neo4j at {uri} refused the credentials for user {user!r}: check NEO4J_USER and NEO4J_PASSWORD"
            ) from exc
        except (DriverUnavailable, OSError, ValueError) as exc:
            raise ServiceUnavailable(
                f"Neo4j is not reachable at {uri}: start it with `ties neo4j start` "
                "(or `docker compose up -d neo4j`), or set NEO4J_URI"
            ) from exc

    @classmethod
    def from_config(cls, config: Config, queries: QueryLoader | None = None) -> Neo4jStore:
        uri, user, password = config.neo4j_uri, config.neo4j_user, config.neo4j_password
        if not uri:
            local = local_connection(config.home)
            if local is None:
                raise ServiceUnavailable(
                    "no Neo4j configured: set NEO4J_URI (and NEO4J_USER, NEO4J_PASSWORD), "
                    "or start the local server with `ties neo4j start`"
                )
            uri, user, password = local["uri"], local["user"], local["password"]
        return cls(uri, user, password, config.neo4j_database, state_dir=config.state_dir / "sync",
                   queries=queries)

    # -- loading -----------------------------------------------------------------------

    def ensure_schema(self) -> None:
        for statement in neo4j_schema_statements(self.schema):
            self.driver.execute_query(statement, database_=self.database)

    def _state_file(self, table: str) -> Path | None:
        if self.state_dir is None:
            return None
        server = hashlib.blake2b(f"{self.uri}/{self.database}".encode(), digest_size=6).hexdigest()
        return self.state_dir / server / f"{table}.json"

    def _pushed(self, table: str) -> dict[str, str]:
        path = self._state_file(table)
        return orjson.loads(path.read_bytes()) if path and path.is_file() else {}

    def _remember(self, table: str, pushed: dict[str, str]) -> None:
        path = self._state_file(table)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(orjson.dumps(pushed))
        tmp.replace(path)

    def write_batches(self, query: str, rows: list[dict], first_attempt: str | None = None) -> None:
        """Run `query` over `rows` in batches, one retried transaction each.

        A relationship whose end node is missing would be skipped silently by MATCH ...
        MERGE and then never pushed again; the merge returns how many it wrote, and a
        short count fails the sync instead.

        `first_attempt` (a CREATE, for a type that was empty when the sync began) runs on
        each batch's first try only. The driver retries a transaction whose commit it did
        not see acknowledged; a CREATE retried after a commit that did happen would write
        the batch twice (the restart fault test caught exactly that), so every retry runs
        the idempotent MERGE `query` instead.
        """
        def work(tx: neo4j.ManagedTransaction, batch: list[dict], attempts: list[int]) -> None:
            attempts[0] += 1
            statement = first_attempt if first_attempt and attempts[0] == 1 else query
            result = tx.run(statement, rows=batch)
            if "written" in result.keys():
                written = result.single()["written"]
                if written != len(batch):
                    missing = batch[:3]
                    raise StoreError(
                        f"Neo4j wrote {written} of {len(batch)} relationships: end nodes missing for rows "
                        f"like {[(r.get('from'), r.get('to')) for r in missing]}; the tables are inconsistent"
                    )
            else:
                result.consume()

        work = neo4j.unit_of_work(timeout=BATCH_TIMEOUT_S)(work)
        with self.driver.session(database=self.database) as session:
            for start in range(0, len(rows), self.batch_rows):
                self._write_one(session, work, rows[start:start + self.batch_rows])

    def _write_one(self, session: neo4j.Session, work, batch: list[dict], splits: int = 3,
                   retry: bool = False) -> None:
        """One batch; if it times out (``BATCH_TIMEOUT_S``), retry it as two halves (a few times).

        Seen here now and then, on a fresh server and under memory pressure: a batch stalls
        until the timeout, and the same rows go through at once when sent again. The driver
        does not retry a timeout by itself; the halves run the idempotent MERGE (a retry
        counts as a second attempt), so the retry is safe whatever the first one did.
        """
        try:
            session.execute_write(work, batch, [1 if retry else 0])
        except Neo4jError as exc:
            timed_out = "TransactionTimedOut" in (exc.code or "") or "Terminated" in (exc.code or "")
            if not timed_out or splits == 0 or len(batch) < 2:
                raise
            half = len(batch) // 2
            self._write_one(session, work, batch[:half], splits - 1, retry=True)
            self._write_one(session, work, batch[half:], splits - 1, retry=True)

    def load(self, tables_dir: Path) -> dict[str, int]:
        """Push new and changed rows of every table; delete rows no longer in the tables."""
        require_tables(tables_dir)
        try:
            self.ensure_schema()
            for table, node in self.schema.node_tables().items():
                indexed = tuple(p for p in node.indexes if p != "id")
                properties = list(node.properties) + [f"{p}_full" for p in indexed]
                self._sync_table(tables_dir, table, ("id",), node_merge(node.label, properties),
                                 f"UNWIND $keys AS k MATCH (n:{node.label} {{id: k.id}}) DETACH DELETE n",
                                 create=node_merge(node.label, properties, verb="create"),
                                 count=f"MATCH (n:{node.label}) RETURN count(n) AS c", indexed=indexed)
            for table, (rel, end) in self.schema.edge_tables().items():
                keyed = " AND ".join(f"r.`{k}` = k.`{k}`" for k in rel.key if k not in ("from", "to"))
                delete = (f"UNWIND $keys AS k MATCH (a:{end.source} {{id: k.from}})-[r:{rel.type}]->"
                          f"(b:{end.target} {{id: k.to}}) " + (f"WHERE {keyed} " if keyed else "") + "DELETE r")
                properties = list(rel.properties)
                ends = (rel.type, end.source, end.target, rel.key, properties)
                self._sync_table(tables_dir, table, rel.key, rel_merge(*ends), delete,
                                 create=rel_merge(*ends, verb="create"),
                                 # per end label: Author-[AFFILIATED_WITH]->Department is empty on a
                                 # first load even after ->Institution is written (count store: O(1))
                                 count=f"MATCH ()-[r:{rel.type}]->(:{end.target}) RETURN count(r) AS c")
        except Neo4jError as exc:
            raise StoreError(f"Neo4j refused the load: {exc.message}") from exc
        except (DriverUnavailable, SessionExpired) as exc:
            raise ServiceUnavailable(f"Neo4j at {self.uri} went away during the sync ({type(exc).__name__}); "
                                     "start it again and rerun `ties sync`: it continues where it stopped") from exc
        return self.counts()

    def _sync_table(self, tables_dir: Path, table: str, key: tuple[str, ...], merge: str, delete: str,
                    create: str | None = None, count: str | None = None, indexed: tuple[str, ...] = ()) -> None:
        """Push one table's new and changed rows.

        Into a label or type that is empty when the table's sync begins (a first load),
        each batch is first tried with `create`: MERGE must scan the edges already between
        two nodes, which costs a prolific author's degree per row. Any retry, and every
        later sync, uses the idempotent `merge` (see ``write_batches``).
        """
        path = tables_dir / f"{table}.parquet"
        pushed = self._pushed(table)
        first_attempt = None
        if create and count and not pushed:
            records, _, _ = self.driver.execute_query(count, database_=self.database)
            first_attempt = create if int(records[0]["c"]) == 0 else None
        current: dict[str, str] = {}
        # stream the table in batches: a million-work table set as Python dicts at once
        # would not fit in memory
        for records in _record_batches(path, self.batch_rows):
            changed: list[dict] = []
            for record in records:
                key_values = {k: ("" if record.get(k) is None else record[k]) for k in key}
                key_id = _row_hash(key_values)
                digest = _row_hash(record)
                current[key_id] = digest
                if pushed.get(key_id) != digest:
                    if any(_too_long(record.get(k)) for k in ("id", "from", "to", "work_id")):
                        self.oversized.append(f"{table}: row with a key over {MAX_INDEXED_BYTES} bytes skipped")
                        continue
                    props = {k: v for k, v in record.items() if k not in ("from", "to")}
                    for prop in indexed:
                        if _too_long(props.get(prop)):
                            props[f"{prop}_full"] = props[prop]
                            props[prop] = _cut(props[prop])
                    changed.append({"id": record.get("id"), "from": record.get("from"), "to": record.get("to"),
                                    "key": key_values, "props": props})
            if changed:
                self.write_batches(merge, changed, first_attempt)
        if pushed and set(pushed) - set(current):
            # keys are stored hashed, so deletions are found by comparing with the server
            self._delete_missing(table, key, [r for b in _record_batches(path, 100_000) for r in b], delete)
        self._remember(table, current)

    def _delete_missing(self, table: str, key: tuple[str, ...], records: list[dict], delete: str) -> None:
        wanted = {tuple("" if r.get(k) is None else r[k] for k in key) for r in records}
        if table in self.schema.node_tables():
            label = self.schema.node_tables()[table].label
            rows = self.driver.execute_query(f"MATCH (n:{label}) RETURN n.id AS id", database_=self.database).records
            gone = [{"id": r["id"]} for r in rows if (r["id"],) not in wanted]
        else:
            rel, end = self.schema.edge_tables()[table]
            cols = ", ".join(
                f"r.`{k}` AS `{k}`" for k in key if k not in ("from", "to")
            )
            query = (f"MATCH (a:{end.source})-[r:{rel.type}]->(b:{end.target}) "
                     f"RETURN a.id AS `from`, b.id AS `to`" + (f", {cols}" if cols else ""))
            rows = self.driver.execute_query(query, database_=self.database).records
            gone = [dict(r) for r in rows if tuple(r[k] if r[k] is not None else "" for k in key) not in wanted]
        if gone:
            self.write_batches(delete.replace("$keys", "$rows"), gone)

    # -- reading -----------------------------------------------------------------------

    def execute(self, text: str, params: dict[str, Any], label: str = "query") -> list[dict]:
        try:
            return self.driver.execute_query(
                text, params, database_=self.database, routing_=neo4j.RoutingControl.READ,
                result_transformer_=_dicts,
            )
        except Neo4jError as exc:
            raise StoreError(f"query {label} failed on Neo4j: {exc.message}") from exc

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for label in self.schema.nodes:
            records, _, _ = self.driver.execute_query(
                f"MATCH (n:{label}) RETURN count(n) AS c", database_=self.database
            )
            out[label] = int(records[0]["c"])
        for rtype in self.schema.relationships:
            records, _, _ = self.driver.execute_query(
                f"MATCH ()-[r:{rtype}]->() RETURN count(r) AS c", database_=self.database
            )
            out[rtype] = int(records[0]["c"])
        return out

    def clear(self) -> None:
        """Delete every node and relationship and forget what was pushed (tests, resets)."""
        with self.driver.session(database=self.database) as session:
            # relationships first, a batch per transaction: one DETACH DELETE of well-connected
            # nodes can exceed the server's transaction memory on a large graph, and one
            # statement over every batch (CALL ... IN TRANSACTIONS) is itself held to the
            # server's transaction timeout: clearing 1,000,000 works timed out at 120 s
            for statement in ("MATCH ()-[r]->() WITH r LIMIT $batch DELETE r RETURN count(r) AS deleted",
                              "MATCH (n) WITH n LIMIT $batch DELETE n RETURN count(n) AS deleted"):
                while session.run(statement, batch=CLEAR_BATCH).single()["deleted"]:
                    pass
        if self.state_dir is not None:
            for table in list(self.schema.node_tables()) + list(self.schema.edge_tables()):
                path = self._state_file(table)
                if path and path.is_file():
                    path.unlink()

    def close(self) -> None:
        self.driver.close()
