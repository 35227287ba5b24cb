"""Build the development corpus's gold: articles/*.txt + gold/*.yaml -> dev.json and test.json (Label Studio import).

Each article is cleaned with annot's own reader; every gold span is anchored in the cleaned text (a claim by its
exact words, or inside its unique `ctx`; a speaker or cue at its occurrence nearest the claim, within
SEARCH_WINDOW characters, or inside its own unique `ctx`). Problems are printed per article and claim:

    python tests/corpus/build.py              # check everything, write dev.json and test.json (exit 1 on errors)
    python tests/corpus/build.py --check 14   # check article 14 only (stem prefix), write nothing
    python tests/corpus/build.py --staged     # from git's index, not the work tree (what a commit of the JSON holds)
    python tests/corpus/build.py --root tests/corpus/courts   # another set laid out the same way (articles/, gold/)

A claim whose words are in the article file but not in the cleaned text (the cleaning dropped its line) is
reported as LOST, left out of the JSON, and does not fail the build: it is a cleaning bug, the gold stays right.
"""

# ruff: noqa: E402  (the repository root goes on sys.path before annot is imported, so the script runs anywhere)

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import yaml

from annot.articles import decode_bytes, read_articles
from annot.cleaning import clean_text, normalise_text
from annot.convert import to_results
from annot.records import Annotation, Article, Region, Relation
from annot.schema import load_schema

ARTICLES = HERE / "articles"
GOLD = HERE / "gold"
OUTPUT = {"dev": HERE / "dev.json", "test": HERE / "test.json"}
COURTS = HERE / "courts"  # the single-domain set for issue 15 (learning on one domain), built with --root
SCHEMA = ROOT / "schemas" / "news-stance.yaml"
SEARCH_WINDOW = 400  # characters between a claim and its speaker or cue, as tests/test_gold.py allows
SHOW = 40  # characters of text quoted in a message

STANCES = ("favor", "against", "none")
TARGETS = ("China", "Russia", "United States", "Ukraine", "Other")
QUOTE_TYPES = ("direct", "indirect", "mixed")
SPLITS = ("dev", "test")
FILE_KEYS = {"domain", "style", "split", "claims"}
CLAIM_KEYS = {"claim", "ctx", "speakers", "cue", "cue_ctx", "stance", "target", "quote_type", "key", "responds_to"}
SPEAKER_KEYS = {"mention", "name", "ctx"}
OPEN_QUOTES = "\"“‘'«"
CLOSE_QUOTES = "\"”’'»"
TITLES = re.compile(
    r"^(?:Mr|Mrs|Ms|Dr|Prof|Gov|Sen|Rep|Gen|Col|Capt|Sgt|Lt|Judge|Justice|President|Prime Minister|Minister|"
    r"Secretary|Chancellor|Mayor|Councillor|Councilwoman|Councilman|Assemblyman|Assemblywoman|Governor|Senator|"
    r"CEO|Chief Executive|Chairman|Chairwoman|Chair|Director|Professor|Ambassador|Commissioner|Sheriff|Attorney)"
    r"\.?\s+(?!Department|Ministry|Office|Court|Committee|Council)[A-Z]"
)


class GoldError(Exception):
    """A gold entry that cannot be anchored or breaks the format; the message says where and what to do."""


@dataclass
class Report:
    """What building one article found: errors (fail the build), lost claims (a cleaning bug), notes."""

    stem: str
    errors: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    claims: int = 0
    speakers: int = 0


@dataclass
class Entry:
    """One article of the corpus: its cleaned Article, its gold file's contents and the built annotation."""

    stem: str
    article: Article
    gold: dict[str, Any]
    annotation: Annotation | None = None


def _short(text: str, n: int = SHOW) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _near_miss(text: str, needle: str) -> str:
    """Where the text stops matching `needle`: the longest prefix (or suffix) of it found, and what follows there."""
    lo, hi = 0, len(needle)
    while lo < hi:  # longest prefix of needle that occurs in text
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if needle[:mid] in text else (lo, mid - 1)
    prefix = lo
    lo, hi = 0, len(needle)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if needle[-mid:] in text else (lo, mid - 1)
    suffix = lo
    if max(prefix, suffix) < 4:
        folded = text.casefold().find(needle.casefold())
        if folded >= 0:
            return f"nearest: differs only in case from {text[folded : folded + len(needle)]!r}"
        return "nearest: no part of it occurs in the text"
    if prefix >= suffix:
        at = text.find(needle[:prefix])
        return (
            f"nearest: the text matches its first {prefix} of {len(needle)} characters "
            f"(...{needle[max(0, prefix - 25) : prefix]!r}), then has {text[at + prefix : at + prefix + 30]!r} "
            f"where the gold has {needle[prefix : prefix + 30]!r}"
        )
    at = text.find(needle[-suffix:])
    return (
        f"nearest: the text matches its last {suffix} of {len(needle)} characters "
        f"({needle[-suffix:][:25]!r}...), preceded by {text[max(0, at - 30) : at]!r} "
        f"where the gold has {needle[max(0, len(needle) - suffix - 30) : len(needle) - suffix]!r}"
    )


