"""The embedded default store: LadybugDB (in-process Cypher, one folder, no server).

LadybugDB loads bulk data at about 300,000 rows/s with COPY but only ~100 rows/s with
row-by-row MERGE, and a second COPY of the same keys is refused. So the store is a
materialised view of the normalised tables: every load builds a fresh database from
the whole table set into a new generation folder and swaps a symlink to it, which makes
loads idempotent and atomic (an interrupted load leaves the previous database intact).
"""

from __future__ import annotations

import hashlib
import re
import time
from pathlib import Path
from typing import Any

import ladybug
import pyarrow.parquet as pq

from graph.base_store import QueryLoader, StoreBase
from graph.errors import StoreError
from graph.schema import SCHEMA_PATH, Schema, load_schema
from graph.tables import publish_generation, require_tables

DB_FILE = "graph.lbdb"
SCHEMA_STAMP = "schema.sha256"
#: a query slower than this, or returning more rows, closes the database afterwards (reopening
#: takes ~30 ms): LadybugDB keeps the pages of every join in its buffer pool (default 80% of RAM)
#: and could not evict them for the next query even when the pool was capped. Measured at
#: 1,000,000 works: exposure after the path queries peaked at 17.8 GB kept open, 6.7 GB
#: released, and ran in 26 s, not 47 s. Small queries (the dashboard's lookups) keep it open.
RELEASE_AFTER_S = 1.0
#: a file path COPY may name in its string literal (LadybugDB binds no parameter for a file
#: name, so the path is spliced into the statement); a table set under any other path is
#: copied through an Arrow table read in Python instead, which needs twice the memory
PLAIN_PATH = re.compile(r"[A-Za-z0-9_./+@=,:~ -]+")
RELEASE_AFTER_ROWS = 10_000
LADYBUG_TYPES = {
    "string": "STRING",
    "int": "INT64",
    "float": "DOUBLE",
    "bool": "BOOLEAN",
    "string[]": "STRING[]",
}


def ladybug_ddl(schema: Schema) -> list[str]:
    """CREATE statements for every node and relationship table of the schema.

    >>> from graph.schema import load_schema
    >>> ladybug_ddl(load_schema())[0].startswith("CREATE NODE TABLE Work(")
    True
    """
    statements = []
    for label, node in schema.nodes.items():
        cols = ", ".join(f"`{n}` {LADYBUG_TYPES[t]}" for n, t in node.properties.items())
        statements.append(f"CREATE NODE TABLE {label}({cols}, PRIMARY KEY(id))")
    for rtype, rel in schema.relationships.items():
        ends = ", ".join(f"FROM {e.source} TO {e.target}" for e in rel.endpoints)
        cols = "".join(f", `{n}` {LADYBUG_TYPES[t]}" for n, t in rel.properties.items())
        statements.append(f"CREATE REL TABLE {rtype}({ends}{cols})")
    return statements


def schema_digest() -> str:
    """A fingerprint of the schema file, stored beside each database built from it."""
    return hashlib.sha256(SCHEMA_PATH.read_bytes()).hexdigest()


def plain_file_literal(path: Path) -> str | None:
    """`path`, absolute, as a Cypher string literal, or None when it holds a character that
    could end the literal or escape from it (LadybugDB binds no parameter for a file name).

    >>> plain_file_literal(Path("/data/ties/tables/works.parquet"))
    "'/data/ties/tables/works.parquet'"
    >>> plain_file_literal(Path("/data/x' RETURN 1 //")) is None
    True
    """
    text = str(Path(path).resolve())
    return f"'{text}'" if PLAIN_PATH.fullmatch(text) else None


