"""Build the gold annotations of the seed articles (seeds/gold.json) from the spec below.

The gold is authored as text anchors (a claim's exact words, its speakers' words,
its cue), read from the articles following schemas/news-stance.md, so the offsets
can be rebuilt when article cleaning changes:

    python tests/make_gold.py            # rewrites seeds/gold.json
    python tests/make_gold.py --check    # exit 1 if seeds/gold.json is not what the spec builds; writes nothing

tests/test_gold.py fails when the checked-in file drifts from this generator.
"""

# ruff: noqa: E501, E402  (the spec quotes article sentences; the repository root goes on sys.path first)

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from annot.articles import read_articles
from annot.convert import to_results
from annot.records import Annotation, Article, Region, Relation
from annot.schema import load_schema

SEEDS = ROOT / "seeds"
GOLD = SEEDS / "gold.json"
SCHEMA = ROOT / "schemas" / "news-stance.yaml"
# How far (characters) from its claim a speaker or cue anchor may be looked for.
SEARCH_WINDOW = 400


@dataclass
class S:
    """A speaker mention: its words, canonical name, and (if its words repeat nearby) a unique context."""

    text: str
    name: str
    ctx: str | None = None


@dataclass
class C:
    """A claim: its exact words (or a unique context holding them) and what the guidelines ask for."""

    text: str
    by: list[S]
    stance: str
    target: str
    qt: str
    cue: str | None = None
    ctx: str | None = None
    cue_ctx: str | None = None
    key: str | None = None
    responds_to: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


BLINKEN = "Antony Blinken"
WANG = "Wang Yi"
XI = "Xi Jinping"