def _unique(text: str, needle: str, what: str) -> int:
    hits = [m.start() for m in re.finditer(re.escape(needle), text)]
    if not hits:
        raise GoldError(f"{what} {_short(needle)!r} is not in the cleaned text; {_near_miss(text, needle)}")
    if len(hits) > 1:
        raise GoldError(f"{what} {_short(needle)!r} occurs {len(hits)} times; give a longer `ctx` that is unique")
    return hits[0]


def _anchor(text: str, needle: str, ctx: str | None, claim: tuple[int, int], what: str, ctx_key: str) -> int:
    """Start of `needle`: inside its unique context, else its whole-word occurrence nearest the claim span."""
    if ctx is not None:
        at = _unique(text, ctx, f"{what} {ctx_key}")
        inner = ctx.find(needle)
        if inner < 0:
            raise GoldError(f"{what} {ctx_key} {_short(ctx)!r} does not contain {needle!r}")
        return at + inner
    hits = [m.start() for m in re.finditer(rf"(?<!\w){re.escape(needle)}(?!\w)", text)]
    # A speaker or cue is never inside its own claim.
    hits = [h for h in hits if h + len(needle) <= claim[0] or h >= claim[1]]

    def distance(h: int) -> int:
        return claim[0] - (h + len(needle)) if h < claim[0] else h - claim[1]

    if not hits:
        inside = needle in text[claim[0] : claim[1]]
        why = " (only inside the claim itself)" if inside else f"; {_near_miss(text, needle)}"
        raise GoldError(f"{what} {needle!r} is not in the cleaned text as a whole word{why}")
    near = [h for h in hits if distance(h) <= SEARCH_WINDOW]
    if not near:
        nearest = min(hits, key=distance)
        raise GoldError(
            f"{what} {needle!r} is not within {SEARCH_WINDOW} characters of its claim (nearest occurrence "
            f"{distance(nearest)} characters away: {_short(text[max(0, nearest - 20) : nearest + 40], 60)!r}); "
            f"is the claim or the mention wrong?"
        )
    best = min(near, key=distance)
    if sum(1 for h in near if distance(h) == distance(best)) > 1:
        raise GoldError(f"{what} {needle!r} is as near before the claim as after it; give `{ctx_key}`")
    return best


def _lost_line(cleaned: str, dropped: list[tuple[str, str]], raw: str, needle: str) -> str | None:
    """If the cleaning removed the line holding `needle`: 'rule: line', else None."""
    if needle in cleaned or needle not in raw:
        return None
    for line, rule in dropped:
        if needle in line:
            return f"cleaning rule {rule!r} dropped the line {_short(line, 70)!r}"
    return "it is in the article file but not in the cleaned text"


