"""What the package ships: the schemas with their guidelines, and the five demo seeds.

In a wheel they are package data (`annot/schemas/`, `annot/seeds/`, mapped from the repository's
top-level `schemas/` and `seeds/` by pyproject.toml, one copy); in a checkout they are those folders.
A project names a shipped schema as `builtin:NAME` (annot.toml, `annot schema render`).
"""

from __future__ import annotations

from pathlib import Path

from annot.errors import SchemaError

PREFIX = "builtin:"
PACKAGE = Path(__file__).resolve().parent
CHECKOUT = PACKAGE.parent  # the repository, when annot runs from a checkout (editable or PYTHONPATH)


def data_dir(kind: str) -> Path:
    """The shipped `schemas` or `seeds` folder: the package's copy in a wheel, else the checkout's."""
    packaged = PACKAGE / kind
    if packaged.is_dir():
        return packaged
    if (CHECKOUT / "pyproject.toml").is_file() and (CHECKOUT / kind).is_dir():
        return CHECKOUT / kind
    raise SchemaError(f"the annot package has no {kind}/ folder ({packaged}); reinstall annot")


def schema_names() -> list[str]:
    return sorted(p.stem for p in data_dir("schemas").glob("*.yaml"))


def schema_path(name: str) -> Path:
    """The shipped schema file named NAME (`news-stance`), or one line listing the names there are."""
    name = name.removeprefix(PREFIX).removesuffix(".yaml")
    path = data_dir("schemas") / f"{name}.yaml"
    if not path.is_file():
        raise SchemaError(f"no shipped schema named {name!r}; the package ships: {', '.join(schema_names())}")
    return path


def schema_files(name: str) -> list[Path]:
    """The schema file and the guidelines beside it that it names (what `annot init` copies)."""
    import yaml

    path = schema_path(name)
    guidelines = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("guidelines")
    return [path] + ([path.parent / guidelines] if guidelines else [])


def demo_seeds() -> list[Path]:
    """The five demo articles and their gold annotations (`seeds/gold.json`)."""
    folder = data_dir("seeds")
    return sorted(folder.glob("*.txt")) + [folder / "gold.json"]


def resolve_schema(value: str, root: Path) -> Path:
    """A schema setting as a file: `builtin:NAME` is the shipped schema, anything else a path under root."""
    return schema_path(value) if value.startswith(PREFIX) else root / value
