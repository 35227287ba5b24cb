"""The Label Studio annot runs: which executable wins, the managed install and its failures, and the
local server's sign-up closed except through the invite link (against the real server)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest

from annot.studio import LABEL_STUDIO_VERSION, MANAGED_MARKER
from tests.helpers import REPO, Live, annot, free_port

UNREACHABLE_INDEX = "http://127.0.0.1:9/simple"  # port 9 (discard): nothing listens, the connection is refused


def real_studio_bin() -> Path:
    """The bin/ folder of a real Label Studio environment (the one the test session runs)."""
    named = os.environ.get("ANNOT_LABEL_STUDIO") or str(REPO / ".venv-studio/bin/label-studio")
    return Path(named).parent


def one_line_error(run: subprocess.CompletedProcess) -> str:
    assert run.returncode == 1, (run.returncode, run.stdout, run.stderr)
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in run.stderr, run.stderr
    return lines[0]


def isolated_env(tmp_path: Path, path_dirs: list[Path] | None = None) -> dict[str, str]:
    """A user with an empty data directory, no ANNOT_LABEL_STUDIO, no uv nor label-studio on PATH."""
    env = {k: v for k, v in os.environ.items() if k != "ANNOT_LABEL_STUDIO"}
    path = [str(p) for p in path_dirs or []] + ["/usr/bin", "/bin"]
    return {**env, "XDG_DATA_HOME": str(tmp_path / "data"), "PATH": os.pathsep.join(path)}


def managed_dir(tmp_path: Path) -> Path:
    return tmp_path / "data" / "annot" / f"label-studio-{LABEL_STUDIO_VERSION}"


def make_managed(tmp_path: Path) -> Path:
    """A managed environment whose python and label-studio are the real ones, as an install leaves it."""
    env = managed_dir(tmp_path)
    (env / "bin").mkdir(parents=True)
    real = real_studio_bin().parent
    for entry in real.iterdir():  # pyvenv.cfg, lib/: the real environment seen from here
        if entry.name not in ("bin", MANAGED_MARKER):
            (env / entry.name).symlink_to(entry)
    for name in ("python", "label-studio"):
        (env / "bin" / name).symlink_to(real / "bin" / name)
    (env / MANAGED_MARKER).write_text(json.dumps({"label-studio": LABEL_STUDIO_VERSION}), encoding="utf-8")
    return env


def executable_named(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(real_studio_bin() / "label-studio")
    return path


def run_annot(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    """The real `annot` command with exactly this environment (nothing inherited added back)."""
    argv = [sys.executable, "-m", "annot.cli", "--quiet", *args]
    return subprocess.run(argv, capture_output=True, text=True, env=env, cwd=cwd, timeout=300)


def run_status(root: Path, env: dict[str, str]) -> str:
    run = run_annot("studio", "status", env=env, cwd=root)
    assert run.returncode == 1 and "not running" in run.stdout and not run.stderr, (run.stdout, run.stderr)
    return run.stdout


def test_which_label_studio_wins(tmp_path: Path) -> None:
    """ANNOT_LABEL_STUDIO, then the project's .venv-studio, then PATH, then the managed environment."""
    root = tmp_path / "proj"
    root.mkdir()
    named = executable_named(tmp_path / "named" / "label-studio")
    project = executable_named(root / ".venv-studio" / "bin" / "label-studio")
    on_path = executable_named(tmp_path / "path" / "label-studio")
    managed = make_managed(tmp_path)
    env = isolated_env(tmp_path, [on_path.parent])

    said = run_status(root, {**env, "ANNOT_LABEL_STUDIO": str(named)})
    assert f"would run {named} (ANNOT_LABEL_STUDIO)" in said
    assert f"would run {project} (the project's .venv-studio)" in run_status(root, env)
    project.unlink()
    assert f"would run {on_path} (PATH)" in run_status(root, env)
    on_path.unlink()
    assert f"would run {managed / 'bin/label-studio'} (managed by annot)" in run_status(root, env)
    (managed / MANAGED_MARKER).unlink()  # an install that never finished counts as none
    assert f"installs it in {managed}" in run_status(root, env)


def test_a_wrong_annot_label_studio_is_one_line(tmp_path: Path) -> None:
    env = {**isolated_env(tmp_path), "ANNOT_LABEL_STUDIO": str(tmp_path / "nowhere" / "label-studio")}
    run = run_annot("studio", "up", "--port", str(free_port()), env=env, cwd=tmp_path)
    assert "ANNOT_LABEL_STUDIO=" in one_line_error(run) and "not an executable file" in run.stderr


