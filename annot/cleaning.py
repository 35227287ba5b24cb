"""The cleaning rules, kept as data, and what they make of a page's text: `clean_text` for a plain-text copy
of a page, `clean_page` for an HTML page (the rules applied to trafilatura's extraction).

Every removed line names the rule that removed it (`annot ingest --explain`); the rules are `RULES`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

# --- thresholds ------------------------------------------------------------------------------------------------

TITLE_MIN_WORDS = 4  # a header line this long is the headline; site and section labels are shorter
HEADLINE_MAX_CHARS = 100  # a typical headline is shorter; a longer sentence-ended line is article text
PARAGRAPH_MIN_WORDS = 6  # the article starts at the first sentence-ended line at least this long
SUBHEAD_MAX_WORDS = 8  # an unpunctuated line this short inside the body is a subhead and stays
INSERTED_HEADLINE_MAX_WORDS = 25  # longer unpunctuated lines are paragraphs missing a full stop: kept, warned
PROSE_MIN_CHARS = 150  # a line this long is prose however it ends (headlines are shorter); CJK characters weigh 3
PROSE_MIN_WORDS = 12  # ... and has at least this many words (a row of menu items is long but has few)
BOX_MAX_LINES = 6  # a box inside an article (related links) has at most this many short lines under its heading
TAIL_GAP_LINES = 4  # after the article's text, this many short lines in a row (menus, teasers) start the page tail
LINK_LINE_SHARE = 0.6  # an HTML block whose text is this much link text is a link to another page
WIDE_CHAR_WEIGHT = 3  # one Chinese or Japanese character carries about as much text as three Latin letters
CAPTION_WINDOW = 3  # a caption's repeat (without its credit) sits within this many lines of it
TAIL_PARAGRAPHS_WARN = 3  # this many unexplained paragraphs cut as page tail deserve a look
HARD_WRAP_MAX_WIDTH = 100  # a file whose lines never exceed this may be hard-wrapped
HEADER_META_WINDOW = 6  # a byline or date stamp this close under a sentence-ended line shows it was a standfirst
HEADER_MAX_STANDFIRSTS = 2  # ... at most this many times (a standfirst, then a photo caption)
MASTHEAD_PART_WORDS = 2  # a header line split by '|' or '—' with a part this short is a masthead, not the headline
PULL_QUOTE_MAX_WORDS = 40  # a quotation alone on a line, repeating another paragraph's words, is a pull quote
HARD_WRAP_FILL = 0.7  # in a hard-wrapped file, a line filled to this share of the width continues

# Wire agencies: "By Reuters" or "(AFP)" names the outlet, not a person.
WIRE_AGENCIES = {
    name.casefold(): name
    for name in (
        "AFP",
        "Agence France-Presse",
        "AP",
        "Associated Press",
        "Reuters",
        "Bloomberg",
        "UPI",
        "IANS",
        "Xinhua",
        "dpa",
        "ANI",
        "PTI",
        "EFE",
        "ANSA",
        "Kyodo",
        "TASS",
        "Yonhap",
        "AAP",
        "Bernama",
        "CNA",
    )
}

# --- the cleaning rules, as data -----------------------------------------------------------------------------


class Action(StrEnum):
    DROP = "drop"  # remove this line only
    META = "meta"  # a metadata line (byline, dateline): read it, then remove it
    END = "end"  # the article ended before this line: remove it and everything after it


@dataclass(frozen=True, slots=True)
class Rule:
    """One named cleaning rule; `removes` says which kind of noise it removes."""

    name: str
    action: Action
    removes: str
    pattern: re.Pattern[str] | None = None  # None: a structural rule, applied by `clean_text` itself
    header_only: bool = False  # only before the first paragraph (datelines, bare dates)
    heading_only: bool = False  # only on lines without sentence punctuation (a box heading, not a sentence)
    boxed: bool = False  # END only: also heads boxes inside articles, so it ends one only after the body ended
    tail_only: bool = False  # only on the article's last lines, peeled off from the end (an author's bio)


_NAME = r"[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|de|van|von|der|da|al|bin|le|la))*"
_NAMES = rf"{_NAME}(?:\s*(?:,|&|\band\b|\|)\s*{_NAME})*"
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)[a-z]*\.?"
_DATE = rf"(?:{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH}\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})"
_WEEKDAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?"
# A word of a date stamp: a label, a month or weekday, a number, a time, a time zone ("ET", "GMT+2").
_STAMP_WORD = (
    rf"(?:(?i:published|updated|posted|last|first|modified|on|at|issue|edition|ago|hours?|minutes?|mins?|days?|"
    rf"read|estimated|{_MONTH}|{_WEEKDAY}|a\.m\.|p\.m\.|am|pm)(?!\w)|"
    r"\d{1,4}(?:[:./-]\d{1,4}){0,2}(?:\s*(?i:a\.m\.|p\.m\.|am|pm))?(?!\w)|[A-Z]{2,4}(?:[+-]\d{1,2})?(?!\w))"
)
_CREDIT = (
    r"(?:(?:Photo|PHOTO|Photograph|Picture|Pic|Image|IMAGE|Credit|Foto)s?\s*(?::|by\b)\s*[^.!?:]{1,80}"
    r"|©\s*(?!\d{4})[^.!?:©]{1,60})"
)


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


RULES: list[Rule] = [
    # metadata lines: read, then removed
    Rule(
        "byline",
        Action.META,
        "a byline: 'By Jane Doe', 'Story by Reuters', 'Words by ...' (the author or outlet goes to the metadata)",
        _re(
            rf"^(?i:(?:story|words|text|report|written|reporting)\s+)?(?i:by)[:\s]\s*(?:[a-z][\w-]*\s+){{0,4}}"
            rf"(?P<names>{_NAMES})\.?(?:\s*[|·]\s*\S+@\S+)?$"
        ),
    ),
    Rule(
        "dateline",
        Action.META,
        "a dateline line: 'New York (AFP) Sept 28, 2024' (place, outlet and date go to the metadata)",
        _re(
            rf"^(?P<place>[A-Z][^()\d]{{1,40}}?)\s*\((?P<agency>[A-Za-z][\w .&-]{{1,30}})\)"
            rf"\s*[-–—,]?\s*(?P<date>{_DATE})?$"
        ),
        header_only=True,
    ),
    Rule(
        "date-line",
        Action.META,
        "a bare date or 'Published ...' line above the article (the date goes to the metadata)",
        _re(rf"^(?i:(?:published|updated|posted|first published)(?:\s+on)?:?\s*)?(?P<date>{_DATE})[\w :.,|-]{{0,30}}$"),
        header_only=True,
    ),
    Rule(
        "date-stamp",
        Action.META,
        "a line of dates and times above the article: 'Published 6:14 AM GMT+2, November 3, 2025 | Updated ...', "
        "'12.03.2026, 18:30', 'Updated: 7 hours ago', '4 min read' (the first date goes to the metadata)",
        # It needs a date, a time or a reading time: a bare number ("3", a gallery count) is not a stamp.
        _re(
            r"^(?=.*\d)(?=.*(?:\d[:./-]\d|\d{4}|(?i:\b(?:ago|read|minutes?|mins?|hours?)\b)))"
            rf"(?:{_STAMP_WORD}[\s,|/·:()–-]*){{1,16}}$"
        ),
        header_only=True,
    ),
    Rule(
        "header-caption",
        Action.DROP,
        "a photo caption above the article ending in its credit in brackets: '... on Tuesday. (Courier News: Jane "
        "Doe)'",
        _re(r"\((?:[A-Z][\w&'’. -]{1,40}):\s*[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}\)$"),
        header_only=True,
    ),
    Rule(
        "page-notice",
        Action.DROP,
        "a notice about the page, not the story: 'The audio version of this article is generated by text-to-speech "
        "...', 'This article was translated from German.', 'Font size'",
        _re(
            r"^(?i:the audio version of this article|audio is not available|this article (?:was|has been|is) "
            r"(?:machine[- ])?translated|translated from (?:the )?[A-Z]\w+ by|font size\W*$|"
            r"(?:an? )?(?:ai|machine)[- ](?:generated|assisted) translation)|"
            r"(?i:\btext-to-speech\b).{0,200}$"
        ),
    ),
    Rule(
        "credit-line",
        Action.DROP,
        "production credits: 'Translation by ...', 'Editing by ...', 'Additional reporting by ...'",
        _re(
            r"^[-–—(\s]*(?i:translation|translated|edited|editing|additional reporting|compiled|produced|"
            r"illustrations?|"
            r"graphics?|fact[- ]checked|reviewed|writing|reporting|with reporting)(?:\s+\w+){0,3}\s+(?i:by)\s+"
            r"[^.!?]{1,160}(?:[.)]\s+(?i:editing|edited|writing|reporting|additional reporting|compiled|"
            r"graphics?)(?:\s+\w+){0,2}\s+(?i:by)\s+[^.!?]{1,120})*[.)]?$|"
            # "Jane Doe contributed reporting.", "Jane Doe and John Roe contributed to this report."
            rf"^\(?{_NAMES}\s+(?i:contributed)(?:\s+(?i:reporting|to this (?:report|article|story)))?"
            r"[^.!?]{0,60}[.)]*$"
        ),
    ),
    # page tail: the article has ended
    Rule(
        "related-links",
        Action.END,
        "the related-links block after an article: 'Related Links', 'RELATED CONTENT', 'More stories', 'Most read'",
        _re(
            r"^(?i:(?:related|more|other|recommended|latest|top|popular)\s+(?:internet\s+|external\s+|web\s+)?"
            r"(?:links|articles?|content|stories|"
            r"news|coverage|reading|topics|posts|videos)(?:\s+(?:from|on|in|about)\s+.{1,30})?|"
            r"you (?:may|might) also like|recommended(?: for you)?|"
            r"most (?:read|popular|viewed)|read next|further reading|trending(?: now)?|what to read next|"
            r"(?:more|explore more|see more|read more|discover more|get more)\s+(?:from|on|about|in|of|news|stories|"
            r"articles)\b.{0,50}|"
            r"(?:more|related)\s+(?:articles|stories|news|coverage)(?:\s+(?:from|on|about|by|in|like this)\b.{0,40})?|"
            r"you (?:may|might|could) (?:also )?(?:like|enjoy|be interested in).{0,30}|"
            r"(?:in|on) other news|elsewhere on .{1,40}|around the web|from around the web|"
            r"more (?:to explore|to read|like this|top stories|headlines))"
            r"\W*$"
        ),
        heading_only=True,
        boxed=True,
    ),
    Rule(
        "comment-notice",
        Action.END,
        "comment notices: 'Comments are closed.', '12 comments', 'Leave a comment', 'Join the conversation'",
        _re(
            r"^(?i:comments? (?:are|is) (?:now )?(?:closed|disabled|turned off)|\d+\s+comments?|"
            r"leave a (?:comment|reply)|join the (?:conversation|discussion)|comments?|show comments|"
            r"view comments|add (?:a|your) comment|"
            r"be the first to comment|post a comment)\W*$"
        ),
        boxed=True,  # a comment count also sits in the share bar under the headline or the lead photo
    ),
    Rule(
        "photo-credit",
        Action.DROP,
        "a photo credit line: '© Getty Images', '© dpa | Jane Doe', 'Foto: © picture alliance' (a caption, not a "
        "footer)",
        # A copyright sign without a year names a picture's owner; a footer gives a year or reserves rights.
        _re(
            r"^(?:(?:Foto|Photo|Bild|Image)s?\s*:\s*)?(?:©|\((?i:c)\))\s*(?!\s*\d{4})(?!.*(?i:rights reserved))"
            r"[^.!?]{1,80}$"
        ),
    ),
    Rule(
        "legal-footer",
        Action.END,
        "copyright and legal footers: 'Copyright © 2024 ...', 'All rights reserved.', 'Privacy policy'",
        _re(
            # "Copyright lawyers said ..." opens an article sentence; a footer gives the sign or a year. "All rights
            # reserved" ends a footer line, never a sentence that mentions copyright.
            r"^(?i:copyright)\s*(?:©|\((?i:c)\)|\d{4})|^©\s*\d{4}|^\((?i:c)\)\s*\d{4}|"
            r"^.{0,60}(?i:\ball rights reserved)\W*$|^.{0,40}©\s*\d{4}.{0,60}$|"
            r"^.{0,60}(?i:\ball rights reserved\b).{0,40}(?i:reproduc|redistribut|republish).{0,80}$|"
            r"^(?i:privacy (?:policy|statement)|terms (?:of|and) (?:use|service|conditions)|cookie (?:policy|settings))"
            r"\W*$"
        ),
    ),
    Rule(
        "back-to-top",
        Action.END,
        "page furniture after the article: 'Back to top', 'Back to top button'",
        _re(r"^(?i:back to top)\b.{0,20}$"),
    ),
    Rule(
        "newsletter-box",
        Action.END,
        "a newsletter or subscription box after the article, opened by a heading: 'Stay informed, daily'",
        _re(
            r"^(?i:stay informed|subscribe|sign up|sign-up|get (?:our|the) .{0,30}newsletters?|newsletters?\b|"
            r"never miss|don't miss)|(?i:\b(?:our|free|daily|weekly) newsletters?\b)"
        ),
        heading_only=True,
        boxed=True,
    ),
    # single lines inside or around the article
    Rule(
        "newsletter-prompt",
        Action.DROP,
        "a newsletter or subscription prompt sentence: 'Sign up for our daily newsletter.'",
        _re(
            r"^(?i:stay informed|subscribe\b|sign up\b|sign-up\b|get (?:our|the) .{0,30}newsletters?)|"
            r"(?i:\b(?:our|free|daily|weekly) newsletters?\b|\bfree subscription\b|\bsubscribe (?:now|today|here)\b)|"
            r"^.{0,80}[.!?]\s+(?i:subscribe|sign up)\b[^.!?]{0,80}[.!]?$|"
            r"(?i:\bsign up (?:for|to) (?:our|the) [^.!?]{0,40}newsletter)"
        ),
    ),
    Rule(
        "editor-note",
        Action.DROP,
        "an editor's note on the story itself: 'Update, March 3: ...', 'This article was updated to ...', "
        "'Correction: ...'",
        _re(
            r"^\(?(?i:editor'?s'? note|editorial note|update[ds]?|correction|clarification)\b[^:.!?]{0,40}:\s|"
            r"^\(?(?i:this (?:article|story|post|report|piece) (?:was|has been|is) (?:updated|corrected|amended|"
            r"changed|edited))\b"
        ),
    ),
    Rule(
        "social-prompt",
        Action.DROP,
        "a prompt to follow the outlet or the author: 'Follow us on Instagram', 'Follow Jane Doe on X', "
        "'Join our channel'",
        _re(
            r"^(?i:follow|like|join|find)\s+(?:us|@?\w+(?:\s+\w+){0,3})\s+(?i:on|at)\s+"
            r"(?i:x|twitter|facebook|instagram|tiktok|youtube|linkedin|threads|bluesky|telegram|whatsapp|mastodon|"
            r"google news|social media)\b[^.!?]{0,80}[.!]?$|"
            r"^(?i:join our)\s+(?i:whatsapp|telegram|facebook|community|channel)[^.!?]{0,60}[.!]?$|"
            r"^(?i:follow)\s+@\w+[^.!?]{0,60}$"
        ),
    ),
    Rule(
        "tail-note",
        Action.DROP,
        "notes that close a news page: 'Jane Doe covers courts for the Courier.', 'Our Standards: ...', 'Have a news "
        "tip? Email us.', 'This article appears in the March print edition.', 'X writer Y contributed to this report.'",
        _re(
            rf"^(?:{_NAME}\s+(?:is|was)\s+(?i:a|an|the|our)\s+[^.!?]{{0,80}}"
            r"(?i:reporter|writer|correspondent|editor|journalist|columnist|contributor|producer|critic)\b|"
            rf"{_NAME}\s+(?:covers|writes about|reports on)\s|"
            r".{0,80}\b(?i:can be reached at|reach (?:him|her|them) at|contact (?:him|her|them) at)\b|"
            rf"(?i:contact|email|e-mail)\s+{_NAME}\s+(?i:at)\s+\S+@|"
            r"(?i:our standards|editorial standards|for (?:a )?reprints?|have a (?:news )?tip|got a (?:news )?tip|"
            r"do you have a story|want more|download the|support (?:local |independent |our )?journalism|"
            r"if you (?:have )?(?:found|spotted|see|notice) (?:a |an )?(?:mistake|error|typo))\b|"
            r"(?i:this (?:article|story|piece|essay|report) "
            r"(?:appears|appeared|is from|was published|first appeared))\b|"
            r".{0,120}\b(?i:contributed (?:to )?(?:this |the )?(?:report|reporting|article|story))\W*$|"
            r".{0,200}\b(?i:is solely responsible for (?:all )?(?:the )?content)\b|"
            r".{0,40}\b(?i:not responsible for the content of external)\b|"
            r"[\W_]+$)"
        ),
        tail_only=True,
    ),
    Rule(
        "photo-caption",
        Action.DROP,
        "a photo caption ending in its credit: '... in Beijing. Photo: Getty', '(AP Photo/Jane Doe)'",
        _re(
            rf"(?:^|[\s.,;])(?:{_CREDIT})$|\((?:AP|AFP|Reuters|EPA|Getty)\s*(?:Photo)?\s*/[^)]{{1,60}}\)$|"
            r"\((?:[\w ]{0,30}\s)?(?i:photo|image|picture|pic|foto)s?\s*[:/]\s*[^()]{1,60}\)$|"
            r"\s\([A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){1,3}\s*/\s*[A-Z][^()/]{1,40}\)$|"
            # a bare agency credit left where its picture was: 'Getty Images', 'AFP via Getty Images'
            r"^(?:[A-Z][\w.&-]*\s+via\s+)?(?:Getty|Shutterstock|Alamy|PA|SOPA|NurPhoto|Anadolu|Bloomberg|AFP|AP|EPA|"
            r"Reuters)\s+Images$"
        ),
    ),
    Rule(
        "read-more",
        Action.DROP,
        "links to other stories inside or after the body: 'Read more', 'READ MORE: ...', '... read more'",
        _re(
            r"^(?i:read more|read also|also read|see also|related|more on this|watch|listen|recommended)\s*[:>»|]|"
            r"^(?i:read more|continue reading|read the full (?:story|article))\W*$|(?:\.\.\.|…)\s*(?i:read more)\W*$"
        ),
    ),
    Rule(
        "widget-label",
        Action.DROP,
        "stray widget and sharing labels: 'Advertisement', 'Tweet', 'Share this article', 'Listen to this article'",
        _re(
            r"^(?i:advertisement|advertising|ad|sponsored(?: content)?|tweet|share|"
            r"share (?:this|the) (?:article|story)|share on \w+|listen to (?:this )?article|print|"
            r"e-?mail|whatsapp|facebook|twitter|linkedin|copy link|"
            r"skip to (?:main )?content|scroll to continue(?: with content)?|story continues below(?: advertisement)?|"
            r"follow us(?: on \w+)?|image|video|gallery|loading)\W*$|"
            r"^(?i:share(?: this| us)?(?: on)?:?)(?:\s+(?i:x|twitter|facebook|linkedin|e-?mail|whatsapp|reddit|print|"
            r"copy link))+\W*$"
        ),
    ),
    # structural rules: applied by `clean_text`'s own code, listed so every removed line can name its reason
    Rule("before-headline", Action.DROP, "site, section and widget labels above the headline: 'WAR REPORT'"),
    Rule("repeated-headline", Action.DROP, "the headline printed a second time above the article"),
    Rule("header-noise", Action.DROP, "unpunctuated lines between the headline and the first paragraph"),
    Rule("repeated-caption", Action.DROP, "a photo caption printed a second time, once without its credit"),
    Rule("repeated-line", Action.DROP, "a line printed twice in a row (a related headline or widget repeated)"),
    Rule("pull-quote", Action.DROP, "a pull quote: words of another paragraph printed again alone, in quotation marks"),
    Rule(
        "inserted-headline",
        Action.DROP,
        "a related-story headline inserted between paragraphs: an unpunctuated line longer than a subhead",
    ),
    Rule(
        "in-article-box",
        Action.DROP,
        "the short lines of a box inside the article (related headlines) between its heading and the next paragraph",
    ),
    Rule(
        "link-line",
        Action.DROP,
        "HTML: a line that is mostly a link to another page: 'Lea también: <a>headline</a>', a related headline",
    ),
    Rule("after-last-paragraph", Action.DROP, "author blocks and labels after the article's last sentence"),
    Rule("page-tail", Action.DROP, "everything after a rule that ends the article (related links, footers)"),
]

RULES_BY_NAME = {rule.name: rule for rule in RULES}
_LINE_RULES = [rule for rule in RULES if rule.pattern is not None]

_CREDIT_TAIL = re.compile(rf"\s*(?:{_CREDIT})$")
_AUTHOR_LABEL = re.compile(r"^(?i:author|the author|about the author|written by|reporter)\W*$")
_PERSON = re.compile(rf"^{_NAME}$")
_COPYRIGHT_HOLDER = re.compile(
    r"(?i:copyright)?\s*(?:©|\(c\)|(?i:copyright))\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*[-–—,]?\s*"
    r"(?P<holder>[A-Z][\w&'’ -]{1,60}?)\s*(?:[.,|]|$)"
)
_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
# Latin, CJK (full-width), Devanagari and Bengali (danda), Arabic sentence marks.
_SENTENCE_END = ".!?…:;。！？｡।॥؟"
# Closing quotation marks of English (” ’), German („…“, »…«), French («…»), Japanese (「…」『…』).
_CLOSING_QUOTES = "\"”’»«“'」』"
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_WIDE = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_TITLE_SEPARATOR = re.compile(r"\s+[|»·]\s+")
_LIST_ITEM = re.compile(r"^(?:\d{1,3}[.)]|[a-z][.)]|[ivx]{1,4}[.)])\s")  # "1. ...", "3) ...": a numbered item
_ENDS_IN_URL = re.compile(r"(?:https?://|www\.)\S+$|\S+\.[a-z]{2,4}/?$")
_CODE_LIKE = re.compile(r"[=<>{}\[\]|_\\/$#@]|\w\(|\d")  # code, tables, prices, dates, addresses: not a headline
_BULLET = re.compile(r"^[-*•·–]\s+\S")  # a list item is content, however it ends
_BLANK_RUN = re.compile(r"\n{3,}")
_INLINE_SPACE = re.compile(r"[^\S\n]+")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


# --- results ---------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class CleanResult:
    """What the cleaning made of one article: the parts annotators see, the metadata, and what it removed."""

    title: str
    text: str
    author: str | None = None
    published: str | None = None  # ISO 8601 date
    source: str | None = None
    url: str | None = None  # the page's address, when an HTML page gives it
    warnings: list[str] = field(default_factory=list)
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (line, rule name)
    # every line of the page in page order with what became of it: a rule name, "title", or None (kept)
    lines: list[tuple[str, str | None]] = field(default_factory=list)


# --- text helpers ----------------------------------------------------------------------------------------------


def normalise_text(raw: str) -> str:
    """NFC, `\\n` line endings, no BOM or invisible characters, single spaces inside lines, no edge spaces."""
    text = unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n"))
    text = _INVISIBLE.sub("", text)
    lines = (_INLINE_SPACE.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_RUN.sub("\n\n", "\n".join(lines)).strip()


def clean_meta(value: Any) -> str | None:
    """A metadata value (an author, an outlet, an address) as one normalised line; None if it is not text."""
    if not isinstance(value, str) or not value.strip():
        return None
    return normalise_text(value).replace("\n", " ")


def _words(line: str) -> int:
    # Chinese and Japanese write words without spaces: about two characters a word.
    return len(_WORD.findall(line)) + len(_WIDE.findall(line)) // 2


def _length(line: str) -> int:
    return len(line) + (WIDE_CHAR_WEIGHT - 1) * len(_WIDE.findall(line))


def _is_prose(line: str) -> bool:
    """A line long enough to be prose is prose, whatever its last character (a lost full stop, a table cell)."""
    return _length(line) >= PROSE_MIN_CHARS and _words(line) >= PROSE_MIN_WORDS


def _ends_sentence(line: str) -> bool:
    # A closing quote ends a quoted paragraph ("...,” he said” style too); brackets wrap a final full stop.
    tail = line.rstrip(")]")
    return bool(tail) and (tail[-1] in _SENTENCE_END or tail[-1] in _CLOSING_QUOTES)


def _is_paragraph(line: str) -> bool:
    return (_ends_sentence(line) and _words(line) >= PARAGRAPH_MIN_WORDS) or _is_prose(line)


def _is_short(line: str) -> bool:
    """A menu item, a label, a teaser headline: not a paragraph, a list item or a table row of some length."""
    return _words(line) < PARAGRAPH_MIN_WORDS and not _BULLET.match(line) and not _LIST_ITEM.match(line)


def _is_label(line: str) -> bool:
    return line.endswith(":") and _is_short(line)


def _is_inserted_headline(line: str) -> bool:
    """A related-story headline between paragraphs: Latin-script words in headline form, no more and no less.

    Everything else that lacks a final full stop stays: subheads (up to SUBHEAD_MAX_WORDS), quotations closed
    with „…“ or »…«, list items, table rows, code, lines ending in a link, and text in scripts without spaces.
    """
    first = line[:1]
    return (
        SUBHEAD_MAX_WORDS < _words(line) <= INSERTED_HEADLINE_MAX_WORDS
        and not _ends_sentence(line)
        and not _is_prose(line)
        and (first.isupper() or first in "‘'\"“„«»")
        and not _BULLET.match(line)
        and not _LIST_ITEM.match(line)
        and not _ENDS_IN_URL.search(line)
        and not _CODE_LIKE.search(line)
        and not _WIDE.search(line)
    )


def _same(a: str, b: str) -> bool:
    return a.casefold() == b.casefold()


def _paragraph_lines(text: str) -> list[str]:
    """The text's non-empty lines; in a hard-wrapped file, wrapped lines are joined back into paragraphs."""
    lines = text.split("\n")
    width = max((len(line) for line in lines), default=0)
    blocks_of_many = any(a and b for a, b in zip(lines, lines[1:], strict=False))
    if width > HARD_WRAP_MAX_WIDTH or not blocks_of_many:
        return [line for line in lines if line]
    joined: list[str] = []
    previous = ""
    for line in lines:
        if line and previous and len(previous) >= HARD_WRAP_FILL * width:
            joined[-1] = f"{joined[-1]} {line}"
        elif line:
            joined.append(line)
        previous = line
    return joined


