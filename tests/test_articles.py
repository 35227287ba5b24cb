"""Reading and cleaning articles: the five real seeds (hand-written expectations), synthetic files for every
format and failure, and a property test that cleaning does not lose article sentences."""

from __future__ import annotations

import json
import shutil
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annot import articles, cleaning
from annot.articles import article_id, read_articles, read_file
from annot.cleaning import HEADLINE_MAX_CHARS, RULES, RULES_BY_NAME, Action, clean_text
from annot.errors import ArticleError
from tests.helpers import SEEDS
from tests.strategies import END_NOISE, LINE_NOISE, sentence_lines

DATA = Path(__file__).resolve().parent / "data" / "articles"


# --- the five real seeds: expectations written by reading each file -------------------------------------------

SEED_EXPECTATIONS = {
    "000_f952c15ee2bedc1a.txt": {
        "title": "Blinken questions China peace push over Russia help",
        "first": "US Secretary of State Antony Blinken on Friday questioned China's sincerity in seeking peace in "
        "Ukraine as he directly pressed his counterpart over exports that boost Russia's military.",
        "last": "Blinken's deputy, Kurt Campbell, recently told a congressional hearing that China posed a broader "
        "challenge to the United States than the Soviet Union did during the Cold War.",
        "paragraphs": 30,
        "author": "Shaun Tandon",
        "source": "AFP",
        "published": "2024-09-28",
        # site label, section label, byline, dateline, related links, newsletter, share widget, related stories
        # with a "read more" teaser, legal footer
        "noise": [
            "Russian News",
            "WAR REPORT",
            "By Shaun",
            "New York (AFP)",
            "Related Links",
            "Space War News",
            "Subscribe Free To Our Daily Newsletters",
            "Tweet",
            "RELATED CONTENT",
            "Myanmar junta",
            "read more",
            "Copyright 1995-2024",
            "Space Media Network",
            "GDPR",
        ],
        "kept": ["- Keeping up peace push -", "- Fruits of diplomacy -"],
    },
    "001_941034cb2d0adf74.txt": {
        "title": "Blinken confronts China over ‘powering’ Russia’s war",
        "first": "US Secretary of State Antony Blinken has raised concerns about China’s support for Russia’s "
        "military, one of the many issues threatening to sour the recent improvement in relations between the "
        "world’s biggest economies.",
        "last": "The two countries also agreed to hold their first talks on artificial intelligence in the coming "
        "weeks, he said.",
        "paragraphs": 24,
        "author": None,
        "source": "The New Daily",
        "published": None,
        # a photo caption printed twice (once with its credit), a newsletter box, an editorial blurb, copyright
        "noise": [
            "(left) and Chinese President Xi Jinping have met in Beijing",
            "Photo: Getty",
            "Stay informed",
            "FREE subscription",
            "The New Daily",
            "editorial charter",
            "Copyright",
            "All rights reserved",
        ],
        "kept": [],
    },
    "002_c4225b1ea23c2d7a.txt": {
        "title": "US concerned at China’s ‘alignment’ with Russia, Blinken says",
        "first": "Nusa Dua, Indonesia – United States Secretary of State Antony Blinken said on Saturday he had "
        "discussed Russian aggression in Ukraine during more than five hours of talks with Chinese Foreign "
        "Minister Wang Yi, and raised concerns over Beijing’s alignment with Moscow.",
        "last": "Despite their rivalry, the world’s two largest economies remain major trading partners, and Biden "
        "has been considering scrapping tariffs on a range of Chinese goods to curb surging US inflation before "
        "November midterm elections.",
        "paragraphs": 20,
        "author": None,
        "source": "Reuters",
        "published": None,
        # a slider widget label glued to the section name, a wire byline, related articles, back-to-top button
        "noise": ["Main Slider", "SliderWorld", "Story by", "Related Articles", "Back to top"],
        "kept": ["Question of tariffs"],
    },
    "003_14557f5b3803132a.txt": {
        "title": "Blinken Warns China: Halt Supply to Russia Amid Ukraine Crisis",
        "first": "Secretary of State Antony Blinken has issued a warning that the United States will take action if "
        "China continues to supply Russia with materials used in its assault on Ukraine.",
        "last": 'These components encompass items such as "machine tools, microelectronics, and optics."',
        "paragraphs": 9,
        "author": "Bogdan Nigai",
        "source": None,
        "published": None,
        # a section label, a translation credit, an author block (name twice, "Author"), a "Read more" link
        "noise": ["Translation by", "Iurie Tataru", "Bogdan Nigai", "Author", "Read more"],
        "kept": [],
    },
    "004_0403de12a7c841bc.txt": {
        "title": "Ukraine war: at G7, Blinken seeks European support to pressure China over alleged support for Russia",
        "first": "The United States urged European powers to increase pressure on China at a G7 foreign ministers "
        "meeting in Italy on Thursday, as Washington accuses Beijing of helping Russia’s military expansion.",
        "last": "US officials also said 90 per cent of Russia’s microelectronics imports last year – used to produce "
        "missiles, tanks and aircraft – came from China.",
        "paragraphs": 20,
        "author": None,
        "source": None,
        "published": None,
        # a stray stats-widget label, a photo caption with credit, three related-story headlines (one printed
        # twice) inserted mid-body, a comment notice
        "noise": [
            "free stats",
            "Chinese Premier Li Qiang, right",
            "Photo: Wang Ye",
            "Xinhua via AP",
            "Zelensky thanks Germany’s Scholz",
            "Nobody warned us",
            "China has no ‘fundamental’ conflict",
            "Comments are closed",
        ],
        "kept": [],
    },
}

