"""The managed local Label Studio: start, stop and describe the embedded default server.

`up` starts the `label-studio` executable on 127.0.0.1 with its data under
`.annot/studio/`, creates the admin account and its API token (a legacy token
enabled for this local server) without a person involved, waits for health and
saves the connection (mode 0600) for the other commands.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import httpx
import psutil

from annot.config import read_connection, save_connection, state_dir
from annot.errors import StudioError

ADMIN_EMAIL = "admin@annot.local"
STARTUP_TIMEOUT_S = 240.0  # ~30 s measured on 2 cores; migrations on a new database take longer
HEALTH_POLL_S = 0.5
STOP_TIMEOUT_S = 20.0
EXECUTABLE_ENV = "ANNOT_LABEL_STUDIO"
LOG_FILE = "label-studio.log"
# Label Studio 1.23's default SSRF blocklist (core/utils/io.py, validate_ip) without 127.0.0.0/8 and ::1
BANNED_SUBNETS_BUT_LOOPBACK = (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
    "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
    "224.0.0.0/4", "233.252.0.0/24", "240.0.0.0/4", "255.255.255.255/32", "::/128", "::ffff:0:0/96",
    "64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "2001:0000::/32", "2001:20::/28", "2001:db8::/32",
    "2002::/16", "fc00::/7", "fe80::/10", "ff00::/8",
)  # fmt: skip
# psycopg's reason in the log, e.g. `FATAL:  password authentication failed for user "annot"`
DATABASE_ERROR = re.compile(r"OperationalError: (?:connection failed: )?(.+)")


@dataclass(frozen=True)
class StudioInfo:
    url: str
    username: str
    password: str
    pid: int | None
    version: str | None
    running: bool
    log: Path


def studio_dir(root: Path) -> Path:
    return state_dir(root) / "studio"


def find_executable(root: Path) -> str:
    """The `label-studio` executable: $ANNOT_LABEL_STUDIO, PATH, or the project's `.venv-studio`."""
    candidates = [os.environ.get(EXECUTABLE_ENV), shutil.which("label-studio"), root / ".venv-studio/bin/label-studio"]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise StudioError(
        "Label Studio is not installed: run `make studio-env` (installs label-studio 1.23.2 in .venv-studio), "
        f"or set {EXECUTABLE_ENV} to a label-studio executable"
    )


def _pid_alive(pid: int | None) -> bool:
    """True if the process runs (a zombie, exited but not yet reaped, does not count)."""
    if not pid:
        return False
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False


def _version(url: str) -> str | None:
    try:
        return httpx.get(f"{url}/api/version", timeout=5.0).json().get("release")
    except (httpx.HTTPError, ValueError):
        return None


def _database_env(database: str | None) -> dict[str, str]:
    """Environment that points Label Studio at PostgreSQL (DESIGN.md), or nothing for SQLite."""
    if not database:
        return {}
    url = urlparse(database)
    if url.scheme not in ("postgresql", "postgres"):
        raise StudioError(f"--database {url.scheme}://...: only postgresql://user:password@host:port/name is supported")
    return {
        "DJANGO_DB": "default",
        "POSTGRE_NAME": url.path.lstrip("/") or "labelstudio",
        "POSTGRE_USER": unquote(url.username or "postgres"),
        "POSTGRE_PASSWORD": unquote(url.password or ""),
        "POSTGRE_HOST": url.hostname or "127.0.0.1",
        "POSTGRE_PORT": str(url.port or 5432),
    }


def status(root: Path) -> StudioInfo:
    conn = read_connection(root)
    url = conn.get("url", "")
    pid = conn.get("pid")
    running = bool(conn) and _pid_alive(pid) and _healthy(url)
    return StudioInfo(
        url=url,
        username=conn.get("username", ""),
        password=conn.get("password", ""),
        pid=pid,
        version=_version(url) if running else conn.get("version"),
        running=running,
        log=studio_dir(root) / LOG_FILE,
    )