def _match(line: str, *, in_header: bool) -> Rule | None:
    for rule in _LINE_RULES:
        if rule.tail_only:
            continue
        if rule.header_only and not in_header:
            continue
        if rule.heading_only and _ends_sentence(line):
            continue
        assert rule.pattern is not None
        if rule.pattern.search(line):
            return rule
    return None


def parse_date(value: str) -> str | None:
    """An ISO date from 'Sept 28, 2024', '28 September 2024' or '2024-09-28T10:00' (None if not a date)."""
    value = value.strip()
    iso = re.match(r"(\d{4})-(\d{2})-(\d{2})", value) or re.search(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)", value)
    dotted = re.search(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)", value)  # 12.03.2026: day, month, year
    if iso:
        parts = (int(iso[1]), int(iso[2]), int(iso[3]))
    elif dotted:
        parts = (int(dotted[3]), int(dotted[2]), int(dotted[1]))
    else:
        mdy = re.search(r"([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})", value)
        dmy = re.search(r"(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?,?\s+(\d{4})", value)
        if mdy and mdy[1].lower() in _MONTHS:
            parts = (int(mdy[3]), _MONTHS[mdy[1].lower()], int(mdy[2]))
        elif dmy and dmy[2].lower() in _MONTHS:
            parts = (int(dmy[3]), _MONTHS[dmy[2].lower()], int(dmy[1]))
        else:
            return None
    try:
        return date(*parts).isoformat()
    except ValueError:
        return None