# Labels that are whole lines in a seed but whose words may also occur in article sentences.
SEED_LABEL_LINES = {"003_14557f5b3803132a.txt": ["International"], "000_f952c15ee2bedc1a.txt": ["WAR REPORT"]}


@pytest.fixture(scope="module")
def seed_articles() -> dict[str, object]:
    ingested = read_articles([SEEDS])
    assert not ingested.problems and not ingested.duplicates
    return {Path(article.origin).name: article for article in ingested.articles}


def test_all_five_seeds_come_out_in_file_order(seed_articles: dict[str, object]) -> None:
    assert list(seed_articles) == sorted(SEED_EXPECTATIONS)


@pytest.mark.parametrize("name", sorted(SEED_EXPECTATIONS))
def test_seed_title_body_and_metadata(name: str, seed_articles: dict) -> None:
    expected = SEED_EXPECTATIONS[name]
    article = seed_articles[name]
    assert article.title == expected["title"]
    assert article.text.startswith(expected["first"])
    assert article.text.endswith(expected["last"])
    assert len(article.text.split("\n\n")) == expected["paragraphs"]
    assert (article.author, article.source, article.published) == (
        expected["author"],
        expected["source"],
        expected["published"],
    )
    assert article.warnings == []


@pytest.mark.parametrize("name", sorted(SEED_EXPECTATIONS))
def test_seed_noise_is_gone_and_subheads_stay(name: str, seed_articles: dict) -> None:
    expected = SEED_EXPECTATIONS[name]
    article = seed_articles[name]
    paragraphs = article.text.split("\n\n")
    assert expected["title"] not in article.text  # the headline once, as the title only
    for noise in expected["noise"]:
        assert noise not in article.text, f"{name}: {noise!r} reached the text"
    for label in SEED_LABEL_LINES.get(name, []):
        assert label not in paragraphs
    for subhead in expected["kept"]:
        assert subhead in paragraphs


@pytest.mark.parametrize("name", sorted(SEED_EXPECTATIONS))
def test_seed_text_is_made_of_whole_source_lines(name: str, seed_articles: dict) -> None:
    source_lines = {line.strip() for line in (SEEDS / name).read_text(encoding="utf-8").splitlines()}
    for paragraph in seed_articles[name].text.split("\n\n"):
        assert paragraph in source_lines


def test_every_removed_seed_line_names_a_known_rule() -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        result = clean_text(path.read_text(encoding="utf-8"))
        assert result.dropped
        assert {rule for _, rule in result.dropped} <= set(RULES_BY_NAME)


