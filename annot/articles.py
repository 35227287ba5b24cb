"""Reading articles: the file formats (.txt, .html, .jsonl, folders), decoding their bytes, article ids, and
what a read gives (`Ingested`: the articles, the inputs that gave none, the duplicates).

Turning a page's text into a headline and a body is `annot.cleaning`'s job; this module feeds it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from annot.cleaning import CleanResult, clean_copy, clean_meta, clean_page, normalise_text, parse_date
from annot.errors import ArticleError
from annot.records import Article

# --- limits ----------------------------------------------------------------------------------------------------

MAX_ARTICLE_BYTES = 5_000_000  # one .txt article, and the cleaned text of any article
MAX_HTML_BYTES = 20_000_000  # a page carries scripts and markup besides its article
MAX_JSONL_LINE_BYTES = 12_000_000  # one JSONL record: an article plus JSON escaping
BINARY_SNIFF_BYTES = 8192
MAX_CONTROL_CHAR_RATIO = 0.01  # more control characters than this in decoded text: not a text file
ID_HEX_CHARS = 16
PREFERRED_LEGACY_ENCODING = "cp1252"
ENCODING_TIE = 0.01  # detector scores this close are a tie

TEXT_SUFFIXES = frozenset({".txt"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
JSONL_SUFFIXES = frozenset({".jsonl"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES

_HTML_TAG = re.compile(r"<(?:p|div|br|span|a|script|style|html|body)\b[^>]*>", re.IGNORECASE)


# --- results ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A file, or a JSONL line, that gave no article: where, and why (a validation finding is `validate.Problem`)."""

    origin: str
    reason: str

    @classmethod
    def from_error(cls, path: Path, error: ArticleError) -> Unreadable:
        """The file `path` as `error` says it gave no article; the reason without the path it starts with."""
        return cls(str(path), str(error).removeprefix(f"{path}: "))

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"


@dataclass(slots=True)
class Ingested:
    """The articles read from some paths, with the inputs that gave none and the duplicates met on the way."""

    articles: list[Article] = field(default_factory=list)
    problems: list[Unreadable] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (origin of the duplicate, article id)


# --- ids -------------------------------------------------------------------------------------------------------


def article_id(text: str) -> str:
    """A stable id for an article: the same text, whatever its whitespace or Unicode form, gets the same id."""
    canonical = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:ID_HEX_CHARS]


# --- decoding --------------------------------------------------------------------------------------------------

_BOMS = [
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
]
_BINARY_MAGIC = [
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x7fELF", "a program"),
]


