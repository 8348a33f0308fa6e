"""A real HTTP server on 127.0.0.1 that answers like the OpenAlex API, with scripted faults.

Why: the fetcher must be tested against real sockets (dropped connections, truncated
bodies, status codes, headers), not mocks, and without touching the network.

Works are generated deterministically from ``fixtures/openalex/fetch_pool.json``
(invented institutions and topics). Cursor pages look like the real ones: ``meta`` with
``count``, ``per_page``, ``next_cursor`` (base64 of the last sort key) and an empty final
page with ``next_cursor: null``; ``select`` is honoured; X-RateLimit-* headers count down.

Faults are keyed by page number (``offset // per_page + 1``):

- ``faults[n]``: a list played once each, in order, on requests for page n
- ``always[n]``: played on every request for page n (e.g. a permanent ``drop``)

Fault names: ``429`` (Retry-After: ``retry_after``), ``quota`` (long Retry-After,
X-RateLimit-Remaining: 0), ``500``, ``503``, ``drop`` (close without answering),
``cut`` (close halfway through the body), ``truncate`` (a complete HTTP answer whose
JSON is cut), ``400``, ``401``, ``403``, ``404``, ``hang`` (wait until :meth:`release`).
With ``echo = True`` every JSON answer repeats the request (path with the API key) in its
body and an ``X-Echo`` header.

Example::

    with ReplayServer(works=250) as server:
        server.faults[2] = ["429", "500"]
        ...  # point OPENALEX_BASE_URL at server.url

Run alone: ``python tests/replay_server.py --works 500`` prints its URL.
"""

from __future__ import annotations

import base64
import json
import random
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

POOL_PATH = Path(__file__).parent / "fixtures" / "openalex" / "fetch_pool.json"
EXPOSED = (
    "Cache-Control, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Credits-Used, "
    "X-RateLimit-Reset, X-RateLimit-Limit-USD, X-RateLimit-Remaining-USD, Retry-After"
)