def _check_claim_shape(c: dict[str, Any], report: Report, where: str) -> None:
    for key in set(c) - CLAIM_KEYS:
        report.errors.append(f"{where}: unknown key {key!r} (known: {', '.join(sorted(CLAIM_KEYS))})")
    for key, allowed in (("stance", STANCES), ("target", TARGETS), ("quote_type", QUOTE_TYPES)):
        if c.get(key) not in allowed:
            report.errors.append(f"{where}: {key} is {c.get(key)!r}; give one of {', '.join(allowed)}")
    claim = c.get("claim")
    if not isinstance(claim, str) or not claim:
        report.errors.append(f"{where}: `claim` must be a non-empty string")
        return
    if claim != claim.strip():
        report.errors.append(f"{where}: claim {_short(claim)!r} starts or ends with a space")
    if c.get("quote_type") == "direct" and (claim[0] in OPEN_QUOTES or claim[-1] in CLOSE_QUOTES):
        report.errors.append(f"{where}: direct claim {_short(claim)!r} keeps its quotation marks (guidelines 2)")
    if c.get("quote_type") == "indirect" and claim.endswith(".") and not re.search(r"\b[A-Z]\.$|\.\.\.$", claim):
        report.notes.append(f"{where}: indirect claim ends with a full stop; guidelines 2 leave it out")
    if re.match(r"that\s", claim):
        report.notes.append(f"{where}: claim starts with 'that'; guidelines 2 leave it out")
    speakers = c.get("speakers")
    if not isinstance(speakers, list) or not speakers:
        report.errors.append(f"{where}: no speakers; every claim needs at least one (guidelines checklist)")
        return
    for s in speakers:
        if not isinstance(s, dict) or not s.get("mention") or not s.get("name"):
            report.errors.append(f"{where}: each speaker needs `mention` and `name`, found {s!r}")
            continue
        for key in set(s) - SPEAKER_KEYS:
            report.errors.append(f"{where}: speaker {s['mention']!r} has unknown key {key!r}")
        if re.match(r"(?:the|a|an)\s", s["mention"], re.IGNORECASE):
            report.notes.append(f"{where}: speaker {s['mention']!r} keeps its article (guidelines 3 leave it out)")
        if TITLES.match(s["mention"]) or TITLES.match(s["name"]):
            report.notes.append(f"{where}: speaker {s['mention']!r} / {s['name']!r} starts with a title (guidelines 3)")


def build_annotation(entry: Entry, report: Report, raw: str, cleaned_raw: tuple[str, list[tuple[str, str]]]) -> None:
    """Anchor one article's gold in its cleaned text; problems go to `report`, the result to `entry.annotation`."""
    text = entry.article.text
    nn = entry.stem[:2]
    regions: list[Region] = []
    relations: list[Relation] = []
    speaker_ids: dict[tuple[int, int], str] = {}
    cue_spans: set[tuple[int, int]] = set()
    claim_ids: dict[str, str] = {}
    pending_replies: list[tuple[str, str, str]] = []
    claims = entry.gold.get("claims") or []
    for n, c in enumerate(claims, 1):
        if not isinstance(c, dict):
            report.errors.append(f"claim {n}: not a mapping with `claim`, `speakers`, ...")
            continue
        where = f"claim {n} {_short(str(c.get('claim')), 50)!r}"
        errors_before = len(report.errors)
        _check_claim_shape(c, report, where)
        if len(report.errors) > errors_before:
            continue
        claim, ctx = c["claim"], c.get("ctx")
        lost = _lost_line(cleaned_raw[0], cleaned_raw[1], raw, ctx or claim)
        if lost:
            report.lost.append(f"{where}: {lost}")
            if c.get("key"):
                claim_ids[c["key"]] = ""  # known, but not in the JSON
            continue
        try:
            if ctx is not None:
                at = _unique(text, ctx, "ctx")
                inner = ctx.find(claim)
                if inner < 0:
                    raise GoldError(f"ctx {_short(ctx)!r} does not contain the claim")
                start = at + inner
            else:
                start = _unique(text, claim, "claim")
            span = (start, start + len(claim))
            anchored = []
            for s in c["speakers"]:
                anchored.append((s, _anchor(text, s["mention"], s.get("ctx"), span, "speaker", "ctx")))
            cue_at = None
            if c.get("cue"):
                cue_at = _anchor(text, c["cue"], c.get("cue_ctx"), span, "cue", "cue_ctx")
        except GoldError as exc:
            report.errors.append(f"{where}: {exc}")
            continue
        claim_id = f"{nn}c{n:02d}"
        attributes = {"stance": c["stance"], "target": c["target"], "quote_type": c["quote_type"]}
        regions.append(Region(claim_id, "Claim", *span, claim, attributes))
        report.claims += 1
        if c.get("key"):
            if c["key"] in claim_ids:
                report.errors.append(f"{where}: key {c['key']!r} is used twice")
            claim_ids[c["key"]] = claim_id
        for s, at in anchored:
            s_span = (at, at + len(s["mention"]))
            if s_span not in speaker_ids:
                speaker_ids[s_span] = f"{nn}s{len(speaker_ids) + 1:02d}"
                regions.append(
                    Region(speaker_ids[s_span], "Speaker", *s_span, s["mention"], {"speaker_name": s["name"]})
                )
            else:
                known = next(r for r in regions if r.id == speaker_ids[s_span])
                if known.attributes["speaker_name"] != s["name"]:
                    report.errors.append(
                        f"{where}: speaker {s['mention']!r} at {at} is named {s['name']!r} here but "
                        f"{known.attributes['speaker_name']!r} for an earlier claim"
                    )
            relations.append(Relation(speaker_ids[s_span], claim_id, "says"))
        if cue_at is not None:
            cue_span = (cue_at, cue_at + len(c["cue"]))
            if cue_span not in cue_spans:  # a quote split by its attribution shares one cue
                cue_spans.add(cue_span)
                regions.append(Region(f"{nn}v{n:02d}", "Cue", *cue_span, c["cue"]))
        if c.get("responds_to"):
            pending_replies.append((claim_id, c["responds_to"], where))
    for claim_id, answered, where in pending_replies:
        if answered not in claim_ids:
            report.errors.append(f"{where}: responds_to {answered!r}, but no claim has that key")
        elif claim_ids[answered]:
            relations.append(Relation(claim_id, claim_ids[answered], "responds_to"))
        else:
            report.lost.append(f"{where}: its responds_to {answered!r} points at a LOST claim; relation left out")
    report.speakers = len(speaker_ids)
    regions.sort(key=lambda r: (r.start, r.end, r.label))
    entry.annotation = Annotation(id=None, task_id=None, regions=regions, relations=relations)


