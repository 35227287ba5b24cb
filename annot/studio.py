"""The managed local Label Studio: start, stop and describe the embedded default server.

`up` starts the `label-studio` executable on 127.0.0.1 with its data under
`.annot/studio/`, creates the admin account and its API token (a legacy token
enabled for this local server) without a person involved, waits for health and
saves the connection (mode 0600) for the other commands. Sign-up is closed except
through the invite link. Where no `label-studio` executable is found, annot installs
one itself, once, in an environment of its own under the user's data directory.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import httpx
import platformdirs
import psutil
from filelock import FileLock, Timeout

from annot.atomic import write_text
from annot.config import read_connection, save_connection, state_dir
from annot.errors import StudioError

ADMIN_EMAIL = "admin@annot.local"
STARTUP_TIMEOUT_S = 240.0  # ~30 s measured on 2 cores; migrations on a new database take longer
HEALTH_POLL_S = 0.5
STOP_TIMEOUT_S = 20.0
EXECUTABLE_ENV = "ANNOT_LABEL_STUDIO"
LABEL_STUDIO_VERSION = "1.23.2"  # the version annot is tested with (README "Label Studio in its own environment")
PROJECT_ENV = ".venv-studio"  # `make studio-env` in a checkout
MANAGED_MARKER = "annot-managed.json"  # written last: an environment without it is an unfinished install
INSTALL_LOCK_TIMEOUT_S = 1800.0  # another `annot` installing the same environment: wait for it
BIN = "Scripts" if os.name == "nt" else "bin"
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
    executable: str | None = None  # the label-studio that was started, and why that one
    origin: str | None = None
    invite_url: str | None = None  # the only way to sign up (DISABLE_SIGNUP_WITHOUT_LINK)


def studio_dir(root: Path) -> Path:
    return state_dir(root) / "studio"


# -- which label-studio runs ---------------------------------------------------------------


@dataclass(frozen=True)
class Executable:
    path: Path
    origin: str  # why this one: "ANNOT_LABEL_STUDIO", "the project's .venv-studio", "PATH", "managed by annot"


def managed_env() -> Path:
    """The environment annot installs Label Studio into: the user's data directory, one per version."""
    return Path(platformdirs.user_data_dir("annot")) / f"label-studio-{LABEL_STUDIO_VERSION}"


def _runnable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def locate(root: Path) -> Executable | None:
    """The `label-studio` to run, first found of: $ANNOT_LABEL_STUDIO, `.venv-studio` beside annot.toml,
    `label-studio` on PATH, the environment annot manages. None when annot has to install it."""
    named = os.environ.get(EXECUTABLE_ENV)
    if named:
        if not _runnable(Path(named)):
            raise StudioError(f"{EXECUTABLE_ENV}={named} is not an executable file; fix it or unset it")
        return Executable(Path(named), EXECUTABLE_ENV)
    project = root / PROJECT_ENV / BIN / "label-studio"
    if _runnable(project):
        return Executable(project, f"the project's {PROJECT_ENV}")
    on_path = shutil.which("label-studio")
    if on_path:
        return Executable(Path(on_path), "PATH")
    env = managed_env()
    if not (env / MANAGED_MARKER).is_file():
        return None  # never installed, or an install that did not finish: install (again)
    _check_managed(env)
    return Executable(env / BIN / "label-studio", "managed by annot")


def _check_managed(env: Path) -> None:
    """One line saying what to run when the managed environment is broken (its Python gone, files deleted)."""
    python = env / BIN / "python"
    problem = None
    if not _runnable(env / BIN / "label-studio"):
        problem = f"{BIN}/label-studio is missing"
    elif not python.exists():  # a symlink to a Python that was removed or upgraded away
        problem = f"its Python ({os.path.realpath(python)}) is gone"
    else:
        probe = subprocess.run(
            [str(python), "-c", "import label_studio; print(label_studio.__version__)"],
            capture_output=True,
            text=True,
            env=_clean_env(),
        )
        if probe.returncode != 0 or probe.stdout.strip() != LABEL_STUDIO_VERSION:
            problem = "label_studio does not import" if probe.returncode else f"it holds {probe.stdout.strip()}"
    if problem:
        raise StudioError(
            f"the Label Studio environment annot manages in {env} is broken ({problem}); "
            "run `annot studio install --force` to make it again"
        )


def installer() -> str:
    return "uv" if shutil.which("uv") else "venv + pip"