# --- the rules table ---------------------------------------------------------------------------------------------


def test_rules_are_named_once_and_say_what_they_remove() -> None:
    names = [rule.name for rule in RULES]
    assert len(names) == len(set(names))
    for rule in RULES:
        assert len(rule.removes) > 20, rule.name


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("Advertisement", "widget-label"),
        ("Share this article", "widget-label"),
        ("READ MORE: Port strike spreads to second city", "read-more"),
        ("Sign up for our free morning newsletter.", "newsletter-prompt"),
        ("The mayor at the opening on Monday. Photo: Jane Roe / City Post", "photo-caption"),
        ("Protesters gather outside parliament. (AP Photo/John Smith)", "photo-caption"),
        ("Editing by Mark Heinrich", "credit-line"),
        ("12 Comments", "comment-notice"),
        ("© 2021 Example Media Ltd", "legal-footer"),
        ("You may also like", "related-links"),
    ],
)
def test_line_rules_match_general_noise_not_only_the_seeds(line: str, rule: str) -> None:
    matched = cleaning._match(line, in_header=False)
    assert matched is not None and matched.name == rule


@pytest.mark.parametrize(
    "line",
    [
        "By contrast, the minister said the deal was fair.",
        "The photo showed the minister at the harbour, officials said.",
        "He said people should not subscribe to conspiracy theories.",
        "Related talks in Geneva ended without agreement on Tuesday.",
        "Copyright lawyers said the ruling was a landmark for authors.",
        "Copyright law",
        "Other stories of the war",
    ],
)
def test_article_sentences_match_no_rule(line: str) -> None:
    assert cleaning._match(line, in_header=False) is None


def test_body_noise_in_another_outlets_layout() -> None:
    raw = "\n\n".join(
        [
            "NEWS | EUROPE",
            "Port workers strike over pay as talks stall",
            "By Anna KOWALSKA and Reuters",
            "Published: 3 March 2023",
            "Dock workers walked out at three ports on Friday after talks over pay stalled, their union said.",
            "Advertisement",
            "The union said the employers had refused to discuss inflation, which it put at 11 percent.",
            "READ MORE: Ferry fares rise for the third time this year",
            "Shipping firms warn of a week of delays at the busiest terminals in the region",
            "Employers said their offer was the best the industry could afford this year.",
            "Sign up for our free morning newsletter.",
            "The strike is due to last until Tuesday.",
            "Anna Kowalska",
            "More stories",
            "Ferry fares rise for the third time this year, passengers complain.",
        ]
    )
    result = clean_text(raw)
    assert result.title == "Port workers strike over pay as talks stall"
    assert result.author == "Anna Kowalska"
    assert result.source == "Reuters"
    assert result.published == "2023-03-03"
    assert result.text.split("\n\n") == [
        "Dock workers walked out at three ports on Friday after talks over pay stalled, their union said.",
        "The union said the employers had refused to discuss inflation, which it put at 11 percent.",
        "Employers said their offer was the best the industry could afford this year.",
        "The strike is due to last until Tuesday.",
    ]
    reasons = dict(result.dropped)
    assert reasons["Shipping firms warn of a week of delays at the busiest terminals in the region"] == (
        "inserted-headline"
    )
    assert reasons["Anna Kowalska"] == "after-last-paragraph"


def test_article_cut_short_by_a_footer_warns() -> None:
    sentence = "The talks resumed on {} after a week-long pause, officials in both capitals said."
    days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
    raw = "\n\n".join(
        ["Talks resume after pause", sentence.format(days[0]), "Privacy policy", *map(sentence.format, days[1:])]
    )
    result = clean_text(raw)
    assert result.text == sentence.format("Monday")
    assert any("4 paragraph-like lines" in warning for warning in result.warnings)


def test_comment_count_inside_the_article_is_dropped_alone_and_said() -> None:
    sentence = "The talks resumed on {} after a week-long pause, officials in both capitals said."
    days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
    raw = "\n\n".join(
        ["Talks resume after pause", sentence.format(days[0]), "Comments", *map(sentence.format, days[1:])]
    )
    result = clean_text(raw)
    assert result.text.split("\n\n") == [sentence.format(day) for day in days]
    assert ("Comments", "comment-notice") in result.dropped
    assert any("'Comments' looks like the end of the article" in warning for warning in result.warnings)