def make_works(n: int, seed: int = 7, pool: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """``n`` synthetic works, each co-authored by a Dutch and a Chinese invented institution."""
    pool = pool or json.loads(POOL_PATH.read_text(encoding="utf-8"))
    rng = random.Random(seed)
    nl = [i for i in pool["institutions"] if i["country_code"] == "NL"]
    cn = [i for i in pool["institutions"] if i["country_code"] == "CN"]
    works = []
    for i in range(n):
        wid = 4_100_000_000 + i * 13
        authorships = []
        for pos in range(rng.randint(2, 5)):
            inst = rng.choice(nl if pos % 2 == 0 else cn)
            dept = rng.choice(pool["departments"])
            raw = f"{dept}, {inst['display_name']}".strip(", ")
            authorships.append({
                "author_position": "first" if pos == 0 else "middle",
                "author": {
                    "id": f"https://openalex.org/A{5_100_000_000 + rng.randint(0, 9999)}",
                    "display_name": f"Author {rng.randint(1, 999)}",
                    "orcid": None,
                },
                "institutions": [inst],
                "countries": [inst["country_code"]],
                "is_corresponding": pos == 0,
                "raw_author_name": f"A. Author{pos}",
                "raw_affiliation_strings": [raw],
                "affiliations": [{"raw_affiliation_string": raw, "institution_ids": [inst["id"]]}],
            })
        authorships[-1]["author_position"] = "last"
        topics = [dict(t) for t in pool["topics"]]
        year = 2010 + i % 15
        works.append({
            "id": f"https://openalex.org/W{wid}",
            "doi": f"https://doi.org/10.9999/ties.{wid}",
            "title": f"Synthetic study {i}",
            "display_name": f"Synthetic study {i}",
            "publication_year": year,
            "publication_date": f"{year}-06-01",
            "type": pool["types"][i % len(pool["types"])],
            "authorships": authorships,
            "is_authors_truncated": False,
            "primary_topic": topics[i % len(topics)],
            "topics": topics,
            "cited_by_count": rng.randint(0, 50),
            "updated_date": "2026-01-15T08:00:00.000000",
        })
    return works


def encode_cursor(offset: int, works: list[dict[str, Any]]) -> str:
    """Shaped like the real cursor: base64 of the quoted last sort key."""
    key = f"[{float(offset)}, {offset}, '{works[offset - 1]['id']}']"
    return base64.b64encode(json.dumps(key).encode()).decode()


def decode_cursor(cursor: str) -> int:
    key = json.loads(base64.b64decode(cursor.encode()).decode())
    return int(key.strip("[]").split(",")[1])


class ReplayServer:
    """Holds the works, the fault script and a log of requests; serves in a thread."""

    def __init__(
        self,
        works: int = 250,
        *,
        seed: int = 7,
        api_key: str | None = None,
        retry_after: str = "0",
        quota_reset: int = 40_000,
        merged: dict[str, str] | None = None,
        daily_limit: int = 10_000,
    ) -> None:
        self.pool = json.loads(POOL_PATH.read_text(encoding="utf-8"))
        self.works = make_works(works, seed, self.pool)
        self.api_key = api_key
        self.retry_after = retry_after
        self.quota_reset = quota_reset
        self.merged = merged or {}
        self.daily_limit = daily_limit
        #: answer with the request echoed back (path with every parameter, the API key too) in
        #: the body and an ``X-Echo`` header, as some proxies and error pages do
        self.echo = False
        self.faults: dict[int, list[str]] = {}
        self.always: dict[int, str] = {}
        self.requests: list[dict[str, Any]] = []
        self._gate = threading.Event()
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> ReplayServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release()
        self._httpd.shutdown()
        self._httpd.server_close()

    def release(self) -> None:
        """Let every ``hang`` fault finish (with a dropped connection)."""
        self._gate.set()

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def next_fault(self, page: int) -> str | None:
        with self._lock:
            if page in self.always:
                return self.always[page]
            queue = self.faults.get(page)
            return queue.pop(0) if queue else None

    def list_requests(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["path"] == "/works"]


def _handler_for(server: ReplayServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet tests
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server API
            parts = urlsplit(self.path)
            params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            with server._lock:
                server.requests.append({"path": parts.path, "params": params})
                used = len(server.requests)
            self.rate = {
                "X-RateLimit-Limit": str(server.daily_limit),
                "X-RateLimit-Remaining": str(max(server.daily_limit - used, 0)),
                "X-RateLimit-Reset": str(server.quota_reset),
                "X-RateLimit-Credits-Used": "1",
            }
            if server.api_key is not None and params.get("api_key") != server.api_key:
                return self.send_json(401, server.pool["errors"]["401"])
            if parts.path == "/works":
                return self.list_works(params)
            if parts.path.startswith("/works/"):
                return self.one_work(parts.path.rsplit("/", 1)[-1])
            if parts.path == "/rate-limit":
                return self.send_json(200, {"api_key": "<api-key>", "rate_limit": {
                    "daily_budget_usd": 1.0, "resets_in_seconds": server.quota_reset}})
            return self.send_json(404, server.pool["errors"]["404"])

        def list_works(self, params: dict[str, str]) -> None:
            per_page = int(params.get("per_page") or params.get("per-page") or 25)
            if not 1 <= per_page <= 200:
                return self.send_json(400, server.pool["errors"]["400"])
            cursor = params.get("cursor")
            offset = 0 if cursor in (None, "*") else decode_cursor(cursor)
            page = offset // per_page + 1
            fault = server.next_fault(page)
            if fault and self.play(fault):
                return
            chunk = server.works[offset:offset + per_page]
            end = offset + len(chunk)
            if cursor is None:
                next_cursor = None
            else:
                next_cursor = encode_cursor(end, server.works) if chunk else None
            if "select" in params:
                keep = params["select"].split(",")
                chunk = [{k: w[k] for k in keep if k in w} for w in chunk]
            body = {
                "meta": {
                    "count": len(server.works), "db_response_time_ms": 20 + page % 7,
                    "page": None if cursor else 1, "per_page": per_page,
                    "next_cursor": next_cursor, "groups_count": None,
                },
                "results": chunk,
                "group_by": [],
            }
            self.send_json(200, body, fault == "truncate")

        def one_work(self, wid: str) -> None:
            if wid in server.merged:
                self.send_response(301)
                self.send_header("Location", f"/works/{server.merged[wid]}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            for work in server.works:
                if work["id"].endswith("/" + wid):
                    return self.send_json(200, work)
            self.send_json(404, server.pool["errors"]["404"])

        def play(self, fault: str) -> bool:
            """Act out a fault; False when the normal answer should follow (``truncate``)."""
            errors = server.pool["errors"]
            if fault == "truncate":
                return False
            if fault in ("drop", "hang"):
                if fault == "hang":
                    server._gate.wait()
                self.close_connection = True
                return True
            if fault == "cut":
                payload = json.dumps({"meta": {}, "results": [{"id": "x" * 500}]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload[: len(payload) // 2])
                self.wfile.flush()
                self.close_connection = True
                return True
            if fault == "quota":
                self.rate["X-RateLimit-Remaining"] = "0"
                self.send_json(429, errors["quota"], retry_after=str(server.quota_reset))
            elif fault == "429":
                self.send_json(429, errors["429"], retry_after=server.retry_after)
            elif fault in ("500", "503"):
                self.send_json(int(fault), errors["500"])
            elif fault in ("401", "403"):
                self.send_json(int(fault), errors[fault])
            elif fault in ("400", "404"):
                self.send_json(int(fault), errors[fault])
            else:
                raise ValueError(f"unknown fault {fault!r}")
            return True

        def send_json(
            self, status: int, body: Any, truncate: bool = False, retry_after: str | None = None
        ) -> None:
            if server.echo and isinstance(body, dict):
                body = {**body, "message": f"{body.get('message', '')} request was {self.path}",
                        "echo": {"path": self.path, "headers": dict(self.headers)}}
            payload = json.dumps(body).encode()
            if truncate:
                payload = payload[: len(payload) // 2]
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Access-Control-Expose-Headers", EXPOSED)
            for name, value in self.rate.items():
                self.send_header(name, value)
            if retry_after is not None:
                self.send_header("Retry-After", retry_after)
            if server.echo:
                self.send_header("X-Echo", self.path)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    return Handler


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Serve synthetic OpenAlex /works pages.")
    parser.add_argument("--works", type=int, default=250)
    args = parser.parse_args()
    replay = ReplayServer(works=args.works).start()
    print(replay.url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        replay.stop()
