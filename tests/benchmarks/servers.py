"""The servers the benchmarks run against: a throwaway PostgreSQL and a Label Studio on it (or on SQLite).

Both listen on loopback only, keep their data in a temporary folder and are stopped and removed on exit.
PostgreSQL is Debian's (`/usr/lib/postgresql/<version>/bin`, as `.ci/run` uses); its own cluster is made
with `initdb` in the folder, so nothing of the machine's clusters is touched.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PG_ROOT = Path("/usr/lib/postgresql")
PG_START_TIMEOUT_S = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(cmd: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Run a PostgreSQL program as the postgres user when we are root (initdb refuses root)."""
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kwargs)  # type: ignore[call-overload]


def postgres_bin() -> Path | None:
    versions = sorted((p for p in PG_ROOT.glob("*/bin/initdb")), key=lambda p: int(p.parts[-3]))
    return versions[-1].parent if versions else None


@contextmanager
def postgres(tmp: Path) -> Iterator[str]:
    """A fresh PostgreSQL cluster in `tmp`, on a free loopback port; yields its URL (role and database made)."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        raise RuntimeError("no PostgreSQL found in /usr/lib/postgresql; apt-get install postgresql")
    folder = tmp / "pg"
    folder.mkdir()
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        tmp.chmod(0o755)
    data, port, password = folder / "data", free_port(), secrets.token_hex(16)
    pwfile = folder / "pw"
    pwfile.write_text(password)
    if os.geteuid() == 0:
        shutil.chown(pwfile, "postgres", "postgres")
    _as_postgres([str(bin_dir / "initdb"), "-D", str(data), "-U", "annot", "--pwfile", str(pwfile), "-A", "md5"])
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1"
    _as_postgres(
        [str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start"],
        timeout=PG_START_TIMEOUT_S,
    )
    try:
        env = {**os.environ, "PGPASSWORD": password}
        _as_postgres([str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "annot", "ls"], env=env)
        yield f"postgresql://annot:{password}@127.0.0.1:{port}/ls"
    finally:
        _as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"])
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def label_studio(tmp: Path, database: str | None = None) -> Iterator[tuple[str, str]]:
    """A Label Studio of its own (SQLite, or the PostgreSQL at `database`): yields (url, api key)."""
    from annot import studio
    from annot.config import read_connection

    if "ANNOT_LABEL_STUDIO" not in os.environ and (REPO / ".venv-studio/bin/label-studio").exists():
        os.environ["ANNOT_LABEL_STUDIO"] = str(REPO / ".venv-studio/bin/label-studio")
    os.environ.pop("ANNOT_HOME", None)
    root = tmp / ("studio-pg" if database else "studio-sqlite")
    root.mkdir()
    try:
        info = studio.up(root, port=free_port(), database=database)
        yield info.url, read_connection(root)["api_key"]
    finally:
        studio.down(root)