def test_question_headline_is_the_title_not_the_first_paragraph() -> None:
    raw = (
        "Will the port strike end before Easter?\n\nUnion leaders met employers again on Monday, but no deal was found."
    )
    result = clean_text(raw)
    assert result.title == "Will the port strike end before Easter?"
    assert result.text == "Union leaders met employers again on Monday, but no deal was found."


def test_text_without_headline_warns() -> None:
    result = clean_text("Union leaders met employers again on Monday, but no deal was found after five hours.")
    assert result.title == ""
    assert result.warnings and "headline" in result.warnings[0]


# --- property: cleaning does not lose article sentences ----------------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(st.one_of(sentence_lines(HEADLINE_MAX_CHARS), LINE_NOISE, END_NOISE), min_size=1, max_size=25))
def test_long_sentence_lines_are_kept_or_dropped_by_a_named_rule(lines: list[str]) -> None:
    result = clean_text("\n".join(lines))
    dropped = {line: rule for line, rule in result.dropped}
    for line in lines:
        if len(line) > HEADLINE_MAX_CHARS and cleaning._ends_sentence(line):
            assert line in result.text or dropped.get(line) in RULES_BY_NAME


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    headline=st.sampled_from(["", "Port strike spreads to a second city"]),
    lines=st.lists(st.one_of(sentence_lines(HEADLINE_MAX_CHARS), LINE_NOISE), min_size=1, max_size=25),
)
def test_without_end_markers_no_long_sentence_is_lost(headline: str, lines: list[str]) -> None:
    result = clean_text("\n\n".join([headline, *lines]))
    dropped = dict(result.dropped)
    for at, line in enumerate(lines):
        if len(line) > HEADLINE_MAX_CHARS and cleaning._ends_sentence(line):
            # Only a line rule that really matches the line may take it; of structure, only a run of short lines
            # (a menu, teasers) after the body's last paragraph, which starts the page tail.
            matched = cleaning._match(line, in_header=False)
            kept = line in result.text.split("\n\n")
            assert (
                kept
                or (matched is not None and matched.action is Action.DROP)
                or (dropped.get(line) == "page-tail" and _short_run_before(lines[:at]))
            )


def _short_run_before(lines: list[str]) -> bool:
    """Whether TAIL_GAP_LINES short lines in a row come somewhere in `lines` (blank lines do not count)."""
    run = 0
    for line in (line for line in lines if line.strip()):
        run = run + 1 if cleaning._is_short(line) else 0
        if run >= cleaning.TAIL_GAP_LINES:
            return True
    return False


# --- identity ----------------------------------------------------------------------------------------------------


def test_article_id_ignores_whitespace_and_unicode_form() -> None:
    text = "The minister called it “naïve”.\n\nCritics disagreed."
    assert article_id(text) == article_id("  The minister  called it “naïve”.\r\n\n\nCritics\tdisagreed. ")
    assert article_id(text) == article_id(unicodedata.normalize("NFD", text))
    assert article_id(text) != article_id(text.replace("Critics", "Supporters"))
    assert len(article_id(text)) == articles.ID_HEX_CHARS


# --- encodings -----------------------------------------------------------------------------------------------------

ENCODED = {"cp1252.txt": "grain", "bom.txt": "wheat", "crlf.txt": "maize"}


@pytest.mark.parametrize("name", sorted(ENCODED))
def test_encodings_come_out_as_clean_nfc_text(name: str) -> None:
    (article,) = read_file(DATA / name)
    assert article.title == f"Minister rejects claims over {ENCODED[name]} deal"
    assert article.author == "Ilse Varga"
    assert "\r" not in article.text and "\ufeff" not in article.text and "\ufeff" not in article.title
    assert unicodedata.is_normalized("NFC", article.text)
    assert "naïve" in article.text and "café" in article.text and "“a fair bargain”" in article.text
    assert article.text.endswith("a charge the minister called “absurd”.")
    assert len(article.text.split("\n\n")) == 3


