"""The normalised tables: the hand-over point between loaders and stores.

One Parquet file per node or edge table of `graph/schema.yaml`, typed from the schema.
A table set is replaced as a whole: a new generation folder is written, then a symlink
is swapped with one atomic rename, so an interrupted load leaves the previous, complete
set in place and never a mix.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import orjson
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from graph.errors import InputError
from graph.schema import Schema, load_schema

ARROW_TYPES = {
    "string": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "bool": pa.bool_(),
    "string[]": pa.list_(pa.string()),
}
META_FILE = "_meta.json"
#: rows per Parquet row group (pyarrow's default), also the slice typed at a time when writing
ROW_GROUP = 1024 * 1024


def arrow_schema(table: str, schema: Schema | None = None) -> pa.Schema:
    """The Arrow schema of one table, columns in schema order."""
    schema = schema or load_schema()
    return pa.schema([(name, ARROW_TYPES[kind]) for name, kind in schema.columns(table).items()])


def to_arrow(
    table: str, rows: pa.Table | pd.DataFrame | Iterable[Mapping], schema: Schema | None = None
) -> pa.Table:
    """Rows (an Arrow table, dicts or a DataFrame) as a typed Arrow table; missing columns become null."""
    target = arrow_schema(table, schema)
    if isinstance(rows, pa.Table):
        return pa.table({
            f.name: rows[f.name].cast(f.type) if f.name in rows.column_names else pa.nulls(rows.num_rows, f.type)
            for f in target
        }, schema=target)
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    columns = {}
    for field in target:
        if field.name in frame.columns:
            column = frame[field.name]
            if pa.types.is_integer(field.type) or pa.types.is_list(field.type) or column.dtype == object:
                # ints may arrive as floats with NaN for "no year"; lists and mixed objects
                # need Python values; everything else converts column-wise without copies
                values = column.tolist()
                if pa.types.is_integer(field.type):
                    values = [None if v is None or v != v else int(v) for v in values]
                columns[field.name] = pa.array(values, type=field.type, from_pandas=True)
            else:
                columns[field.name] = pa.array(column, type=field.type, from_pandas=True)
        else:
            columns[field.name] = pa.nulls(len(frame), type=field.type)
    return pa.table(columns, schema=target)


def empty_frame(table: str, schema: Schema | None = None) -> pd.DataFrame:
    return arrow_schema(table, schema).empty_table().to_pandas()


def read_tables(directory: Path, schema: Schema | None = None) -> dict[str, pd.DataFrame]:
    """Every table of the schema as a DataFrame (empty where no file exists yet)."""
    schema = schema or load_schema()
    names = list(schema.node_tables()) + list(schema.edge_tables())
    frames: dict[str, pd.DataFrame] = {}
    for name in names:
        path = directory / f"{name}.parquet"
        frames[name] = _read_parquet(path).to_pandas() if path.is_file() else empty_frame(name)
    return frames


def read_arrow_tables(directory: Path, schema: Schema | None = None) -> dict[str, pa.Table]:
    """Every table of the schema as an Arrow table, typed by the schema (empty where no file exists yet).

    Why Arrow and not pandas: a million-work set holds tens of millions of strings, which
    as Python objects in object columns cost several times their size.
    """
    schema = schema or load_schema()
    names = list(schema.node_tables()) + list(schema.edge_tables())
    tables: dict[str, pa.Table] = {}
    for name in names:
        path = directory / f"{name}.parquet"
        target = arrow_schema(name, schema)
        tables[name] = to_arrow(name, _read_parquet(path), schema) if path.is_file() else target.empty_table()
    return tables


def dictionary_schema(target: pa.Schema, plain: Iterable[str] = ()) -> pa.Schema:
    """`target` with every string column dictionary-encoded, except those named in `plain`
    (columns whose values rarely repeat, where a dictionary only adds work).

    Why: in memory, an edge table repeats the same work ids, institution ids and raw
    affiliation strings on many rows; as dictionaries they are stored once per chunk.
    :func:`to_arrow` decodes them again, so the files keep the schema's plain strings.
    """
    return pa.schema([
        pa.field(f.name, pa.dictionary(pa.int32(), pa.string()))
        if pa.types.is_string(f.type) and f.name not in plain else f
        for f in target
    ])


def last_per_key(table: pa.Table, key: list[str]) -> pa.Table:
    """The last row of each key, in their original order (pandas' ``drop_duplicates(keep="last")``)."""
    if table.num_rows == 0:
        return table
    last = _sorted_last_per_key(table, key)
    if len(last) == table.num_rows:
        return table
    return table.take(np.sort(last.to_numpy()))


def merge_arrow(table: str, old: pa.Table, new: pa.Table, schema: Schema | None = None) -> pa.Table:
    """:func:`merge_frames` for Arrow tables: the same rows, in the same order.

    `old` is typed by the schema; `new` may hold dictionary-encoded strings
    (:func:`dictionary_schema`), and so may the result.
    """
    schema = schema or load_schema()
    key = list(schema.key(table))
    if new.num_rows == 0:
        return old
    merged = new if old.num_rows == 0 else pa.concat_tables([old.cast(new.schema), new])
    for column in key:
        values = merged[column]
        if values.null_count and (pa.types.is_string(values.type) or pa.types.is_dictionary(values.type)):
            filled = pc.fill_null(values.cast(pa.string()), "")
            merged = merged.set_column(merged.schema.get_field_index(column), column, filled.cast(values.type))
    return merged.take(_sorted_last_per_key(merged, key))


def count_keys(table: pa.Table, key: list[str]) -> int:
    """How many distinct keys a table holds (by sorting ranks, not hashing the strings)."""
    return len(_sorted_last_per_key(table, key)) if table.num_rows else 0


def _sorted_last_per_key(table: pa.Table, key: list[str]) -> pa.Array:
    """Row numbers of the last row of each key, in key order: one stable sort, then the
    last row of each run of equal keys (no hash table, one copy of the table after)."""
    ranks = pa.table({name: _dense_rank(table, name) for name in key})
    order = pc.sort_indices(ranks, sort_keys=[(k, "ascending") for k in key])  # stable: equal keys keep row order
    if len(order) < 2:
        return order
    last = np.zeros(len(order), dtype=bool)
    last[-1] = True
    for name in key:
        values = ranks[name].take(order).to_numpy()
        last[:-1] |= values[:-1] != values[1:]
    return order.filter(pa.array(last))


def _dense_rank(table: pa.Table, column: str) -> pa.Array:
    """Each value's rank among the column's distinct values (strings compare as Python does)."""
    values = table.select([column]).unify_dictionaries().combine_chunks()[column].chunk(0)
    if pa.types.is_dictionary(values.type):
        return pc.take(pc.rank(values.dictionary, sort_keys="ascending", tiebreaker="dense"), values.indices)
    return pc.rank(values, sort_keys="ascending", tiebreaker="dense")


DAMAGED = ("the table set is damaged; move {folder} aside and load the inputs again "
           "(`ties load PATH`), or restore it from a backup")


def _read_parquet(path: Path) -> pa.Table:
    """One table file, or an InputError naming it when it is not readable Parquet."""
    try:
        return pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise InputError(f"{path}: not a readable Parquet table ({str(exc).splitlines()[0][:160]}); "
                         + DAMAGED.format(folder=path.parent)) from None


def read_meta(directory: Path) -> dict:
    """The table set's metadata (counts, data date, inputs); empty if none yet.

    A damaged file is an InputError naming it; a field of the wrong type is dropped (the
    data date is shown on every report and must be a date string).
    """
    path = directory / META_FILE
    if not path.is_file():
        return {}
    try:
        meta = orjson.loads(path.read_bytes())
    except (orjson.JSONDecodeError, OSError) as exc:
        raise InputError(f"{path}: not readable JSON ({exc}); " + DAMAGED.format(folder=directory)) from None
    if not isinstance(meta, dict):
        raise InputError(f"{path}: expected a JSON object, got {type(meta).__name__}; "
                         + DAMAGED.format(folder=directory))
    for key in ("data_date", "loaded_at"):
        if key in meta and not isinstance(meta[key], str):
            meta.pop(key)
    if not isinstance(meta.get("inputs", []), list):
        meta.pop("inputs")
    return meta


def merge_frames(
    table: str, old: pd.DataFrame, new: pd.DataFrame, schema: Schema | None = None
) -> pd.DataFrame:
    """Union of two versions of a table, one row per key; the newer row wins.

    This is what makes loading the same input twice change nothing.
    """
    schema = schema or load_schema()
    key = list(schema.key(table))
    if new.empty:
        return old
    if old.empty:
        merged = new
    else:
        merged = pd.concat([old, new], ignore_index=True)
    for column in key:
        if column in merged and merged[column].dtype == object:
            merged[column] = merged[column].fillna("")
    merged = merged.drop_duplicates(subset=key, keep="last")
    return merged.sort_values(key, kind="stable").reset_index(drop=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _swap_symlink(link: Path, target_name: str) -> None:
    """Point `link` at `target_name` (a sibling) with one atomic rename."""
    tmp = link.with_name(f".{link.name}.{os.getpid()}.tmp")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(target_name, tmp)
    os.replace(tmp, link)


def publish_generation(link: Path, write: callable) -> Path:
    """Write a new generation folder beside `link` with `write(folder)`, then swap it in.

    Older generations are removed after the swap. If `link` is a real folder (an older
    layout), it is moved aside first. Returns the new generation folder.
    """
    link.parent.mkdir(parents=True, exist_ok=True)
    generation = link.with_name(f"{link.name}.gen-{time.time_ns()}")
    generation.mkdir()
    try:
        write(generation)
    except BaseException:
        shutil.rmtree(generation, ignore_errors=True)
        raise
    if link.exists() and not link.is_symlink():
        link.rename(link.with_name(f"{link.name}.gen-0-legacy"))
    _swap_symlink(link, generation.name)
    for old in link.parent.glob(f"{link.name}.gen-*"):
        if old.name != generation.name:
            shutil.rmtree(old, ignore_errors=True)
    for stale in link.parent.glob(f".{link.name}.*.tmp"):
        # a symlink a killed swap left behind: its writer's process is gone
        pid = stale.name.rsplit(".", 2)[-2]
        if stale.is_symlink() and pid.isdigit() and not _alive(int(pid)):
            stale.unlink(missing_ok=True)
    return generation


def write_tables(
    directory: Path, frames: Mapping[str, pd.DataFrame | pa.Table], meta: dict, schema: Schema | None = None
) -> Path:
    """Atomically replace the table set at `directory` (a symlink to a generation).

    Each table may be a DataFrame or an Arrow table; both are typed by the schema.
    """
    schema = schema or load_schema()

    def write(folder: Path) -> None:
        for name, frame in frames.items():
            if isinstance(frame, pa.Table) and frame.num_rows > ROW_GROUP:
                # typed one row group at a time: decoding a dictionary-encoded edge table of
                # millions of rows at once would briefly double its memory
                with pq.ParquetWriter(folder / f"{name}.parquet", arrow_schema(name, schema)) as writer:
                    for start in range(0, frame.num_rows, ROW_GROUP):
                        writer.write_table(to_arrow(name, frame.slice(start, ROW_GROUP), schema))
            else:
                pq.write_table(to_arrow(name, frame, schema), folder / f"{name}.parquet")
        counts = {name: int(len(frame)) for name, frame in frames.items()}  # rows, for frames and Arrow tables
        (folder / META_FILE).write_bytes(
            orjson.dumps({**meta, "counts": counts}, option=orjson.OPT_INDENT_2)
        )

    return publish_generation(directory, write)


def require_tables(directory: Path) -> None:
    """Fail with a hint when nothing has been loaded yet."""
    if not (directory / META_FILE).is_file():
        raise InputError(
            f"{directory}: no normalised tables yet; run `ties load PATH` (or `ties demo`) first"
        )