def _person_name(name: str) -> str:
    # Wire bylines shout surnames ("Shaun TANDON"); the metadata spells them as names.
    return " ".join(word.capitalize() if word.isupper() and len(word) > 1 else word for word in name.split())


# --- cleaning --------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Meta:
    author: str | None = None
    source: str | None = None  # from a dateline or a wire byline: the outlet that wrote the story
    published: str | None = None
    copyright_holder: str | None = None  # the site, a weaker claim to be the outlet


def _read_meta(rule: Rule, line: str, meta: _Meta) -> None:
    assert rule.pattern is not None
    found = rule.pattern.search(line)
    if found is None:
        return
    groups = found.groupdict()
    if groups.get("date") and meta.published is None:
        meta.published = parse_date(groups["date"])
    if rule.name == "date-stamp" and meta.published is None:
        meta.published = parse_date(line)
    if groups.get("agency"):
        meta.source = meta.source or WIRE_AGENCIES.get(groups["agency"].strip().casefold(), groups["agency"].strip())
    if groups.get("names"):
        people = []
        for name in re.split(r"\s*(?:,|&|\band\b|\|)\s*", groups["names"]):
            agency = WIRE_AGENCIES.get(name.casefold())
            if agency:
                meta.source = meta.source or agency
            elif name:
                people.append(_person_name(name))
        if people and meta.author is None:
            meta.author = " and ".join(people)