def test_utf16_with_bom_is_read(tmp_path: Path) -> None:
    path = tmp_path / "utf16.txt"
    path.write_bytes((DATA / "crlf.txt").read_bytes().decode("utf-8").encode("utf-16"))
    (article,) = read_file(path)
    assert article.text == read_file(DATA / "crlf.txt")[0].text


def test_decomposed_unicode_is_composed() -> None:
    result = clean_text(
        unicodedata.normalize("NFD", "Café owners protest\n\nThe café owners said the rent rise was naïve.")
    )
    assert result.text == "The café owners said the rent rise was naïve."
    assert unicodedata.is_normalized("NFC", result.title + result.text)


def test_hard_wrapped_paragraphs_are_joined() -> None:
    (article,) = read_file(DATA / "folder" / "nested" / "wrapped.txt")
    paragraphs = article.text.split("\n\n")
    assert len(paragraphs) == 2
    assert paragraphs[0].startswith("The island ferry operator said on Thursday it would cut its winter timetable")
    assert paragraphs[1].endswith("families who depend on the morning crossing.")


# --- HTML ----------------------------------------------------------------------------------------------------------


def test_html_page_gives_article_and_metadata_without_page_furniture() -> None:
    (article,) = read_file(DATA / "page.html")
    assert article.title == "Harbour strike talks collapse"
    assert article.author == "Marta Lindqvist"
    assert article.published == "2023-03-14"
    assert article.url == "https://courier.example/news/harbour-strike-talks-collapse"
    assert article.source == "The Coastal Courier"
    assert article.text.startswith("Talks between the dock workers' union and the port authority collapsed")
    assert article.text.endswith("the chamber of commerce warned.")
    for noise in ["Home", "Sport", "Related stories", "Ferry fares", "tracking", "Injected", "Copyright", "Privacy"]:
        assert noise not in article.text
    assert "<" not in article.text and "Harbour strike talks collapse" not in article.text


def test_html_without_article_text_is_a_problem(tmp_path: Path) -> None:
    page = tmp_path / "blank.html"
    page.write_text("<html><head><title>Nothing</title></head><body><nav><a href='/'>Home</a></nav></body></html>")
    with pytest.raises(ArticleError, match="blank.html"):
        read_file(page)


# --- JSONL ---------------------------------------------------------------------------------------------------------


def test_jsonl_bad_lines_are_reported_and_good_lines_kept() -> None:
    problems: list[articles.Unreadable] = []
    records = read_file(DATA / "records.jsonl", problems)
    assert [Path(a.origin).name for a in records] == ["records.jsonl:1", "records.jsonl:6", "records.jsonl:7"]
    first = records[0]
    assert (first.title, first.source, first.author, first.published, first.url) == (
        "Council approves new tram line",
        "City Post",
        "A. Writer",
        "2024-02-01",
        "https://citypost.example/tram",
    )
    assert (
        first.text
        == "The city council approved a new tram line on Wednesday.\n\nThe mayor said the line would open in 2026."
    )
    reasons = {Path(p.origin).name: p.reason for p in problems}
    assert set(reasons) == {"records.jsonl:2", "records.jsonl:3", "records.jsonl:5"}
    assert "not valid JSON" in reasons["records.jsonl:2"]
    assert "no 'text'" in reasons["records.jsonl:3"]
    assert "not an object" in reasons["records.jsonl:5"]


def test_jsonl_without_a_problem_list_raises_on_the_first_bad_line() -> None:
    with pytest.raises(ArticleError, match=r"records\.jsonl:2: not valid JSON.*2 more bad lines"):
        read_file(DATA / "records.jsonl")