SPEC: dict[str, list[C]] = {
    "000_f952c15ee2bedc1a": [
        C(
            "China's sincerity in seeking peace in Ukraine",
            [S("Antony Blinken", BLINKEN)],
            "against",
            "China",
            "indirect",
            "questioned",
        ),
        C(
            "the United States would not back down on concerns over China's exports to Russia",
            [S("Blinken", BLINKEN, "Blinken warned")],
            "against",
            "China",
            "indirect",
            "warned",
        ),
        C(
            "Washington could impose more sanctions",
            [S("Blinken", BLINKEN, "Blinken warned")],
            "against",
            "China",
            "indirect",
            "made clear",
        ),
        C(
            'China is fueling the "war machine" of Russian President Vladimir Putin',
            [S("Blinken", BLINKEN, "Blinken said that")],
            "against",
            "China",
            "mixed",
            "said",
            key="fueling",
        ),
        C(
            "When Beijing says that, on the one hand, that it wants peace, it wants to see an end to the conflict, but "
            "on the other hand is allowing its companies to take actions that are actually helping Putin continue the "
            "aggression, that doesn't add up",
            [S("Blinken", BLINKEN, "Blinken told a news")],
            "against",
            "China",
            "direct",
            "told",
            cue_ctx="Blinken told a news",
        ),
        C(
            "Our intent is not to decouple Russia from China. Their relationship is their business",
            [S("he", BLINKEN, "he said")],
            "none",
            "China",
            "direct",
            "said",
        ),
        C(
            "But insofar as that relationship involves providing Russia what it needs to continue this war, that's a "
            "problem for us, and it's a problem for many other countries, notably in Europe",
            [S("Blinken", BLINKEN, "Blinken added")],
            "against",
            "China",
            "direct",
            "added",
        ),
        C(
            "China has provided 70 percent of machine tools and 90 percent of microelectronics needed by Russia for "
            "military production that includes rockets and armored vehicles",
            [S("top US diplomat", BLINKEN)],
            "against",
            "China",
            "indirect",
            "said",
        ),
        C(
            "China's position on the Ukraine conflict was \"open and aboveboard, always advocating for peace and "
            'dialogue, and working towards a political solution"',
            [S("Wang", WANG, "Wang told Blinken during")],
            "favor",
            "China",
            "mixed",
            "told",
            cue_ctx="Wang told Blinken during",
        ),
        C(
            "The US should stop smearing and sanctioning China and refrain from using the issue to create divisions "
            "and provoke bloc confrontations",
            [S("Wang", WANG, "Wang added")],
            "against",
            "United States",
            "direct",
            "added",
        ),
        C(
            "it has not directly provided weapons to Russia",
            [S("China", "China", "China says it")],
            "favor",
            "China",
            "indirect",
            "says",
            responds_to="fueling",
        ),
        C(
            'China was "not a creator of the Ukraine crisis, nor are we a party to it. China has all along stood on '
            'the side of peace."',
            [S("Wang", WANG, "Wang told a Security")],
            "favor",
            "China",
            "mixed",
            "told",
            cue_ctx="Wang told a Security",
        ),
        C(
            "China and Brazil for promoting negotiations to end the war",
            [S("Volodymyr Zelensky", "Volodymyr Zelensky")],
            "against",
            "China",
            "indirect",
            "criticized",
        ),
        C(
            "forcing Ukraine to accept a peace deal was akin to colonialism",
            [S("Volodymyr Zelensky", "Volodymyr Zelensky")],
            "against",
            "China",
            "indirect",
            "saying",
        ),
        C(
            'a "comprehensive and lasting settlement" through diplomacy',
            [
                S("two countries", "China and Brazil", "The two countries kept"),
                S("other emerging powers", "emerging powers"),
            ],
            "none",
            "Ukraine",
            "mixed",
            "calls for",
        ),
        C(
            'to refrain "from the use or the threat of weapons of mass destruction."',
            [S("emerging powers", "emerging powers", "the emerging powers called")],
            "against",
            "Russia",
            "mixed",
            "called on",
        ),
        C(
            "to use nuclear weapons in the event of a major attack on Russian soil",
            [S("Putin", "Vladimir Putin", "Putin this week")],
            "against",
            "Ukraine",
            "indirect",
            "threatened",
        ),
        C(
            'Beijing\'s "dangerous, destabilizing actions" on the South China Sea',
            [S("he", BLINKEN, "he warned Wang")],
            "against",
            "China",
            "mixed",
            "warned",
            cue_ctx="he warned Wang",
        ),
        C(
            'to "stop stirring up trouble...and undermining the efforts of regional countries to maintain peace and '
            'stability"',
            [S("Wang", WANG, "Wang urged")],
            "against",
            "United States",
            "mixed",
            "urged",
        ),
        C(
            'US "suppression" of China\'s trade, technology, and economy',
            [S("Wang", WANG, "Wang also slammed")],
            "against",
            "United States",
            "mixed",
            "slammed",
        ),
        C(
            'Washington should pursue "dialogue with respect"',
            [S("Wang", WANG, "Wang also slammed")],
            "against",
            "United States",
            "mixed",
            "told",
            cue_ctx="told Blinken that Washington",
        ),
        C(
            "Since the US has repeatedly expressed that it does not intend to confront China, it should establish a "
            "rational understanding of China at its core, create a proper way of coexistence, (and) engage in dialogue "
            "with respect",
            [S("Wang", WANG, "Wang told Blinken.")],
            "against",
            "United States",
            "direct",
            "told",
            cue_ctx="Wang told Blinken.",
        ),
        C(
            "to take a harder line on China",
            [S("Donald Trump", "Donald Trump")],
            "against",
            "China",
            "indirect",
            "vowed",
        ),
        C(
            "they seek dialogue to avoid conflict between the two powers",
            [S("Biden", "Joe Biden", "Biden and Vice"), S("Kamala Harris", "Kamala Harris")],
            "none",
            "China",
            "indirect",
            "said",
            cue_ctx="have said that they",
        ),
        C(
            "China posed a broader challenge to the United States than the Soviet Union did during the Cold War",
            [S("Kurt Campbell", "Kurt Campbell")],
            "against",
            "China",
            "indirect",
            "told",
        ),
    ],
    "001_941034cb2d0adf74": [
        C(
            "China’s support for Russia’s military",
            [S("Antony Blinken", BLINKEN, "Antony Blinken has raised")],
            "against",
            "China",
            "indirect",
            "raised concerns",
        ),
        C(
            "I reiterated our serious concern about the PRC providing components that are powering Russia’s brutal war "
            "of aggression against Ukraine",
            [S("Blinken", BLINKEN, "Blinken said at")],
            "against",
            "China",
            "direct",
            "said",
            cue_ctx="Blinken said at",
            key="concern",
        ),
        C(
            "China is the top supplier of machine tools, microelectronics, nitrocellulose — which is critical to making "
            "munitions and rocket propellants — and other dual-use items that Moscow is using to ramp up its defence "
            "industrial base",
            [S("Blinken", BLINKEN, "Blinken said at")],
            "against",
            "China",
            "direct",
        ),
        C(
            "its supply of so-called dual-use goods was “having a material effect in Ukraine” and raising the threat "
            "Russia poses to other countries in Europe",
            [S("Blinken", BLINKEN, "Blinken said its")],
            "against",
            "China",
            "mixed",
            "said",
            cue_ctx="Blinken said its",
        ),
        C(
            "such assistance risks hurting the broader bilateral relationship",
            [S("US officials", "US officials")],
            "against",
            "China",
            "indirect",
            "say",
            cue_ctx="officials say such",
        ),
        C(
            "it has not provided weaponry to any party",
            [S("China", "China", "China has said")],
            "favor",
            "China",
            "indirect",
            "said",
            responds_to="concern",
        ),
        C(
            "it is “not a producer of or party involved in the Ukraine crisis”",
            [S("China", "China", "China has said")],
            "favor",
            "China",
            "mixed",
            "adding",
        ),
        C(
            "normal trade between China and Russia should not be interrupted or restricted",
            [S("it", "China", "it says that normal")],
            "favor",
            "China",
            "indirect",
            "says",
        ),
        C(
            "the US was suppressing its economic development",
            [S("Xi Jinping", XI, "Xi Jinping, who reiterated")],
            "against",
            "United States",
            "indirect",
            "reiterated",
        ),
        C(
            "This is a fundamental issue that must be addressed, just like the first button of a shirt that must be put "
            "right, in order for the China-US relationship to truly stabilise, improve and move forward",
            [S("Xi", XI, "Xi said")],
            "against",
            "United States",
            "direct",
            "said",
        ),
        C(
            "the “giant ship” of the China-US ties had stabilised, “but negative factors in the relationship are still "
            "increasing and building”",
            [S("Wang", WANG, "Wang told Blinken that the")],
            "none",
            "United States",
            "mixed",
            "told",
        ),
        C(
            "the US had taken “endless” measures to suppress China’s economy, trade, science and technology",
            [S("Wang", WANG, "Wang also said")],
            "against",
            "United States",
            "mixed",
            "said",
        ),
        C(
            "And the relationship is facing all kinds of disruptions",
            [S("Wang", WANG, "Wang told Blinken.")],
            "none",
            "United States",
            "direct",
            "told",
        ),
        C(
            "China’s legitimate development rights have been unreasonably suppressed and our core interests are facing "
            "challenges",
            [S("Wang", WANG, "Wang told Blinken.")],
            "against",
            "United States",
            "direct",
        ),
        C(
            "the US must not step on “red lines” covering sovereignty, security and development interests",
            [S("Wang", WANG, "Wang said the US must")],
            "against",
            "United States",
            "mixed",
            "said",
        ),
        C(
            "China has made some progress on the issue",
            [S("Blinken", BLINKEN, "Blinken told the news")],
            "none",
            "China",
            "indirect",
            "told",
        ),
        C(
            "more needs to be done",
            [S("Blinken", BLINKEN, "Blinken told the news")],
            "against",
            "China",
            "direct",
            "said",
            cue_ctx="but said that",
        ),
        C(
            "The two countries also agreed to hold their first talks on artificial intelligence in the coming weeks",
            [S("he", BLINKEN, "he said")],
            "none",
            "China",
            "indirect",
            "said",
        ),
    ],
    "002_c4225b1ea23c2d7a": [
        C(
            "he had discussed Russian aggression in Ukraine during more than five hours of talks with Chinese Foreign "
            "Minister Wang Yi, and raised concerns over Beijing’s alignment with Moscow",
            [S("Antony Blinken", BLINKEN)],
            "against",
            "China",
            "indirect",
            "said",
        ),
        C(
            "their first in-person talks since October as “candid”",
            [S("Both diplomats", "Antony Blinken and Wang Yi")],
            "none",
            "China",
            "mixed",
            "described",
        ),
        C(
            "I shared again with the state councilor that we are concerned about the PRC’s alignment with Russia",
            [S("Blinken", BLINKEN, "Blinken told a news")],
            "against",
            "China",
            "direct",
            "told",
        ),
        C(
            "he did not think China was behaving in a neutral way as it had supported Russia in the United Nations and "
            "“amplified Russian propaganda”",
            [S("He", BLINKEN, "He said he")],
            "against",
            "China",
            "mixed",
            "said",
        ),
        C("neither side held back", [S("US official", "US official")], "none", "China", "direct", "said"),
        C(
            "We were very open about where our differences are … but the meeting was also constructive because despite "
            "the candor, the tone was very professional",
            [S("official", "US official", "the official said")],
            "none",
            "China",
            "direct",
            "said",
        ),
        C(
            "Chinese leader Xi Jinping had made it clear in a call with President Vladimir Putin on June 13 that he stood "
            "by a decision to form a partnership with Russia",
            [S("Blinken", BLINKEN, "Blinken said Chinese")],
            "against",
            "China",
            "indirect",
            "said",
        ),
        C(
            "they have not seen China evade tough US-led sanctions on Russia or provide it with military equipment",
            [S("US officials", "US officials", "US officials say")],
            "none",
            "China",
            "indirect",
            "say",
        ),
        C(
            "consequences, including sanctions, should China offer material support for the war",
            [S("US officials", "US officials", "US officials have warned")],
            "against",
            "China",
            "indirect",
            "warned",
        ),
        C(
            "a “special military operation” to degrade the Ukrainian military",
            [S("Moscow", "Russia", "Moscow calls")],
            "favor",
            "Russia",
            "mixed",
            "calls",
        ),
        C(
            "the invasion is an unprovoked land grab",
            [S("Kyiv", "Ukraine"), S("Western allies", "Western allies")],
            "against",
            "Russia",
            "indirect",
            "say",
        ),
        C(
            "The problem is this: we see no signs whatsoever that Russia, at this moment in time, is prepared to engage "
            "in meaningful diplomacy",
            [S("Blinken", BLINKEN, "Blinken said:")],
            "against",
            "Russia",
            "direct",
            "said",
        ),
        C(
            "the direction of US-China relations was in danger of being further led “astray” due to a problem with the "
            "United States’ perception of China",
            [S("He", WANG, "He also told")],
            "against",
            "United States",
            "mixed",
            "told",
        ),
        C(
            "Many people believe that the United States is suffering from an increasingly serious bout of ‘Sinophobia’",
            [S("Wang", WANG, "Wang was quoted")],
            "against",
            "United States",
            "direct",
            "was quoted as saying",
        ),
        C(
            "Washington should cancel additional tariffs imposed on China as soon as possible and cease unilateral "
            "sanctions on Chinese companies",
            [S("Wang", WANG, "Wang also said")],
            "against",
            "United States",
            "indirect",
            "said",
        ),
        C(
            "the meeting was aimed at keeping the difficult US-China relationship stable and preventing it from veering "
            "inadvertently into conflict",
            [S("US officials", "US officials", "US officials had said")],
            "none",
            "China",
            "indirect",
            "said",
        ),
        C(
            "US President Joe Biden and China’s Xi were expected to speak again in the next few weeks",
            [S("Jake Sullivan", "Jake Sullivan")],
            "none",
            "China",
            "indirect",
            "said",
        ),
        C(
            "a key aim for the meeting would be to explore the possibility of an in-person meeting between Biden and Xi, "
            "their first as leaders",
            [S("Daniel Russel", "Daniel Russel")],
            "none",
            "China",
            "indirect",
            "said",
        ),
        C(
            "China its main strategic rival",
            [S("US", "United States", "The US calls")],
            "against",
            "China",
            "indirect",
            "calls",
        ),
    ],
    "003_14557f5b3803132a": [
        C(
            "the United States will take action if China continues to supply Russia with materials used in its assault "
            "on Ukraine",
            [S("Antony Blinken", BLINKEN)],
            "against",
            "China",
            "indirect",
            "issued a warning",
        ),
        C(
            'their actions are "contributing to the greatest threat" to European security since the Cold War',
            [S("he", BLINKEN, "he had clearly")],
            "against",
            "China",
            "mixed",
            "communicated",
        ),
        C(
            "progress has been made in certain areas",
            [S("he", BLINKEN, "he underscored")],
            "none",
            "China",
            "indirect",
            "underscored",
        ),
        C(
            "Beijing for its efforts to halt the delivery of fentanyl to the US",
            [S("He", BLINKEN, "He commended")],
            "favor",
            "China",
            "indirect",
            "commended",
        ),
        C(
            "China remains the primary source of this substance",
            [S("He", BLINKEN, "He commended")],
            "against",
            "China",
            "indirect",
            "noting",
        ),
        C(
            'China\'s potential to play a "constructive" role in the Middle East',
            [S("Blinken", BLINKEN, "Blinken emphasized")],
            "favor",
            "China",
            "mixed",
            "emphasized",
        ),
        C(
            'its utilization of its "relationship with Iran to exert pressure" against further escalation in the Israel '
            "conflict",
            [S("Blinken", BLINKEN, "Blinken emphasized")],
            "favor",
            "China",
            "mixed",
            "highlighting",
        ),
        C(
            "was not addressed during his meeting with Chinese President Xi Jinping",
            [S("Blinken", BLINKEN, "Blinken disclosed")],
            "none",
            "China",
            "indirect",
            "disclosed",
        ),
        C(
            'both sides have made "some positive progress" since his meeting with US President Joe Biden in November',
            [S("Xi", XI, "Xi, who met")],
            "none",
            "United States",
            "mixed",
            "acknowledged",
        ),
        C(
            'the importance of the countries being "partners, not rivals,"',
            [S("He", XI, "He stressed")],
            "none",
            "United States",
            "mixed",
            "stressed",
        ),
        C(
            'with a "positive view of China\'s development," relations could "truly stabilize, improve, and advance."',
            [S("He", XI, "He stressed")],
            "none",
            "United States",
            "mixed",
            "suggesting",
        ),
        C(
            'a key avenue to foster "better relations" between China, the US, and Europe would be for Beijing "or some '
            'of its companies" to cease supplying "critical components" that aid Russia in producing more ammunition',
            [S("Blinken", BLINKEN, "Blinken informed")],
            "against",
            "China",
            "mixed",
            "informed",
        ),
    ],
    "004_0403de12a7c841bc": [
        C(
            "to increase pressure on China",
            [S("United States", "United States", "The United States urged")],
            "against",
            "China",
            "indirect",
            "urged",
        ),
        C(
            "Beijing of helping Russia’s military expansion",
            [S("Washington", "United States", "Washington accuses")],
            "against",
            "China",
            "indirect",
            "accuses",
        ),
        C(
            "Russian forces are gaining ground in Ukraine following the February 2022 invasion",
            [S("Washington", "United States", "according to Washington")],
            "none",
            "Russia",
            "indirect",
            "according to",
            cue_ctx="according to Washington",
        ),
        C(
            "China is “contributing to Russia’s ability to prosecute” the war in ways that threaten all of Europe",
            [S("senior US official", "senior US official", "Europe, a senior US official")],
            "against",
            "China",
            "mixed",
            "told",
            cue_ctx="official told reporters on condition of anonymity.\n\n“In",
        ),
        C(
            "In creating this industrial base they are expanding Russia’s ability to produce equipment, produce "
            "munitions, and it ought to give one pause about what that capacity is going to be",
            [S("he", "senior US official", "later, he said")],
            "against",
            "China",
            "direct",
            "said",
        ),
        C(
            "There is a “growing awareness” of the challenges linked to China’s support and the warning is expected to "
            "appear in the final communique on Friday",
            [S("official", "senior US official", "the official added")],
            "against",
            "China",
            "mixed",
            "added",
        ),
        C(
            "the “urgent” need to step up support for Ukraine",
            [S("Blinken", BLINKEN, "Blinken stressed")],
            "favor",
            "Ukraine",
            "mixed",
            "stressed",
        ),
        C(
            "This is a matter of death and life",
            [S("Kuleba", "Dmytro Kuleba", "Kuleba said")],
            "favor",
            "Ukraine",
            "direct",
            "said",
            cue_ctx="Kuleba said",
        ),
        C(
            "he would be working at the G7 meeting to secure more air defence support",
            [S("Kuleba", "Dmytro Kuleba", "Kuleba said")],
            "favor",
            "Ukraine",
            "indirect",
            "adding",
        ),
        C(
            "was of “fundamental importance”",
            [S("he", "Dmytro Kuleba", "which he said")],
            "favor",
            "Ukraine",
            "mixed",
            "said",
            cue_ctx="which he said",
        ),
        C(
            "China’s back-door support for Moscow",
            [S("it", "United States", "what it says")],
            "against",
            "China",
            "indirect",
            "says",
            cue_ctx="what it says",
        ),
        C(
            "will come in the “coming weeks”",
            [S("Washington", "United States", "Washington says will")],
            "none",
            "China",
            "mixed",
            "says",
        ),
        C(
            "to pressure Moscow to stop its “senseless” war in Ukraine",
            [S("he", "Olaf Scholz", "he had asked")],
            "against",
            "Russia",
            "mixed",
            "asked",
        ),
        C(
            "China was helping Russia undertake “its most ambitious defence expansion since the Soviet era and on a "
            "faster timeline than we believed possible” early in the Ukraine conflict",
            [S("senior US official", "senior US official", "A senior US official said")],
            "against",
            "China",
            "mixed",
            "said",
        ),
        C(
            "China was helping Russia on a range of areas including the joint production of drones, space-based "
            "capabilities and exports vital for producing ballistic missiles",
            [S("officials", "US officials", "officials said China")],
            "against",
            "China",
            "indirect",
            "said",
        ),
        C(
            "China has been the key factor in revitalising Russia’s defence industrial base, “which had otherwise "
            "suffered significant setbacks” since Russia’s invasion of Ukraine",
            [S("senior US official", "senior US official", "Ukraine, a senior US official")],
            "against",
            "China",
            "mixed",
            "told",
        ),
        C(
            "China provided more than 70 per cent of the US$900 million in machine tools – probably used to build "
            "ballistic missiles – imported in the last quarter of 2023 by Russia",
            [S("Washington", "United States", "Washington said that")],
            "against",
            "China",
            "indirect",
            "said",
        ),
        C(
            "90 per cent of Russia’s microelectronics imports last year – used to produce missiles, tanks and aircraft "
            "– came from China",
            [S("US officials", "US officials", "US officials also said")],
            "against",
            "China",
            "indirect",
            "said",
        ),
    ],
}


