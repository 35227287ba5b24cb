"""Cleaning that keeps the article (issue 13): one case of our own for every way text was lost or noise stayed,
on browser copies (.txt) and HTML pages, and `annot ingest --explain`. All pages here are fictional."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annot import cleaning
from annot.articles import explain_file, read_file
from annot.cleaning import clean_text
from annot.cli import app

runner = CliRunner()

P = [
    "Port workers in three cities walked out on Friday after talks over pay collapsed late on Thursday night, "
    "their union said, leaving dozens of container ships waiting at anchor.",
    "The union said the employers had refused to discuss inflation, which it put at 11 percent, and had "
    "offered a one-off payment that members rejected by a large majority.",
    "Employers said their offer was the best the industry could afford this year and accused the union of "
    "timing the strike to do the most damage before the holiday season.",
    "The transport minister, Ilse Varga, said she would meet both sides on Monday and urged them to return "
    "to talks without conditions, warning of shortages within a week.",
    "Shipping firms said they had begun diverting vessels to smaller ports further along the coast, where "
    "handling costs are higher and cranes are fewer.",
    "The strike is due to last until Tuesday, when the union's executive will decide whether to extend it "
    "into a second week or put a new offer to its members.",
]


def body(raw: str, **kwargs: object) -> list[str]:
    return clean_text(raw, **kwargs).text.split("\n\n")  # type: ignore[arg-type]


def dropped(raw: str) -> dict[str, str]:
    return dict(clean_text(raw).dropped)


# --- text that used to be lost ---------------------------------------------------------------------------------


def test_dateline_lead_without_full_stop_is_the_first_paragraph() -> None:
    lead = (
        "Washington — President Dana Whitfield on Tuesday ordered a review of every port security contract "
        "signed in the past five years, the White House said in a statement late on Monday night"
    )
    raw = "\n\n".join(["Whitfield orders review of port contracts", "By Jane Roe", lead, *P[:3]])
    assert body(raw) == [lead, *P[:3]]


def test_standfirst_between_headline_and_body_is_kept() -> None:
    standfirst = "Three ports shut as talks over pay collapse and ships queue offshore"
    raw = "\n\n".join(["Dock strike spreads to three ports", standfirst, "5 min read", *P[:2]])
    assert body(raw) == [standfirst, *P[:2]]
    assert dropped(raw)["5 min read"] == "date-stamp"


@pytest.mark.parametrize(
    "line",
    [
        "What the strike means for holiday deliveries",  # a subhead of seven words
        "„Wir lassen uns nicht erpressen, nicht von den Reedereien und nicht von der Regierung“",
        "»Das ist ein Angebot, das keiner annehmen kann, der seine Miete zahlen muss«",
        "The full ruling is published at https://courts.example/rulings/2025-114",
        "1. Pay rises in line with inflation for every grade of dock worker",
        "Hamburg 11 percent 2,400 members 3 days",
    ],
)
def test_lines_without_a_full_stop_that_are_not_headlines_stay(line: str) -> None:
    raw = "\n\n".join(["Dock strike spreads", P[0], line, P[1]])
    assert body(raw) == [P[0], line, P[1]]


def test_a_related_headline_inserted_between_paragraphs_still_goes() -> None:
    inserted = "Ferry operator cuts winter timetable as fuel costs bite across the region"
    raw = "\n\n".join(["Dock strike spreads", P[0], inserted, P[1]])
    assert body(raw) == [P[0], P[1]]
    assert dropped(raw)[inserted] == "inserted-headline"


def test_chinese_and_bengali_articles_are_read() -> None:
    chinese = [
        "港口工人周五在三个城市举行罢工，原因是周四深夜有关工资的谈判破裂，工会表示数十艘集装箱船在锚地等待。",
        "工会说，雇主拒绝讨论通货膨胀问题，并提出了一次性付款，但遭到大多数会员的拒绝。",
    ]
    bengali = [
        "শুক্রবার তিনটি শহরের বন্দর শ্রমিকরা বেতন নিয়ে আলোচনা ভেঙে যাওয়ার পর ধর্মঘট শুরু করেছেন, ইউনিয়ন জানিয়েছে।",
        "ইউনিয়ন বলেছে যে মালিকপক্ষ মূল্যস্ফীতি নিয়ে আলোচনা করতে অস্বীকার করেছে এবং এককালীন অর্থ দেওয়ার প্রস্তাব দিয়েছে।",
    ]
    assert body("\n\n".join(["港口工人罢工蔓延至三个城市", *chinese])) == chinese
    assert body("\n\n".join(["তিন শহরে বন্দর শ্রমিকদের ধর্মঘট ছড়িয়ে পড়েছে", *bengali])) == bengali


def test_photo_credits_are_captions_not_footers() -> None:
    raw = "\n\n".join(["Dock strike spreads", "© Getty Images", P[0], P[1], "© dpa | Jana Müller", *P[2:]])
    result = clean_text(raw)
    assert result.text.split("\n\n") == P
    assert dict(result.dropped)["© dpa | Jana Müller"] == "photo-credit"
    assert cleaning._match("© 2021 Example Media Ltd", in_header=False).name == "legal-footer"  # type: ignore[union-attr]


def test_a_sentence_that_mentions_rights_reserved_does_not_end_the_article() -> None:
    mention = (
        "The union said the employers had 'all rights reserved' printed on the offer, which it called an "
        "insult to members who had worked through the pandemic."
    )
    assert body("\n\n".join(["Dock strike spreads", P[0], mention, *P[1:]])) == [P[0], mention, *P[1:]]


def test_newsletter_box_in_the_middle_of_the_article_is_dropped_alone() -> None:
    raw = "\n\n".join(
        [
            "Dock strike spreads",
            P[0],
            "Sign up for The Courier's morning newsletter",
            "Sign up for our free morning newsletter.",
            *P[1:],
        ]
    )
    result = clean_text(raw)
    assert result.text.split("\n\n") == P
    assert any("looks like the end of the article" in warning for warning in result.warnings)


def test_menu_items_newsletter_and_subscribe_do_not_cut_a_copy() -> None:
    raw = "\n".join(["Home", "News", "Newsletter", "Subscribe", "Dock strike spreads", P[0], "Subscribe", *P[1:]])
    assert body(raw) == P


def test_a_related_box_inside_the_article_goes_and_the_next_paragraph_stays() -> None:
    raw = "\n\n".join(
        [
            "Dock strike spreads",
            *P[:4],
            "RELATED STORIES",
            "Ferry fares rise for the third time this year",
            "Port of Antwerp posts record volumes",
            P[4] + " " + P[5],
            "Twitter",
            "Facebook",
        ]
    )
    result = clean_text(raw)
    assert result.text.split("\n\n") == [*P[:4], P[4] + " " + P[5]]
    assert dict(result.dropped)["Port of Antwerp posts record volumes"] == "in-article-box"


# --- noise that used to stay: the tail of a news page ------------------------------------------------------------


TAIL = [
    "Reporting by Jane Roe in Rotterdam; Additional reporting by Ana Costa; Editing by Richard Palmer",
    "John Smith contributed reporting.",
    "Update, March 3, 2025: This story has been updated to include the employers' statement.",
    "Correction: An earlier version of this article misstated the size of the union's membership.",
    "Follow us on Instagram, Threads and X for the latest news.",
    "Follow Jane Roe on X @janeroe",
    "More from The Courier",
    "Ferry fares rise for the third time this year",
    "Port of Antwerp posts record volumes as rivals strike",
    "Union leaders to meet on Tuesday",
]


def test_news_page_tail_contributors_notes_prompts_and_more_articles_go() -> None:
    raw = "\n\n".join(["Dock strike spreads", *P, *TAIL])
    result = clean_text(raw)
    assert result.text.split("\n\n") == P
    reasons = dict(result.dropped)
    assert reasons[TAIL[0]] == reasons[TAIL[1]] == "credit-line"
    assert reasons[TAIL[2]] == reasons[TAIL[3]] == "editor-note"
    assert reasons[TAIL[4]] == reasons[TAIL[5]] == "social-prompt"
    assert reasons[TAIL[6]] == "related-links"


BIO_TAIL = [
    "Jane Roe covers ports and shipping for The Courier. Reach her at jroe@courier.example.",
    "___",
    "Courier writer Tom Hale in Antwerp contributed to this report.",
    "This article appears in the March 2025 print edition.",
    "Have a news tip? Email us.",
    "Our Standards: The Courier Trust Principles.",
]


def test_notes_that_close_a_news_page_are_peeled_off_the_end_only() -> None:
    bio = "Jane Roe covers ports and shipping for The Courier."
    result = clean_text("\n\n".join(["Dock strike spreads to three ports", P[0], bio, *P[1:], *BIO_TAIL]))
    assert result.text.split("\n\n") == [P[0], bio, *P[1:]]  # the same words inside the article stay
    reasons = dict(result.dropped)
    assert reasons["___"] == "after-last-paragraph"  # a rule line under the bio: a label after the last sentence
    assert {reasons[line] for line in BIO_TAIL if line != "___"} == {"tail-note"}


def test_a_run_of_short_lines_after_the_article_starts_the_page_tail() -> None:
    footer = ["About us", "Contact", "Careers", "Advertise with us", "Our company publishes newspapers in four cities."]
    result = clean_text("\n\n".join(["Dock strike spreads", *P, *footer]))
    assert result.text.split("\n\n") == P
    assert {rule for line, rule in result.dropped if line in footer} == {"page-tail"}


def test_editor_notes_and_prompts_are_not_article_sentences() -> None:
    for sentence in [
        "The update to the pay scale was agreed in 2019, the union said.",
        "Follow-up talks are planned for next week, officials said.",
        "Fans follow the team on social media in their millions, the club said.",
        "Correctional officers joined the strike on Friday.",
    ]:
        assert cleaning._match(sentence, in_header=False) is None, sentence


# --- HTML: trafilatura's judgement first -----------------------------------------------------------------------

HTML = """<html><head><title>Dock strike spreads to three ports | Business | The Courier</title>
<meta property="og:site_name" content="The Courier"></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Dock strike spreads to three ports</h1>
<p>{p0}</p>
<h2>What the strike means for holiday deliveries in the region</h2>
<p>Lea también: <a href="/2025/ferry">Ferry operator cuts winter timetable as fuel costs bite</a></p>
<p>{p1}</p>
<table><tr><td>Hamburg</td><td>2,400 members</td><td>3 days</td></tr>
<tr><td>Rotterdam</td><td>3,100 members</td><td>5 days</td></tr></table>
<p>{p2}</p>
<p>The ruling is at <a href="https://courts.example/r/114">https://courts.example/r/114</a></p>
<p>{p3}</p>
</article><footer><p>Copyright © 2025 The Courier. All rights reserved.</p></footer></body></html>"""


def test_html_keeps_subheads_and_tables_and_drops_links_to_other_stories(tmp_path: Path) -> None:
    page = tmp_path / "strike.html"
    page.write_text(HTML.format(p0=P[0], p1=P[1], p2=P[2], p3=P[3]), encoding="utf-8")
    (article,) = read_file(page)
    assert article.title == "Dock strike spreads to three ports"
    assert "What the strike means for holiday deliveries in the region" in article.text
    assert "Hamburg" in article.text and "Rotterdam" in article.text
    assert "https://courts.example/r/114" in article.text
    assert "Ferry operator" not in article.text and "Copyright" not in article.text
    assert article.text.startswith(P[0]) and article.text.endswith(P[3])
    explained = explain_file(page)
    assert ("Lea también: Ferry operator cuts winter timetable as fuel costs bite", "link-line") in explained.dropped


def test_html_in_a_legacy_encoding_is_decoded_as_the_page_declares(tmp_path: Path) -> None:
    page = tmp_path / "latin.html"
    text = (
        "Die Gewerkschaft sagte, die Arbeitgeber hätten sich geweigert, über die Inflation zu sprechen, und "
        "böten nur eine Einmalzahlung."
    )
    polish = "Zażółć gęślą jaźń, sagte ein polnischer Hafenarbeiter am Freitag in Danzig zu Reportern."
    html = (
        '<html><head><meta charset="windows-1250"><title>Streik in drei Häfen</title></head><body><article>'
        f"<h1>Streik in drei Häfen</h1><p>{text}</p><p>{polish}</p></article></body></html>"
    )
    page.write_bytes(html.encode("cp1250"))
    (article,) = read_file(page)
    assert text in article.text and "Zażółć gęślą jaźń" in article.text


# --- annot ingest --explain --------------------------------------------------------------------------------------


def test_explain_shows_every_line_with_its_rule(tmp_path: Path) -> None:
    copy = tmp_path / "copy.txt"
    copy.write_text("\n\n".join(["Home", "Dock strike spreads", "By Jane Roe", *P, *TAIL]), encoding="utf-8")
    result = runner.invoke(app, ["ingest", "--explain", str(copy)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "= title" in out and "Dock strike spreads" in out
    assert "- byline" in out and "- credit-line" in out and "- social-prompt" in out
    assert sum(line.startswith("+ ") for line in out.splitlines()) == len(P)
    assert "credit-line: production credits" in out  # the rules used are explained

    as_json = runner.invoke(app, ["ingest", "--explain", str(copy), "--json"])
    record = json.loads(as_json.stdout)
    assert [e["line"] for e in record["lines"] if e["rule"] is None] == P
    assert record["article"]["title"] == "Dock strike spreads" and record["error"] is None


def test_explain_a_file_without_article_says_why_and_exits_1(tmp_path: Path) -> None:
    menu = tmp_path / "menu.txt"
    menu.write_text("Home\n\nNews and more\n\nSport\n", encoding="utf-8")
    result = runner.invoke(app, ["ingest", "--explain", str(menu)])
    assert result.exit_code == 1
    assert "= title" in result.stdout and "News and more" in result.stdout
    assert "no article paragraph found" in result.stderr


def test_ingest_without_paths_or_explain_is_a_usage_error() -> None:
    assert runner.invoke(app, ["ingest"]).exit_code == 2


def test_html_page_whose_only_text_is_a_caption_is_kept_with_a_warning(tmp_path: Path) -> None:
    caption = "Harbour cranes stand idle in Rotterdam on Friday as the dock strike enters its second day. Photo: AP"
    page = tmp_path / "gallery.html"
    page.write_text(
        "<html><head><title>Dock strike in pictures | The Courier</title></head><body><article>"
        f"<h1>Dock strike in pictures</h1>\n<p>{caption}</p></article></body></html>",
        encoding="utf-8",
    )
    (article,) = read_file(page)
    assert article.text == caption
    assert any("kept the page's only text" in w and "photo-caption" in w for w in article.warnings), article.warnings
    assert caption not in dict(explain_file(page).dropped)


# --- round 2: header metadata, notices, pull quotes, credits ----------------------------------------------------


def test_a_standfirst_with_byline_and_date_stamps_under_it_is_kept_and_the_stamps_go() -> None:
    standfirst = "Three ports shut as talks over pay collapse, and ships queue offshore for a second day."
    header = [
        "Jane Roe · Courier News",
        "Posted: Mar 3, 2025 9:47 PM ADT | Last Updated: March 4, 2025",
        "Estimated 4 minutes",
        "The audio version of this article is generated by text-to-speech, a technology based on AI.",
        "Social Sharing",
    ]
    raw = "\n\n".join(["Dock strike spreads to three ports", standfirst, *header, *P[:3]])
    result = clean_text(raw)
    assert result.text.split("\n\n") == [standfirst, *P[:3]]
    reasons = dict(result.dropped)
    assert reasons[header[1]] == reasons[header[2]] == "date-stamp"
    assert reasons[header[3]] == "page-notice"
    assert result.published == "2025-03-03"
    # Without a byline or date under it, a sentence-ended line after the headline is the first paragraph.
    assert clean_text("\n\n".join(["Dock strike spreads to three ports", *P[:3]])).text.split("\n\n") == P[:3]


@pytest.mark.parametrize(
    "line",
    [
        "Published 6:14 AM GMT+2, November 3, 2025",
        "Updated 16:05, 3 DEC 2025",
        "12.03.2026, 18:30",
        "Published: 2026-03-09 18:32 | Updated: 2026-03-10 09:05",
        "Posted Tue 20 Jan 2026 at 4:12pm, updated Tue 20 Jan 2026 at 6:40pm",
    ],
)
def test_date_stamps_above_the_article_go_to_the_metadata(line: str) -> None:
    result = clean_text("\n\n".join(["Dock strike spreads to three ports", line, *P[:2]]))
    assert result.text.split("\n\n") == P[:2]
    assert dict(result.dropped)[line] == "date-stamp" and result.published is not None


def test_date_words_inside_the_article_are_not_stamps() -> None:
    line = "On March 3, 2025 at 9 am"  # a subhead-like line in the body is not read as a stamp there
    raw = "\n\n".join(["Dock strike spreads to three ports", P[0], P[1], line, P[2]])
    assert clean_text(raw).text.split("\n\n") == [P[0], P[1], line, P[2]]


def test_a_masthead_above_the_headline_is_not_the_title() -> None:
    header = ["Nordhafen Rundschau | English Edition", "Politics", "Dock strike spreads to three ports"]
    raw = "\n\n".join([*header, *P[:2]])
    assert clean_text(raw).title == "Dock strike spreads to three ports"
    assert clean_text("\n\n".join(["Dock strike: the ports | the workers", *P[:2]])).title.startswith("Dock strike")
    live = ["LIVE: Dock strike – day three", "Jane Roe, reporting from the harbour gate in Antwerp"]
    assert clean_text("\n\n".join([*live, *P[:2]])).title == live[0]


def test_pull_quotes_repeating_a_paragraph_go_and_lone_quotations_stay() -> None:
    said = '"Nobody wants a strike," said Ilse Varga. "Nobody wants empty shelves either."'
    pull = "“Nobody wants a strike. Nobody wants empty shelves either.”"
    lone = "“We will not go back to work for less than inflation.”"
    result = clean_text("\n\n".join(["Dock strike spreads to three ports", P[0], pull, said, lone, P[1]]))
    assert result.text.split("\n\n") == [P[0], said, lone, P[1]]
    assert dict(result.dropped)[pull] == "pull-quote"


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("Harbour workers at the gate on Friday. (Jane Roe/Courier News)", "photo-caption"),
        ("Harbour workers at the gate on Friday (Image: Jane Roe / Courier)", "photo-caption"),
        ("AFP via Getty Images", "photo-caption"),
        ("--Additional reporting by Tom Hale. Editing by Ann Lee.", "credit-line"),
        ("Translated from the Dutch by the editorial staff", "page-notice"),
        ("This article has been machine translated from Korean and reviewed by our editors.", "page-notice"),
        ("Related internet links", "related-links"),
        ("Share us on: X LinkedIn Email", "widget-label"),
        ("ⓒ Courier Daily. All rights reserved. Unauthorised reproduction prohibited.", "legal-footer"),
        ("By industrial relations reporter Jane Roe", "byline"),
        ("By Jane Roe | jroe@courier.example", "byline"),
    ],
)
def test_round_two_line_rules(line: str, rule: str) -> None:
    matched = cleaning._match(line, in_header=False)
    assert matched is not None and matched.name == rule


@pytest.mark.parametrize(
    "line",
    [
        "The figures come from the statistics office (ONS/Eurostat).",
        "Satellite Images",
        "By the time the talks ended, the ships had left.",
        "The union said the shares had been translated into votes.",
        "All rights reserved, the lawyer said, is a phrase with no legal force.",
    ],
)
def test_round_two_rules_leave_article_sentences_alone(line: str) -> None:
    assert cleaning._match(line, in_header=False) is None


def test_a_quotation_printed_twice_is_not_a_pull_quote_of_itself() -> None:
    quote = "“We will not go back to work for less than inflation, whatever the employers offer us.”"
    result = clean_text("\n\n".join(["Dock strike spreads to three ports", P[0], quote, P[1], quote, P[2]]))
    assert quote in result.text.split("\n\n")


def test_a_bare_number_under_the_lead_is_not_a_date_stamp() -> None:
    lead = "How to help a neighbour who cannot see: ask first, and never pull them by the arm."
    label = "Blind and partially sighted people:"
    raw = "\n\n".join(["A short guide to helping without harm", lead, "3", label, *P[:2]])
    kept = clean_text(raw).text.split("\n\n")
    assert kept[0] == lead and label in kept and kept[-2:] == P[:2]


def test_a_run_of_advert_labels_between_paragraphs_does_not_start_the_page_tail() -> None:
    raw = "\n\n".join(["Dock strike spreads to three ports", *P[:4], *["Advertisement"] * 4, P[4]])
    assert clean_text(raw).text.split("\n\n") == P[:5]