def _read_tail_meta(lines: list[str], rules: list[Rule | None], meta: _Meta) -> None:
    """An author block ('Jane Doe' then 'Author') and a copyright holder, from the lines after the article."""
    for i, line in enumerate(lines):
        if _AUTHOR_LABEL.match(line) and meta.author is None:
            names = [prev for prev in reversed(lines[:i]) if _PERSON.match(prev) and 2 <= _words(prev) <= 4]
            if names:
                meta.author = _person_name(names[0])
        rule = rules[i]
        if rule is not None and rule.name == "legal-footer" and meta.copyright_holder is None:
            holder = _COPYRIGHT_HOLDER.search(line)
            if holder and not re.match(r"(?i)all rights", holder["holder"]):
                meta.copyright_holder = holder["holder"].strip(" -")
        if rule is not None and rule.name == "byline":
            _read_meta(rule, line, meta)


def _box_end(lines: list[str], rules: list[Rule | None], at: int) -> int | None:
    """Where a box headed at `at` ends if the article's next full paragraph follows its few lines, else None."""
    for j in range(at + 1, min(len(lines), at + 2 + BOX_MAX_LINES)):
        if rules[j] is None and _is_paragraph(lines[j]):
            return j if _is_prose(lines[j]) and _ends_sentence(lines[j]) else None
    return None


