"""Generated benchmark corpora, cached under ``bench/out`` across runs.

Why: generating 10^6 works takes over a minute, and the generator is deterministic, so a
corpus is reused when its parameters (size, seed, format) and the generator's own code
and reference data are unchanged. The key is a hash of all of these, written beside the
corpus; anything else regenerates it.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import orjson

from loaders import generate

STAMP = "bench-stamp.json"


def corpus_key(n: int, seed: int, fmt: str = "snapshot") -> dict:
    """What makes two generated corpora identical: parameters and generator sources."""
    digest = hashlib.sha256()
    for path in (Path(generate.__file__), generate.DATA_FILE):
        digest.update(path.read_bytes())
    return {"works": n, "seed": seed, "format": fmt, "generator": digest.hexdigest()[:16]}


def ensure_corpus(out_dir: Path, n: int, seed: int = 42) -> tuple[Path, float | None]:
    """The corpus folder for ``n`` works, generated unless a matching one is cached.

    Returns (folder, seconds spent generating, or None when the cache was used).
    """
    folder = Path(out_dir) / f"corpus-{n}-seed{seed}"
    key = corpus_key(n, seed)
    stamp = folder / STAMP
    if stamp.is_file() and orjson.loads(stamp.read_bytes()) == key:
        return folder, None
    started = time.perf_counter()
    generate.write_corpus(folder, n, seed=seed, fmt="snapshot", overwrite=True)
    seconds = time.perf_counter() - started
    stamp.write_bytes(orjson.dumps(key))
    return folder, seconds
