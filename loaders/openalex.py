"""A thin OpenAlex HTTP client: one config, one GET with retries, endpoints as data.

Why our own and not pyalex: pyalex retries nothing by default, caps cursor paging
quietly and cannot tell a short burst limit from a used-up daily allowance. This client
retries 429/5xx/dropped connections/truncated JSON with backoff honouring
``Retry-After``, stops with :class:`~graph.errors.QuotaExhausted` (saying when to
resume) when the day's allowance is gone, keeps below the request rate the API allows,
and never lets the API key reach a file, a log line or an error message.

Example
-------
>>> from graph.settings import Config
>>> client = OpenAlexClient(Config(openalex_api_key="s3cr3t-key"), warn=False)
>>> client.redact("https://api.openalex.org/works?api_key=s3cr3t-key&per_page=1")
'https://api.openalex.org/works?per_page=1'
>>> client.redact("Max retries exceeded with url: /works?api_key=s3cr3t-key")
'Max retries exceeded with url: /works?api_key=<api-key>'
"""

from __future__ import annotations

import email.utils
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

import orjson
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from graph.errors import FetchError, QuotaExhausted
from graph.settings import VERSION as __version__
from graph.settings import Config

__all__ = [
    "ENDPOINTS",
    "WORK_FIELDS",
    "ApiResponse",
    "ClientSettings",
    "OpenAlexClient",
    "fetch_list_page",
    "fetch_work",
]

#: endpoint name -> path below the base URL; a new endpoint costs one line.
ENDPOINTS: dict[str, str] = {
    "works": "/works",
    "authors": "/authors",
    "institutions": "/institutions",
    "rate_limit": "/rate-limit",
}

#: root-level work fields the project reads (all valid ``select`` fields in the 2026 API).
WORK_FIELDS: tuple[str, ...] = (
    "id",
    "doi",
    "title",
    "display_name",
    "publication_year",
    "type",
    "authorships",
    "primary_topic",
    "topics",
    "updated_date",
    "is_authors_truncated",
)

KEY_HELP = (
    "set OPENALEX_API_KEY to your free key (openalex.org, account settings, API; "
    "required since 13 February 2026)"
)
_REDIRECTS = (301, 302, 303, 307, 308)
#: failures of the connection or the body that another try may fix
_TRANSIENT = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)
_MAX_REDIRECTS = 5


@dataclass(frozen=True)
class ClientSettings:
    """How hard to push and how long to wait; tests shrink every delay to fractions of a second.

    ``max_wait`` separates a short burst limit (wait ``Retry-After`` and retry) from a
    used-up daily allowance (``Retry-After`` longer than this, or
    ``X-RateLimit-Remaining: 0``), which stops the fetch with QuotaExhausted.
    """

    requests_per_second: float = 10.0  # documented limit: 100 req/s per key
    max_tries: int = 6
    backoff_base: float = 1.0  # 1, 2, 4, 8, 16 s as the API docs recommend
    backoff_max: float = 60.0
    max_wait: float = 60.0
    connect_retries: int = 3
    timeout: tuple[float, float] = (10.0, 120.0)


@dataclass
class ApiResponse:
    """One successful response: the body as received, its decoded JSON and where it came from.

    ``url`` and ``params`` never contain the API key, so the whole record may be written
    to disk.
    """

    url: str
    params: dict[str, str]
    status: int
    headers: dict[str, str]
    fetched_at: str
    content: bytes
    data: Any
    redirected_from: list[str] = field(default_factory=list)

    def request_record(self) -> dict[str, Any]:
        """The ``request`` half of a stored page: URL, params, time, status, headers."""
        record: dict[str, Any] = {
            "url": self.url,
            "params": self.params,
            "fetched_at": self.fetched_at,
            "status": self.status,
            "headers": self.headers,
        }
        if self.redirected_from:
            record["redirected_from"] = self.redirected_from
        return record


