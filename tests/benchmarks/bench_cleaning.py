"""annot's cleaning measured on trafilatura's evaluation set: must-keep strings found, boilerplate removed.

Run: `python tests/benchmarks/bench_cleaning.py [DATA] [--half dev|held-out|all] [--jobs 2] [--dump FILE]`.
DATA is a folder with `pages.tgz` and `text-h1.tgz` (the peer set described in tests/benchmarks/README.md;
default `../shared/peer/trafilatura-eval` from the repository root, or `$ANNOT_TRAFILATURA_EVAL`). The
archives are unpacked into a temporary folder; nothing is written into the repository but `--dump`.

Three runs over the same pages, measured in one process pool: trafilatura alone (`extract`, defaults),
`annot ingest page.html`, `annot ingest copy.txt` (each page as a browser copy from its headline down).
Scored as trafilatura scores itself: a "with" string found, a "without" string absent, after NFC, removing
invisible characters and collapsing whitespace on both sides; a page that gives no article is empty output.
The 990 pages are split once by a hash of the page name into a development half (looked at when changing
rules) and a held-out half (only scored); the table gives both and the whole set.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import re
import sys
import tarfile
import tempfile
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

DEFAULT_DATA = REPO.parent / "shared" / "peer" / "trafilatura-eval"
ARCHIVES = ("pages.tgz", "text-h1.tgz")
HELD_OUT_SHARE = 0.5  # the share of pages, by name hash, kept out of sight while rules change
ENGLISH_MIN_SHARE = 0.12  # this share of a page's expected words being English function words: an English page
_ENGLISH = "the of and to in is that for it was on with as are be this by at from have has not but they his her an"
ENGLISH_WORDS = frozenset(_ENGLISH.split(" ") + ["which", "or", "their", "were", "been", "will", "would", "said"])
RUNS = ("trafilatura", "annot-html", "annot-text")
RUN_TITLES = {
    "trafilatura": "trafilatura alone (`extract`, defaults)",
    "annot-html": "`annot ingest page.html`",
    "annot-text": "`annot ingest copy.txt`",
}
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """As trafilatura's evaluation compares: NFC, no invisible characters, whitespace runs as one space."""
    return _SPACE.sub(" ", _INVISIBLE.sub("", unicodedata.normalize("NFC", text))).strip()


def half_of(name: str) -> str:
    digest = int(hashlib.sha256(name.encode("utf-8")).hexdigest()[:8], 16)
    return "held-out" if digest / 0xFFFFFFFF < HELD_OUT_SHARE else "dev"


def is_english(page: dict[str, Any]) -> bool:
    words = re.findall(r"[a-z]+", " ".join(page["with"] + page["without"]).lower())
    return bool(words) and sum(w in ENGLISH_WORDS for w in words) / len(words) >= ENGLISH_MIN_SHARE


# --- one page, in a worker --------------------------------------------------------------------------------------


def _annot(path: Path) -> dict[str, Any]:
    from annot.articles import explain_file
    from annot.errors import ArticleError

    try:
        explained = explain_file(path)
    except ArticleError as exc:
        return {"output": None, "error": str(exc), "dropped": [], "warnings": []}
    article = explained.article
    return {
        "output": None if article is None else f"{article.title}\n{article.text}",
        "error": explained.error,
        "dropped": explained.dropped,
        "warnings": [] if article is None else article.warnings,
    }


def run_page(job: tuple[dict[str, Any], str, str]) -> dict[str, Any]:
    """The three runs on one page: outputs, errors, the lines annot dropped and its warnings."""
    page, html_path, text_path = job
    import trafilatura

    html = Path(html_path).read_bytes()  # trafilatura finds the encoding itself
    started = time.perf_counter()
    try:
        alone = trafilatura.extract(html)
    except Exception as exc:  # noqa: BLE001 - a crash of the baseline is an empty output, as trafilatura scores it
        alone = None
        print(f"{page['name']}: trafilatura failed: {exc}", file=sys.stderr)
    seconds = {"trafilatura": time.perf_counter() - started}
    results: dict[str, Any] = {"trafilatura": {"output": alone, "error": None if alone else "no output"}}
    for run, path in (("annot-html", html_path), ("annot-text", text_path)):
        started = time.perf_counter()
        results[run] = _annot(Path(path))
        seconds[run] = time.perf_counter() - started
    return {"name": page["name"], "results": results, "seconds": seconds}


# --- scoring ----------------------------------------------------------------------------------------------------


@dataclass
class Score:
    pages: int = 0
    keep: int = 0
    kept: int = 0
    noise: int = 0
    removed: int = 0
    losing: int = 0
    rejected: int = 0
    seconds: float = 0.0
    lost_pages: list[str] = field(default_factory=list)

    def add(self, page: dict[str, Any], result: dict[str, Any], seconds: float) -> None:
        output = normalise(result["output"] or "")
        found = [normalise(s) in output for s in page["with"]]
        self.pages += 1
        self.keep += len(found)
        self.kept += sum(found)
        absent = [normalise(s) not in output for s in page["without"]]
        self.noise += len(absent)
        self.removed += sum(absent)
        self.losing += not all(found)
        self.rejected += not result["output"]
        self.seconds += seconds
        if not all(found):
            self.lost_pages.append(page["name"])

    def row(self, title: str) -> str:
        keep = self.kept / self.keep if self.keep else 0.0
        removed = self.removed / self.noise if self.noise else 0.0
        ms = 1000 * self.seconds / self.pages if self.pages else 0.0
        return f"| {title} | {keep:.3f} | {removed:.3f} | {self.losing} | {self.rejected} | {ms:.0f} ms |"