# -- building -------------------------------------------------------------------------


def _unique(text: str, needle: str, where: str) -> int:
    hits = [m.start() for m in re.finditer(re.escape(needle), text)]
    if len(hits) != 1:
        raise ValueError(f"{where}: {needle!r} occurs {len(hits)} times in the text; give a unique context")
    return hits[0]


def _anchor(text: str, needle: str, ctx: str | None, near: tuple[int, int], where: str) -> int:
    """Start of needle: inside its unique context, else the occurrence nearest the span `near` (its claim)."""
    if ctx is not None:
        at = _unique(text, ctx, where)
        inner = ctx.find(needle)
        if inner < 0:
            raise ValueError(f"{where}: context {ctx!r} does not contain {needle!r}")
        return at + inner
    hits = [m.start() for m in re.finditer(rf"(?<!\w){re.escape(needle)}(?!\w)", text)]

    def distance(h: int) -> int:
        return near[0] - (h + len(needle)) if h < near[0] else max(0, h - near[1])

    hits = [h for h in hits if distance(h) <= SEARCH_WINDOW]
    if not hits:
        raise ValueError(f"{where}: {needle!r} not found within {SEARCH_WINDOW} characters of its claim")
    best = min(hits, key=distance)
    if sum(1 for h in hits if distance(h) == distance(best)) > 1:
        raise ValueError(f"{where}: {needle!r} is ambiguous near its claim; give a context")
    return best