def up(
    root: Path,
    port: int = 8080,
    database: str | None = None,
    on_wait: Callable[[float], None] | None = None,
) -> StudioInfo:
    """Start the local Label Studio (or find it running) and save the connection.

    `on_wait(elapsed_seconds)` is called while waiting for health, for a progress display.
    """
    current = status(root)
    if current.running:
        return current
    conn = read_connection(root)
    if conn.get("pid") and _pid_alive(conn["pid"]):
        # started earlier but not healthy yet (or hung): stop it cleanly before starting again
        _stop_pid(conn["pid"])
    if not _port_free(port):
        raise StudioError(f"port {port} on 127.0.0.1 is taken by another program; choose another with --port")
    executable = find_executable(root)
    data_dir = studio_dir(root)
    data_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(state_dir(root), 0o700)
    username = conn.get("username") or ADMIN_EMAIL
    password = conn.get("password") or secrets.token_urlsafe(12)
    token = conn.get("api_key") or secrets.token_hex(20)
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        **_database_env(database or conn.get("database")),
        "LABEL_STUDIO_BASE_DATA_DIR": str(data_dir),
        # secrets travel in the environment, not on the command line where `ps` shows them
        "LABEL_STUDIO_USERNAME": username,
        "LABEL_STUDIO_PASSWORD": password,
        "LABEL_STUDIO_USER_TOKEN": token,
        "LATEST_VERSION_CHECK": "false",
        "COLLECT_ANALYTICS": "false",
        "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
        # Label Studio reports errors to its vendor's Sentry with request headers (the API key)
        # and data (`send_default_pii=True`); an empty DSN turns that off, in the server and the UI
        "SENTRY_DSN": "",
        "FRONTEND_SENTRY_DSN": "",
        # `annot serve` listens on loopback: Label Studio's address blocklist, minus loopback, lets it
        # reach the ML backend and its webhook while private networks and cloud metadata stay blocked
        "USE_DEFAULT_BANNED_SUBNETS": "false",
        "USER_ADDITIONAL_BANNED_SUBNETS": ",".join(BANNED_SUBNETS_BUT_LOOPBACK),
    }
    env.pop("LABEL_STUDIO_API_KEY", None)
    log_path = data_dir / LOG_FILE
    log_start = log_path.stat().st_size if log_path.exists() else 0
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            [
                executable,
                "start",
                "--no-browser",
                "--internal-host",
                "127.0.0.1",
                "--port",
                str(port),
                "--data-dir",
                str(data_dir),
                "--enable-legacy-api-token",
            ],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=data_dir,
            start_new_session=True,  # `studio down` stops the whole process group
        )
    save_connection(
        root,
        {
            "url": url,
            "api_key": token,
            "username": username,
            "password": password,
            "pid": proc.pid,
            "port": port,
            "database": database or conn.get("database"),
        },
    )
    start = time.monotonic()
    while not _healthy(url):
        elapsed = time.monotonic() - start
        if proc.poll() is not None:
            raise StudioError(_start_failure(proc.returncode, log_path, log_start, database or conn.get("database")))
        if elapsed > STARTUP_TIMEOUT_S:
            _stop_pid(proc.pid)
            raise StudioError(f"Label Studio did not answer on {url} within {STARTUP_TIMEOUT_S:.0f} s; see {log_path}")
        if on_wait:
            on_wait(elapsed)
        time.sleep(HEALTH_POLL_S)
    info = status(root)
    save_connection(root, {**read_connection(root), "version": info.version})
    return info


def _start_failure(status: int | None, log_path: Path, log_start: int, database: str | None) -> str:
    """Why Label Studio stopped while starting: the database's own words when it was the database."""
    with open(log_path, "rb") as log:
        log.seek(log_start)
        written = log.read().decode("utf-8", "replace")
    found = DATABASE_ERROR.findall(written)
    if database and found:
        url = urlparse(database)
        where = f"{url.hostname or '127.0.0.1'}:{url.port or 5432}/{url.path.lstrip('/')}"  # no password
        reason = " ".join(found[-1].split())
        return (
            f"Label Studio could not use the PostgreSQL database {where}: {reason}; "
            "start PostgreSQL, create the role and database, or fix --database"
        )
    return f"Label Studio exited with status {status} while starting; see {log_path}"


def _stop_pid(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + STOP_TIMEOUT_S
    while _pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    if _pid_alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):  # reap our child so it does not linger as a zombie
        os.waitpid(pid, os.WNOHANG)


def down(root: Path) -> bool:
    """Stop the local Label Studio by its recorded PID. True if one was running."""
    conn = read_connection(root)
    pid = conn.get("pid")
    if pid is None or not _pid_alive(pid):
        return False
    _stop_pid(pid)
    save_connection(root, {**conn, "pid": None})
    return True