@pytest.mark.parametrize("damage", ["python gone", "label-studio deleted"])
def test_a_broken_managed_environment_is_one_line(tmp_path: Path, damage: str) -> None:
    env = make_managed(tmp_path)
    if damage == "python gone":  # the Python it was made with was removed or upgraded away
        (env / "bin/python").unlink()
        (env / "bin/python").symlink_to(tmp_path / "removed-python3.11")
    else:
        (env / "bin/label-studio").unlink()
    run = run_annot("studio", "up", "--port", str(free_port()), env=isolated_env(tmp_path), cwd=tmp_path)
    line = one_line_error(run)
    assert f"environment annot manages in {env} is broken" in line
    assert "run `annot studio install --force`" in line
    assert not (tmp_path / ".annot" / "studio" / "label-studio.log").exists()  # nothing was started


@pytest.mark.parametrize("installer", ["pip", "uv"])
def test_an_install_without_network_is_one_line_and_leaves_nothing(tmp_path: Path, installer: str) -> None:
    """`annot studio up` finds no Label Studio and installs it; the package index cannot be reached."""
    offline = {
        "PIP_INDEX_URL": UNREACHABLE_INDEX,
        "PIP_CONFIG_FILE": os.devnull,  # no machine-wide find-links nor extra indexes
        "PIP_FIND_LINKS": "",
        "PIP_EXTRA_INDEX_URL": "",
        "PIP_RETRIES": "0",
        "UV_INDEX_URL": UNREACHABLE_INDEX,
        "UV_NO_CACHE": "1",  # nothing from an earlier install stands in for the index
    }
    # the test extra installs uv beside this Python, so CI tests the uv path too
    uv = shutil.which("uv") or shutil.which("uv", path=str(Path(sys.executable).parent))
    assert installer != "uv" or uv, "uv is neither on PATH nor beside this Python: `pip install -e '.[test]'`"
    env = {**isolated_env(tmp_path, [Path(uv).parent] if installer == "uv" and uv else []), **offline}
    if installer == "pip" and shutil.which("uv", path=env["PATH"]):
        pytest.skip("uv is in /usr/bin or /bin here, so annot never uses pip")
    run = run_annot("studio", "up", "--port", str(free_port()), env=env, cwd=tmp_path)
    line = one_line_error(run)
    managed = managed_dir(tmp_path)
    assert f"could not install label-studio {LABEL_STUDIO_VERSION} in {managed} ({installer}:" in line
    assert "then run `annot studio install`" in line
    assert not managed.exists()  # no half-made environment is left to be used later
    log = Path(re.search(r"full output in (\S+)$", line).group(1))  # type: ignore[union-attr]
    # the installer's own words about the index it could not reach (every log names label-studio: no proof)
    assert "127.0.0.1:9" in log.read_text(encoding="utf-8")


# -- sign-up on the real server ----------------------------------------------------------------


def sign_up(url: str, path: str, email: str) -> httpx.Response:
    """Fill in Label Studio's sign-up form as a browser does: its CSRF cookie, then the POST."""
    with httpx.Client(base_url=url, timeout=30.0) as browser:
        form = browser.get(path)
        assert form.status_code == 200, form.status_code
        csrf = (
            browser.cookies.get("csrftoken") or re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)[1]
        )  # type: ignore[index]
        return browser.post(
            path,
            data={"email": email, "password": f"pw-{uuid.uuid4().hex}", "csrfmiddlewaretoken": csrf},
            headers={"Referer": f"{url}{path}", "X-CSRFToken": csrf},
        )


def user_emails(live: Live) -> set[str]:
    users = httpx.get(f"{live.url}/api/users/", headers={"Authorization": f"Token {live.api_key}"}, timeout=30.0)
    return {u["email"] for u in users.json()}


@pytest.mark.server
def test_sign_up_needs_the_invite_link(live_studio: Live) -> None:
    stranger = f"stranger-{uuid.uuid4().hex[:8]}@example.org"
    refused = sign_up(live_studio.url, "/user/signup/", stranger)
    assert refused.status_code == 403
    assert stranger not in user_emails(live_studio)

    status = annot("studio", "status", cwd=live_studio.root)
    assert status.returncode == 0, status.stderr
    invite = re.search(r"invite annotators: (\S+)", status.stdout)[1]  # type: ignore[index]
    assert invite.startswith(f"{live_studio.url}/user/signup/?token=")
    assert "executable: " in status.stdout and "(ANNOT_LABEL_STUDIO)" in status.stdout

    wrong = sign_up(live_studio.url, "/user/signup/?token=not-the-token", stranger)
    assert wrong.status_code == 403 and stranger not in user_emails(live_studio)

    invited = f"invited-{uuid.uuid4().hex[:8]}@example.org"
    accepted = sign_up(live_studio.url, invite.removeprefix(live_studio.url), invited)
    assert accepted.status_code == 302, accepted.text[:300]  # to the projects page, logged in
    assert invited in user_emails(live_studio)