def decode_bytes(data: bytes, where: str) -> str:
    """Decode an article file's bytes: UTF-8 (with or without BOM), UTF-16/32 with BOM, or a legacy 8-bit code."""
    if not data.strip():
        raise ArticleError(f"{where}: empty file; put an article in it or remove it")
    for magic, kind in _BINARY_MAGIC:
        if data.startswith(magic):
            raise ArticleError(f"{where}: binary file ({kind}), not text; convert it to .txt, .html or .jsonl")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise ArticleError(
                    f"{where}: starts with a {encoding} mark but is not {encoding} ({exc.reason})"
                ) from exc
    if b"\x00" in data[:BINARY_SNIFF_BYTES]:
        raise ArticleError(f"{where}: binary file (contains NUL bytes), not text; give a .txt, .html or .jsonl file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        import charset_normalizer

        matches = charset_normalizer.from_bytes(data)
        best = matches.best()
        if best is None:
            raise ArticleError(
                f"{where}: not UTF-8 and no known legacy encoding fits; save it as UTF-8 and retry"
            ) from None
        # On short Western text the detector cannot tell cp1250 from cp1252 (it then guesses "naďve" for
        # "naïve"); Windows-1252 is the legacy code of most such copies, so it wins a tie.
        tied = set(best.could_be_from_charset) | {
            m.encoding
            for m in matches
            if m.chaos <= best.chaos + ENCODING_TIE and m.coherence >= best.coherence - ENCODING_TIE
        }
        text = str(best)
        if PREFERRED_LEGACY_ENCODING in tied:
            with contextlib.suppress(UnicodeDecodeError):
                text = data.decode(PREFERRED_LEGACY_ENCODING)
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    if controls > MAX_CONTROL_CHAR_RATIO * len(text):
        raise ArticleError(f"{where}: binary file ({controls} control characters), not text")
    return text


def _read_limited(path: Path, limit: int, what: str) -> bytes:
    try:
        size = path.stat().st_size
        if size > limit:
            raise ArticleError(
                f"{path}: {size / 1e6:.1f} MB is over the {limit / 1e6:.0f} MB limit for {what}; split or trim it"
            )
        return path.read_bytes()
    except OSError as exc:
        raise ArticleError(f"{path}: cannot read the file ({exc.strerror})") from exc


def _check_text_size(text: str, where: str) -> None:
    if len(text.encode("utf-8")) > MAX_ARTICLE_BYTES:
        raise ArticleError(f"{where}: article text is over the {MAX_ARTICLE_BYTES / 1e6:.0f} MB limit; split it")


# --- the three formats -----------------------------------------------------------------------------------------


def _make_article(result: CleanResult, origin: str) -> Article:
    return Article(
        id=article_id(result.text),
        title=result.title,
        text=result.text,
        source=result.source,
        author=result.author,
        published=result.published,
        url=result.url,
        origin=origin,
        warnings=result.warnings,
    )


def _clean_file(path: Path) -> tuple[CleanResult, Article | None, str | None]:
    """One .txt or .html file cleaned: what the cleaning made of it, the article, or why there is none."""
    where = str(path)
    if path.suffix.lower() in TEXT_SUFFIXES:
        result, why = clean_copy(decode_bytes(_read_limited(path, MAX_ARTICLE_BYTES, "one article"), where))
    else:
        result, why = clean_page(_page_input(_read_limited(path, MAX_HTML_BYTES, "one HTML page"), where))
        if why is None:  # a page may be bigger than an article; the article it gives may not
            _check_text_size(result.text, where)
    if why is not None:
        return result, None, f"{where}: {why}"
    return result, _make_article(result, where), None


def _page_input(data: bytes, where: str) -> str | bytes:
    """An HTML page's text, or its bytes when it is not UTF-8: trafilatura reads the charset the page declares,
    which a guess cannot beat. Refuses empty and binary files, as `decode_bytes`."""
    page = decode_bytes(data, where)
    if any(data.startswith(bom) for bom, _ in _BOMS):
        return page
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    return page


@dataclass(slots=True)
class Explained:
    """One .txt or .html file cleaned: the article (or why none), and every line removed with its rule."""

    origin: str
    article: Article | None
    error: str | None
    dropped: list[tuple[str, str]]  # (line, rule name), as `CleanResult.dropped`
    lines: list[tuple[str, str | None]]  # every line in page order: a rule name, "title", or None (kept)


def explain_file(path: str | Path) -> Explained:
    """Clean one .txt or .html file and say what was removed, and by which rule (`annot ingest --explain`).

    Raises ArticleError when the file cannot be read at all (missing, binary, undecodable, unsupported).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in TEXT_SUFFIXES | HTML_SUFFIXES:
        kinds = ", ".join(sorted(TEXT_SUFFIXES | HTML_SUFFIXES))
        raise ArticleError(f"{path}: only {kinds} files are cleaned (JSONL text is taken as it is); give one of those")
    if not path.is_file():
        raise ArticleError(f"{path}: no such file")
    result, article, error = _clean_file(path)
    return Explained(str(path), article, error, result.dropped, result.lines)


def _read_page(path: Path) -> Article:
    """The article of one .txt or .html file; ArticleError says why there is none."""
    _, article, error = _clean_file(path)
    if article is None:
        raise ArticleError(error or f"{path}: no article")
    return article


def _jsonl_lines(stream: BinaryIO) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) per line; None for a line over the size limit, whose rest is skipped unread."""
    number = 0
    while chunk := stream.readline(MAX_JSONL_LINE_BYTES + 1):
        number += 1
        if len(chunk) > MAX_JSONL_LINE_BYTES and not chunk.endswith(b"\n"):
            while (rest := stream.readline(BINARY_SNIFF_BYTES * 128)) and not rest.endswith(b"\n"):
                pass
            yield number, None
        else:
            yield number, chunk


def jsonl_article(line: bytes, number: int, origin: str) -> Article:
    """One JSONL line as an Article; raises ArticleError with the reason (the caller adds the origin)."""
    if number == 1 and line.startswith(b"\xef\xbb\xbf"):
        line = line[3:]
    try:
        raw = line.decode("utf-8")
    except UnicodeDecodeError:
        raise ArticleError("line is not UTF-8 text; JSONL must be UTF-8") from None
    try:
        record = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ArticleError(f"not valid JSON: {exc.msg} (column {exc.colno})") from None
    if not isinstance(record, dict):
        raise ArticleError(f"a JSON {type(record).__name__}, not an object with 'title' and 'text'")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ArticleError("record has no 'text' (a non-empty string is required)")
    text = normalise_text(text)
    _check_text_size(text, "record")
    warnings: list[str] = []
    title = record.get("title")
    if not isinstance(title, str) or not title.strip():
        warnings.append("record has no title")
        title = ""
    if _HTML_TAG.search(text):
        warnings.append("text contains HTML tags; annotators will see them as text")
    published = record.get("published")
    iso = parse_date(published) if isinstance(published, str) else None
    if published not in (None, "") and iso is None:
        warnings.append(f"'published' is not a date: {published!r}")
    return Article(
        id=article_id(text),
        title=normalise_text(title).replace("\n", " "),
        text=text,
        source=clean_meta(record.get("source")),
        author=clean_meta(record.get("author")),
        published=iso,
        url=clean_meta(record.get("url")),
        origin=origin,
        warnings=warnings,
    )


def _read_jsonl(path: Path, problems: list[Unreadable]) -> list[Article]:
    return list(_iter_jsonl(path, problems))


def jsonl_lines(path: Path, problems: list[Unreadable]) -> Iterator[tuple[int, bytes]]:
    """(line number, bytes) of a JSONL file's non-blank lines as they are read; a line over the size limit is
    a problem, an empty, binary or unreadable file an ArticleError."""
    where = str(path)
    try:
        with path.open("rb") as stream:
            head = stream.read(BINARY_SNIFF_BYTES)
            if not head.strip():
                raise ArticleError(f"{where}: empty file; put one JSON article per line in it or remove it")
            if b"\x00" in head:
                raise ArticleError(f"{where}: binary file (contains NUL bytes), not JSON lines")
            stream.seek(0)
            for number, line in _jsonl_lines(stream):
                if line is None:
                    too_long = f"line is over the {MAX_JSONL_LINE_BYTES / 1e6:.0f} MB limit for one record; skipped"
                    problems.append(Unreadable(f"{where}:{number}", too_long))
                elif line.strip():
                    yield number, line
    except OSError as exc:
        raise ArticleError(f"{where}: cannot read the file ({exc.strerror})") from exc


def _iter_jsonl(path: Path, problems: list[Unreadable]) -> Iterator[Article]:
    """The articles of a JSONL file as they are read, so a caller can work while the rest is parsed."""
    for number, line in jsonl_lines(path, problems):
        origin = f"{path}:{number}"
        try:
            yield jsonl_article(line, number, origin)
        except ArticleError as exc:
            problems.append(Unreadable(origin, str(exc)))


def read_file(path: Path, problems: list[Unreadable] | None = None) -> list[Article]:
    """The articles in one file: one for .txt and .html, one per line for .jsonl.

    Raises ArticleError when the file gives nothing (empty, binary, undecodable, unsupported). A bad JSONL
    line is appended to `problems` when a list is given, so the other lines still come out; without one,
    the first bad line raises.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise ArticleError(f"{path}: unsupported file type {suffix or '(none)'!r}; give one of {kinds}")
    if not path.is_file():
        raise ArticleError(f"{path}: no such file")
    if suffix in TEXT_SUFFIXES | HTML_SUFFIXES:
        return [_read_page(path)]
    line_problems: list[Unreadable] = []
    articles = _read_jsonl(path, line_problems)
    if problems is not None:
        problems.extend(line_problems)
    elif line_problems:
        more = f" (and {len(line_problems) - 1} more bad lines)" if len(line_problems) > 1 else ""
        raise ArticleError(f"{line_problems[0]}{more}")
    return articles


def iter_file(path: Path, problems: list[Unreadable]) -> Iterator[Article]:
    """The articles of one file, yielded as they are read (line by line for JSONL); as `read_file`."""
    path = Path(path)
    if path.suffix.lower() in JSONL_SUFFIXES and path.is_file():
        yield from _iter_jsonl(path, problems)
    else:
        yield from read_file(path, problems)


def article_files(paths: Iterable[str | Path], problems: list[Unreadable]) -> list[Path]:
    """The article files named or found (recursively) in folders, each once, sorted; missing ones are problems."""
    found: dict[Path, Path] = {}  # resolved -> as given, so a file named twice is read once
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in path.rglob("*"):
                hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
                if child.is_file() and not hidden and child.suffix.lower() in SUPPORTED_SUFFIXES:
                    found.setdefault(child.resolve(), child)
        elif path.is_file():
            if path.suffix.lower() in SUPPORTED_SUFFIXES:
                found.setdefault(path.resolve(), path)
            else:
                kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
                problems.append(
                    Unreadable(str(path), f"unsupported file type {path.suffix or '(none)'!r}; give {kinds}")
                )
        else:
            problems.append(Unreadable(str(path), "no such file or folder"))
    return sorted(found.values(), key=lambda p: str(p))


def read_articles(paths: Iterable[str | Path]) -> Ingested:
    """Read files and folders (recursively) into deduplicated articles, in file order then line order.

    Files with unknown extensions inside a folder are skipped; one named explicitly is a problem. A file or
    JSONL line that gives no article is `Unreadable`; the rest still come out. An article whose id was already seen
    is listed in `duplicates` and not repeated.
    """
    result = Ingested()
    seen: set[str] = set()
    for path in article_files(paths, result.problems):
        try:
            articles = read_file(path, result.problems)
        except ArticleError as exc:
            result.problems.append(Unreadable.from_error(path, exc))
            continue
        for article in articles:
            if article.id in seen:
                result.duplicates.append((article.origin, article.id))
            else:
                seen.add(article.id)
                result.articles.append(article)
    return result