def _article_end(lines: list[str], rules: list[Rule | None], start: int, *, gaps: bool) -> tuple[int, list[int]]:
    """Where the page tail starts, and the end markers that sit inside the article (dropped alone, not cut at).

    Footers end an article wherever they are. The headings of boxes that sites also put inside articles
    (newsletter sign-ups, related links, comment counts) end it only once the body has clearly ended: less
    article text follows them than precedes them, and no full paragraph follows the box's few short lines
    (those lines are then marked `in-article-box`).
    """
    mass = [_length(line) if rules[i] is None and _is_paragraph(line) else 0 for i, line in enumerate(lines)]
    after = sum(mass[start:])
    before = 0
    inside: list[int] = []
    for i in range(start, len(lines)):
        after -= mass[i]
        rule = rules[i]
        if rule is not None and rule.action is Action.END:
            if not rule.boxed:
                return i, inside
            box_end = _box_end(lines, rules, i)
            if after > before or box_end is not None:
                inside.append(i)
                for j in range(i + 1, box_end or i + 1):
                    rules[j] = rules[j] or RULES_BY_NAME["in-article-box"]
                continue
            return i, inside
        before += mass[i]
        # A run of short lines (menus, teaser headlines, link lists) followed by less text than the article
        # had: the body has ended, whether or not a heading says so.
        if gaps and mass[i] and i + 1 < len(lines) and after <= before:
            gap = range(i + 1, min(len(lines), i + 1 + TAIL_GAP_LINES))
            # A run of lines that rules drop one by one ('Advertisement' four times) is not a menu.
            menu = any(rules[j] is None for j in gap)
            if len(gap) == TAIL_GAP_LINES and menu and all(_is_short(lines[j]) for j in gap):
                return i + 1, inside
    return len(lines), inside