class _Retryable(Exception):
    """A failure worth another try; ``wait`` overrides the backoff delay when known."""

    def __init__(self, reason: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.wait = wait


class OpenAlexClient:
    """Holds the HTTP session, the rate limiter and the last rate-limit headers seen."""

    def __init__(
        self, config: Config, settings: ClientSettings | None = None, warn: bool = True
    ) -> None:
        self.base_url = config.openalex_base_url.rstrip("/")
        self.settings = settings or ClientSettings()
        self._key = config.openalex_api_key
        self._mailto = config.openalex_mailto
        self._next_slot = 0.0
        #: latest X-RateLimit-* headers (lower-case names), for progress display
        self.rate: dict[str, str] = {}
        self.session = requests.Session()
        retry = Retry(
            total=None,
            connect=self.settings.connect_retries,
            read=0,
            status=0,
            redirect=0,
            other=0,
            backoff_factor=min(self.settings.backoff_base, 0.5),
            raise_on_status=False,
            respect_retry_after_header=False,
        )
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        contact = f"; mailto:{self._mailto}" if self._mailto else ""
        self.session.headers["User-Agent"] = f"research-ties/{__version__}{contact}"
        if not self._key and warn:
            print(
                "warning: OPENALEX_API_KEY is not set; the OpenAlex API refuses most calls "
                f"without a key. Trying without one (fine for a local replay server). "
                f"To fix: {KEY_HELP}.",
                file=sys.stderr,
            )

    # -- secrets -------------------------------------------------------------------------
    def redact(self, text: str) -> str:
        """Remove the API key from a URL or message (query parameter and bare value)."""
        parts = urlsplit(text) if text.startswith(("http://", "https://")) else None
        if parts is not None and parts.query:
            query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
            kept = urlencode([(k, v) for k, v in query if k != "api_key"])
            text = urlunsplit(parts._replace(query=kept))
        if self._key:
            for form in self._key_forms():
                text = text.replace(form, "<api-key>")
        return text

    def _key_forms(self) -> set[str]:
        """The key as it may appear in text sent back: as is, URL-encoded (both ways), JSON-escaped."""
        key = self._key or ""
        return {f for f in (key, urlencode({"k": key})[2:], quote(key, safe=""), orjson.dumps(key).decode()[1:-1])
                if f}

    def scrub(self, body: bytes) -> bytes:
        """`body` with every form of the API key replaced, whatever the server sent back.

        Why: a server or proxy that echoes the request (an error page, a debugging header)
        put the key into error lines and into saved pages; everything received passes here
        before it is parsed, printed or written.
        """
        if self._key:
            for form in self._key_forms():
                body = body.replace(form.encode(), b"<api-key>")
        return body

    # -- requests ------------------------------------------------------------------------
    def url_for(self, endpoint: str) -> str:
        """Full URL for an endpoint name from ENDPOINTS, or a path like ``/works/W1``."""
        path = ENDPOINTS.get(endpoint, endpoint)
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def get(self, endpoint: str, params: dict[str, Any] | None = None) -> ApiResponse:
        """GET with rate limiting, retries and redirects; return a decoded JSON response.

        Raises
        ------
        FetchError
            401/403 (with advice about the key), another 4xx, or retries used up.
        QuotaExhausted
            The daily allowance is used up; the message says when it resets (UTC).
        """
        public = {k: str(v) for k, v in (params or {}).items() if v is not None}
        if self._mailto:
            public.setdefault("mailto", self._mailto)
        url = self.url_for(endpoint)
        last = "no attempt made"
        for attempt in range(1, self.settings.max_tries + 1):
            try:
                return self._attempt(url, public)
            except _Retryable as exc:
                last = str(exc)
                if attempt == self.settings.max_tries:
                    break
                backoff = self.settings.backoff_base * 2 ** (attempt - 1)
                delay = exc.wait if exc.wait is not None else backoff
                time.sleep(min(delay, self.settings.backoff_max))
        shown = self.redact(_with_query(url, public))
        raise FetchError(
            f"OpenAlex request failed after {self.settings.max_tries} tries: {shown} "
            f"(last problem: {self.redact(last)}); rerun the same command to resume"
        )

    def _attempt(self, url: str, public: dict[str, str]) -> ApiResponse:
        """One request, following redirects by hand so the key never leaves our host."""
        redirected: list[str] = []
        params = dict(public)
        for _ in range(_MAX_REDIRECTS + 1):
            sent = dict(params)
            if self._key and _same_origin(url, self.base_url):
                sent["api_key"] = self._key
            self._wait_for_slot()
            try:
                resp = self.session.get(
                    url, params=sent, timeout=self.settings.timeout, allow_redirects=False
                )
                content = self.scrub(resp.content)  # a dropped connection mid-body raises here
            except _TRANSIENT as exc:
                raise _Retryable(f"{type(exc).__name__}: {exc}") from None
            except requests.RequestException as exc:
                raise FetchError(f"cannot request {self.redact(url)}: {self.redact(str(exc))}") from None
            headers = {k.lower(): self.redact(v) for k, v in resp.headers.items()}
            self.rate = {k: v for k, v in headers.items() if k.startswith("x-ratelimit-")}
            shown = self.redact(_with_query(url, params))
            if resp.status_code in _REDIRECTS and "location" in headers:
                redirected.append(shown)
                target = urlsplit(urljoin(url, headers["location"]))
                given = dict(parse_qsl(target.query))
                given.pop("api_key", None)
                params = {**params, **given}
                url = urlunsplit(target._replace(query=""))
                continue
            self._check_status(resp.status_code, headers, content, shown)
            try:
                data = orjson.loads(content)
            except orjson.JSONDecodeError as exc:
                raise _Retryable(
                    f"invalid or truncated JSON ({len(content)} bytes): {exc}"
                ) from None
            return ApiResponse(
                url=shown,
                params=dict(params),
                status=resp.status_code,
                headers=headers,
                fetched_at=_now_iso(),
                content=content,
                data=data,
                redirected_from=redirected,
            )
        raise FetchError(f"more than {_MAX_REDIRECTS} redirects from {redirected[0]}")

    def _check_status(self, status: int, headers: dict[str, str], body: bytes, url: str) -> None:
        """Sort a status into success, retry, quota stop or a plain error."""
        if status < 300:
            return
        message = _error_message(body)
        if status in (401, 403):
            raise FetchError(
                f"OpenAlex refused the request with {status} ({message}) for {url}: {KEY_HELP}"
            )
        if status == 429:
            wait = _retry_after(headers.get("retry-after"))
            remaining = headers.get("x-ratelimit-remaining")
            reset = _float(headers.get("x-ratelimit-reset"))
            used_up = remaining is not None and remaining.strip() in ("0", "0.0")
            if used_up or (wait is not None and wait > self.settings.max_wait):
                seconds = wait if wait is not None else reset
                raise _quota_error(seconds, message)
            raise _Retryable(f"429 rate limited ({message})", wait=wait)
        if status >= 500:
            raise _Retryable(f"{status} server error ({message})", _retry_after(
                headers.get("retry-after")))
        raise FetchError(f"OpenAlex answered {status} for {url}: {message}")

    def _wait_for_slot(self) -> None:
        """Client-side limiter: at most ``requests_per_second`` requests, evenly spaced."""
        rate = self.settings.requests_per_second
        if rate <= 0:
            return
        now = time.monotonic()
        if now < self._next_slot:
            time.sleep(self._next_slot - now)
            now = self._next_slot
        self._next_slot = now + 1.0 / rate

    def close(self) -> None:
        self.session.close()


# -- one function per endpoint ---------------------------------------------------------------
def fetch_list_page(
    client: OpenAlexClient,
    endpoint: str,
    *,
    filter: str | None = None,
    select: tuple[str, ...] | None = None,
    per_page: int = 100,
    cursor: str = "*",
) -> ApiResponse:
    """One cursor page of a list endpoint (``works``, ``authors``, ``institutions``).

    Raises FetchError when the body is not ``{"meta": ..., "results": [...]}``.
    """
    params = {
        "filter": filter,
        "select": ",".join(select) if select else None,
        "per_page": per_page,
        "cursor": cursor,
    }
    response = client.get(endpoint, params)
    body = response.data
    if not (isinstance(body, dict) and isinstance(body.get("results"), list)
            and isinstance(body.get("meta"), dict)):
        raise FetchError(f"{response.url}: expected a list page with meta and results")
    return response


def fetch_work(client: OpenAlexClient, work_id: str) -> ApiResponse:
    """One work by id (``W123`` or its URL); a merged id is followed to the surviving work."""
    short = work_id.rstrip("/").rsplit("/", 1)[-1]
    return client.get(f"{ENDPOINTS['works']}/{short}")


# -- helpers ---------------------------------------------------------------------------------
def _with_query(url: str, params: dict[str, str]) -> str:
    return f"{url}?{urlencode(params)}" if params else url


def _same_origin(url: str, base: str) -> bool:
    a, b = urlsplit(url), urlsplit(base)
    return (a.scheme, a.netloc) == (b.scheme, b.netloc)


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _retry_after(value: str | None) -> float | None:
    """Seconds from ``Retry-After``: a number of seconds or an HTTP date."""
    if value is None:
        return None
    seconds = _float(value.strip())
    if seconds is not None:
        return max(seconds, 0.0)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


def _error_message(body: bytes) -> str:
    """The API's ``message``/``error`` text, or the start of the body."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return body[:200].decode("utf-8", "replace").strip() or "empty body"
    if isinstance(data, dict):
        parts = [str(data[k]) for k in ("error", "message") if data.get(k)]
        if parts:
            return ": ".join(parts)
    return str(data)[:200]


def _quota_error(seconds: float | None, message: str) -> QuotaExhausted:
    if seconds is None:
        when = "after the daily reset (midnight UTC)"
    else:
        at = datetime.now(UTC) + timedelta(seconds=seconds)
        when = f"after {at.strftime('%Y-%m-%d %H:%M')} UTC (in {seconds / 3600:.1f} h)"
    return QuotaExhausted(
        f"the daily OpenAlex allowance is used up ({message}); the fetch is saved: "
        f"rerun the same command {when} to resume where it stopped"
    )