def install(force: bool = False, on_line: Callable[[str], None] | None = None) -> Executable:
    """Install label-studio==LABEL_STUDIO_VERSION in the managed environment, once.

    Uses `uv` when it is on PATH, else `python -m venv` and pip. `on_line` receives the installer's
    output line by line, for a progress display. A failed or interrupted install leaves nothing behind;
    two processes installing at once: the second waits for the first and uses its result.
    """
    env = managed_env()
    env.parent.mkdir(parents=True, exist_ok=True)
    log_path = env.parent / f"{env.name}-install.log"
    try:
        with FileLock(f"{env}.lock", timeout=INSTALL_LOCK_TIMEOUT_S):
            if (env / MANAGED_MARKER).is_file() and not force:
                _check_managed(env)
                return Executable(env / BIN / "label-studio", "managed by annot")
            shutil.rmtree(env, ignore_errors=True)
            try:
                with open(log_path, "w", encoding="utf-8") as log:
                    for step in _install_steps(env):
                        _run_step(step, log, log_path, env, on_line)
                _check_managed(env)
            except BaseException:
                shutil.rmtree(env, ignore_errors=True)  # no half-made environment is ever used
                raise
            marker = {"label-studio": LABEL_STUDIO_VERSION, "installer": installer(), "python": sys.version.split()[0]}
            write_text(env / MANAGED_MARKER, json.dumps({**marker, "installed": time.time()}))
    except Timeout:
        raise StudioError(
            f"another annot has been installing Label Studio in {env} for {INSTALL_LOCK_TIMEOUT_S / 60:.0f} min; "
            f"stop it, then run `annot studio install`"
        ) from None
    return Executable(env / BIN / "label-studio", "managed by annot")


def _install_steps(env: Path) -> list[list[str]]:
    requirement = f"label-studio=={LABEL_STUDIO_VERSION}"
    uv = shutil.which("uv")
    if uv:
        return [
            [uv, "venv", "--quiet", "--python", sys.executable, str(env)],
            [uv, "pip", "install", "--python", str(env / BIN / "python"), requirement],
        ]
    return [
        [sys.executable, "-m", "venv", str(env)],
        [str(env / BIN / "python"), "-m", "pip", "install", "--progress-bar", "off", requirement],
    ]


def _run_step(step: list[str], log: Any, log_path: Path, env: Path, on_line: Callable[[str], None] | None) -> None:
    """Run one installer command, its output to the log and `on_line`; one line if it fails."""
    log.write(f"$ {' '.join(step)}\n")
    try:
        proc = subprocess.Popen(
            step,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**_clean_env(), "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PYTHONUNBUFFERED": "1"},
        )
    except OSError as e:
        raise StudioError(f"cannot run {step[0]} to install Label Studio ({e.strerror})") from None
    lines: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        log.write(line)
        if line.strip():
            lines.append(line.strip())
            if on_line:
                on_line(line.strip())
    if proc.wait() != 0:
        tool = "uv" if Path(step[0]).name == "uv" else ("pip" if "pip" in step else "python -m venv")
        raise StudioError(
            f"could not install label-studio {LABEL_STUDIO_VERSION} in {env} ({tool}: {_reason(lines)}); "
            f"check the network or the package index (PIP_INDEX_URL, UV_INDEX_URL), then run `annot studio install`; "
            f"full output in {log_path}"
        )


def _clean_env() -> dict[str, str]:
    """The environment without the caller's Python paths: annot's own must not leak into Label Studio's."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}


def _reason(lines: list[str]) -> str:
    """The installer's own words: its last error line (with uv's innermost cause), else its last line."""
    errors = [i for i, line in enumerate(lines) if line.lower().startswith("error:")]
    if not errors:
        return (lines or ["no output"])[-1][:300]
    reason = re.sub(r"^error:\s*", "", lines[errors[-1]], flags=re.IGNORECASE)
    causes = [line.removeprefix("cause:").strip() for line in lines[errors[-1] :] if line.startswith("cause:")]
    return (f"{reason}: {causes[-1]}" if causes else reason)[:300]


# -- the server -----------------------------------------------------------------------------


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


def invite_url(url: str, api_key: str) -> str | None:
    """The organisation's invite link (sign-up is closed without it), or None if the server does not say."""
    try:
        answer = httpx.get(f"{url}/api/invite", headers={"Authorization": f"Token {api_key}"}, timeout=5.0)
        return f"{url}{answer.json()['invite_url']}" if answer.status_code == 200 else None
    except (httpx.HTTPError, ValueError, KeyError, TypeError):
        return None


def status(root: Path) -> StudioInfo:
    conn = read_connection(root)
    url = conn.get("url", "")
    pid = conn.get("pid")
    running = bool(conn) and _pid_alive(pid) and _healthy(url)
    return StudioInfo(
        executable=conn.get("executable"),
        origin=conn.get("origin"),
        invite_url=invite_url(url, conn.get("api_key", "")) if running else None,
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
    on_install: Callable[[str], None] | None = None,
) -> StudioInfo:
    """Start the local Label Studio (or find it running) and save the connection.

    `on_wait(elapsed_seconds)` is called while waiting for health, `on_install(line)` with the
    installer's output when Label Studio has to be installed first; both for a progress display.
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
    executable = locate(root) or install(on_line=on_install)
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
        # anyone who can reach the port could otherwise make an account and read every project:
        # sign-up only through the organisation's invite link (`annot studio status` prints it)
        "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true",
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
                str(executable.path),
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
            "executable": str(executable.path),
            "origin": executable.origin,
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
