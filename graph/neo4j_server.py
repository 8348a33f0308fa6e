"""Start, stop and inspect a local Neo4j Community 5.26 server, without Docker.

Why: tests and development need a *real* Neo4j, and Docker is not on every machine.
Maven resolves the server's jars once (``graph/neo4j/pom.xml``, cached in ``~/.m2`` and
``<TIES_HOME>/neo4j/lib``); Java 17 runs ``org.neo4j.server.CommunityEntryPoint``
detached, on 127.0.0.1, with auth on and a generated password. Everything the server
writes lives under ``<TIES_HOME>/neo4j``; ``connection.json`` there (mode 0600) tells
``ties`` where the server is and how to log in.

Example
-------
>>> info = start(Path(".ties"))          # doctest: +SKIP
>>> info["uri"]                           # doctest: +SKIP
'bolt://127.0.0.1:7687'
>>> stop(Path(".ties"))["stopped"]        # doctest: +SKIP
True
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from string import Template

from graph.errors import ConfigError, ServiceUnavailable

__all__ = ["ServerOptions", "local_connection", "start", "status", "stop", "server_dir"]

SPEC_DIR = Path(__file__).with_name("neo4j")
POM = SPEC_DIR / "pom.xml"
CONF_TEMPLATE = SPEC_DIR / "neo4j.conf.template"
JVM_OPTIONS = SPEC_DIR / "jvm.options"
ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
ADMIN_TOOL = "org.neo4j.cli.AdminTool"
DEFAULT_PORT = 7687
USER = "neo4j"
START_TIMEOUT = 90.0
STOP_TIMEOUT = 30.0

Progress = Callable[[str], None]


@dataclass(frozen=True)
class ServerOptions:
    """Settings of the local server, read from the environment by the command line
    (:func:`ties.config.server_options`) and passed in, so this module never reads it."""

    port: int | None = None  #: TIES_NEO4J_PORT
    heap: str = "512m"  #: TIES_NEO4J_HEAP
    pagecache: str = "64m"  #: TIES_NEO4J_PAGECACHE
    tx_memory: str = "256m"  #: TIES_NEO4J_TX_MEMORY
    java_home: str | None = None  #: JAVA_HOME
    #: environment of the server's child processes (the caller's, plus NEO4J_HOME/NEO4J_CONF)
    environ: Mapping[str, str] = field(default_factory=dict, repr=False)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def server_dir(home: Path) -> Path:
    """The folder holding jars, conf, data, logs and connection.json."""
    return Path(home) / "neo4j"


def _connection_file(home: Path) -> Path:
    return server_dir(home) / "connection.json"


def _read_connection(home: Path) -> dict | None:
    path = _connection_file(home)
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: unreadable ({exc}); delete it and the data folder") from exc


def _write_connection(home: Path, info: dict) -> None:
    """Write connection.json readable by the owner only: it holds the password."""
    path = _connection_file(home)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(info, fh, indent=2)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


# -- processes ---------------------------------------------------------------------------


def _alive(pid: int | None) -> bool:
    """True when ``pid`` runs and is not a zombie (a zombie still answers kill(pid, 0))."""
    if not pid:
        return False
    if _reap(pid):
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    if stat.rsplit(")", 1)[-1].split()[0] != "Z":
        return True
    # A zombie. If it is our child it may not be reapable yet: the JVM's main thread shows
    # "Z" while its other threads still exit, and waitpid waits for the last of them. Until
    # it is reaped it has not ended (and an unreaped zombie would linger in /proc).
    return _reap(pid) is None


def _reap(pid: int) -> bool | None:
    """Collect the exit status of ``pid`` if it is our own child that has exited.

    True: reaped now. None: our child, not ended yet. False: not our child.
    """
    try:
        reaped, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return False
    return True if reaped == pid else None


def _is_our_server(pid: int, home: Path) -> bool:
    """The process runs our entry point with our conf dir: never kill a stranger."""
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    conf = f"--config-dir={(server_dir(home) / 'conf').resolve()}".encode()
    return ENTRY_POINT.encode() in args and conf in args


def _rss_mb(pid: int) -> float | None:
    try:
        import psutil

        return round(psutil.Process(pid).memory_info().rss / 2**20, 1)
    except Exception:  # noqa: BLE001 - memory is informative only
        return None


def _running_pid(home: Path, info: dict | None) -> int | None:
    pid = (info or {}).get("pid")
    if pid and _alive(pid) and _is_our_server(pid, home):
        return pid
    return None


# -- prerequisites -----------------------------------------------------------------------


def _java(java_home: str | None = None) -> str:
    """Path of a Java 17+ runtime (JAVA_HOME first), or a ConfigError saying how to install."""
    java = str(Path(java_home) / "bin" / "java") if java_home else shutil.which("java")
    hint = "install it with: apt-get install openjdk-17-jre-headless"
    if not java or not Path(java).exists():
        raise ConfigError(f"Java 17 not found (needed by the local Neo4j server); {hint}")
    out = subprocess.run([java, "-version"], capture_output=True, text=True).stderr
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    major = int(match.group(1)) if match else 0
    major = int(match.group(2)) if major == 1 and match and match.group(2) else major
    if major < 17:
        raise ConfigError(f"{java} is Java {major or '?'}; Neo4j 5.26 needs Java 17; {hint}")
    return java


def _jars_stamp() -> str:
    return hashlib.sha256(POM.read_bytes()).hexdigest()[:16]


def resolve_jars(home: Path, progress: Progress = _say) -> Path:
    """Copy the server's jars into ``<home>/neo4j/lib`` with Maven; reuse them later.

    A stamp file records the pom's hash, so editing the version re-resolves.
    """
    lib = server_dir(home) / "lib"
    stamp = lib / ".pom-sha256"
    if stamp.is_file() and stamp.read_text().strip() == _jars_stamp():
        return lib
    mvn = shutil.which("mvn")
    if not mvn:
        raise ConfigError("Maven not found (needed to fetch Neo4j's jars); "
                          "install it with: apt-get install maven")
    progress(f"Resolving Neo4j jars with Maven into {lib} (first time: ~125 MB) ...")
    tmp = lib.with_name("lib.partial")
    shutil.rmtree(tmp, ignore_errors=True)
    cmd = [mvn, "-q", "-B", "-f", str(POM), "dependency:copy-dependencies",
           f"-DoutputDirectory={tmp}", "-DincludeScope=runtime"]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        lines = [x for x in (done.stdout + done.stderr).splitlines() if "ERROR" in x]
        raise ServiceUnavailable(f"Maven could not resolve {POM}: "
                                 f"{lines[0] if lines else 'exit ' + str(done.returncode)}")
    shutil.rmtree(lib, ignore_errors=True)
    tmp.rename(lib)
    stamp.write_text(_jars_stamp())
    return lib


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def choose_port(requested: int | None = None) -> int:
    """``requested`` (--port or TIES_NEO4J_PORT) if free, else 7687 if free, else any free port."""
    if requested is not None:
        if not _port_free(requested):
            raise ConfigError(f"port {requested} on 127.0.0.1 is busy; choose another "
                              "with --port or TIES_NEO4J_PORT")
        return requested
    if _port_free(DEFAULT_PORT):
        return DEFAULT_PORT
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- configuration and password ----------------------------------------------------------


def write_conf(home: Path, port: int, options: ServerOptions | None = None) -> Path:
    """Render neo4j.conf from the template into ``<home>/neo4j/conf``."""
    base = server_dir(home).resolve()
    dirs = {name: base / name for name in ("data", "logs", "run", "import", "plugins")}
    for path in dirs.values():
        path.mkdir(parents=True, exist_ok=True)
    values = {f"{name}_dir": str(path) for name, path in dirs.items()}
    options = options or ServerOptions()
    values.update(port=port, pagecache=options.pagecache, tx_memory=options.tx_memory)
    try:
        text = Template(CONF_TEMPLATE.read_text(encoding="utf-8")).substitute(values)
    except (KeyError, ValueError) as exc:
        raise ConfigError(f"{CONF_TEMPLATE}: unknown placeholder {exc}") from exc
    conf = base / "conf" / "neo4j.conf"
    conf.parent.mkdir(parents=True, exist_ok=True)
    conf.write_text(text, encoding="utf-8")
    return conf


def initial_password_command(java: str, lib: Path, args_file: Path) -> list[str]:
    """The ``neo4j-admin dbms set-initial-password`` command line, reading the password from
    `args_file` (picocli's ``@file`` argument expansion), so it never shows in ``ps``."""
    return [java, "-cp", f"{lib.resolve()}/*", ADMIN_TOOL, "dbms", "set-initial-password", f"@{args_file}"]


def _set_initial_password(java: str, lib: Path, home: Path, password: str,
                          environ: Mapping[str, str]) -> None:
    """Run ``neo4j-admin dbms set-initial-password`` from the same jars (before first start).

    Why a file: on the command line the generated password was readable by every local user
    in ``ps`` while the tool ran. It goes into a file of mode 0600 (created with that mode,
    never wider), which the tool reads as its argument and which is removed right after.
    """
    base = server_dir(home).resolve()
    base.mkdir(parents=True, exist_ok=True)
    env = {**environ, "NEO4J_HOME": str(base), "NEO4J_CONF": str(base / "conf")}
    args_file = base / f".initial-password-{os.getpid()}.args"
    args_file.unlink(missing_ok=True)
    fd = os.open(args_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write('"' + password.replace("\\", "\\\\").replace('"', '\\"') + '"\n')
        done = subprocess.run(initial_password_command(java, lib, args_file), capture_output=True, text=True,
                              env=env)
    finally:
        args_file.unlink(missing_ok=True)
    if done.returncode != 0:
        lines = [x.strip() for x in (done.stderr or done.stdout).splitlines() if x.strip()]
        raise ServiceUnavailable("setting the initial Neo4j password failed: "
                                 f"{lines[0] if lines else 'exit ' + str(done.returncode)}")


def new_password(length: int = 32) -> str:
    """A random password of letters and digits (a leading "-" would read as an option)."""
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(length))


def _password_for(home: Path, java: str, lib: Path, previous: dict | None,
                  environ: Mapping[str, str]) -> str:
    """Reuse the password of an existing data folder; generate and set one for a new folder."""
    data = server_dir(home) / "data"
    has_system_db = (data / "databases" / "system").exists()
    if previous and previous.get("password"):
        return previous["password"]
    if has_system_db:
        raise ConfigError(f"{data} already holds a database but {_connection_file(home)} "
                          "with its password is missing; delete that data folder to start afresh")
    password = new_password()
    _set_initial_password(java, lib, home, password, environ)
    return password


# -- public API --------------------------------------------------------------------------


def local_connection(home: Path) -> dict | None:
    """URI and credentials of the server ``ties neo4j start`` runs for ``home``, or None.

    ``ties.config`` calls this when NEO4J_URI is not set. Returns None when no server was
    started there or it no longer runs, so a stale file never points at a dead port.
    Keys: uri, user, password, pid, port, started_at.
    """
    info = _read_connection(home)
    if info is None or _running_pid(home, info) is None:
        return None
    return info


def _log_tail(home: Path, lines: int = 8) -> str:
    tail: list[str] = []
    for name in ("logs/neo4j.log", "logs/console.log"):
        path = server_dir(home) / name
        if path.is_file():
            tail += path.read_text(errors="replace").splitlines()[-lines:]
    return " | ".join(x.strip() for x in tail[-lines:] if x.strip()) or "(no log output)"


def _wait_for_bolt(uri: str, password: str, pid: int, home: Path, deadline: float) -> None:
    from neo4j import GraphDatabase
    from neo4j.exceptions import AuthError, DriverError, Neo4jError

    while time.monotonic() < deadline:
        if not _alive(pid):
            raise ServiceUnavailable(f"Neo4j exited during start-up; log: {_log_tail(home)}")
        try:
            with GraphDatabase.driver(uri, auth=(USER, password), connection_timeout=2) as drv:
                drv.verify_connectivity()
            return
        except AuthError as exc:
            raise ServiceUnavailable(f"Neo4j at {uri} refused the stored password: {exc}") from exc
        except (DriverError, Neo4jError, OSError):
            time.sleep(0.5)
    _terminate(pid)
    raise ServiceUnavailable(f"Neo4j did not answer on {uri} within the deadline; "
                             f"log: {_log_tail(home)}")


def _spawn(java: str, lib: Path, home: Path, heap: str) -> int:
    base = server_dir(home).resolve()
    opts = [x.strip() for x in JVM_OPTIONS.read_text().splitlines()]
    cmd = [java, "-Xms256m", f"-Xmx{heap}", *[x for x in opts if x and not x.startswith("#")],
           "-cp", f"{lib.resolve()}/*", ENTRY_POINT,
           f"--home-dir={base}", f"--config-dir={base / 'conf'}"]
    log = open(base / "logs" / "console.log", "ab")  # noqa: SIM115 - handed to the child
    with log:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                cwd=base, start_new_session=True, close_fds=True)
    proc.returncode = 0  # detached on purpose: silence Popen's "still running" warning
    return proc.pid