def _header_goes_on(lines: list[str], rules: list[Rule | None], at: int) -> int | None:
    """The metadata line (a byline, a date stamp) among the few lines after `at` and before the next paragraph."""
    found = None
    for j in range(at + 1, min(len(lines), at + 1 + HEADER_META_WINDOW)):
        rule = rules[j] or _match(lines[j], in_header=True)
        if rule is not None and rule.action is Action.META:
            found = j
        elif rule is None and _is_paragraph(lines[j]):
            break
    return found


def _quote_free(line: str) -> str:
    return re.sub(r"[\"“”‘’'«»„]", "", line).casefold()


def _pull_quote_text(line: str) -> str:
    """The words of a line that is one quotation alone ('“Peat is slow.”'), without the marks; '' otherwise."""
    quoted = len(line) >= 2 and line[0] in "\"“‘'«»„" and line[-1] in _CLOSING_QUOTES
    if not quoted or _words(line) > PULL_QUOTE_MAX_WORDS:
        return ""
    return _quote_free(line).strip(" .,")


def _is_masthead(line: str, following: str) -> bool:
    """A site's name with its edition or section ('Nordische Rundschau | English Edition', 'Le Courrier — English')
    above a longer headline. An en dash splits headlines ('Windfarm inquiry – day three'), not mastheads."""
    parts = [part for part in re.split(r"\s+[|»·—]\s+", line) if part]
    return (
        len(parts) > 1
        and min(_words(part) for part in parts) <= MASTHEAD_PART_WORDS
        and not _ends_sentence(line)
        and _words(following) > _words(line)
    )


@dataclass(slots=True)
class _Page:
    """One page's lines while they are cleaned: the rule each line matches, and what was removed, by which rule."""

    lines: list[str]
    rules: list[Rule | None]  # the line rule each line matches (header rules once the line is known to be above)
    meta: _Meta = field(default_factory=_Meta)
    warnings: list[str] = field(default_factory=list)
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (line, rule name), in the order dropped
    reasons: dict[int, str] = field(default_factory=dict)  # line index -> the rule that removed it

    def drop(self, i: int, rule: str) -> None:
        self.dropped.append((self.lines[i], rule))
        self.reasons[i] = rule

    def next_start(self, i: int, title: str | None) -> int:
        """The first line from `i` on where the article can start (len(lines) if none); the lines passed are
        above the article, so they are matched with the header rules as well."""
        return next((j for j in range(i, len(self.lines)) if self._is_start(j, title)), len(self.lines))

    def _is_start(self, i: int, title: str | None) -> bool:
        if self.rules[i] is None:
            self.rules[i] = _match(self.lines[i], in_header=True)  # this line is still above the article
        if self.rules[i] is not None:
            return False
        if title is not None:
            return not _same(self.lines[i], title)
        return _is_paragraph(self.lines[i])


def clean_text(raw: str, *, title: str | None = None, link_lines: frozenset[str] = frozenset()) -> CleanResult:
    """Clean a plain-text copy of a news page down to its headline and article body.

    The body runs from the first paragraph of the article to its last; every removed line is listed in
    `dropped` with the name of the rule in `RULES` that removed it. Give `title` when it is known (HTML
    metadata): then the text is an extractor's judgement of the article (trafilatura's), no headline is
    looked for, the body starts at the first line no rule removes, and only line rules and the page-tail
    cut apply (no structural guess about unpunctuated lines). `link_lines` are lines the page marks up as
    links to other pages (whitespace collapsed); they are dropped unless long enough to be prose.
    """
    lines = _paragraph_lines(normalise_text(raw))
    headline_mode = title is None
    # Body rules for every line in one pass; the few header lines are matched again with header rules.
    page = _Page(lines, [_match(line, in_header=False) for line in lines])
    _mark_repeated_captions(page)
    start = page.next_start(0, title)
    if title is None:
        start = _skip_standfirsts(page, start)
        title, title_at, start, first_paragraph = _find_headline(page, start)
    else:
        first_paragraph = start
        title_at = None
        title = normalise_text(title).replace("\n", " ")
    _drop_header(page, start, title, title_at)
    end, inside = _article_end(lines, page.rules, start, gaps=headline_mode)
    body = _body(page, start, end, first_paragraph, headline_mode=headline_mode, link_lines=link_lines)
    for i in inside:
        page.warnings.append(
            f"{lines[i]!r} looks like the end of the article ({getattr(page.rules[i], 'name', '')}) but more of "
            "the article follows it; dropped that line only"
        )
    body, after_last = _drop_after_last_paragraph(page, body, headline_mode=headline_mode)
    for i in body:
        if not _ends_sentence(lines[i]) and _words(lines[i]) > INSERTED_HEADLINE_MAX_WORDS and not _is_prose(lines[i]):
            page.warnings.append(f"kept a long line without final punctuation: {lines[i][:60]!r}")
    _drop_page_tail(page, end)

    tail_from = (min(after_last) if after_last else end) if body else start
    _read_tail_meta(lines[tail_from:], page.rules[tail_from:], page.meta)

    meta = page.meta
    return CleanResult(
        title=title,
        text="\n\n".join(lines[i] for i in body),
        author=meta.author,
        published=meta.published,
        source=meta.source or meta.copyright_holder,
        warnings=page.warnings,
        dropped=page.dropped,
        lines=[(line, "title" if i == title_at else page.reasons.get(i)) for i, line in enumerate(lines)],
    )