def test_jsonl_line_over_the_limit_is_skipped_and_the_rest_read(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(articles, "MAX_JSONL_LINE_BYTES", 300)
    path = tmp_path / "big.jsonl"
    small = {"title": "Small", "text": "A short article that fits."}
    path.write_text(
        "\n".join([json.dumps({"title": "Huge", "text": "word " * 200}), json.dumps(small)]) + "\n", encoding="utf-8"
    )
    problems: list[articles.Unreadable] = []
    records = read_file(path, problems)
    assert [r.title for r in records] == ["Small"]
    assert [p.origin for p in problems] == [f"{path}:1"]
    assert "limit" in problems[0].reason


# --- bad files and limits ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reason"), [("empty.txt", "empty file"), ("empty.jsonl", "empty file"), ("binary.txt", "binary file")]
)
def test_bad_file_raises_one_line_naming_it(name: str, reason: str) -> None:
    with pytest.raises(ArticleError) as caught:
        read_file(DATA / "bad" / name)
    message = str(caught.value)
    assert message.startswith(str(DATA / "bad" / name)) and reason in message and "\n" not in message


def test_pdf_renamed_to_txt_is_binary(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(200, 256)) * 10)
    with pytest.raises(ArticleError, match="PDF"):
        read_file(path)


def test_article_over_the_size_limit_names_the_limit(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(articles, "MAX_ARTICLE_BYTES", 1_000_000)
    path = tmp_path / "long.txt"
    path.write_text("Headline of a very long article\n\n" + "A sentence that repeats. " * 50_000, encoding="utf-8")
    with pytest.raises(ArticleError, match=r"over the 1 MB limit"):
        read_file(path)


def test_text_without_any_paragraph_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "labels.txt"
    path.write_text("Home\nNews\nSport\n", encoding="utf-8")
    with pytest.raises(ArticleError, match="no article paragraph"):
        read_file(path)


# --- folders, order, duplicates ------------------------------------------------------------------------------------


def test_folder_is_read_recursively_with_problems_and_duplicates() -> None:
    ingested = read_articles([DATA])
    origins = [Path(a.origin).relative_to(DATA).as_posix() for a in ingested.articles]
    assert origins == [
        "bom.txt",
        "cp1252.txt",
        "crlf.txt",
        "folder/nested/wrapped.txt",
        "page.html",
        "records.jsonl:1",
        "records.jsonl:6",
    ]
    problems = {Path(p.origin).relative_to(DATA).as_posix(): p.reason for p in ingested.problems}
    assert set(problems) == {
        "bad/binary.txt",
        "bad/empty.jsonl",
        "bad/empty.txt",
        "records.jsonl:2",
        "records.jsonl:3",
        "records.jsonl:5",
    }
    # the unknown extension inside a folder is skipped silently
    assert not any("notes.md" in origin for origin in problems)
    crlf_id = next(a.id for a in ingested.articles if a.origin.endswith("crlf.txt"))
    tram_id = next(a.id for a in ingested.articles if a.origin.endswith("records.jsonl:1"))
    assert [(Path(o).relative_to(DATA).as_posix(), i) for o, i in ingested.duplicates] == [
        ("folder/copy_of_crlf.txt", crlf_id),
        ("records.jsonl:7", tram_id),
    ]
    assert len({a.id for a in ingested.articles}) == len(ingested.articles)


def test_origins_keep_relative_paths_as_given(tmp_path: Path, monkeypatch) -> None:
    shutil.copy(DATA / "crlf.txt", tmp_path / "a.txt")
    monkeypatch.chdir(tmp_path)
    (article,) = read_articles(["a.txt"]).articles
    assert article.origin == "a.txt"


def test_named_unsupported_or_missing_files_are_problems(tmp_path: Path) -> None:
    ingested = read_articles([DATA / "folder" / "notes.md", tmp_path / "missing.txt", DATA / "crlf.txt"])
    assert [a.origin for a in ingested.articles] == [str(DATA / "crlf.txt")]
    reasons = {Path(p.origin).name: p.reason for p in ingested.problems}
    assert "unsupported file type '.md'" in reasons["notes.md"]
    assert reasons["missing.txt"] == "no such file or folder"


def test_same_file_named_twice_is_read_once() -> None:
    ingested = read_articles([DATA / "crlf.txt", DATA / "crlf.txt"])
    assert len(ingested.articles) == 1 and ingested.duplicates == []