def start(home: Path, port: int | None = None, timeout: float = START_TIMEOUT,
          progress: Progress = _say, options: ServerOptions | None = None) -> dict:
    """Start the server (or find it running) and return its connection info.

    Returns the connection dict plus ``already_running`` and ``seconds``.
    Raises ConfigError (no Java 17, no Maven, port busy) or ServiceUnavailable
    (Maven failed, start-up failed or timed out; the message ends with the log's tail).
    """
    home = Path(home)
    t0 = time.monotonic()
    previous = _read_connection(home)
    if _running_pid(home, previous):
        return {**previous, "already_running": True, "seconds": 0.0}
    options = options or ServerOptions()
    java = _java(options.java_home)
    server_dir(home).mkdir(parents=True, exist_ok=True)
    lib = resolve_jars(home, progress)
    chosen = choose_port(port if port is not None else options.port)
    write_conf(home, chosen, options)
    password = _password_for(home, java, lib, previous, options.environ)
    uri = f"bolt://127.0.0.1:{chosen}"
    info = {"uri": uri, "user": USER, "password": password, "pid": None, "port": chosen,
            "started_at": None}
    _write_connection(home, info)  # the password survives a failed start
    progress(f"Starting Neo4j on {uri} ...")
    pid = _spawn(java, lib, home, options.heap)
    info.update(pid=pid, started_at=datetime.now(UTC).isoformat(timespec="seconds"))
    _write_connection(home, info)
    _wait_for_bolt(uri, password, pid, home, t0 + timeout)
    return {**info, "already_running": False, "seconds": round(time.monotonic() - t0, 1)}