def _mark_repeated_captions(page: _Page) -> None:
    """A caption printed twice: once bare, once with its credit; the bare copy names no rule by itself."""
    lines, rules = page.lines, page.rules
    for i, rule in enumerate(rules):
        if rule is not None and rule.name == "photo-caption":
            stem = _CREDIT_TAIL.sub("", lines[i]).strip()
            for j in range(max(0, i - CAPTION_WINDOW), min(len(lines), i + CAPTION_WINDOW + 1)):
                if rules[j] is None and _same(lines[j], stem):
                    rules[j] = RULES_BY_NAME["repeated-caption"]


def _skip_standfirsts(page: _Page, start: int) -> int:
    """Where the article starts, past standfirsts: a standfirst that ends like a sentence looks like the first
    paragraph; a byline or a date stamp under it says the header goes on, and the article starts after them."""
    lines, rules = page.lines, page.rules
    for _ in range(HEADER_MAX_STANDFIRSTS):
        meta_at = _header_goes_on(lines, rules, start)
        headline_above = any(rules[i] is None and _words(lines[i]) >= TITLE_MIN_WORDS for i in range(start))
        if meta_at is None or not headline_above:
            break  # no metadata under it, or no headline above it: it is the first paragraph
        after = page.next_start(meta_at + 1, None)
        if after == len(lines):
            break
        for j in range(start + 1, meta_at + 1):
            rules[j] = rules[j] or _match(lines[j], in_header=True)  # these lines are still above the article
        start = after
    return start


def _find_headline(page: _Page, start: int) -> tuple[str, int | None, int, int]:
    """The headline above the article starting at `start`: (headline, its line or None, where the body starts,
    the first paragraph). The body starts earlier than the first paragraph at a standfirst or a lead without
    a final full stop, and later when the first sentence-ended line is itself the headline (a question)."""
    lines, rules = page.lines, page.rules
    first_paragraph = start
    header = [i for i in range(start) if rules[i] is None]
    candidates = [i for i in header if _words(lines[i]) >= TITLE_MIN_WORDS]
    if not candidates and start < len(lines) and not header:
        # A question or exclamation headline ends like a sentence; it is still the headline.
        first = lines[start]
        if first[-1:] in "?!" and len(first) <= HEADLINE_MAX_CHARS:
            candidates = [start]
            start = page.next_start(start + 1, None)
            header = [i for i in range(start) if rules[i] is None]
            first_paragraph = start
    if not candidates and header:
        candidates = [max(header, key=lambda i: _words(lines[i]))]
    # A masthead ("The Courier | English Edition") above the real headline is the site's name.
    while len(candidates) > 1 and _is_masthead(lines[candidates[0]], lines[candidates[1]]):
        candidates = candidates[1:]
    title_at = candidates[0] if candidates else None
    title = lines[title_at] if title_at is not None else ""
    if not title:
        page.warnings.append("no headline found above the first paragraph; the title is empty")
    if title_at is not None:
        # A standfirst or a lead paragraph without a final full stop ("Washington — President ...") sits
        # between the headline and the first sentence: a line of paragraph length there is article text.
        lead = (
            i
            for i in range(title_at + 1, start)
            if rules[i] is None and not _same(lines[i], title) and _words(lines[i]) >= PARAGRAPH_MIN_WORDS
        )
        start = next(lead, start)
    return title, title_at, start, first_paragraph


def _drop_header(page: _Page, start: int, title: str, title_at: int | None) -> None:
    """Drop the lines above the body but the headline, reading the metadata lines among them."""
    for i in range(start):
        rule = page.rules[i]
        if rule is not None:
            if rule.action is Action.META:
                _read_meta(rule, page.lines[i], page.meta)
            page.drop(i, rule.name)
        elif i == title_at:
            continue
        elif title and _same(page.lines[i], title):
            page.drop(i, "repeated-headline")
        elif title_at is None or i < title_at:
            page.drop(i, "before-headline")
        else:
            page.drop(i, "header-noise")


def _body(
    page: _Page, start: int, end: int, first_paragraph: int, *, headline_mode: bool, link_lines: frozenset[str]
) -> list[int]:
    """The lines kept between the body's start and the page tail; the others are dropped with their rule."""
    lines = page.lines
    body: list[int] = []
    for i in range(start, end):
        rule, line = page.rules[i], lines[i]
        if rule is not None:
            if rule.action is Action.META:
                _read_meta(rule, line, page.meta)
            page.drop(i, rule.name)
        elif body and _same(lines[body[-1]], line):
            page.drop(i, "repeated-line")
        elif i < first_paragraph and (i == start or _words(line) >= PARAGRAPH_MIN_WORDS):
            body.append(i)  # a lead or standfirst: kept whatever its form
        elif i < first_paragraph:
            page.drop(i, "header-noise")
        elif headline_mode and _is_inserted_headline(line):
            page.drop(i, "inserted-headline")
        elif link_lines and " ".join(line.split()) in link_lines and not _is_prose(line):
            page.drop(i, "link-line")
        else:
            body.append(i)
    if headline_mode:
        body = _drop_pull_quotes(page, body)
    return body


def _drop_pull_quotes(page: _Page, body: list[int]) -> list[int]:
    """The body without its pull quotes: quotations alone on a line whose sentences all stand in another paragraph."""
    lines = page.lines
    quoted = [i for i in body if _pull_quote_text(lines[i])]
    for i in quoted:
        # Each of its sentences is in another paragraph (which may split them with 'he says').
        parts = [part.strip(" .,!?;:") for part in re.split(r"[.!?;]\s+", _pull_quote_text(lines[i]))]
        # The paragraph it repeats says more than it does: two copies of one quotation are not pull quotes.
        own = _quote_free(lines[i])
        others = [_quote_free(lines[j]) for j in body if j not in page.reasons and _quote_free(lines[j]) != own]
        if all(part and any(part in other for other in others) for part in parts):
            page.drop(i, "pull-quote")
    return [i for i in body if i not in page.reasons]