def build_annotation(stem: str, text: str) -> Annotation:
    """The gold Annotation of one seed article, offsets resolved in its cleaned text."""
    regions: list[Region] = []
    relations: list[Relation] = []
    speaker_ids: dict[tuple[int, int], str] = {}
    claim_ids: dict[str, str] = {}
    prefix = stem[:3]
    for n, c in enumerate(SPEC[stem], 1):
        where = f"{stem} claim {n}"
        start = _anchor(text, c.text, c.ctx, (0, 0), where) if c.ctx else _unique(text, c.text, where)
        span_of_claim = (start, start + len(c.text))
        claim_id = f"{prefix}c{n:02d}"
        attrs: dict[str, Any] = {"stance": c.stance, "target": c.target, "quote_type": c.qt}
        regions.append(Region(claim_id, "Claim", start, start + len(c.text), c.text, attrs))
        claim_ids[c.key or claim_id] = claim_id
        for s in c.by:
            at = _anchor(text, s.text, s.ctx, span_of_claim, where)
            span = (at, at + len(s.text))
            if span not in speaker_ids:
                speaker_ids[span] = f"{prefix}s{len(speaker_ids) + 1:02d}"
                regions.append(Region(speaker_ids[span], "Speaker", *span, s.text, {"speaker_name": s.name}))
            relations.append(Relation(speaker_ids[span], claim_id, "says"))
        if c.cue:
            at = _anchor(text, c.cue, c.cue_ctx, span_of_claim, where)
            regions.append(Region(f"{prefix}v{n:02d}", "Cue", at, at + len(c.cue), c.cue))
    for n, c in enumerate(SPEC[stem], 1):
        if c.responds_to:
            relations.append(Relation(f"{prefix}c{n:02d}", claim_ids[c.responds_to], "responds_to"))
    regions.sort(key=lambda r: (r.start, r.end, r.label))
    return Annotation(id=None, task_id=None, regions=regions, relations=relations)


