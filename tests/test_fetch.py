"""`ties fetch` against a real HTTP server on 127.0.0.1 (tests/replay_server.py).

No mocks: every test sends real requests over loopback and reads the pages the fetcher
wrote. Backoff delays are shrunk to milliseconds through ClientSettings.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from graph.errors import FetchError, InputError, QuotaExhausted
from loaders.fetch import WorksQuery, fetch_works, page_path
from loaders.openalex import WORK_FIELDS, ClientSettings, OpenAlexClient, fetch_work
from ties.cli import main
from ties.config import Config

try:
    from tests.replay_server import ReplayServer
except ImportError:  # tests/ is not a package: pytest puts tests/ itself on sys.path
    from replay_server import ReplayServer

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO.parent / "shared" / "reference" / "openalex"
KEY = "test-key-7f3a9c"
FAST = ClientSettings(
    requests_per_second=0, max_tries=8, backoff_base=0.001, backoff_max=0.02,
    connect_retries=0, timeout=(5.0, 30.0),
)
NL_CN = WorksQuery(countries=("NL", "CN"))


@pytest.fixture
def server():
    with ReplayServer(works=250, api_key=KEY) as replay:
        yield replay


def config_for(home: Path, server: ReplayServer, key: str | None = KEY) -> Config:
    return Config(home=home, openalex_api_key=key, openalex_base_url=server.url)


def fetch(home: Path, server: ReplayServer, query: WorksQuery = NL_CN, **kw):
    kw.setdefault("settings", FAST)
    return fetch_works(config_for(home, server), query, progress=False, **kw)


def stored(out_dir: Path) -> dict[str, tuple]:
    """Page file name -> (request params, response body): what must be identical on rerun."""
    pages = {}
    for path in sorted(out_dir.glob("page_*.json")):
        record = orjson.loads(path.read_bytes())
        pages[path.name] = (record["request"]["params"], record["response"])
    return pages


def work_ids(out_dir: Path) -> list[str]:
    return [w["id"] for _, body in stored(out_dir).values() for w in body["results"]]


def reference_pages(tmp_path: Path, works: int, query: WorksQuery = NL_CN) -> dict[str, tuple]:
    """The pages an uninterrupted fetch stores, from a fresh server with the same works."""
    with ReplayServer(works=works, api_key=KEY) as clean:
        summary = fetch(tmp_path / "reference", clean, query)
    return stored(summary.out_dir)


# -- complete paging ---------------------------------------------------------------------------
def test_complete_fetch_stores_every_served_work_exactly_once(tmp_path, server):
    summary = fetch(tmp_path, server)
    ids = work_ids(summary.out_dir)
    assert summary.finished and not summary.resumed
    assert summary.works == summary.total == len(server.works) == 250
    assert len(ids) == len(set(ids)) == 250
    assert set(ids) == {w["id"] for w in server.works}
    # 100 + 100 + 50, then the API's empty last page with next_cursor null
    assert sorted(p.name for p in summary.out_dir.iterdir()) == [
        "page_00001.json", "page_00002.json", "page_00003.json", "page_00004.json"]
    state = json.loads(summary.state_path.read_text())
    assert state["finished"] and state["next_cursor"] is None
    assert (state["pages"], state["works"], state["count"]) == (4, 250, 250)


@pytest.mark.slow  # over 1.5 s; `make test` runs it, `make check` leaves it out
def test_paging_goes_past_ten_thousand_works_without_a_cap(tmp_path):
    query = WorksQuery(countries=("NL", "CN"), per_page=200, select=("id",))
    with ReplayServer(works=10_050) as big:
        summary = fetch(tmp_path, big, query)
    assert summary.works == 10_050 and summary.finished
    assert len(set(work_ids(summary.out_dir))) == 10_050


def test_stored_page_keeps_url_time_status_headers_and_the_body_but_never_the_key(
    tmp_path, server
):
    summary = fetch(tmp_path, server)
    record = orjson.loads(page_path(summary.out_dir, 1).read_bytes())
    request = record["request"]
    assert request["url"].startswith(server.url + "/works?")
    assert "api_key" not in request["url"] and "api_key" not in request["params"]
    assert request["params"]["cursor"] == "*"
    assert request["params"]["filter"] == "institutions.country_code:nl+cn"
    assert request["status"] == 200
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", request["fetched_at"])
    assert request["headers"]["x-ratelimit-remaining"].isdigit()
    assert set(record["response"]) == {"meta", "results", "group_by"}
    assert set(record["response"]["results"][0]) <= set(WORK_FIELDS)
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert KEY not in path.read_text(), path
    assert all(r["params"].get("api_key") == KEY for r in server.requests)


# -- faults that retries survive ---------------------------------------------------------------
def test_burst_429_server_errors_dropped_connections_and_truncated_json_are_retried(
    tmp_path, server
):
    server.faults[2] = ["429", "500", "503", "drop", "cut", "truncate"]
    summary = fetch(tmp_path, server)
    assert summary.finished and summary.works == 250
    assert stored(summary.out_dir) == reference_pages(tmp_path, 250)
    assert len(server.list_requests()) == 4 + 6


def test_retries_used_up_raise_fetch_error_naming_the_url_without_the_key(tmp_path, server):
    server.always[2] = "500"
    with pytest.raises(FetchError) as caught:
        fetch(tmp_path, server)
    message = str(caught.value)
    assert f"{server.url}/works?" in message and "500" in message
    assert KEY not in message and "api_key" not in message
    assert "rerun the same command" in message


def test_unreachable_api_fails_with_the_url_and_never_the_key(tmp_path):
    with socket.socket() as probe:  # a port on loopback that nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = Config(home=tmp_path, openalex_api_key=KEY, openalex_base_url=f"http://127.0.0.1:{port}")
    with pytest.raises(FetchError) as caught:
        fetch_works(config, NL_CN, progress=False, settings=FAST)
    message = str(caught.value)
    assert f"127.0.0.1:{port}/works?" in message and "ConnectionError" in message
    assert KEY not in message


# -- interruption and resume -------------------------------------------------------------------
def test_rerun_after_a_permanent_drop_stores_exactly_the_pages_of_an_uninterrupted_fetch(
    tmp_path,
):
    with ReplayServer(works=500, api_key=KEY) as server:
        server.always[3] = "drop"
        with pytest.raises(FetchError):
            fetch(tmp_path, server)
        out = next((tmp_path / "raw" / "api").iterdir())
        assert sorted(stored(out)) == ["page_00001.json", "page_00002.json"]
        saved_cursor = json.loads(next((tmp_path / "state" / "fetch").iterdir()).read_text())
        del server.always[3]
        before = len(server.list_requests())
        summary = fetch(tmp_path, server)
        rerun = server.list_requests()[before:]
    assert summary.resumed and summary.finished and summary.fetched_pages == 4
    assert rerun[0]["params"]["cursor"] == saved_cursor["next_cursor"]
    assert all(r["params"]["cursor"] != "*" for r in rerun)
    assert stored(summary.out_dir) == reference_pages(tmp_path, 500)
    ids = work_ids(summary.out_dir)
    assert len(ids) == len(set(ids)) == 500


def test_orphan_page_written_just_before_a_kill_is_adopted_not_fetched_again(tmp_path, server):
    summary = fetch(tmp_path, server)
    expected = stored(summary.out_dir)
    # Recreate the moment after page 3 was written but before the state said so.
    for number in (4,):
        page_path(summary.out_dir, number).unlink()
    page2 = orjson.loads(page_path(summary.out_dir, 2).read_bytes())["response"]
    state = json.loads(summary.state_path.read_text())
    state.update(pages=2, works=200, finished=False, next_cursor=page2["meta"]["next_cursor"])
    summary.state_path.write_text(json.dumps(state))
    (summary.out_dir / "page_00004.json.tmp").write_text('{"half')
    page3_cursor = page2["meta"]["next_cursor"]
    before = len(server.list_requests())

    again = fetch(tmp_path, server)

    rerun = server.list_requests()[before:]
    assert [r["params"]["cursor"] for r in rerun if r["params"]["cursor"] == page3_cursor] == []
    assert again.fetched_pages == 1 and again.finished
    assert any("adopted page_00003.json" in note for note in again.notes)
    assert stored(again.out_dir) == expected
    assert not list(again.out_dir.glob("*.tmp"))


@pytest.mark.process
def test_cli_killed_with_sigkill_mid_run_then_rerun_gives_the_same_pages(tmp_path):
    home = tmp_path / "home"
    with ReplayServer(works=500, api_key=KEY) as server:
        server.always[3] = "hang"  # page 3 never answers until released
        env = {
            **os.environ, "TIES_HOME": str(home), "OPENALEX_API_KEY": KEY,
            "OPENALEX_BASE_URL": server.url, "PYTHONPATH": str(REPO),
        }
        proc = subprocess.Popen(
            [sys.executable, "-c", "from ties.cli import main; main()", "fetch",
             "--country", "NL", "--partner-country", "CN", "--rate", "100", "--no-progress"],
            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        state_file = home / "state" / "fetch" / f"{NL_CN.slug()}.json"
        deadline = time.monotonic() + 60
        while not (state_file.exists() and json.loads(state_file.read_text())["pages"] == 2):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the CLI never stored two pages"
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        del server.always[3]
        server.release()
        summary = fetch(home, server)
    assert proc.returncode == -signal.SIGKILL
    assert summary.resumed and summary.finished and summary.works == 500
    assert stored(summary.out_dir) == reference_pages(tmp_path, 500)


def test_finished_fetch_rerun_does_nothing_and_refresh_starts_over(tmp_path, server):
    first = fetch(tmp_path, server)
    requests_after_first = len(server.list_requests())
    again = fetch(tmp_path, server)
    assert again.finished and again.fetched_pages == 0 and again.works == 250
    assert any("already complete" in note for note in again.notes)
    assert len(server.list_requests()) == requests_after_first
    fresh = fetch(tmp_path, server, refresh=True)
    assert fresh.fetched_pages == 4 and not fresh.resumed
    assert stored(fresh.out_dir) == stored(first.out_dir)


def test_limit_stops_early_and_a_higher_limit_continues_the_same_fetch(tmp_path, server):
    first = fetch(tmp_path, server, WorksQuery(countries=("NL", "CN"), limit=150))
    assert (first.works, first.pages, first.limit_reached, first.finished) == (150, 2, True, False)
    same = fetch(tmp_path, server, WorksQuery(countries=("NL", "CN"), limit=150))
    assert same.fetched_pages == 0 and same.limit_reached
    more = fetch(tmp_path, server, WorksQuery(countries=("NL", "CN"), limit=1000))
    assert more.resumed and more.finished and more.works == 250
    ids = work_ids(more.out_dir)
    assert len(ids) == len(set(ids)) == 250


def test_pages_on_disk_without_a_state_file_are_adopted_in_order(tmp_path, server):
    first = fetch(tmp_path, server)
    first.state_path.unlink()
    again = fetch(tmp_path, server)
    assert again.finished and again.fetched_pages == 0 and again.works == 250
    assert len(server.list_requests()) == 4
    assert json.loads(again.state_path.read_text())["pages"] == 4


def test_a_saved_fetch_is_not_silently_continued_in_another_folder(tmp_path, server):
    fetch(tmp_path, server, WorksQuery(countries=("NL", "CN"), limit=100))
    with pytest.raises(InputError, match="--out"):
        fetch(tmp_path, server, out_dir=tmp_path / "elsewhere")


# -- quota and keys ----------------------------------------------------------------------------
def test_used_up_daily_allowance_stops_with_quota_exhausted_and_a_resumable_state(
    tmp_path, server
):
    server.faults[3] = ["quota"]
    with pytest.raises(QuotaExhausted) as caught:
        fetch(tmp_path, server)
    message = str(caught.value)
    assert "UTC" in message and "rerun the same command" in message
    state = json.loads(next((tmp_path / "state" / "fetch").iterdir()).read_text())
    assert (state["pages"], state["works"], state["finished"]) == (2, 200, False)
    resumed = fetch(tmp_path, server)
    assert resumed.resumed and resumed.finished
    assert stored(resumed.out_dir) == reference_pages(tmp_path, 250)


def test_a_retry_after_longer_than_max_wait_counts_as_a_used_up_allowance(tmp_path):
    with ReplayServer(works=50, api_key=KEY, retry_after="7200") as server:
        server.faults[1] = ["429"]
        with pytest.raises(QuotaExhausted, match="in 2.0 h"):
            fetch(tmp_path, server)


def test_bad_key_gets_a_message_about_openalex_api_key(tmp_path, server):
    config = config_for(tmp_path, server, key="wrong-key-123")
    with pytest.raises(FetchError) as caught:
        fetch_works(config, NL_CN, progress=False, settings=FAST)
    message = str(caught.value)
    assert "401" in message and "OPENALEX_API_KEY" in message and "settings" in message
    assert "wrong-key-123" not in message
    assert len(server.requests) == 1  # no retries on a refused key


def test_forbidden_answer_also_names_the_key(tmp_path, server):
    server.faults[1] = ["403"]
    with pytest.raises(FetchError, match="403.*OPENALEX_API_KEY"):
        fetch(tmp_path, server)


def test_missing_key_warns_on_stderr_but_still_fetches(tmp_path, capsys):
    with ReplayServer(works=30) as keyless:
        summary = fetch_works(
            config_for(tmp_path, keyless, key=None), NL_CN, progress=False, settings=FAST
        )
    assert summary.works == 30
    assert "OPENALEX_API_KEY is not set" in capsys.readouterr().err


def test_merged_work_id_follows_the_301_to_the_surviving_work(server):
    survivor = server.works[7]["id"].rsplit("/", 1)[-1]
    server.merged["W123"] = survivor
    client = OpenAlexClient(Config(openalex_api_key=KEY, openalex_base_url=server.url), FAST)
    response = fetch_work(client, "https://openalex.org/W123")
    assert response.data["id"].endswith(survivor)
    assert response.redirected_from == [f"{server.url}/works/W123"]
    assert [r["params"].get("api_key") for r in server.requests] == [KEY, KEY]


# -- query and command line --------------------------------------------------------------------
def test_query_filter_uses_country_pair_years_and_institution_lineage():
    q = WorksQuery(countries=("NL", "CN"), institution="https://openalex.org/i27837315",
                   since=2015, until=2024)
    assert q.filter() == (
        "institutions.country_code:nl+cn,authorships.institutions.lineage:I27837315,"
        "publication_year:>2014,publication_year:<2025"
    )
    assert q.slug() == WorksQuery(countries=("nl", "cn"), institution="I27837315",
                                  since=2015, until=2024, limit=5).slug()
    assert q.slug() != WorksQuery(countries=("NL", "CN"), since=2015, until=2024).slug()


@pytest.mark.parametrize("kwargs", [
    {"countries": ("NLD",)}, {"institution": "Delft"}, {}, {"countries": ("NL",), "per_page": 201},
    {"countries": ("NL",), "since": 2020, "until": 2010}, {"countries": ("NL",), "limit": 0},
])
def test_bad_queries_are_rejected_with_an_input_error(kwargs):
    with pytest.raises(InputError):
        WorksQuery(**kwargs)


def test_cli_fetch_prints_json_with_one_summary_per_query(tmp_path, server, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TIES_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("OPENALEX_API_KEY", KEY)
    monkeypatch.setenv("OPENALEX_BASE_URL", server.url)
    main(["fetch", "--country", "NL", "--partner-country", "CN", "--institution", "I900000001",
          "--out", str(tmp_path / "out"), "--rate", "1000", "--no-progress", "--json"])
    result = json.loads(capsys.readouterr().out)
    assert [q["works"] for q in result["queries"]] == [250, 250]
    assert {Path(q["out_dir"]).parent for q in result["queries"]} == {tmp_path / "out"}
    filters = {r["params"]["filter"] for r in server.list_requests()}
    assert "authorships.institutions.lineage:I900000001" in filters


def test_cli_bad_key_prints_one_error_line_and_exits_1(tmp_path, server, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TIES_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("OPENALEX_API_KEY", "not-the-key")
    monkeypatch.setenv("OPENALEX_BASE_URL", server.url)
    with pytest.raises(SystemExit) as done:
        main(["fetch", "--country", "NL", "--no-progress"])
    err = capsys.readouterr().err.strip().splitlines()
    assert done.value.code == 1
    assert len(err) == 1 and err[0].startswith("error:") and "OPENALEX_API_KEY" in err[0]


# -- checked against real responses -----------------------------------------------------------
@pytest.mark.skipif(not REFERENCE.is_dir(), reason="../shared/reference/openalex is absent")
def test_replay_pages_have_the_meta_shape_of_real_pages_and_select_only_valid_fields(
    tmp_path, server
):
    real = json.loads((REFERENCE / "works_list_page1__openalexPro.json").read_text())
    last = json.loads((REFERENCE / "works_list_page2_last__openalexPro.json").read_text())
    summary = fetch(tmp_path, server)
    pages = list(stored(summary.out_dir).values())
    assert set(pages[0][1]["meta"]) == set(real["meta"])
    assert pages[-1][1]["results"] == last["results"] == []
    assert pages[-1][1]["meta"]["next_cursor"] is None is last["meta"]["next_cursor"]
    error = (REFERENCE / "cassettes" / "opt_select_fields.yml").read_text()
    valid = re.search(r"Valid fields for select are: ([^.]+)\.", error).group(1).split(", ")
    assert set(WORK_FIELDS) <= set(valid)