class LadybugStore(StoreBase):
    """GraphStore over a LadybugDB database at ``<root>/current/graph.lbdb``."""

    name = "local"
    engine = "ladybug"

    def __init__(self, root: Path, read_only: bool = False, queries: QueryLoader | None = None) -> None:
        self.root = Path(root)
        self.read_only = read_only
        self.queries = queries
        self.schema = load_schema()
        self._db: ladybug.Database | None = None
        self._conn: ladybug.Connection | None = None

    @property
    def current(self) -> Path:
        return self.root / "current"

    def _connect(self) -> ladybug.Connection:
        if self._conn is None:
            path = self.current / DB_FILE
            if not path.exists():
                raise StoreError(
                    f"{self.root}: the embedded store is empty; run `ties load PATH` "
                    "(or `ties demo`) first"
                )
            stamp = self.current / SCHEMA_STAMP
            if not stamp.is_file() or stamp.read_text().strip() != schema_digest():
                raise StoreError(
                    f"{self.root}: the embedded store was built with another version of graph/schema.yaml; "
                    "load your input again with `ties load PATH` (or run `ties demo`) to rebuild it"
                )
            try:
                self._db = ladybug.Database(str(path), read_only=self.read_only)
                self._conn = ladybug.Connection(self._db)
            except RuntimeError as exc:
                raise StoreError(f"{path}: cannot open the embedded store: {exc}") from exc
        return self._conn

    def load(self, tables_dir: Path) -> dict[str, int]:
        """Build a new database from the table set and swap it in atomically."""
        require_tables(tables_dir)
        self.close()
        publish_generation(self.current, lambda folder: self._build(folder, tables_dir))
        return self.counts()

    def _build(self, folder: Path, tables_dir: Path) -> None:
        (folder / SCHEMA_STAMP).write_text(schema_digest() + "\n")
        db = ladybug.Database(str(folder / DB_FILE))
        conn = ladybug.Connection(db)
        try:
            for statement in ladybug_ddl(self.schema):
                conn.execute(statement)
            for table, node in self.schema.node_tables().items():
                self._copy(conn, node.label, tables_dir / f"{table}.parquet", "")
            for table, (rel, end) in self.schema.edge_tables().items():
                option = f" (from='{end.source}', to='{end.target}')" if len(rel.endpoints) > 1 else ""
                self._copy(conn, rel.type, tables_dir / f"{table}.parquet", option)
        finally:
            conn.close()
            db.close()

    @staticmethod
    def _copy(conn: ladybug.Connection, target: str, path: Path, option: str) -> None:
        """COPY one table file into `target`. LadybugDB reads a Parquet file itself a row
        group at a time; reading it into Arrow first held every table twice, once in Python
        and once in the database: building the 10^6-work store peaked at 9.7 GB that way
        and peaks at 4.8 GB reading the files, in the same time."""
        if not path.is_file() or pq.ParquetFile(path).metadata.num_rows == 0:
            return
        # `target` and `option` come from the schema file, never from user input
        literal = plain_file_literal(path)
        if literal is not None:
            conn.execute(f"COPY {target} FROM {literal}{option}")
            return
        arrow_table = pq.read_table(path)  # noqa: F841 - scanned by name in COPY below
        conn.execute(f"COPY {target} FROM arrow_table{option}")

    def execute(self, text: str, params: dict[str, Any], label: str = "query") -> list[dict]:
        started = time.perf_counter()
        try:
            result = self._connect().execute(text, params)
        except RuntimeError as exc:
            self.close()  # a failed query (a full buffer pool) leaves nothing worth keeping
            raise StoreError(f"query {label} failed on the embedded store: {exc}") from exc
        try:
            # one Arrow conversion instead of a Python call per row (10x faster on big results)
            rows = result.get_as_arrow().to_pylist()
        finally:
            result.close()
        if len(rows) > RELEASE_AFTER_ROWS or time.perf_counter() - started > RELEASE_AFTER_S:
            self.close()
        return rows

    def counts(self) -> dict[str, int]:
        conn = self._connect()
        out: dict[str, int] = {}
        for label in self.schema.nodes:
            result = conn.execute(f"MATCH (n:{label}) RETURN count(n)")
            out[label] = int(result.get_next()[0])
        for rtype in self.schema.relationships:
            result = conn.execute(f"MATCH ()-[r:{rtype}]->() RETURN count(r)")
            out[rtype] = int(result.get_next()[0])
        return out

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._db is not None:
            self._db.close()
            self._db = None