def _terminate(pid: int, timeout: float = STOP_TIMEOUT) -> bool:
    """SIGTERM, then SIGKILL after ``timeout``; True if the process is gone."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return True
        end = time.monotonic() + wait
        while time.monotonic() < end:
            if not _alive(pid):
                return True
            time.sleep(0.2)
    return not _alive(pid)


def stop(home: Path, timeout: float = STOP_TIMEOUT) -> dict:
    """Stop the server this ``home`` started; never touches another process."""
    home = Path(home)
    info = _read_connection(home)
    pid = _running_pid(home, info)
    if pid is None:
        return {"stopped": False, "running": False, "pid": (info or {}).get("pid")}
    gone = _terminate(pid, timeout)
    if not gone:
        raise ServiceUnavailable(f"Neo4j (pid {pid}) did not stop after SIGTERM and SIGKILL")
    _write_connection(home, {**info, "pid": None})
    return {"stopped": True, "running": False, "pid": pid}


def status(home: Path) -> dict:
    """Running or stopped, with URI, pid, port, start time and memory (RSS, MB)."""
    home = Path(home)
    info = _read_connection(home) or {}
    pid = _running_pid(home, info)
    return {
        "running": pid is not None,
        "uri": info.get("uri"),
        "user": info.get("user"),
        "pid": pid,
        "port": info.get("port"),
        "started_at": info.get("started_at") if pid else None,
        "rss_mb": _rss_mb(pid) if pid else None,
        "home": str(server_dir(home)),
    }
