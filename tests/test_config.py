"""Configuration: annot.toml, environment overrides, and which URL a saved key goes with."""

from __future__ import annotations

from pathlib import Path

import pytest

from annot.config import credentials, load_config, save_connection
from annot.errors import ConfigError


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("LABEL_STUDIO_URL", "LABEL_STUDIO_API_KEY", "ANNOT_HOME"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "annot.toml").write_text('[labelstudio]\nurl = "http://127.0.0.1:8080"\n')
    return tmp_path


def test_a_saved_key_goes_with_the_server_it_was_saved_for(root: Path) -> None:
    # `annot studio up --port 8095` in a project whose annot.toml names the default 8080
    save_connection(root, {"url": "http://127.0.0.1:8095", "api_key": "k" * 40})
    assert credentials(load_config(root)) == ("http://127.0.0.1:8095", "k" * 40)


def test_the_environment_overrides(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    save_connection(root, {"url": "http://127.0.0.1:8095", "api_key": "k" * 40})
    monkeypatch.setenv("LABEL_STUDIO_URL", "http://labels.example.org/")
    assert credentials(load_config(root)) == ("http://labels.example.org", "k" * 40)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "e" * 40)
    assert credentials(load_config(root)) == ("http://labels.example.org", "e" * 40)


def test_no_key_anywhere_is_one_clear_error(root: Path) -> None:
    with pytest.raises(ConfigError, match="LABEL_STUDIO_API_KEY"):
        credentials(load_config(root))


def test_the_connection_file_is_owner_only(root: Path) -> None:
    path = save_connection(root, {"url": "u", "api_key": "k"})
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_broken_annot_toml_names_the_file(root: Path) -> None:
    (root / "annot.toml").write_text("[labelstudio\n")
    with pytest.raises(ConfigError, match=r"annot.toml: not valid TOML"):
        load_config(root)


def test_an_overlap_table_without_annotators_has_the_one_default(root: Path) -> None:
    from annot.config import Overlap

    (root / "annot.toml").write_text('[[project]]\nname = "p"\n[project.overlap]\nshare = 0.5\n')
    overlap = load_config(root).project().overlap
    assert overlap is not None and overlap.annotators == Overlap().annotators == 2
    assert overlap.describe() == "2 on 50%"