def score(pages: Iterable[dict[str, Any]], outcomes: dict[str, dict[str, Any]]) -> dict[str, Score]:
    scores = {run: Score() for run in RUNS}
    for page in pages:
        outcome = outcomes[page["name"]]
        for run in RUNS:
            scores[run].add(page, outcome["results"][run], outcome["seconds"][run])
    return scores


def table(title: str, scores: dict[str, Score]) -> str:
    head = [
        f"{title} ({scores[RUNS[0]].pages} pages)",
        "",
        "| run | must-keep strings found | boilerplate removed | pages that lose text | pages rejected "
        "| time per page |",
        "|---|---|---|---|---|---|",
    ]
    return "\n".join(head + [scores[run].row(RUN_TITLES[run]) for run in RUNS])


def lost_by_annot_only(pages: list[dict[str, Any]], outcomes: dict[str, dict[str, Any]], run: str) -> tuple[int, int]:
    """(strings, pages): must-keep strings trafilatura alone kept and annot's run lost."""
    strings, lost_pages = 0, 0
    for page in pages:
        results = outcomes[page["name"]]["results"]
        alone, mine = normalise(results["trafilatura"]["output"] or ""), normalise(results[run]["output"] or "")
        lost = [s for s in page["with"] if normalise(s) in alone and normalise(s) not in mine]
        strings += len(lost)
        lost_pages += bool(lost)
    return strings, lost_pages


# --- the data ---------------------------------------------------------------------------------------------------


def unpack(data: Path, into: Path) -> Path:
    """The folder holding manifest.json, html/ and text-h1/: `data` itself if unpacked, else the archives opened."""
    if (data / "manifest.json").is_file() and (data / "html").is_dir() and (data / "text-h1").is_dir():
        return data
    missing = [name for name in ARCHIVES if not (data / name).is_file()]
    if missing:
        raise SystemExit(
            f"{data}: no {', '.join(missing)}; see tests/benchmarks/README.md (bench_cleaning) for the data"
        )
    for name in ARCHIVES:
        with tarfile.open(data / name) as archive:
            archive.extractall(into, filter="data")
    return into


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default = os.environ.get("ANNOT_TRAFILATURA_EVAL", str(DEFAULT_DATA))
    parser.add_argument("data", nargs="?", default=default, help="folder with pages.tgz and text-h1.tgz")
    parser.add_argument("--half", choices=["all", "dev", "held-out"], default="all", help="score only one half")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: all cores)")
    parser.add_argument("--dump", type=Path, help="write every page's outputs, drops and warnings here (JSON lines)")
    parser.add_argument("--only", help="only pages whose name contains this (for looking at one page)")
    args = parser.parse_args()
    data = Path(args.data)
    if not data.is_dir():
        print(f"skipped: no data at {data}; see tests/benchmarks/README.md (bench_cleaning) for how to get it")
        return

    with tempfile.TemporaryDirectory(prefix="annot-cleaning-") as tmp:
        root = unpack(data, Path(tmp))
        manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
        pages = [p for p in manifest["pages"] if args.half == "all" or half_of(p["name"]) == args.half]
        if args.only:
            pages = [p for p in pages if args.only in p["name"]]
        jobs = [
            (p, str(root / "html" / f"{p['name']}.html"), str(root / "text-h1" / f"{p['name']}.txt")) for p in pages
        ]
        outcomes: dict[str, dict[str, Any]] = {}
        started = time.perf_counter()
        with multiprocessing.Pool(args.jobs) as pool:
            for done, outcome in enumerate(pool.imap_unordered(run_page, jobs, chunksize=4), 1):
                outcomes[outcome["name"]] = outcome
                if done % 50 == 0 or done == len(jobs):
                    print(f"\r{done}/{len(jobs)} pages, {time.perf_counter() - started:.0f} s", end="", file=sys.stderr)
        print(file=sys.stderr)

    if args.dump:
        with args.dump.open("w", encoding="utf-8") as out:
            for page in pages:
                record = {**page, "half": half_of(page["name"]), "english": is_english(page), **outcomes[page["name"]]}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")

    print(f"trafilatura's evaluation set ({manifest.get('source', '?')}), {len(pages)} pages, {args.jobs} processes\n")
    groups = [("all pages", pages)]
    if args.half == "all":
        groups += [(f"{half} half", [p for p in pages if half_of(p["name"]) == half]) for half in ("dev", "held-out")]
    groups += [("English pages", [p for p in pages if is_english(p)])]
    for title, group in groups:
        print(table(title, score(group, outcomes)) + "\n")
    for run in ("annot-html", "annot-text"):
        strings, lost_pages = lost_by_annot_only(pages, outcomes, run)
        print(f"{RUN_TITLES[run]}: {strings} must-keep strings on {lost_pages} pages lost that trafilatura alone kept")
    alone_ok = {p["name"] for p in pages if outcomes[p["name"]]["results"]["trafilatura"]["output"]}
    rejected = [n for n in sorted(alone_ok) if not outcomes[n]["results"]["annot-html"]["output"]]
    print(f"HTML pages rejected that trafilatura extracts: {len(rejected)} {' '.join(rejected[:10])}")


if __name__ == "__main__":
    main()