def seed_articles() -> dict[str, Article]:
    """Seed file stem -> its cleaned Article."""
    ingested = read_articles([SEEDS])
    return {Path(a.origin.split(":")[0]).stem: a for a in ingested.articles if a.origin.endswith(".txt")}


def build_gold() -> list[dict[str, Any]]:
    """The gold tasks, as Label Studio imports them: data plus one annotation each."""
    schema = load_schema(SCHEMA)
    articles = seed_articles()
    tasks = []
    for stem in sorted(SPEC):
        article = articles[stem]
        annotation = build_annotation(stem, article.text)
        tasks.append({"data": article.task_data(), "annotations": [{"result": to_results(annotation, schema)}]})
    return tasks


def gold_text(tasks: list[dict[str, Any]]) -> str:
    """The file's text: what `seeds/gold.json` holds."""
    return json.dumps(tasks, ensure_ascii=False, indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare with seeds/gold.json, write nothing")
    args = parser.parse_args(argv)
    try:
        built = build_gold()
    except ValueError as e:  # an anchor not found or ambiguous: the spec needs a context
        print(f"make_gold: {e}", file=sys.stderr)
        return 1
    if not args.check:
        GOLD.write_text(gold_text(built), encoding="utf-8")
        print(f"wrote {GOLD.relative_to(ROOT)}: {len(built)} tasks")
        return 0
    held = json.loads(GOLD.read_text(encoding="utf-8"))
    by_id = {t["data"]["article_id"]: t for t in held}
    stale = [t["data"]["article_id"] for t in built if by_id.get(t["data"]["article_id"]) != t]
    if GOLD.read_text(encoding="utf-8") == gold_text(built):
        print(f"{GOLD.relative_to(ROOT)} is what the spec builds ({len(built)} tasks)")
        return 0
    print(
        f"{GOLD.relative_to(ROOT)} differs from what the spec builds (articles: {', '.join(stale) or 'order or extra'}); "
        "rebuild with: python tests/make_gold.py",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