def outputs(root: Path) -> dict[str, Path]:
    """Where a set's two splits are written: ROOT/dev.json and ROOT/test.json."""
    return {split: root / f"{split}.json" for split in SPLITS}


def _staged_copy(into: Path, root: Path = HERE) -> tuple[Path, Path]:
    """The articles and gold as git's index has them (what a commit of the JSON will hold), copied under `into`."""
    base = root.relative_to(ROOT).as_posix()
    listed = subprocess.run(
        ["git", "ls-files", "--", f"{base}/articles", f"{base}/gold"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    for name in listed.stdout.splitlines():
        blob = subprocess.run(["git", "show", f":{name}"], cwd=ROOT, capture_output=True, check=True).stdout
        target = into / Path(name).relative_to(base)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(blob)
    return into / "articles", into / "gold"


def load(
    prefixes: list[str] | None = None, articles: Path = ARTICLES, gold_dir: Path = GOLD
) -> tuple[list[Entry], list[Report]]:
    """Every article with its gold, built; and one Report per article (pairing problems included)."""
    txts = {p.stem: p for p in sorted(articles.glob("*.txt"))}
    yamls = {p.stem: p for p in sorted(gold_dir.glob("*.yaml"))}
    stems = sorted(set(txts) | set(yamls))
    if prefixes:
        stems = [s for s in stems if any(s.startswith(p) for p in prefixes)]
    entries: list[Entry] = []
    reports: list[Report] = []
    for stem in stems:
        report = Report(stem)
        reports.append(report)
        if stem not in txts or stem not in yamls:
            missing = "article file articles/" if stem not in txts else "gold file gold/"
            report.errors.append(f"no {missing}{stem}.{'txt' if stem not in txts else 'yaml'} to pair with")
            continue
        ingested = read_articles([txts[stem]])
        if ingested.problems or not ingested.articles:
            report.errors.append(f"annot cannot read the article: {'; '.join(map(str, ingested.problems))}")
            continue
        try:
            gold = yaml.safe_load(yamls[stem].read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            report.errors.append(f"gold/{stem}.yaml is not valid YAML: {exc}")
            continue
        if not isinstance(gold, dict):
            report.errors.append(f"gold/{stem}.yaml: expected a mapping with domain, style, split, claims")
            continue
        for key in set(gold) - FILE_KEYS:
            report.errors.append(f"unknown top-level key {key!r} (known: {', '.join(sorted(FILE_KEYS))})")
        if gold.get("split") not in SPLITS:
            report.errors.append(f"split is {gold.get('split')!r}; give dev or test")
        for key in ("domain", "style"):
            value = gold.get(key)
            if not isinstance(value, str) or not re.fullmatch(r"[a-z][a-z-]*", value):
                report.errors.append(f"{key} is {value!r}; give one lower-case word (hyphens allowed)")
            elif value not in stem:
                report.notes.append(f"{key} {value!r} does not appear in the file name")
        article = ingested.articles[0]
        for warning in article.warnings:
            report.notes.append(f"reader warning: {warning}")
        words = len(article.text.split())
        if not 300 <= words <= 700:
            report.notes.append(f"cleaned body has {words} words; the corpus asks for 300-700")
        raw = normalise_text(decode_bytes(txts[stem].read_bytes(), str(txts[stem])))
        cleaned = clean_text(raw)
        entry = Entry(stem, article, gold)
        build_annotation(entry, report, raw, (cleaned.text, cleaned.dropped))
        entries.append(entry)
    return entries, reports


def tasks(entries: list[Entry], split: str) -> list[dict[str, Any]]:
    """The Label Studio import tasks of one split, in file order, as seeds/gold.json has them."""
    schema = load_schema(SCHEMA)
    out = []
    for e in entries:
        if e.gold.get("split") == split and e.annotation is not None:
            out.append({"data": e.article.task_data(), "annotations": [{"result": to_results(e.annotation, schema)}]})
    return out


def render(task_list: list[dict[str, Any]]) -> str:
    return json.dumps(task_list, ensure_ascii=False, indent=1) + "\n"


def show(entry: Entry) -> None:
    """Print each anchored claim with its speakers and cue in context, to eyeball that the right ones were found."""
    assert entry.annotation is not None
    text = entry.article.text
    by_id = {r.id: r for r in entry.annotation.regions}
    print(f"== {entry.stem}")
    for claim in (r for r in entry.annotation.regions if r.label == "Claim"):
        who = [
            by_id[rel.from_id] for rel in entry.annotation.relations if rel.to_id == claim.id and rel.label == "says"
        ]
        kind = "/".join(str(claim.attributes[k]) for k in ("quote_type", "stance", "target"))
        print(f"  [{kind}] {claim.text!r}")
        for s in who:
            around = text[max(0, s.start - 20) : s.start] + "[" + s.text + "]" + text[s.end : s.end + 20]
            print(f"      speaker {s.attributes['speaker_name']!r}: ...{around!r}...".replace("\\n", " "))
    cues = [r for r in entry.annotation.regions if r.label == "Cue"]
    print("  cues: " + ", ".join(f"{text[max(0, c.start - 15) : c.start]}[{c.text}]".replace("\n", " ") for c in cues))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("prefixes", nargs="*", help="only the articles whose file name starts with one of these")
    parser.add_argument("--check", action="store_true", help="check only; do not write dev.json and test.json")
    parser.add_argument(
        "--staged", action="store_true", help="build from the files as git's index has them, not the work tree"
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=HERE,
        help="the set to build: a folder with articles/ and gold/, written to ROOT/dev.json and ROOT/test.json "
        "(default: tests/corpus; the courts set: --root tests/corpus/courts)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print only errors and lost claims")
    parser.add_argument("--show", action="store_true", help="print each claim with the speaker and cue it anchored")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    if not (root / "articles").is_dir() or not (root / "gold").is_dir():
        print(f"build.py: {args.root} has no articles/ and gold/ folders; give a corpus folder", file=sys.stderr)
        return 2
    if args.staged and not root.is_relative_to(ROOT):
        print(f"build.py: --staged reads git's index, so --root must be inside {ROOT}", file=sys.stderr)
        return 2
    if args.staged:
        with tempfile.TemporaryDirectory() as tmp:
            entries, reports = load(args.prefixes, *_staged_copy(Path(tmp), root))
    else:
        entries, reports = load(args.prefixes, root / "articles", root / "gold")
    errors = 0
    for r in reports:
        print(f"{r.stem}: {r.claims} claims, {r.speakers} speakers" + (f", {len(r.errors)} ERRORS" if r.errors else ""))
        for msg in r.errors:
            print(f"  ERROR {r.stem} {msg}")
        for msg in r.lost:
            print(f"  LOST  {r.stem} {msg}")
        if not args.quiet:
            for msg in r.notes:
                print(f"  note  {r.stem} {msg}")
        errors += len(r.errors)
    if args.show:
        for e in entries:
            if e.annotation is not None:
                show(e)
    total_claims = sum(r.claims for r in reports)
    lost = sum(len(r.lost) for r in reports)
    print(f"{len(reports)} articles, {total_claims} claims anchored, {lost} lost to cleaning, {errors} errors")
    if errors:
        print("not written: fix the errors above (each names its article and claim)", file=sys.stderr)
        return 1
    if args.check or args.prefixes:
        return 0
    for split, path in outputs(root).items():
        task_list = tasks(entries, split)
        path.write_text(render(task_list), encoding="utf-8")
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        print(f"wrote {shown}: {len(task_list)} articles")
    return 0


if __name__ == "__main__":
    sys.exit(main())