def _drop_after_last_paragraph(page: _Page, body: list[int], *, headline_mode: bool) -> tuple[list[int], list[int]]:
    """The body without what follows its last sentence, and the lines so dropped as `after-last-paragraph`.

    Unpunctuated lines after the last sentence are author blocks, labels and teaser headlines; an HTML
    extractor has already found the article's end (it may end on a list), so there only short labels go.
    Then notes that close a news page (an author's bio, a tip line) are peeled off the end one by one.
    """
    lines = page.lines
    tail_note = RULES_BY_NAME["tail-note"]
    assert tail_note.pattern is not None
    after_last: list[int] = []
    while True:
        # A short label ending in a colon ("Also interesting:") introduces what follows; at the end it dangles.
        last = max(
            (i for i in body if _ends_sentence(lines[i]) and not _is_label(lines[i]) or _is_prose(lines[i])),
            default=None,
        )
        labels = [i for i in body if last is not None and i > last and (headline_mode or _is_short(lines[i]))]
        after_last.extend(labels)
        body = [i for i in body if i not in labels]
        if not (headline_mode and len(body) > 1 and tail_note.pattern.search(lines[body[-1]])):
            break
        page.drop(body.pop(), tail_note.name)
    # Readers of the dropped list want page order: header, body drops, then the tail.
    for i in sorted(after_last):
        page.drop(i, "after-last-paragraph")
    return body, after_last


def _drop_page_tail(page: _Page, end: int) -> None:
    """Drop every line from `end` on; warn when the cut takes several paragraph-like lines no rule explains."""
    lines, rules = page.lines, page.rules
    unexplained = 0
    for i in range(end, len(lines)):
        rule = rules[i]
        if rule is None and _is_paragraph(lines[i]):
            unexplained += 1
        # A tail line names its own rule when one matches (a footer), else the cut that removed it.
        page.drop(i, rule.name if rule is not None else "page-tail")
    if unexplained >= TAIL_PARAGRAPHS_WARN:
        page.warnings.append(
            f"cut {unexplained} paragraph-like lines after {lines[end]!r} as page tail; check the article's end"
        )


def clean_copy(raw: str) -> tuple[CleanResult, str | None]:
    """Clean a plain-text copy of a page (`clean_text`); the second value says why it gave no article, or is None."""
    result = clean_text(raw)
    if not result.text:
        return result, f"no article paragraph found (no line of {PARAGRAPH_MIN_WORDS}+ words ends a sentence)"
    return result, None


# --- HTML pages: the rules on trafilatura's extraction ---------------------------------------------------------


def clean_page(page: str | bytes) -> tuple[CleanResult, str | None]:
    """Clean an HTML page: trafilatura finds the article and its metadata, then the body rules take out what it
    kept of the page (captions, inserted links); the second value says why it gave no article, or is None.

    Give bytes when the page is not UTF-8: trafilatura reads the charset the page declares.
    """
    import trafilatura

    doc = trafilatura.bare_extraction(page, with_metadata=True, include_comments=False, include_tables=True)
    extracted = getattr(doc, "text", None) if doc is not None else None
    if not extracted or not extracted.strip():
        return CleanResult(title="", text=""), "no article text found in the page; is it an article page?"
    title = _headline(getattr(doc, "title", None) or "", getattr(doc, "sitename", None) or "")
    # trafilatura gives text, never markup; the body rules still take out captions and inserted links.
    result = clean_text(extracted, title=title or None, link_lines=_link_lines(page))
    thin = not any(_words(paragraph) >= PARAGRAPH_MIN_WORDS for paragraph in result.text.split("\n\n"))
    if thin and not _keep_thin_page(result):
        # trafilatura falls back to menu text on a page without an article; that is not an article.
        return result, "no article text in the page, only short lines; is it an article page?"
    if not title:
        result.warnings.append("the page has no title")
    result.author = result.author or clean_meta(getattr(doc, "author", None))
    result.published = parse_date(getattr(doc, "date", None) or "") or result.published
    result.source = clean_meta(getattr(doc, "sitename", None)) or result.source
    result.url = clean_meta(getattr(doc, "url", None))
    return result, None


def _keep_thin_page(result: CleanResult) -> bool:
    """trafilatura found text but the cleaning left no paragraph: keep the extractor's text if it holds a line of
    paragraph length (a lone photo caption), and say what was kept and why it looks thin; False if it does not
    (menu text that trafilatura falls back to on a page without an article).
    """
    restored = [(line, rule) for line, rule in result.lines if rule not in (None, "title", "repeated-headline")]
    if not any(_words(line) >= PARAGRAPH_MIN_WORDS for line, _ in restored):
        return False
    rules = sorted({rule for _, rule in restored if rule})
    result.text = "\n\n".join(line for line, rule in result.lines if rule is None or rule in rules)
    result.lines = [(line, None if rule in rules else rule) for line, rule in result.lines]
    result.dropped = [(line, rule) for line, rule in result.dropped if rule not in rules]
    shown = result.text.replace("\n\n", " / ")[:60]
    result.warnings.append(
        f"kept the page's only text ({len(result.text)} characters: {shown!r}) although {', '.join(rules)} would "
        f"drop it: trafilatura found no paragraph of {PARAGRAPH_MIN_WORDS}+ words; is it an article page?"
    )
    return True


def _headline(title: str, sitename: str) -> str:
    """A page title without the site's name and section: 'Talks fail | World | The Courier' -> 'Talks fail'."""
    title = " ".join(title.split())
    parts = [part for part in _TITLE_SEPARATOR.split(title) if part]
    if len(parts) > 1:
        title = max(parts, key=len)  # the headline is the long part; site and section names are short
    site = " ".join(sitename.split()).casefold()
    for dash in (" - ", " – ", " — "):
        head, _, tail = title.rpartition(dash)
        if head and site and (tail.casefold() in site or site in tail.casefold()):
            title = head
    return title.strip()


def _link_lines(page: str | bytes) -> frozenset[str]:
    """The article's blocks that are mostly link text, as trafilatura sees them: links to other stories.

    A link whose text is an address (a source cited in the article) is not one; neither is a block of prose.
    """
    import trafilatura

    doc = trafilatura.bare_extraction(page, include_comments=False, include_tables=True, include_links=True)
    body = getattr(doc, "body", None)
    if body is None:
        return frozenset()
    found = set()
    for block in body.iter("p", "head", "item", "cell"):
        text = " ".join("".join(block.itertext()).split())
        linked = " ".join(" ".join("".join(ref.itertext()).split()) for ref in block.iter("ref"))
        if text and len(linked) >= LINK_LINE_SHARE * len(text) and not _ENDS_IN_URL.search(linked):
            found.add(text)
    return frozenset(found)
