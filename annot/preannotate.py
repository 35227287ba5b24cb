"""Rule-based pre-annotations: quotes, reported speech and their speakers, as an Annotation.

Pure: `predict(text)` proposes Speaker, Claim and Cue regions, `says` relations,
`quote_type` and `speaker_name`. Stance and target are left for the annotator.
Rules rather than a parser: spaCy's English models are not published on PyPI by
their makers (only third-party re-uploads), and models fetched at run time cannot
be installed where annot runs.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from annot.records import Annotation, Region, Relation
from annot.text import ABBREVIATIONS, last_word_start, sentences

MODEL_VERSION = "annot-rules-1"


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


OPEN_QUOTES = '"“„«'  # „ and « open a quotation in translated press: „...” – the minister said
CLOSE_QUOTES = '"”»'
QUOTE_MARK_RE = re.compile(f"[{OPEN_QUOTES}{CLOSE_QUOTES}]")  # every mark that opens or closes a quotation
OPEN_QUOTE_RE = re.compile(f"[{OPEN_QUOTES}]")

# The reporting-verb lexicon, by what follows the verb. Each lemma gets its forms (`_forms`):
# "warn" -> warn, warns, warned, warning; a multi-word cue inflects its first word ("point out").
# Verbs whose complement is the reported clause: "said (that) ...", "the report warns that ...".
CLAUSE_VERBS = _words(
    """say add state claim argue assert insist contend concede admit acknowledge note observe explain stress
    emphasise emphasize maintain suggest predict estimate reply respond counter declare announce confirm deny
    reveal disclose report write warn caution vow promise pledge reiterate remark comment complain lament allege
    conclude find recall repeat testify rule predict forecast boast joke quip propose recommend
    tweet signal hint underline underscore concede object protest retort answer proclaim affirm
    guarantee indicate acknowledge specify clarify assess hold demand agree post shout exclaim yell reaffirm
    speculate recount brag
    accept regret"""
)
# Verbs whose complement without "that" is nearly always the reported clause ("said the plan lay idle").
BARE_CLAUSE_VERBS = _words(
    """say add insist argue contend assert maintain stress emphasise emphasize state explain suggest note observe
    caution remark complain lament allege conclude testify reiterate tell warn assure"""
)
# Verbs whose claim may be a "to" infinitive: "vowed to take a harder line", "threatened to use ...".
TO_VERBS = _words("vow pledge promise threaten")
CLAUSE_PHRASES = (
    "issue a warning",
    "express concern",
    "express hope",
    "express confidence",
    "express regret",
    "voice concern",
    "shoot back",
    "fire back",
    "point out",
    "make clear",
    "make it clear",
    "go on to say",
    "be quoted as saying",
)
# Verbs with an addressee before the claim: "told reporters that ...", "urged them to ...".
ADDRESSEE_VERBS = _words("tell inform assure reassure remind urge ask caution warn promise communicate notify implore")
ADDRESSEE_PHRASES = ("call on", "call upon", "appeal to")
# "called X "Y"": the object and the quoted label it is given (only with a quotation: "called a meeting" is none).
LABEL_VERBS = _words("call dub brand label term")
# Verbs that carry the evaluation; their object is the claim: "deplored the closure of the shelter".
OBJECT_VERBS = _words(
    """criticise criticize slam commend praise condemn denounce deplore welcome thank blame accuse question
    decry hail applaud lambast describe dismiss reject highlight"""
)
# Object verbs that carry a claim only with "as": "dismissed the report as "fiction"" (not "rejected the offer").
AS_ONLY = _words("dismiss reject")
OBJECT_PHRASES = ("point to", "call for", "speak of", "raise concerns about", "raise concern about",
                  "express concern about", "express concern over", "raise concerns over")  # fmt: skip
# Lemmas whose base and -s forms are mostly nouns ("the state", "a comment"): only "stated", "commenting" cue.
NOUN_LEMMAS = _words("state rule post note comment answer question estimate forecast counter brand demand label term")
IRREGULAR = {
    "say": ("said", "says", "saying"), "tell": ("told", "tells", "telling"), "write": ("wrote", "writes", "writing"),
    "find": ("found", "finds", "finding"), "hold": ("held", "holds", "holding"),
    "shoot": ("shot", "shoots", "shooting"), "speak": ("spoke", "speaks", "speaking"),
    "dub": ("dubbed", "dubs", "dubbing"),
    "make": ("made", "makes", "making"), "go": ("went", "goes", "going"),
    "be": ("was", "is", "being"), "slam": ("slammed", "slams", "slamming"),
    "admit": ("admitted", "admits", "admitting"),
    "commit": ("committed", "commits", "committing"), "quip": ("quipped", "quips", "quipping"),
    "regret": ("regretted", "regrets", "regretting"), "upbraid": ("upbraided", "upbraids", "upbraiding"),
}  # fmt: skip


def _forms(lemma: str) -> tuple[str, ...]:
    """Base, past, third person and -ing forms of a verb or a phrase headed by one."""
    first, _, rest = lemma.partition(" ")
    tail = f" {rest}" if rest else ""
    if first in IRREGULAR:
        past, third, ing = IRREGULAR[first]
    else:
        stem = first[:-1] if first.endswith("e") else first
        if first.endswith("y") and first[-2] not in "aeiou":
            past, third = first[:-1] + "ied", first[:-1] + "ies"
        else:
            past = stem + "ed"
            third = first + ("es" if first.endswith(("s", "sh", "ch", "x", "o")) else "s")
        ing = (first if first.endswith(("ee", "ye", "oe")) else stem) + "ing"
    extra: tuple[str, ...] = ("were quoted as saying",) if first == "be" else ()
    if len(first) > 4 and first[-1] == "l" and first[-2] in "aeiou" and first[-3] not in "aeiou":
        extra += (f"{first}led{tail}", f"{first}ling{tail}")  # British "signalled", "labelling"
    return tuple(f + tail for f in (first, past, third, ing)) + extra


def _lexicon() -> dict[str, tuple[str, str]]:
    """Every cue form -> (lemma, kind); kind is clause, addressee or object."""
    out: dict[str, tuple[str, str]] = {}
    groups = (
        ("object", OBJECT_VERBS | set(OBJECT_PHRASES)),
        ("addressee", ADDRESSEE_VERBS | set(ADDRESSEE_PHRASES)),
        ("clause", set(CLAUSE_VERBS) | set(CLAUSE_PHRASES) | LABEL_VERBS | TO_VERBS),
    )
    for kind, lemmas in groups:
        for lemma in sorted(lemmas):
            for form in _forms(lemma):
                out.setdefault(form, (lemma, kind))
    return out


LEXICON = _lexicon()
# Base and -s forms of mostly-noun lemmas ("the state", "a comment") cue only before "that" ("estimates that").
NOUNISH_FORMS = frozenset(f for lemma in NOUN_LEMMAS for f in (_forms(lemma)[0], _forms(lemma)[2])) | frozenset(
    f for lemma in ("hold", "agree", "accept", "regret") for f in _forms(lemma)
)  # "the appeals court held that ...", never "held talks"; "agreed that ...", not "agreed to pay"; "accepted that
# this was no excuse", not "accepted the offer"; "regretted that ...", not "regretted the decision"
# Longest first, so "was quoted as saying" wins over "said" and "called for" over "called".
CUES = (*sorted(LEXICON, key=lambda c: (-len(c), c)), "according to")


def _trie(words: list[str]) -> str:
    """An alternation of the words that matches as "longest first" does, written as a trie ("sa(?:id|ys)"):
    Python's re tries the branches of a flat alternation one by one at every position, and the cues are
    hundreds. At each node the longer words are tried before the one ending there, so of the words that match
    at a position (each a prefix of the next) the longest one the rest of the pattern accepts wins."""
    tree: dict[str, dict] = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def pattern(node: dict[str, dict]) -> str:
        branches = [re.escape(ch) + pattern(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" not in node:
            return body
        return (body if len(branches) > 1 else f"(?:{body})") + "?"

    return pattern(tree)


CUE_RE = re.compile(r"\b(" + _trie([*CUES, "According to"]) + r")\b")
_CUE_ALTERNATION = _trie(list(CUES))

# -ing forms continue the subject's speech: "..., adding that ...", "..., saying ...".
PARTICIPLE_CUES = frozenset(f for f in LEXICON if f.split()[0].endswith("ing") and f != "being")
OBJECT_CUES = frozenset(f for f, (_, kind) in LEXICON.items() if kind == "object")
ADDRESSEE_CUES = frozenset(f for f, (_, kind) in LEXICON.items() if kind == "addressee")
# Addressee cues that introduce no claim without "that" / "to" ("told reporters", "asked about it").
NEEDS_COMPLEMENT = frozenset(f for f in ADDRESSEE_CUES if LEXICON[f][0] in {"tell", "inform", "ask", "communicate",
                                                                           "notify", "remind"})  # fmt: skip
# Where a reported clause ends: a second reporting verb joined by and/but, a participle clause,
# a subordinate or relative clause, a dash aside. Every branch opens with a comma, a space or a dash: the
# lookahead says so once, so that other positions fail at once rather than in each branch (twice as fast).
CLAUSE_BOUNDARY_RE = re.compile(
    r"(?=[,\s–—])(?:"
    r",?\s+(?:and|but)\s+(?:also\s+)?(?:" + _CUE_ALTERNATION + r")\b"
    r"|,[\"”]?\s+(?!including\b)[a-z]+ing\b"
    r"|,[\"”]?\s+(?:although|though|even\s+as|as|while|after|before|where|which)\b"
    r"|\s+[–—]\s+"
    r"|\s+as\s+(?:he|she|they)\b"
    r"|,?\s+but\s+that\s"  # a second reported clause, set against the first: a claim of its own
    r"|,\s+and\s+(?:[a-z]+ed|kept|made|took|gave|left|held|sent|went)\b"  # the subject goes on to act
    r"|,\s+(?:a|an)\s+(?:charge|claim|move|accusation|allegation|assertion|step|decision|view)\b"  # a remark on it
    r"|,\s+one\s+of\s+the\b"  # "..., one of the many issues ...": the journalist's aside
    r"|,\s+without\s+[a-z]+ing\b"  # "..., without elaborating": the journalist's note
    r"|,\s+with\s+(?:the|a|an|its|his|her|their)\s+[a-z]+\s+[a-z]+ing\b"  # ", with the meeting taking place ..."
    r"|[–—](?=but\b|and\b)"
    r")"
)
NEGATIVE_SUBJECT_RE = re.compile(r"\b(?:[Nn]either|[Nn]o|[Nn]one\s+of\s+the)\s+$")
AS_OBJECT_RE = re.compile(r"(?:[^\s,.]+\s+){1,8}?as\s")
# A speaker and its verb inside a relative clause: "a trip [that] Washington says will come in weeks".
RELATIVE_SAYS_RE = re.compile(
    r"(?:\b(?:which|that)|\b(?!(?:what|how|as|where|when|why|whatever|the|its|his|her|their|our|this|these|those)\b)"
    r"[a-z]{3,})\s+$"
)
WHAT_IS_RE = re.compile(r"(?:is|was)\s+(?:that\s+)?")
# "calls China its main strategic rival": a short object (a name, "the decision", a pronoun), a determiner,
# the label up to "and"/"but", a comma or the end.
BARE_LABEL_RE = re.compile(
    r"(?:the\s+)?(?!(?:a|an|on|for|off|up|out|in|at|to|back)\b)(?:[\w’'\-]+\s+){1,2}?"
    r"(?:a|an|its|his|her|their|our)\s+(?:(?!(?:and|but|as|because|while|after|before|of|for|to|in|on|at)\b)"
    r"[\w’'\-]+\s*){1,5}?(?=\s+(?:and|but|as|because|while)\b|\s*[,.;]|\s*$)"
)
WHAT_CALLED_RE = re.compile(r"what\s+(?:he|she|it|they|we)\s+(?:called|calls|described\s+as|termed|dubbed)\s")
# A verb right after "that" makes it the clause's subject, not its conjunction: "say that is the problem".
DEMONSTRATIVE_THAT_RE = re.compile(r"(?:is|was|'s|’s|has|had|will|would|seems|means|remains|could|can|should|must)\b")
# A modal or an infinitive in a clause, whose verbs a base form after "and" continues.
VERB_CHAIN_RE = re.compile(r"\b(?:to|would|will|could|should|can|may|might|must)\s")
# The end of a "to" claim: the main subject's next verb, in the past ("urged X to ... and offered ...").
TO_CLAIM_END_RE = re.compile(r"\s+and\s+(?:[a-z]+ed|kept|made|took|gave|left|held|sent|went|said|told)\b")
WORDS_OF_RE = re.compile(
    r"\s*(?:In\s+the\s+(?:words|view|opinion)\s+of\s+([^,]{2,60}),\s+"
    r"|In\s+((?:the\s+)?[^,\s][^,]{1,58}?)['’]s?\s+(?:words|view|opinion),\s+"
    r"|As\s+([^,:]{2,60}?)\s+(?:put|puts|has\s+put)\s+it[,:]\s+)"
)  # "In the words of X, ...", "In the minister's words, ...", "As the mayor put it: ..."
OPINION_RE = re.compile(r"\s*In\s+(his|her|their)\s+(?:opinion|view|words),\s+")
ANONYMITY_RE = re.compile(r"(?:not\s+to\s+be\s+(?:named|identified)|for\s+anonymity|anonymity)")
RELATIVE_BEFORE_RE = re.compile(r",\s*(?:who|which)\s+(?:[a-z]+\s+)?$")
SECOND_CLAUSE_RE = re.compile(r",?\s+but\s+that\s+")
# A cue joined to the one before it shares its subject: "... and made clear that", "..., but said that".
COORDINATED_RE = re.compile(r"(?:,[\"”]?|\band|\bbut)\s+(?:also\s+)?$")
# A noun that takes a "that" clause after an object cue: "reiterated Beijing's concerns that ...".
NOUN_THAT_RE = re.compile(
    r"\s*(?:[\w’'\-]+\s+){0,3}?(?:concerns?|view|position|belief|warning|message)\s+that\s+", re.IGNORECASE
)
# The end of the addressee: "that", "to" + verb or quotation (not "to his counterparts"), "of", "against".
ADDRESSEE_END_RE = re.compile(
    r"\bthat\b|\bto\b(?=\s+[\"“]?\w)(?!\s+(?:his|her|their|its|our|my|the|a|an|reporters)\b)"
    r"|(?<!condition\s)\b(?:of|against)\b"
)
# A time or place phrase before "that": "said before the talks that ...".
PHRASE_THAT_RE = re.compile(
    r"\s*(?:(?:later|earlier|again|also|afterwards)\s+)?(?:before|after|during|at|in|on|ahead\s+of"
    r"|(?:to|for)(?=\s+(?:the|a|an|his|her|their|its|him|them|us|me|reporters|journalists)\b|\s+[A-Z]))"
    r"\s+(?:[\w’'\-]+\s+){0,8}?that\s+"
)  # "said before the talks that ...", "explained to the Danube Herald that ...", "in a filing with the SEC that"
# A reported clause without "that" has a finite verb early: an auxiliary, a modal, a past form.
FINITE_WORDS = _words(
    """is are was were will would could should can cannot can't may might must has have had did does do won't
    isn't wasn't aren't weren't doesn't didn't hasn't haven't hadn't wouldn't couldn't shouldn't rose fell grew came
    went made took gave saw knew thought found left lost won began became held kept met paid ran sold sent spent
    stood told wrote got needs remains means makes seems lacks"""
)
# Common present-tense verbs that make a span a clause: "The strike goes ahead on Monday, said ...".
PRESENT_VERBS = _words(
    """goes has is does says remains needs means makes takes wants plans expects faces stays comes gets gives runs
    looks seems works holds keeps shows costs opens closes starts ends begins falls rises grows"""
)
CLAUSE_PRONOUNS = _words("he she it they we i you there this that these those")
MAX_CLAUSE_SUBJECT_WORDS = 12  # how far into a "that"-less complement its verb is looked for
ACRONYM_RE = re.compile(
    r"\s*\([A-Z][A-Za-z&.\-]{0,12}\)"  # "The Harbor Workers Alliance (HWA)", "(R-Ky.)"
    r"|\s*\([A-Z][\w.\-]{0,12},\s+[A-Z][\w’'\- ]{1,30}\)"  # a party and ward: "Jim Barr (Lab, Riverside)"
)
NOUN_BEFORE_RE = re.compile(
    r"(?:\b(?:the|a|an|its|his|her|their|our|this|that|whose|been|be|being|was|were|is|are|two|three|four|five|six"
    r"|seven|eight|nine|ten|several|many|of|in|for|from|with|by|(?<!of\s)state|\d+)|\w['’]s)\s+$",
    re.IGNORECASE,
)  # "the report", "the state", "had been found": a noun or a passive, not a speaker's verb
# The schema's targets and the words that name them (countries, capitals, seats of government, adjectives).
TARGET_PATTERNS = {
    "China": re.compile(r"\b(?:China|Chinese|Beijing|PRC)\b"),
    "Russia": re.compile(r"\b(?:Russia|Russian|Russians|Moscow|Kremlin)\b"),
    "United States": re.compile(r"\b(?:United States|U\.S\.|US|USA|America|American|Americans|Washington|White House)\b"
                                r"(?!\$)"),
    "Ukraine": re.compile(r"\b(?:Ukraine|Ukrainian|Ukrainians|Kyiv|Kiev)\b"),
}  # fmt: skip
# Verbs whose stance toward their object is plain.
AGAINST_VERBS = _words("criticise criticize slam condemn denounce deplore blame accuse decry lambast fault")
FAVOR_VERBS = _words("commend praise welcome thank hail applaud")
FEW_TARGET_MENTIONS = 3
CALLED_RE = re.compile(r"\s+((?:[\w’'\-]+\s+){0,5}?)([\"“„«])")
CITING_RE = re.compile(r"(?:\s+[\w’']+){0,3},\s+(citing)\s+([^,]{3,80}?),\s*")
PRONOUN_OBJECTS = _words("it them this that him her")
BARE_ADDRESSEE_RE = re.compile(
    r"\s+(?:him|her|them|us|me|reporters|journalists|lawmakers|supporters|members|staff|MPs|parliament|jurors"
    r"|investors|analysts|residents|colleagues|delegates|employees|workers|listeners|viewers|readers|voters"
    r"|shareholders|customers|parents|pupils|students|patients|fans|tenants|farmers|councillors|governors"
    r"|(?:the\s+)?(?:court|jury|committee|hearing|inquiry|panel|council|paper|newspaper|audience|crowd|meeting)"
    r"|(?:the\s+)?(?:[A-Z][\w’'\-]+\s+){1,3}?)\s*(?=[a-z\"“])"
)
SENTENCE_END = ".?!\"”’…)':;"  # how a body paragraph ends (a colon or semicolon: a quotation follows)
# A short attribution after a quotation: "Ms. Dorsey asked", "the mayor said", "he asked".
ATTRIBUTION_START_RE = re.compile(
    r"(?:(?:the|a|an)\s+)?(?:(?:[A-Z][\w’'\-]*\.?|[a-z]+)\s+){0,3}?(?:" + _CUE_ALTERNATION + r")[\s.,]"
)
MIN_QUOTE_CHARS = 10
MAX_ADDRESSEE_WORDS = 4  # "warned the bank board against ...": an addressee is short
MIN_QUOTE_WORDS = 3
MIN_OPENING_QUOTE_WORDS = 2  # '"It's annoying," he says.'

MIN_POSTPOSED_CLAIM_CHARS = 10  # "The letter is clear, she insists.": a short clause with its verb
MAX_NESTED_SUBJECT_WORDS = 4  # "said he warned ...": a short subject before an inner cue
# A description naming an office stands for the person last named with that office:
# "the top US diplomat" -> "US Secretary of State Antony Blinken" earlier in the article.
ROLE_TITLES: dict[str, tuple[str, ...]] = {
    "diplomat": ("diplomat", "Secretary of State", "Foreign Minister", "foreign minister"),
    "minister": ("Minister", "minister"),
    "leader": ("leader", "President", "Premier", "Prime Minister", "Chancellor"),
    "president": ("President",),
    "chancellor": ("Chancellor",),
}
NATIONALITIES: dict[str, tuple[str, ...]] = {
    "us": ("US", "U.S.", "American", "United States"),
    "american": ("US", "U.S.", "American", "United States"),
    "chinese": ("Chinese", "China’s", "China's"),
    "russian": ("Russian", "Russia’s", "Russia's"),
    "ukrainian": ("Ukrainian", "Ukraine’s", "Ukraine's"),
}
ROLE_WORDS = frozenset(w for titles in ROLE_TITLES.values() for t in titles for w in t.split() if w.islower())
TITLE_LINK_WORDS = frozenset({"of", "top", "senior", "chief", "former"})
ROLE_CONTEXT_CHARS = 60  # how far before a name its title is looked for

PRONOUNS = ("he", "she", "they", "it", "we", "i")
PERSON_PRONOUNS = ("he", "she", "him", "her")
OBJECT_PRONOUNS = ("him", "her", "them")  # "according to him", "in her opinion"

# Words of a title, office or nationality that precede a name and are not part of it ("CEO Dana Whitfield").
TITLE_WORDS = _words(
    """US U.S. UN EU UK U.K. Secretary State President Vice Foreign Minister Ministers
    Chinese Ukrainian Russian German American British French Japanese Indian Canadian Australian European
    Chancellor Premier Prime Republican Democratic Democrat Labour Conservative Senator Sen. Sen Rep. Rep
    Representative Congressman Congresswoman Assemblyman Assemblywoman Assemblymember Councilman Councilwoman
    Councilmember Councilor Councillor Alderman Alderwoman Commissioner Supervisor Delegate Trustee Mayor Governor
    Gov. Gov Lt. Lieutenant Attorney Solicitor Speaker Chief Deputy Acting Interim Former Executive Health Finance
    Economy Education Interior Justice Transport Transportation Labor Energy Environment Trade Agriculture Housing
    Home Defense Defence Treasury Culture Foreign Affairs Police Fire Secretary-General FM Mr Mrs Ms Mx Dr Mr. Mrs.
    Ms. Mx. Dr. Prof. Prof Professor Sir Dame Lord Lady Judge Justice Magistrate General Gen. Gen Col. Colonel
    Maj. Major Capt. Captain Sgt. Sergeant Cpl. Officer Detective Det. Inspector Superintendent Sheriff Commander
    Constable PC DC DI DS Cllr Cllr. Admiral Adm. Rev. Reverend Father Bishop Archbishop Rabbi Imam Pastor Coach
    Manager Director Chairman
    Chairwoman Chair Chairperson CEO CFO COO CTO Founder Co-founder President-elect Leader Ambassador Envoy
    Spokesman Spokeswoman Spokesperson Economist Analyst Provost Principal Headteacher Treasurer Auditor
    Controller Comptroller Ombudsman Registrar Clerk Dep. Sec. Pres. Amb. Atty. Supt. Insp. Chmn. Hon. MP MEP MSP
    MPP MLA King Queen Prince Princess Crown Emir Sheikh Sultan Pope Cardinal Patriarch Ayatollah Grand
    Prosecutor Barrister Counsel Coroner Lawyer Organiser Organizer Historian Researcher Hydrologist Engineer
    The A An"""
)
HONORIFICS = _words("Mr Mrs Ms Mx Dr Prof Sir Dame")
# Honours and offices written after a name, not part of it: "Harriet Quayle KC", "Ann Bell MP".
POST_NOMINALS = _words("KC QC SC MP MEP MSP MPP MLA MS TD OBE CBE MBE DBE KBE")  # MS: Senedd, TD: Dáil
PARTICLE_NAME_RE = re.compile(r"(?:al|el|ad|as|ash|an|at|az|bin|ibn|abu|abd)-[A-Z]")  # "al-Sudani", "bin-Zayed"
NAME_PARTICLES = _words("von van der den de del della da di du le la bin ibn al el ter ten dos das ap ab zu op")
# A nickname in quotation marks inside a name: 'Luc "Lulu" Marchetti' (kept in the mention, out of the name).
NICKNAME_RE = re.compile(r"[\"“][A-Z][\w’'\-]*[\"”]")
NICKNAME_IN_NAME_RE = re.compile(r"(?<=[A-Za-z]) [\"“][A-Z][\w’'\-]*[\"”](?= [A-Z])")
# Occupations written before a name, capitalised when they open the sentence: "Farmer Gwen Tully said".
OCCUPATION_WORDS = _words(
    """farmer commuter nurse shopkeeper vet pollster lawmaker organiser organizer postmistress postman pensioner
    retiree shopper driver pilot chef baker butcher publican landlady fisherman miner builder plumber electrician
    mechanic midwife surgeon dentist pharmacist paramedic firefighter soldier veteran volunteer astronomer
    biologist chemist physicist geologist ecologist engineer architect artist writer novelist poet composer
    musician singer actor actress photographer filmmaker entrepreneur businessman businesswoman trader broker
    banker accountant scientist academic student parent mother father grandmother grandfather homeowner
    householder renter tenant landlord caretaker cleaner carer campaigner activist protester referee athlete
    cyclist runner rider jockey trainer teacher doctor resident worker owner economist analyst historian
    researcher lawyer farmworker rancher grower beekeeper winemaker brewer fisher forester shepherd crofter
    councillor councilor"""
)
TITLE_SUFFIXES = frozenset({"general", "elect", "chief", "in", "designate", "at", "large"})
# Words of a capitalised name that make it an organisation, not a person with titles to strip.
ORG_WORDS = _words(
    """Coalition Association Council Group Inc Inc. Corp Corp. Ltd Ltd. LLC PLC Plc Co Co. Company Bank Union Party
    Ministry Department Agency Commission Committee Institute University College School Hospital Court Service
    Authority Board Foundation Trust Network Federation Alliance Centre Center Office Organisation Organization Fund
    Programme Program Bureau Administration Society League Chamber Partners Holdings Industries Systems Airlines
    Railways Police Council Assembly Senate Parliament Congress Cabinet Tribunal Network Times Post Herald News
    Press Journal Gazette Tribune Leasing Manufacturing Motors Energy Capital Labs Club Guild Institution
    Division Directorate Inspectorate Government Unit Team Laboratory Lab Commissioner's Executive Secretariat
    Forum Consortium Sons Brothers Chambers Associations Unions Councils Federations Embassy Consulate Mission
    Delegation Presidency"""
)
# Nouns (singular) that head a description standing for a speaker: "the union's president", "a statement".
AGENT_HEADS = (
    _words(
        """official diplomat minister ministry spokesman spokeswoman spokesperson spokespeople source leader power
    country government side analyst expert american administration secretary president chair chairman chairwoman
    director executive chief head manager mayor governor senator lawmaker legislator councillor councilor council
    board committee commission agency department office authority authorities regulator state city county court
    judge justice jury prosecutor prosecution lawyer attorney defence defense police sheriff union company firm
    group party campaign coalition association federation organisation organization institute foundation
    university hospital school trust bank airline operator utility report statement study survey analysis review
    audit letter filing complaint lawsuit ruling judgment judgement document memo plan proposal bill researcher
    scientist economist doctor physician nurse teacher worker resident critic opponent supporter campaigner
    activist protester protestor voter parent student farmer owner investor shareholder member staff employee
    officer diplomat negotiator delegation delegate representative organiser organizer observer monitor inspector
    investigator author editorial newspaper broadcaster website founder consultant adviser advisor aide ally
    colleague neighbour neighbor witness survivor victim family relative tenant landlord developer landlord
    retailer manufacturer maker producer supplier carrier insurer lender employer contractor provider operator
    spokesperson watchdog charity nonprofit regulator senate parliament congress cabinet assembly presidency
    kremlin embassy mission envoy ambassador negotiators coach player captain manager club fan fans people
    clinician epidemiologist virologist professor lecturer academic historian strategist pollster poll data
    figures estimate estimates forecast study studies paper data draft guild platform manifesto indictment
    records filings paramedic teacher motion petition resolution amendment strategy guidance guideline framework
    directive decree legislation charter treaty agreement communique declaration budget force military army navy
    command service"""
    )
    | OCCUPATION_WORDS
    | _words(
        """business passenger customer patient shopper motorist commuter homeowner pupil visitor user consumer
    household landowner retailer"""
    )
)
# A carrier names the source after "from": "a statement from the ministry said" -> the ministry.
DOCUMENT_HEADS = _words(
    """email document record report data figure filing letter memo minute note statement study survey"""
)
SPOKES_HEADS = _words("spokesperson spokesman spokeswoman")
CARRIER_HEADS = _words("statement letter message note email release notice memo")
# Words that end a noun phrase read backwards from a verb (function words, verbs, adverbs of the clause).
NP_STOP = _words(
    """the a an this that these those his her its their our my your which who whom whose what when where while
    as after before because although though if since until unless and or but nor so than then also has have
    had is are was were be been being will would could should can may might must do does did not no yes to by
    with without about against between into through during over under per via including like unlike
    said says told according on at several some many"""
)
POSSESSIVES = _words("its his her their our")
DETERMINERS = _words("the a an one two three several many some its his her their our")
NP_LINKS = frozenset({"of", "for", "in", "from", "at", "on"})  # inside a noun phrase: "Diplomats in Geneva"
NP_FORWARD_LINKS = frozenset({"of", "for"})  # after an inverted verb: "said a spokesman for the council"
COUNTED = _words("two three four five six seven eight nine ten several many")  # kept in the phrase, unlike "a"
NUMBER_WORDS = _words("two three four five six seven eight nine ten both all most")
# Unnamed sources described by what they know: "a person familiar with the matter", "sources close to the talks".
_INFORMED = (
    r"((?:[\w’'\-]+\s+){0,2}?(?:source|sources|person|people|official|officials|diplomat|diplomats|insider|insiders|"
    r"envoy|envoys|negotiator|negotiators|"
    r"executive|executives|banker|bankers)\s+(?:familiar\s+with|close\s+to|with\s+knowledge\s+of|briefed\s+on|"
    r"involved\s+in|knowledgeable\s+about|with\s+direct\s+knowledge\s+of)\s+(?:the\s+)?[\w’'\- ]{1,50}?)"
)
INFORMED_SOURCE_RE = re.compile(
    r"(?:\b(?:a|an|the|according\s+to)\s+|^|\b(?:two|three|several|some)\s+)" + _INFORMED + r"\s*$", re.IGNORECASE
)
INFORMED_SOURCE_AFTER_RE = re.compile(
    r"\s+(?:a|an|the|two|three|several|some)\s+" + _INFORMED + r"(?=\s*[,.;]|\s*$)", re.IGNORECASE
)
REDUCED_RELATIVE_RE = re.compile(
    r"\s+(?:[a-z]+ed|seen|shown|written|given|taken|made|held|known|drawn)\s+(?:[A-Z]?[a-z]+\s+)?by\s+[^,]{1,60}$"
)
# The British prime minister's office by its address: "No 10 said", "No. 10 Downing Street said".
NUMBER_TEN_RE = re.compile(r"(?:^|(?<=\s))(No\.?\s+10(?:\s+Downing\s+Street)?)$")
# A contact clause after a group, the reporter its subject: "Farmers I spoke to near the border say".
CONTACT_RELATIVE_RE = re.compile(
    r"(?<=[a-z])\s+(?:I|we)\s+(?:spoke|talked|interviewed|met|asked|visited|reached)\b[^,\"“”]{0,50}$"
)
# An apposition that gives a name: ", a man called Duc Pham," / ", a nurse named Ana Cruz,".
CALLED_NAME_RE = re.compile(
    r"\b(?:a|an|the)\s+[a-z]+\s+(?:called|named)\s+([A-Z][\w’'\-]*(?:\s+[A-Z][\w’'\-]*){0,3})\s*$"
)
PARTY_STATE_RE = re.compile(r"[A-Z]{1,3}-[A-Z][\w.]*$")
# What a body's name may hold before its "X and Y" part, after "the": "the U.S. Food and Drug Administration",
# "the Bakers, Food and Allied Workers' Union".
ORG_LEAD_RE = re.compile(r"\b(?:[Tt]he)\s+((?:(?:[A-Z]\.){2,}\s+|[A-Z][\w’'\-]*,\s+)+)$")
# An apposition that is a name after its title words: "former Uruguayan foreign minister Gustavo Ferrer".
TITLED_NAME_RE = re.compile(
    r"(?!(?:the|a|an|its|his|her|their|who|which)\b)(?:(?!(?:of|at|in|for|from|with|by|the|a|an|who|which)\b)"
    r"[\w’'\-.]+\s+){1,5}[A-Z][\w’'\-]+(?:\s+[A-Z][\w’'\-]+)+"
)
# Links inside a sentence-opening subject before an auxiliary: "Passengers on the branch line have ...".
SUBJECT_LINKS = frozenset({"on", "of", "in", "at", "from", "for"})
# A name in apposition after an opening description: "A ministry spokesman, Gao Lin, went ...".
OPENING_APPOSITION_RE = re.compile(r",\s+((?:[A-Z][\w’'\-.]*\s+){1,3}[A-Z][\w’'\-]+),\s")
# A name set after a description: ", Marge Ruiz" at the end of the sentence or before a comma.
APPOSED_NAME_RE = re.compile(r",\s+((?:[A-Z][\w’'\-.]*\s+){0,3}[A-Z][\w’'\-]+)\s*(?=[,;]|$)")
# An age and an address after a name, as local and court reports give them: ", 34, of Mill Road, Leyland,".
_PLACE = r"[A-Z][\w’'\-]*(?:\s+[A-Z][\w’'\-]*)*"
ADDRESS_TAIL_RE = re.compile(rf"(?<=[\w’'])(?:,\s*(?:aged\s+)?\d{{1,3}})?,\s*of\s+{_PLACE}(?:,\s*{_PLACE})*,$")
MAX_NP_TOKENS = 12
# A relative clause set off by commas that ends right before the verb: "X, 67, who has lived here for years, said".
RELATIVE_CLOSED_RE = re.compile(r",\s*(?:who|which|whose)\s[^,\"“”]*,\s*$")
# A relative clause without commas between the subject and its verb: "Lawyers who follow the case said".
WHO_RELATIVE_RE = re.compile(
    r"(?<=[a-z])\s+who\s+(?!(?:said|says|told|added)\b)(?![^,]*\b(?:but|and|while)\s)[^,\"“”—–;]{3,60}$"
)
# A city and its state or country after the subject: "A federal jury in Marshall, Texas, (on Friday)".
CITY_STATE_RE = re.compile(
    r"\s+in\s+[A-Z][\w’'\-]*(?:\s+[A-Z][\w’'\-]*)?,\s+"
    r"(?:(?:New|North|South|East|West|Rhode)\s+[A-Z][\w.’'\-]*|[A-Z][\w.’'\-]*),?$"
)  # a two-word state opens with "New" or a compass word: "in Leeds, Ann Bright," is a name in apposition
# "is/are/was/were" before a participle cue makes it finite: "officials are urging", "she was insisting".
PROGRESSIVE_RE = re.compile(r"\s(?:is|are|was|were|has\s+been|have\s+been|had\s+been)\s+(?:also\s+|now\s+|still\s+)?$")
# A participle with a place or time after it: "the documents found in 2009 were ...".
PARTICIPLE_PLACE_RE = re.compile(
    r"\s+(?:in|at|on|during|near|since|under)\s+[^,.]{1,40}?\s(?:was|were|is|are|had|has|have|would|will|could)\b"
)
# "welcomed the decision", "praised the joint purchase": praise of an event, nothing said about it.
PRAISE_VERBS = _words("welcome praise hail applaud")
BARE_EVENT_RE = re.compile(
    r"(?:the|this|that|its|his|her|their|our)(?:\s+[a-z\-]+){1,2}"
    r"(?:,?\s+(?:through|via|in|at|on|during)\s+(?:a|an|the|its|his|her|their)\s+[^\"“”«»„,]{1,40})?"
)  # "welcomed the announcement through its embassy": the channel adds no content
# A transcript line: a name (up to five words, particles allowed) and a colon opening the paragraph.
_NAME_WORD = r"(?:[A-ZÀ-ÖØ-Þ][\w’'\-.]*|(?:" + "|".join(sorted(NAME_PARTICLES)) + r"))"
TRANSCRIPT_RE = re.compile(rf"({_NAME_WORD}(?: {_NAME_WORD}){{0,4}}):\s+(?=[\"“„A-Z])")
LINE_LABELS = _words(
    """Q A Note Update Updated Editor Photo Caption Source Credit Watch Read Related Listen Pictured Image Video
    Live Breaking Correction Key Also Warning Disclaimer Transcript Interview Question Answer Background
    Context Analysis Opinion Comment Explainer Sources Contact Tags Topics More See Follow Share Subscribe
    Our My Your This That These Those Its Their His Her We"""
)
# A journalist's role before their name: "Our Southeast Asia correspondent, Dara Santos", "presenter Keala Moana".
JOURNALIST_ROLE_RE = re.compile(r"\b(?:correspondent|reporter|presenter|anchor|host|editor|producer)\b")
# Direct speech between dialogue dashes: "– Quotation – he told our newspaper."
DIALOGUE_RE = re.compile(r"[–—]\s+([^–—]{10,}?)\s+[–—]\s+")
# A group named by a quantifier: "several of them told", "All three say".
QUANTIFIED_GROUP_RE = re.compile(
    r"(?:^|(?<=\s))((?:[Ss]everal|[Ss]ome|[Mm]any|[Mm]ost|[Aa]ll|[Bb]oth|[Ff]ew|[Ee]ach|[Oo]ne|[Tt]wo|[Tt]hree|"
    r"[Ff]our|[Ff]ive)\s+of\s+(?:them|us|those)|[Aa]ll\s+(?:two|three|four|five|six|seven|eight|nine|ten)|[Bb]oth)$"
)
# A participle with a place after the subject: "Residents gathered outside the centre", "Officials based in Oslo".
PLACED_PARTICIPLE_RE = re.compile(
    r"(?<=[a-z])\s+(?:not\s+)?(?:[a-z]+ed|standing|waiting|living|queuing|queueing|working|protesting|sitting)\s+"
    r"(?:outside|inside|at|in|near|on|along|around|behind|across|from)\s+[^,]{1,50}$"
)
# A person's body after their name in an apposition: ", Grace Nakamura-Holt of the Civic Party, says".
OF_BODY_TAIL_RE = re.compile(r"(?<=[a-z’'])\s+of\s+(?:the\s+)?[A-Z][^,]*$")
MAX_DESCRIPTION_WORDS = 4  # "said a senior hospital manager"
MAX_NAME_TOKENS = 7  # "Deputy Foreign Minister Arkady Belousov" in an apposition
NP_TOKEN_RE = re.compile(
    r"[\"“][A-Z][\w’'\-]*[\"”](?=\s+[A-Z])|"  # a nickname inside a name
    r"\d{1,3}(?:,\d{3})+(?!\d)|"  # a number with thousands separators: "a survey of 2,000 adults"
    rf"(?:[A-Z]\.){{2,}}|[A-Z]\.(?=\s[A-Z])|(?:{ABBREVIATIONS})\.|\w[\w’'&\-]*s['’](?!\w)|\w[\w’'&\-]*\w|\w|[^\w\s]"
)
# Capitalised words that are never a person's name (sentence openers, days, places used as actors).
NOT_NAMES = _words(
    """The A An In On At After Before But And Or However Earlier Later Since While When Asked Speaking Despite
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August
    September October November December Photo Getty AFP Reuters Nobody As If So"""
)
DESCRIPTION_HEADS = (
    "official|officials|diplomat|diplomats|minister|ministry|spokesman|spokeswoman|spokesperson|source|sources|"
    "leader|leaders|powers|countries|government|side|sides|analysts|experts|Americans|administration"
)
DESCRIPTION_RE = re.compile(
    r"(?:\b(?:the|a|an)\s+)?((?:[\w’'\-]+\s+){0,4}?(?:" + DESCRIPTION_HEADS + r"))\s*$",
    re.IGNORECASE,
)
NAME_TOKEN = r"[A-Z][\w’'\-]*"
NAME_RUN_RE = re.compile(rf"((?:{NAME_TOKEN} +(?:of +)?)*{NAME_TOKEN}) *$")
# Words of a multi-word name that make it a place or body, not a person.
PLACE_WORDS = _words("United States Kingdom Union Nations South North East West Sea House White Council")
PERSON_HEADS = _words("official diplomat minister spokesman spokeswoman spokesperson source leader")
PRONOUN_RE = re.compile(r"\b(" + "|".join(PRONOUNS) + r")\s*$", re.IGNORECASE)
# Words that may stand between a subject and its reporting verb.
SUBJECT_FILLER_RE = re.compile(
    r"(?:\s+(?:also|has|have|had|recently|earlier|later|previously|again|then|further|clearly|repeatedly|now|still|"
    r"already|long|consistently|publicly|privately|reportedly|initially|originally|first|once|merely|simply|only|"
    r"just|flatly|firmly|openly|separately|subsequently|swiftly|quickly|finally|formally|officially|categorically|"
    r"strongly|bluntly|frankly|quietly|cautiously|immediately|jointly|personally|explicitly|sharply|tersely|"
    r"insistently|angrily|emphatically|"
    r"on\s+\w+day|last\s+week|this\s+week|on\s+condition\s+of\s+anonymity|"
    r"(?:in|at|during|on)\s+(?:a|an|his|her|their|its|the)\s+(?:[\w’'\-]+\s+){0,3}?(?:statement|interview|speech|letter|"
    r"post|briefing|tweet|video|email|conference|rally|hearing|meeting|summit|session|address)"
    r"(?:\s+on\s+\w+day)?))+\s*$",
    re.IGNORECASE,
)
# Words between a reporting verb and its reported clause.
CLAUSE_LEAD_RE = re.compile(
    r"^\s*(?:on\s+\w+day\s*|\w+day\s+|in\s+a\s+statement\s*|last\s+week\s*|ahead\s+of\s+the\s+talks\s*|,\s*"
    r"|(?:afterwards|afterward|later|earlier|again|separately|yesterday|today|tonight)\s+(?=[a-z]+\b)"
    r"|\w+ly\s+(?=(?:that|he|she|they|it|we|i|the)\b)|(?:speaking\s+)?on\s+condition\s+of\s+anonymity\s*,?\s*)*"
    r"(?:that\s+)?",
    re.IGNORECASE,
)
# A second reporting verb coordinated after the first: "denied any involvement and accused ...".
COORDINATED_CUE_RE = re.compile(r",?\s+(?:and|but)\s+(?:also\s+)?(?:" + _CUE_ALTERNATION + r")\b")
# A name after "from" ends a relative's antecedent that is no speaker: "a sharp rebuke from Beijing, which said".
RELATIVE_SOURCE_RE = re.compile(
    r"\b(?:rebuke|response|reaction|protest|reply|warning|criticism|condemnation|"
    r"praise|complaint|objection)\s+from\s+(?:the\s+)?([A-Z][\w’'\-]*(?:\s+[A-Z][\w’'\-]*){0,4})$"
)
# A reported clause does not start with a bare verb ("what it says is ...").
NOT_A_CLAUSE_RE = re.compile(r"(?:is|are|was|were|will|would)\b")
POSTPOSED_RE = re.compile(
    r",\s+(?:[\w’'\-]+\s+){1,8}(?:said|says|added|told|reported|wrote|stated|announced|confirmed|noted)\b[^,\"“”]*$"
)
# A short apposition after a name: ", a container-tracking service," / ", the union's president,".
APPOSITION_RE = re.compile(r"\s*(?:a|an|the|its|his|her|their)\s+[^,.;:\"“”]{1,60}?,\s")
DATELINE_RE = re.compile(r"[A-Z][A-Z .,'’\-]{2,40}\s+[—–-]+\s+")
# A wire dateline with its date and agency: "SAN JOSE, April 6 (Meridian Wire) - ", "HOUSTON, Jan. 14 (TAP) - ".
WIRE_DATELINE_RE = re.compile(
    r"[A-Z][A-Z .'’\-]{2,40}(?:,\s+[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)??(?:,?\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2})?"
    r"\s*\([^)]{1,40}\)\s+[—–-]{1,2}\s+"
)
# The channel after a claim, which is how it was said, not what: '... of "X", in a post on its website',
# '... of "X" during a briefing in Moscow on Thursday'. Cut only after a closing quotation mark or a comma.
CHANNEL_TAIL_RE = re.compile(
    r"(?:(?<=[\"”»“])|,)\s+(?:in|during|at|on|via|through)\s+(?:a|an|the|his|her|its|their)\s+(?:[\w’'\-]+\s+){0,3}?"
    r"(?:statement|message|post|briefing|interview|speech|letter|conference|tweet|video|session|address|"
    r"broadcast|email|e-mail|note|podcast|column|op-ed)\b[^\"“”«»„]*$"
)
# A temporal adjunct after the verb is no reported clause: 'CLAIM, X said on Tuesday after meeting Y'.
TEMPORAL_ADJUNCT_RE = re.compile(r"(?:after|before|while|when|upon|since)\s+[a-z]+ing\b")
# A government's bodies, named by the guidelines as the country: "Russia's foreign ministry", "the US embassy".
GOVERNMENT_HEADS = _words("ministry embassy government delegation administration cabinet presidency mission consulate")
# An object that is, or opens with, a quotation: '« good news for ... »', 'a "good day for tenants"'.
QUOTED_OBJECT_RE = re.compile(r"(?:(?:a|an|the)\s+)?[\"“„«]")
# "was quoted by state media as (saying)": the channel between "quoted" and "as".
QUOTED_AS_RE = re.compile(
    r"\s+(?:(?:was|were|is|are|has\s+been|had\s+been)\s+)?quoted\s+(?:(?:by|in|on)\s+[^,\"“”]{1,50}?\s+)?as\s+$"
)
# An absolute phrase that opens a sentence: "With 95% of votes counted, ".
WITH_ABSOLUTE_RE = re.compile(
    r"\s*With\s+[^,\"“”]{3,60}?\s+(?:counted|reporting|tallied|in|remaining|left|declared),\s+"
)
# "TASS quoted X as (saying)": the one quoted is the object of "quoted".
# A participle after a document subject, with when or where: "A statement issued after the meeting said".
ISSUED_RE = re.compile(
    r"\s+(?:issued|released|published|adopted|agreed|signed|posted|sent|seen)\s+(?:after|on|at|following|late|early|"
    r"last|in|by|this|yesterday|today)\b[^,\"“”]{0,60}$"
)
# The outlet's own journalist before a name: "Our Seoul correspondent X says".
OWN_REPORTER_RE = re.compile(r"\b[Oo]ur\s+(?:[\w’'\-]+\s+){0,3}(?:correspondent|reporter|editor)\s+$")
# A channel in apposition: "through his spokesman X", "via a spokesperson".
CHANNEL_APPOSITION_RE = re.compile(r"(?:through|via)\s+(?:his|her|its|their|a|an|the)\s")
# A government's mission abroad keeps its place: "the U.S. Embassy in Jakarta".
GOVERNMENT_ORG_WORDS = _words("Embassy Consulate Mission Delegation")
# An opening participle or prepositional phrase, whose comma comes before the subject.
OPENING_ADVERBIAL_RE = re.compile(
    r"\s*(?:[A-Z][a-z]+ing|Asked|After|Before|During|Following|Ahead|Upon|While|When|At|In|On|From)\b"
)
# A name opening a clause with a present-tense verb: "Chile supports ...", "Brazil welcomes ...".
SUBJECT_PRESENT_RE = re.compile(r"\s*[A-Z][\w’'\-]+\s+(?!(?:\w+ss|is|was|has|this|its|his|as|us)\b)[a-z]{3,}s\s+[a-z]")
# A short attribution closing the sentence: "..., she said.", "..., the minister added."
FINAL_ATTRIBUTION_RE = re.compile(
    r",[\"”]?\s+(?:he|she|they|we|it|(?:the|a|an)\s+[a-z]+(?:\s+[a-z]+)?|[A-Z][\w’'\-]+(?:\s+[A-Z][\w’'\-]+)?)"
    r"\s+(?:said|says|added|adds|stressed|noted|insisted|told\s+[a-z]+)\s*$"
)
# A request for anonymity is a condition of the interview: "He asked not to be named because ...".
ANONYMOUS_REQUEST_RE = re.compile(
    r"\s+(?:that\s+)?(?:not\s+to\s+be|(?:he|she|they)\s+not\s+be)\s+(?:named|identified)\b"
)
# A cited source between the subject and its verb: "TASS, citing a diplomatic source, reported".
CITED_DOCUMENTS = DOCUMENT_HEADS | CARRIER_HEADS | _words("cable roster transcript")
CITED_BEFORE_RE = re.compile(r",\s+citing\s+([^,\"“”]{3,80}?),\s*$")
# An opening time adverbial without its comma, before the subject: "For years", "In recent weeks".
TIME_NOUNS = _words("years months weeks days decades hours")
TIME_LEAD_WORDS = TIME_NOUNS | _words("recent past last several many few the")
# One or some of a group after an inverted verb: '"...," said one of them.', "said two of the delegates".
PART_OF_GROUP_RE = re.compile(
    r"\s*((?:one|two|three|several|some|many|each|both|all)\s+of\s+(?:them|us|those|the\s+[a-z]+(?:\s+[a-z]+)?))"
    r"\s*(?=[,.;]|$)"
)
QUOTED_NP_AS_RE = re.compile(r"\bquoted\s+((?:[^\s,\"“”]+\s+){1,8}?)as\s+$")
# What follows "CLAIM, according to X," when it is the journalist's own continuation.
JOURNALIST_TAIL_RE = re.compile(r"\s*(?:so|and|but|which|while|whereas|although|though|[a-z]+ing)\b")
# A carrier stands for its source: "according to a statement from the company" -> the company.
CARRIER_FROM_RE = re.compile(
    r"\s*(?:a|an|the)\s+(?:[\w’'\-]+\s+){0,2}?(?:statement|letter|message|notice|release|email)\s+"
    r"(?:(?:issued|sent|released|published)\s+)?(?:from|by)\s+(?=\S)"
)
# Published figures stand for the body that published them: "preliminary results from the electoral tribunal".
RESULTS_FROM_RE = re.compile(
    r"\s*(?:the\s+)?(?:[\w’'\-]+\s+){0,2}?(?:results|figures|data|numbers|statistics|tallies|counts)\s+"
    r"(?:(?:posted|published|released|compiled|issued|reported)\s+)?(?:from|by|of)\s+(?=\S)"
)
# The comma that ends a claim before its postposed speaker: ", owner", ", their", '," (after a quotation).
POSTPOSED_HEAD_RE = re.compile(r"(,[\"”])?(?(1)|,)\s+(?:[^\s,\"“”]+\s+){0,3}$")
# A reporting verb right after the claim's comma, its subject after it.
INVERTED_RE = re.compile(r",[\"”]?\s*$")
# What may follow a postposed "X said" (not an object: "Beijing announced a partnership" is no attribution).
ADVERBIAL_STARTS = _words(
    """in on at during after before last this ahead earlier later when while on in of told to from by as
    yesterday today tonight monday tuesday wednesday thursday friday saturday sunday recently privately publicly
    separately previously again also afterwards"""
)
MAX_SPEAKER_TAIL_WORDS = 8  # a postposed attribution ("..., a senior US official told reporters.") is short


@dataclass(slots=True)
class _Mention:
    start: int
    end: int
    name: str
    is_pronoun: bool = False


@dataclass(slots=True)
class _Found:
    claim: tuple[int, int]
    quote_type: str
    speakers: list[_Mention]
    cue: tuple[int, int] | None
    target: str | None = None
    stance: str | None = None


def predict(text: str) -> Annotation:
    """Propose Speaker/Claim/Cue regions and `says` relations for one article's text."""
    names = _full_names(text)
    found: list[_Found] = []
    last_person: _Mention | None = None
    last_any: _Mention | None = None
    previous_direct: _Found | None = None
    pending: tuple[_Found, _Found | None] | None = None  # an unclosed quotation paragraph, and the quote before it
    intro: _Found | None = None  # 'X said:' ending a paragraph, the quotation in the next one
    carried: tuple[int, int] | None = None  # the last sentence of a paragraph that quoted nobody
    for p_start, p_end in _paragraphs(text):
        if _headline_like(text, p_start, p_end):
            continue  # a headline, a "Read more" line, a label: no sentence of the body ends so
        # A paragraph that is only a quotation continues the quote of the paragraph before.
        previous_direct = previous_direct if found and previous_direct is found[-1] else None
        # "Tomás Ó Briain: The peat on that hill ..." (a transcript line) or "– Q – he told our newspaper."
        line = _transcript_line(text, p_start, p_end, names) or _dialogue_line(text, p_start, p_end)
        if line is not None:
            for m in line.speakers:
                if m.is_pronoun:
                    ref = last_person if m.name.lower() in PERSON_PRONOUNS else last_any
                    m.name = ref.name if ref else m.name
                else:
                    m.name = _canonical(m.name, names)
                    last_any = last_person = m
            line.target, line.stance = _target_and_stance(text, line, p_start, p_end)
            found.append(line)
            previous_direct, intro, carried = line, None, None
            continue
        before_paragraph = len(found)
        open_span = _unclosed_quotation(text, p_start, p_end)
        introduced = _introduced_quote(text, p_start, p_end, intro) if intro is not None else None
        intro = None
        last_sentence: tuple[int, int] | None = carried
        previous_items: list[_Found] = []
        for s_start, s_end in _sentences(text, p_start, p_end):
            previous_sentence, last_sentence = last_sentence, (s_start, s_end)
            direct = _direct(text, s_start, s_end)
            items = direct + _reported(text, s_start, s_end, direct)
            if introduced is not None and s_start <= introduced.claim[0] < s_end and not items:
                items = [introduced]
                if open_span is not None and open_span[0] == introduced.claim[0]:
                    open_span = None  # the quotation runs on: the paragraphs after continue it
            if not items and previous_direct is not None:
                items = _continuation(text, s_start, s_end, previous_direct)
            elif not items and len({(m.start, m.end) for f in previous_items for m in f.speakers}) == 1:
                # 'Janelle Brooks says the tutor has freed her. "I used to ..."': the same speaker goes on.
                items = _continuation(text, s_start, s_end, previous_items[-1])
            elif not items and previous_sentence is not None:
                # 'Mayor Rita Olsen was defiant. "I will not resign."': the sentence before names the speaker.
                items = _quote_after_subject(text, s_start, s_end, *previous_sentence, names)
            for item in items:
                for m in item.speakers:
                    if m.is_pronoun:
                        pronoun = text[m.start : m.end].lower()
                        ref = last_person if pronoun in PERSON_PRONOUNS else last_any
                        fallback = _last_person_before(text, m.start, names) if pronoun in PERSON_PRONOUNS else None
                        m.name = ref.name if ref else fallback or m.name
                    else:
                        m.name = _role_holder(text, m, names) or _canonical(m.name, names)
                        m.name = _government(m.name) or m.name
                        last_any = m
                        if _is_person(m.name, names):
                            last_person = m
                item.target, item.stance = _target_and_stance(text, item, s_start, s_end)
                found.append(item)
            previous_direct = next((i for i in items if i.quote_type == "direct"), None) or (
                previous_direct if not items else None
            )
            previous_items = items
        carried = last_sentence if len(found) == before_paragraph else None
        if open_span is None and last_sentence and text[p_start:p_end].rstrip().endswith(":"):
            intro = _colon_intro(text, *last_sentence)
        if open_span is not None:
            # A quotation running on into the next paragraph (no closing mark, by convention): its speaker is
            # the one quoted just before in this paragraph, else the one named when it closes.
            here = [f for f in found[before_paragraph:] if f.quote_type == "direct" and f.claim[1] < open_span[0]]
            source_here = here[-1] if here else (previous_direct if before_paragraph == len(found) else None)
            item = _Found(open_span, "direct", [], None)
            opened = [f for f in found[before_paragraph:] if f.claim[0] == open_span[0] - 1]
            if opened:
                # 'Kerr said: "This is a good first step.' (the quotation closes in a later paragraph): the
                # reported clause that opened with the quotation is that quotation, direct.
                found.remove(opened[0])
                source_here, item.cue = opened[0], opened[0].cue
            if source_here is not None:
                item.speakers = [_Mention(m.start, m.end, m.name, m.is_pronoun) for m in source_here.speakers]
                item.target, item.stance = _target_and_stance(text, item, *item.claim)
                found.append(item)
                previous_direct = item
            else:
                pending = (item, None)
            continue
        if pending is not None:
            item, earlier = pending
            following = found[before_paragraph] if len(found) > before_paragraph else None
            if following is not None and following.quote_type == "direct" and following.claim[0] <= p_start + 2:
                source: _Found | None = following
            else:
                source = earlier
            if source is not None:
                item.speakers = [_Mention(m.start, m.end, m.name, m.is_pronoun) for m in source.speakers]
                item.target, item.stance = _target_and_stance(text, item, *item.claim)
                found.append(item)
            pending = None
    return _to_annotation(text, found)


# -- text structure ---------------------------------------------------------------


def _paragraphs(text: str) -> Iterator[tuple[int, int]]:
    for m in re.finditer(r"[^\n]+", text):
        yield m.start(), m.end()


def _quote_after_subject(
    text: str, s_start: int, s_end: int, prev_start: int, prev_end: int, names: list[str]
) -> list[_Found]:
    """A sentence that is only a quotation, after a sentence whose subject is a named person."""
    body = text[s_start:s_end].strip()
    quotes = _quote_spans(text, s_start, s_end)
    if len(quotes) != 1 or not body or body[0] not in OPEN_QUOTES or body[-1] not in CLOSE_QUOTES + ".":
        return []
    if _quote_spans(text, prev_start, prev_end) or CUE_RE.search(text, prev_start, prev_end):
        return []  # the sentence before quotes or reports someone else
    subject = _subject_at_start(text, prev_start, prev_end)
    if len(subject) != 1 or subject[0].is_pronoun or not _is_person(_canonical(subject[0].name, names), names):
        return []
    o, c = quotes[0]
    return [_Found(_trim_direct(text, o, c), "direct", subject, None)]


def _transcript_line(text: str, start: int, end: int, names: list[str]) -> _Found | None:
    """'Hazel Purcell-Keane: Nobody can guarantee that.': a paragraph opening with a person's name and a colon
    is that person's words (live blogs, interviews); "Q:", "Update:" and the like are labels."""
    m = TRANSCRIPT_RE.match(text, start, end)
    if m is None or text[start:end].rstrip()[-1:] not in '.?!"”':
        return None
    words = m.group(1).split()
    if words[0] in NOT_NAMES or words[0] in LINE_LABELS or _is_organisation(words):
        return None
    if not _has_finite_verb(text[m.end() : end]):
        return None  # "Our Standards: The Trust Principles.": a label and a title, nobody speaking
    known = {w for full in names for w in full.split()}
    if len(words) == 1 and words[0] not in known:
        return None  # a single word names a person only when the article names them in full
    speaker = _strip_titles(text, m.start(1), m.end(1))
    if speaker is None or not re.search(rf"\b{re.escape(speaker.name.split()[-1])}\b", text[:start] + text[end:]):
        return None  # a person the article names elsewhere, not a headline's topic ("Coal Towns: Mayors Ask ...")
    if JOURNALIST_ROLE_RE.search(text, 0, start) and re.search(
        JOURNALIST_ROLE_RE.pattern + r"[^.]{0,40}?\b" + re.escape(speaker.name), text[:start]
    ):
        return None  # "Our correspondent, Dara Santos, ...": the journalist's own line; reports inside it are read
    claim_start = m.end()
    claim_end = end
    while claim_end > claim_start and text[claim_end - 1] in " .":
        claim_end -= 1
    if speaker is None or len(text[claim_start:claim_end].split()) < MIN_QUOTE_WORDS:
        return None
    if text[claim_start] in OPEN_QUOTES and text[claim_end - 1] in CLOSE_QUOTES:
        claim_start, claim_end = _trim_direct(text, claim_start, claim_end - 1)
    return _Found((claim_start, claim_end), "direct", [speaker], None)


def _dialogue_line(text: str, start: int, end: int) -> _Found | None:
    """'– Seventeen years is a long time – he told our newspaper.': a quotation set off by dialogue dashes, the
    way translated press writes direct speech, with its attribution after the second dash."""
    m = DIALOGUE_RE.match(text, start, end)
    if m is None:
        return None
    tail_start = m.end()
    cue = CUE_RE.search(text, tail_start, end)
    if cue is None or len(text[tail_start : cue.start()].split()) > MAX_SPEAKER_TAIL_WORDS:
        return None
    if cue.start() > tail_start:
        speakers = _speaker_before(text, tail_start, cue.start())
    else:
        speakers = _apposed_name(text, _np_after(text, cue.end(), end), _clause_end(text, tail_start, end))
    if not speakers:
        return None
    claim_start, claim_end = m.start(1), m.end(1)
    while claim_end > claim_start and text[claim_end - 1] in " ,.":
        claim_end -= 1
    return _Found((claim_start, claim_end), "direct", speakers, (cue.start(), cue.end()))


def _colon_intro(text: str, start: int, end: int) -> _Found | None:
    """'..., Ana Lobo said:' closing a paragraph: the speaker and cue of the quotation that follows."""
    cues = list(CUE_RE.finditer(text, start, end))
    if not cues or text[cues[-1].end() : end].strip(" ,") != ":":
        return None
    speakers = _speaker_before(text, start, cues[-1].start())
    return _Found((end, end), "direct", speakers, (cues[-1].start(), cues[-1].end())) if speakers else None


def _introduced_quote(text: str, start: int, end: int, intro: _Found) -> _Found | None:
    """The quotation opening a paragraph after 'X said:': a direct claim by X (closed, or running on)."""
    if text[start] not in OPEN_QUOTES:
        return None
    quotes = _quote_spans(text, start, end)
    if quotes and quotes[0][0] == start:
        claim = _trim_direct(text, *quotes[0])
    elif (span := _unclosed_quotation(text, start, end)) is not None and span[0] == start + 1:
        claim = span
    else:
        return None
    speakers = [_Mention(m.start, m.end, m.name, m.is_pronoun) for m in intro.speakers]
    return _Found(claim, "direct", speakers, intro.cue)


def _headline_like(text: str, start: int, end: int) -> bool:
    """A line without final punctuation (headlines, related links, labels); bullet points are body text."""
    line = text[start:end].strip()
    return bool(line) and line[-1] not in SENTENCE_END and not line.startswith(("- ", "• ", "* ", "– "))


def _unclosed_quotation(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The claim span of a quotation that opens in a paragraph and is not closed before its end."""
    spans = _quote_spans(text, start, end)
    after = spans[-1][1] + 1 if spans else start
    o = opening.start() if (opening := OPEN_QUOTE_RE.search(text, after, end)) else None
    if o is None or (o > start and not text[o - 1].isspace()):
        return None
    start = o
    e = end
    while e > start and text[e - 1] in " .,":
        e -= 1
    return (start + 1, e) if e - start > MIN_QUOTE_CHARS else None


def _quote_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(open, close) index pairs of double quotation marks in text[start:end]."""
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    for mark in QUOTE_MARK_RE.finditer(text, start, end):  # only the marks, not every character, in Python
        i, ch = mark.start(), mark.group()
        if open_at is None and ch in OPEN_QUOTES:
            open_at = i
        elif open_at is not None and (
            ch == "”"
            or (ch == '"' and text[open_at] == '"')
            or (ch == "“" and text[open_at] == "„")
            or (ch == "»" and text[open_at] == "«")
        ):
            spans.append((open_at, i))
            open_at = None
    return spans


def _inside(i: int, quotes: list[tuple[int, int]]) -> bool:
    return any(o < i < c for o, c in quotes)


def _sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Sentences of one paragraph (`annot.text.sentences`), except that a full stop inside a quotation does not
    end one (a multi-sentence quote is one claim), nor does a question or exclamation closing a quotation that a
    short attribution follows ('"What happens in January?" Ms. Dorsey asked.')."""
    quotes = _quote_spans(text, start, end)

    def joined(cut: int) -> bool:
        return _inside(cut - 1, quotes) or bool(
            re.search(r"[?!][\"”»]\s+$", text[max(start, cut - 4) : cut]) and ATTRIBUTION_START_RE.match(text, cut, end)
        )

    return sentences(text, start, end, joined)


# -- speakers ---------------------------------------------------------------------------


def _speaker_before(text: str, lo: int, hi: int) -> list[_Mention]:
    """The subject mention(s) that end right before position hi (a reporting verb)."""
    prefix = ACRONYM_RE.sub(lambda a: " " * len(a.group()), text[lo:hi])
    filler = SUBJECT_FILLER_RE.search(prefix)
    if filler:
        prefix = prefix[: filler.start()]
    prefix = prefix.rstrip()
    if closed := RELATIVE_CLOSED_RE.search(prefix):
        # "A diplomat involved in the talks, who asked not to be named, said": the subject before the relative
        return _speaker_before(text, lo, lo + closed.start())
    if familiar := INFORMED_SOURCE_RE.search(prefix):
        return [_informed(lo + familiar.start(1), familiar.group(1))]
    if number_ten := NUMBER_TEN_RE.search(prefix):
        return [_Mention(lo + number_ten.start(1), lo + number_ten.end(1), number_ten.group(1))]  # "No 10 said"
    if contact := CONTACT_RELATIVE_RE.search(prefix):
        prefix = prefix[: contact.start()]  # "Farmers I spoke to near the border say": the farmers
    if reduced := REDUCED_RELATIVE_RE.search(prefix):
        prefix = prefix[: reduced.start()]  # "A poll released Monday by Pollwise suggests": the poll speaks
    elif (issued := ISSUED_RE.search(prefix)) and (
        {prefix[: issued.start()].split()[-1].lower().removesuffix("s")} & (CITED_DOCUMENTS | _words("communique"))
        if prefix[: issued.start()].split()
        else False
    ):
        prefix = prefix[: issued.start()]  # "A joint statement issued after the talks said": the statement
    if (place := CITY_STATE_RE.search(prefix)) and not OPENING_ADVERBIAL_RE.match(prefix):
        # (not "Speaking in Kyiv, Zelenskyy said", "After talks in Nairobi, Ruto said": there the comma closes an
        # opening phrase before the subject)
        prefix = prefix[: place.start()]  # "A federal jury in Marshall, Texas, on Friday found": the jury
    if who := WHO_RELATIVE_RE.search(prefix):
        # "Patent litigators who follow the Eastern District said": "who" stands for people, whatever the noun.
        return _np_at_end(text, lo, lo + who.start(), any_head=True)
    if group := QUANTIFIED_GROUP_RE.search(prefix):
        return [_Mention(lo + group.start(1), lo + group.end(1), group.group(1))]  # "several of them told"
    if (placed := PLACED_PARTICIPLE_RE.search(prefix)) and (np := _np_at_end(text, lo, lo + placed.start())):
        return np  # "Residents gathered outside the centre said": the residents speak
    if address := ADDRESS_TAIL_RE.search(prefix):
        prefix = prefix[: address.start()]  # "Dean Hale, 34, of Mill Road, Leyland, told": the address goes
    relative = re.search(r",\s*(?:who|which)$", prefix)
    if relative:
        # "Xi Jinping, who reiterated ...": the relative pronoun's antecedent is the speaker.
        found = _np_at_end(text, lo, lo + relative.start())
        source = RELATIVE_SOURCE_RE.search(prefix, 0, relative.start())
        if len(found) == 1 and source and _singular(found[0].name.split()[0].lower()) not in AGENT_HEADS:
            # "drew a sharp rebuke from Beijing, which said ...": the rebuke says nothing, Beijing does
            return _np_at_end(text, lo + source.start(1), lo + source.end(1))
        return found
    if prefix.endswith(","):
        # "X, apposition, said": the apposition is the speaker only when it is itself a name.
        inner_start = prefix.rfind(", ", 0, len(prefix) - 1)
        if inner_start >= 0:
            appos_end = len(prefix) - 1
            if body := OF_BODY_TAIL_RE.search(prefix, inner_start + 1, appos_end):
                appos_end = body.start()  # "The mayor, Lena Ortiz of the Unity Party, says": the name before "of"
            appos = prefix[inner_start + 1 : appos_end].strip()
            if CHANNEL_APPOSITION_RE.match(appos):
                # "The Secretary-General, through his spokesman Omar Haddad, urged": the channel is no speaker
                return _speaker_before(text, lo, lo + inner_start)
            if called := CALLED_NAME_RE.search(prefix, inner_start + 1, appos_end):
                # "One of them, a man called Duc Pham, told me": the name the apposition gives
                mentions = _np_at_end(text, lo + called.start(1), lo + called.end(1))
                if len(mentions) == 1 and not mentions[0].is_pronoun:
                    return mentions
            check = NICKNAME_RE.sub("Nick", appos)  # 'retired miner Owen "Taff" Jones'
            if appos and (_is_name(check) or TITLED_NAME_RE.fullmatch(check)):
                # "An agency spokesperson, Marcus Lee, told": the name in the apposition, titles stripped
                # ("The head of the mission, former Uruguayan foreign minister Gustavo Ferrer, told").
                mentions = _np_at_end(text, lo + inner_start + 1, lo + appos_end)
                if len(mentions) == 1 and not mentions[0].is_pronoun and mentions[0].name[:1].isupper():
                    return mentions
            named_body = re.fullmatch(r"the\s+(.+)", appos)
            if named_body and _is_name(named_body.group(1)) and _is_organisation(named_body.group(1).split()):
                # "The union representing the workers, the Food and Allied Workers Union, said": the body's name
                at = (
                    lo
                    + inner_start
                    + 1
                    + (len(prefix[inner_start + 1 : appos_end]) - len(prefix[inner_start + 1 : appos_end].lstrip()))
                )
                return _organisation(text, at + named_body.start(1), at + named_body.end(1))
            prefix = prefix[:inner_start].rstrip()
        else:
            prefix = prefix[:-1].rstrip()
    found = _np_at_end(text, lo, lo + len(prefix))
    if not found and re.search(r",\s*\d+$", prefix):
        # "Edna Kowalczyk, 81, who has ..., said": the age stands between the name and the verb.
        found = _np_at_end(text, lo, lo + prefix.rfind(","))
    return found


def _informed(start: int, phrase: str) -> _Mention:
    """An informed source: "person familiar with the matter" keeps its adjective phrase; a participle is a
    reduced clause and stays out ("a diplomat involved in the talks" -> "diplomat")."""
    if participle := re.search(r"\s+(?:involved\s+in|briefed\s+on)\s", phrase):
        phrase = phrase[: participle.start()]
    return _Mention(start, start + len(phrase), phrase)


def _np_at_end(text: str, lo: int, hi: int, any_head: bool = False) -> list[_Mention]:
    """The noun phrase (pronoun, name, organisation or description) that ends at hi, as mentions."""
    tokens = [(m.start(), m.end()) for m in NP_TOKEN_RE.finditer(text, lo, hi)]
    if not tokens:
        return []
    last = text[tokens[-1][0] : tokens[-1][1]]
    if last.lower() in PRONOUNS:
        return [_Mention(*tokens[-1], last, is_pronoun=True)]
    k = len(tokens)
    while k > 0 and len(tokens) - k < MAX_NP_TOKENS:
        word = text[tokens[k - 1][0] : tokens[k - 1][1]]
        if not _np_word(word):
            if (
                word == "and"
                and text[slice(*tokens[-1])].lower() in SPOKES_HEADS
                and 1 < k < len(tokens)
                and text[tokens[k - 2][0]].isupper()
                and text[tokens[k][0]].isupper()
            ):
                k -= 1  # "a Ministry of Roads and Bridges spokeswoman": one body's name
                continue
            if (
                word == "&"
                and 1 < k < len(tokens)
                and text[tokens[k - 2][0]].isupper()
                and text[tokens[k][0]].isupper()
            ):
                k -= 1  # "Harlow & Sons said": the ampersand joins one name
                continue
            if word.lower() in NP_LINKS and k < len(tokens) and k > 1 and _np_word(text[slice(*tokens[k - 2])]):
                k -= 1
                continue
            if word == "to" and 1 < k < len(tokens) and _singular(text[slice(*tokens[k - 2])]) in DOCUMENT_HEADS:
                k -= 1  # "A report to councillors warns": the report, addressed to them
                continue
            if (
                word.lower() in ("the", "a", "an")
                and k > 2
                and text[slice(*tokens[k - 2])].lower() in NP_LINKS
                and _np_word(text[slice(*tokens[k - 3])])
            ):
                k -= 2  # "Lawyers for the city"
                continue
            break
        k -= 1
    np = tokens[k:]
    while np and text[slice(*np[0])].lower() in NP_LINKS:
        np = np[1:]
    when = 0
    while when < len(np) - 1 and text[slice(*np[when])].lower() in TIME_LEAD_WORDS:
        when += 1
    if when and any(text[slice(*t)].lower() in TIME_NOUNS for t in np[:when]):
        np = np[when:]  # "For years American officials argued", "In recent weeks diplomats have warned": when, not who
    determined = k > 0 and text[slice(*tokens[k - 1])].lower() in DETERMINERS
    quantified = len(np) == 2 and text[slice(*np[0])].lower() in NUMBER_WORDS  # "Both men said", "most residents"
    mentions = _classify_np(text, np, determined or quantified or any_head)
    if k >= 2 and text[slice(*tokens[k - 1])].lower() in POSSESSIVES and text[slice(*tokens[k - 2])] == "and":
        k -= 1  # "Kyiv and its Western allies say"
    if (
        len(mentions) == 1
        and not mentions[0].is_pronoun
        and k >= 3
        and text[slice(*tokens[k - 1])].lower() == "the"
        and text[slice(*tokens[k - 2])] == "and"
        and _singular(mentions[0].name.split()[-1]) in AGENT_HEADS
    ):
        # "the company and the union said": two bodies, each with its article, speak jointly.
        first = _np_at_end(text, lo, tokens[k - 2][0])
        if (
            len(first) == 1
            and not first[0].is_pronoun
            and _singular(first[0].name.split()[-1]) in AGENT_HEADS
            and re.search(r"\b[Tt]he\s+$", text[max(lo, first[0].start - 4) : first[0].start])
        ):
            return [first[0], mentions[0]]
    if len(mentions) == 1 and not mentions[0].is_pronoun and k >= 2 and text[slice(*tokens[k - 1])] == "and":
        # A joint subject: "Biden and Vice President Kamala Harris said".
        first = _np_at_end(text, lo, tokens[k - 1][0])
        if len(first) == 1 and first[0].name[:1].isupper() and not first[0].is_pronoun:
            if first[0].end < tokens[k - 2][0]:
                # "Elena Marin of the Progress and Freedom Party said": the "and" is inside the modifier.
                return first
            if _one_body(text, first[0], mentions[0]):
                # "The Federal Mediation and Conciliation Service said": one organisation, with what precedes
                # its first word ("The U.S. Food and Drug Administration", "The Bakers, Food and Allied ...").
                start = first[0].start
                if lead := ORG_LEAD_RE.search(text, lo, start):
                    start = lead.start(1)
                return [_Mention(start, mentions[0].end, text[start : mentions[0].end])]
            mentions.insert(0, first[0])
    return mentions


def _one_body(text: str, first: _Mention, second: _Mention) -> bool:
    """Whether "X and Y" is one organisation's name: "the Health and Safety Executive", not "Kyiv and its allies"."""
    second_words = text[second.start : second.end].split()
    start = first.start
    if lead := ORG_LEAD_RE.search(text, max(0, start - 60), start):
        start = lead.start(1)
    determined = re.search(r"\b(?:the|a|an)\s+$", text[max(0, start - 5) : start], re.IGNORECASE)
    org = second_words[-1] in ORG_WORDS or _is_organisation(text[first.start : first.end].split())
    return bool(determined and org and not _targets_in(text[first.start : first.end]))


def _np_after(text: str, pos: int, hi: int, any_head: bool = False) -> list[_Mention]:
    """The noun phrase right after an inverted reporting verb: 'said the spokeswoman', 'said Ms Okafor, ...'."""
    tokens = [(m.start(), m.end()) for m in NP_TOKEN_RE.finditer(text, pos, hi)]
    i = 0
    if tokens and text[slice(*tokens[0])].lower() in PRONOUNS:
        return [_Mention(*tokens[0], text[slice(*tokens[0])], is_pronoun=True)]
    if tokens and text[slice(*tokens[0])].lower() in DETERMINERS:
        i = 1
    skipped = i
    if (
        i
        and text[slice(*tokens[0])].lower() in COUNTED
        and len(tokens) > 1
        and (
            text[slice(*tokens[1])].islower()
            or (len(tokens) > 2 and text[slice(*tokens[2])].islower() and text[slice(*tokens[2])] not in NP_LINKS)
        )
    ):
        # "according to two diplomats", "two Western diplomats": a number is part of the phrase, only an
        # article is left out (a capitalised adjective may stand between number and noun)
        i = 0
    np: list[tuple[int, int]] = []
    while i < len(tokens) and len(np) < MAX_NP_TOKENS:
        word = text[slice(*tokens[i])]
        place = word.lower() in ("in", "at") and _names_a_place(text, tokens, i + 1)
        if (word.lower() in NP_FORWARD_LINKS or place) and np and i + 1 < len(tokens):
            np.append(tokens[i])
            i += 1
            if text[slice(*tokens[i])].lower() in ("the", "a", "an"):
                np.append(tokens[i])
                i += 1
            continue
        if not _np_word(word) or (np and word[:1].isupper() != text[np[-1][0]].isupper() and word.lower() in NP_LINKS):
            break
        if (
            np
            and word.islower()
            and word.endswith("ed")
            and text[slice(*np[-1])].islower()
            and text[slice(*np[-1])] not in ("the", "a", "an")
        ):
            break  # "a staff report prepared for the meeting": the participle starts a modifier (not "of the armed")
        np.append(tokens[i])
        i += 1
    while np and not _np_word(text[slice(*np[-1])]):
        np.pop()
    if len(np) == 1 and text[slice(*np[0])].lower() in PRONOUNS:
        return [_Mention(*np[0], text[slice(*np[0])], is_pronoun=True)]
    return _classify_np(text, np, determined=any_head or (skipped > 0 and len(np) <= MAX_DESCRIPTION_WORDS))


def _names_a_place(text: str, tokens: list[tuple[int, int]], i: int) -> bool:
    """Whether tokens[i:] open with a capitalised name, after an optional "the": "in the Kremlin", "in Geneva"."""
    if i < len(tokens) and text[slice(*tokens[i])] == "the":
        i += 1
    return i < len(tokens) and text[tokens[i][0]].isupper() and text[slice(*tokens[i])] not in NOT_NAMES


def _np_word(word: str) -> bool:
    """Whether a token can stand inside a speaker's noun phrase."""
    lower = word.lower()
    if NICKNAME_RE.fullmatch(word) or (len(word) > 1 and word.isupper() and word.isalpha()):
        return True  # a nickname inside a name; an acronym ("The WHO has recommended")
    if lower in NP_STOP or lower in NP_LINKS or not (word[0].isalnum()):
        return False
    if word[0].isupper() or word[0].isdigit() or lower in NUMBER_WORDS or _singular(word) in AGENT_HEADS:
        return True
    return not lower.endswith("ly") and lower not in LEXICON


def _is_link(words: list[str], i: int) -> bool:
    """A preposition that starts a modifier ("Diplomats in Geneva"), not one inside a name ("Bank of Chile")."""
    w = words[i]
    if w not in NP_LINKS:
        return False
    j = i + 2 if i + 2 < len(words) and words[i + 1] == "the" else i + 1  # "Speaker of the House Mike Johnson"
    if w in ("of", "for") and j < len(words) and words[j][:1].isupper() and words[i - 1][:1].isupper():
        # Inside a name ("Bank of Chile", "Minister of Health"), unless a name comes first ("Lena Ruiz of Acme").
        # "Team manager Aoife Brennan of the ...": an organisation word followed by a lowercase word is no body's.
        before = words[:i]
        org = any(x in ORG_WORDS and all(y[:1].isupper() or y in NP_LINKS for y in before[k + 1 :])
                  for k, x in enumerate(before))  # fmt: skip
        return not org and not all(x in TITLE_WORDS for x in before)
    return True


def _particle_run_follows_name(words: list[str], i: int) -> bool:
    """Whether words[i] starts a run of name particles back to a capitalised given name ("Greta van der")."""
    while i > 0 and words[i] in NAME_PARTICLES:
        i -= 1
    if words[i] in NAME_PARTICLES:
        return True  # "van den Broek said": a family name opening with its particles
    return words[i][:1].isupper() and words[i] not in TITLE_WORDS


def _is_organisation(words: list[str]) -> bool:
    """A capitalised run that names a body: an organisation word last, or followed only by its "of ..." part."""
    for j, w in enumerate(words):
        if w in ORG_WORDS and (j == len(words) - 1 or words[j + 1] in ("of", "for", "and", "&")):
            return True
    return False


def _singular(word: str) -> str:
    w = word.lower().removesuffix("’s").removesuffix("'s")
    if w in AGENT_HEADS:
        return w
    for suffix, repl in (("ies", "y"), ("people", "person"), ("es", ""), ("s", "")):
        if w.endswith(suffix) and (w[: -len(suffix)] + repl) in AGENT_HEADS:
            return w[: -len(suffix)] + repl
    return w


def _classify_np(text: str, np: list[tuple[int, int]], determined: bool = False) -> list[_Mention]:
    """A speaker mention from a noun phrase's tokens: a name (titles stripped), an organisation, a description.

    A lowercase head must be a known speaker noun ("spokesperson", "report"), or any noun when the phrase
    opens with a determiner ("a paramedic said").
    """
    if not np:
        return []
    words = [text[a:b] for a, b in np]
    link = next((i for i, w in enumerate(words) if i > 0 and _is_link(words, i)), len(words))
    core = words[:link]
    head = core[-1]
    plain_noun = (
        determined and head.replace("-", "").isalnum() and head.islower() and not head.endswith(("ing", "ly", "ed"))
    )
    if (_singular(head) in AGENT_HEADS or plain_noun) and not (
        head[:1].isupper() and len(core) > 1 and head in ORG_WORDS
    ):
        if _singular(head) in SPOKES_HEADS and len(core) > 1 and _is_organisation(core[:-1]):
            # "a Department of Health and Social Care spokesperson said": the department speaks.
            return [_Mention(np[0][0], np[len(core) - 2][1], text[np[0][0] : np[len(core) - 2][1]])]
        if _singular(head) in SPOKES_HEADS and link < len(words) - 1 and words[link] in ("for", "of", "at"):
            # "A spokesperson for the Department for Transport said": the body it names speaks (an unnamed one,
            # "a spokesperson for the ministry", leaves the description, as "a council spokesperson" does).
            body = _spokesperson_body(text, np[link + 1 :])
            if body:
                return body
        if _singular(head) in CARRIER_HEADS and link < len(words) and words[link].lower() == "from":
            # "a statement from the Russian foreign ministry" -> "Russian foreign ministry".
            rest = np[link + 1 :]
            while rest and text[slice(*rest[0])].lower() in ("the", "a", "an"):
                rest = rest[1:]
            return _classify_np(text, rest)
        start, end = np[0][0], np[-1][1]
        if all(w[:1].isupper() or w.lower() in NP_LINKS or NICKNAME_RE.fullmatch(w) for w in words) and not (
            head.islower()
        ):
            if _is_organisation(core):
                # "the American Society of Infusion Nurses", "the League of Women Voters of Merrow County"
                return _organisation(text, np[0][0], np[len(core) - 1][1])
            return [m for m in [_strip_titles(text, start, end)] if m]
        if len(np) > 2 and words[0].rstrip(".") in HONORIFICS and words[1][:1].isupper():
            start = np[1][0]  # "Ms Kemp's motion" -> "Kemp's motion"
        return [_Mention(start, end, text[start:end])]
    if not (head[:1].isupper() or PARTICLE_NAME_RE.match(head)):
        return []
    whole = np
    np, words = np[:link], words[:link]
    # A capitalised run: the name is its trailing capitalised words (with "of"/"for" inside an organisation).
    first = len(np) - 1
    while first > 0:
        w = words[first - 1]
        if (
            w[:1].isupper()
            or NICKNAME_RE.fullmatch(w)
            or (w.lower() in ("of", "for") and first > 1 and words[first - 2][:1].isupper())
            or (w == "&" and first > 1 and words[first - 2][:1].isupper())
        ):
            first -= 1
        elif w == "the" and first > 2 and words[first - 2] in ("of", "for") and words[first - 3][:1].isupper():
            first -= 1  # "Speaker of the House Mike Johnson"
        elif w in NAME_PARTICLES and _particle_run_follows_name(words, first - 1):
            first -= 1  # "Ursula von der Leyen", "Luiz Inácio Lula da Silva"
        else:
            break
    if _is_organisation(words[first:]):
        last = np[-1][1]
        if (
            words[-1] in GOVERNMENT_ORG_WORDS
            and len(whole) > len(np) + 1
            and text[slice(*whole[len(np)])] in ("in", "at")
            and all(text[a].isupper() for a, _ in whole[len(np) + 1 :])
        ):
            last = whole[-1][1]  # "the French Embassy in Nairobi": the mission keeps its place
        return _organisation(text, np[first][0], last)
    owner = max((j for j in range(first, len(words) - 1) if words[j].endswith(("'s", "’s"))), default=None)
    if owner is not None and not all(_is_title(w) for w in words[owner + 1 :]):
        first = owner + 1  # "The ECB's Lagarde said": the person, without the body that owns the name
    mention = _strip_titles(text, np[first][0], np[-1][1])
    return [mention] if mention else []


def _spokesperson_body(text: str, rest: list[tuple[int, int]]) -> list[_Mention]:
    """The body named after "a spokesperson for": "the Department for Transport", "Acme Corp."."""
    while rest and text[slice(*rest[0])].lower() in ("the", "a", "an"):
        rest = rest[1:]
    words = [text[a:b] for a, b in rest]
    cut = next((i for i, w in enumerate(words) if i > 0 and _is_link(words, i)), len(words))
    rest, words = rest[:cut], words[:cut]
    if not rest:
        return []
    if any(_is_title(w) for w in words) and not _is_organisation(words):
        return []  # "a spokesperson for Prime Minister Keir Starmer": a titled person, no body
    if words[0][:1].isupper() and all(w[:1].isupper() or w in ("of", "for", "and", "the") for w in words):
        return _organisation(text, rest[0][0], rest[-1][1])
    return []


def _organisation(text: str, start: int, end: int) -> list[_Mention]:
    """An organisation's name without a leading article: "The Gulf Council" -> "Gulf Council"."""
    name = text[start:end]
    while name.split()[0] in ("The", "A", "An") and len(name.split()) > 1:
        start += len(name.split()[0]) + 1
        name = text[start:end]
    return [_Mention(start, end, name)]


def _is_title(word: str) -> bool:
    """A title word, also hyphenated: "Vice-President", "Director-General", "President-elect"."""
    if word in TITLE_WORDS:
        return True
    parts = word.split("-")
    return len(parts) > 1 and all(p in TITLE_WORDS or p.lower() in TITLE_SUFFIXES for p in parts)


def _strip_titles(text: str, start: int, end: int) -> _Mention | None:
    tokens = list(re.finditer(r"\S+", text[start:end]))
    # The name follows the last title word: "United States Secretary of State Antony Blinken".
    titled = [i for i, t in enumerate(tokens) if _is_title(t.group()) or t.group() == "of"]
    if len(titled) == len(tokens) > 1 and tokens[0].group() not in ("The", "A", "An"):
        return _Mention(start, end, text[start:end])  # "Minister of Health": a title only, no name
    keep = tokens[titled[-1] + 1 :] if titled and titled[-1] < len(tokens) - 1 else tokens
    if titled and tokens[titled[-1]].group() == "of" and keep[0].group() == "the" and len(keep) >= 4:
        keep = keep[1:]  # "Speaker of the House Mike Johnson"
    if titled and tokens[titled[-1]].group() == "of" and len(keep) >= 3:
        keep = keep[1:]  # "Foreign Minister of Ukraine Dmytro Sahaidak": the place after "of" is the title's
    while len(keep) > 1 and (_is_title(keep[0].group()) or keep[0].group() == "of"):
        keep.pop(0)
    while len(keep) > 1 and keep[-1].group() in POST_NOMINALS:
        keep.pop()
    if len(keep) >= 3 and keep[0].group().lower() in OCCUPATION_WORDS and keep[1].group()[:1].isupper():
        keep.pop(0)  # "Farmer Gwen Tully": the occupation, capitalised at the sentence's start, is no name
    if keep[0].group() == "the":
        return _Mention(start, end, text[start:end])  # "Minister of the Interior": a title only, no name
    first, last = keep[0], keep[-1]
    s, e = start + first.start(), start + last.end()
    name = text[s:e]
    if name in NOT_NAMES or name.lower() in PRONOUNS:
        return None
    return _Mention(s, e, name)


def _last_person_before(text: str, pos: int, names: list[str]) -> str | None:
    """The person named last before pos, for a pronoun that no earlier speaker explains."""
    best, best_at = None, -1
    for full in names:
        if not _is_person(full, names):
            continue
        at = text.rfind(full, 0, pos)
        if at > best_at:
            best, best_at = full, at
    return best


def _role_holder(text: str, mention: _Mention, names: list[str]) -> str | None:
    """The canonical name of the person last named, before the mention, with the office it describes."""
    words = mention.name.lower().split()
    if not words or words[-1] not in ROLE_TITLES:
        return None
    titles = ROLE_TITLES[words[-1]]
    wanted = [n for w in words[:-1] for n in NATIONALITIES.get(w, ())]
    best: tuple[int, int, str] | None = None  # (nationality matches, position, name)
    for full in names:
        at = text.rfind(full, 0, mention.start)
        if at < 0 or not _is_person(full, names):
            continue
        # The title may stand at any earlier mention ("US Secretary of State Antony Blinken ... Antony Blinken").
        contexts = [_title_before(text, o.start()) for o in re.finditer(re.escape(full), text[: mention.start])]
        context = " ".join(c for c in contexts if any(t in c for t in titles))
        if not context:
            continue
        key = (int(any(n in context for n in wanted)), at, full)
        if best is None or key[:2] > best[:2]:
            best = key
    return best[2] if best else None


def _title_before(text: str, pos: int) -> str:
    """The title words right before a name: "China's top diplomat" in "... with China's top diplomat Wang Yi"."""
    words = text[max(0, pos - ROLE_CONTEXT_CHARS) : pos].split()
    kept: list[str] = []
    for w in reversed(words):
        if not (w[:1].isupper() or w in TITLE_LINK_WORDS or w in ROLE_WORDS) or w.endswith((",", ".")):
            break
        kept.insert(0, w)
    return " ".join(kept)


def _is_person(name: str, names: list[str]) -> bool:
    words = name.split()
    if name in names:
        return not any(w in PLACE_WORDS for w in words)
    return words[-1].lower() in PERSON_HEADS


def _is_name(phrase: str) -> bool:
    tokens = phrase.split()
    if PARTY_STATE_RE.match(phrase):
        return False  # "Dolores Whitt, R-Harlan, said": a party and district, not a name
    inner_ok = all(
        t[:1].isupper()
        or NICKNAME_RE.fullmatch(t)
        or (0 < i < len(tokens) - 1 and t in ("of", "for", "and"))
        or (i < len(tokens) - 1 and t in NAME_PARTICLES)
        for i, t in enumerate(tokens)
    )
    return 1 <= len(tokens) <= MAX_NAME_TOKENS and inner_ok and tokens[0] not in NOT_NAMES


def _full_names(text: str) -> list[str]:
    """Multi-word names in the article, titles stripped, in order of first appearance."""
    seen: dict[str, None] = {}
    particles = "|".join(sorted(NAME_PARTICLES))
    text = NICKNAME_IN_NAME_RE.sub("", text)
    for m in re.finditer(rf"{NAME_TOKEN}(?: +(?:(?:{particles}) +)*{NAME_TOKEN})+", text):
        tokens = [t.rstrip(".,’'") for t in m.group().split()]
        tokens = [t.removesuffix("’s").removesuffix("'s") for t in tokens]
        while tokens and tokens[-1] in POST_NOMINALS:
            tokens.pop()
        while tokens and (tokens[0] in TITLE_WORDS or tokens[0] in NOT_NAMES):
            tokens.pop(0)
        last_title = max((i for i, t in enumerate(tokens) if t in TITLE_WORDS), default=-1)
        if 0 <= last_title < len(tokens) - 2:
            tokens = tokens[last_title + 1 :]  # "Italian Prime Minister Giorgia Ferri": the name after the title
        if len(tokens) == 3 and any(p.fullmatch(tokens[0]) for p in TARGET_PATTERNS.values()):
            tokens = tokens[1:]  # "Minister of Foreign Affairs of Ukraine Dmytro Sahaidak": the country is no name
        while tokens and tokens[0].lower() in OCCUPATION_WORDS and len(tokens) >= 3:
            tokens.pop(0)
        capitalised = [t for t in tokens if t not in NAME_PARTICLES]
        if 2 <= len(capitalised) <= 3 and not any(t in TITLE_WORDS or t in NOT_NAMES or t == "I" for t in tokens):
            seen.setdefault(" ".join(tokens), None)
    return list(seen)


def _government(name: str) -> str | None:
    """The country a government body or capital stands for ("Russia's foreign ministry", "Beijing" -> the country:
    the guidelines name governments by their country), for the schema's four countries; None for anything else."""
    words = name.split()
    if not words:
        return None
    found = [(m.start(), country) for country, pattern in TARGET_PATTERNS.items() if (m := pattern.search(name))]
    if not found:
        return None
    country = min(found)[1]
    head = _singular(re.split(r"\s+(?:in|at|to|of)\s+", name)[0].split()[-1].lower())  # "embassy in Washington"
    whole = re.fullmatch(
        r"(?:the\s+)?(?:China|Beijing|Russia|Moscow|Kremlin|United States|U\.S\.|US|USA|America|Washington|"
        r"White House|Ukraine|Kyiv|Kiev)",
        name,
    )
    body = head in GOVERNMENT_HEADS or name.endswith(("State Department", "White House", "Kremlin", "Pentagon"))
    return country if whole or (body and not words[0][:1].islower()) else None


def _canonical(mention: str, names: list[str]) -> str:
    """The fullest name in the article that this mention is part of ("Blinken" -> "Antony Blinken")."""
    mention = NICKNAME_IN_NAME_RE.sub("", mention)
    tokens = mention.split()
    if len(tokens) > 1:
        return next((full for full in names if mention in full), mention)
    # Family name last ("Antony Blinken") is tried before family name first ("Wang Yi").
    by_last = [full for full in names if full.split()[-1] == mention]
    by_first = [full for full in names if full.split()[0] == mention]
    return (by_last or by_first or [mention])[0]


# -- claims ---------------------------------------------------------------------------


def _trim_direct(text: str, o: int, c: int) -> tuple[int, int]:
    s, e = o + 1, c
    while e > s and text[e - 1] in ",. ":
        e -= 1
    while s < e and text[s] == " ":
        s += 1
    return s, e


def _direct(text: str, s_start: int, s_end: int) -> list[_Found]:
    """Quotations attributed in the same sentence: '"Q," X said', 'X said: "Q"', '"Q," X said, "Q2."'."""
    quotes = _quote_spans(text, s_start, s_end)
    found: list[_Found] = []
    for o, c in quotes:
        inner = text[o + 1 : c]
        opens_sentence = not text[s_start:o].strip()
        if len(inner.split()) < (MIN_OPENING_QUOTE_WORDS if opens_sentence else MIN_QUOTE_WORDS):
            continue  # a shorter quotation inside a sentence is a fragment of a reported clause
        speakers: list[_Mention] = []
        cue: tuple[int, int] | None = None
        after = text[c + 1 : s_end]
        before = text[s_start:o]
        quote_ends_clause = (
            inner.rstrip()[-1:] in ",.?!…"
            or re.match(r"(?:\s*\w+){0,2}\s*,", after) is not None
            or re.match(r"\s*[–—]\s", after) is not None  # '„Q” – the minister said' (translated press)
            or re.match(r"\s+(?:he|she|they)\s+(?:said|says|told|added|asked)\b", after) is not None  # '"Q" she said'
        )
        at_sentence_start = not before.strip()
        if quote_ends_clause and (at_sentence_start or before.rstrip().endswith(",")):
            speakers, cue = _attribution_after(text, c + 1, s_end)
        if not speakers and re.search(r"(?:[:,]|\s[–—])\s*$", before):
            # 'X said: "Q"', '"Q1," X said, "Q2"', '"Q1," X said — "Q2"' (a dash before the second part)
            cues = list(CUE_RE.finditer(text, s_start, o))
            m = cues[-1] if cues else None
            if m is not None and not text[m.end() : o].strip(" ,:–—").count(" ") > 3:
                speakers = _speaker_before(text, s_start, m.start())
                cue = (m.start(), m.end())
        if speakers:
            found.append(_Found(_trim_direct(text, o, c), "direct", speakers, cue))
    return found


def _attribution_after(text: str, pos: int, s_end: int) -> tuple[list[_Mention], tuple[int, int] | None]:
    """'," Blinken told a news conference' or '," said the official' right after a closing quote."""
    tail = text[pos:s_end]
    lead = len(tail) - len(tail.lstrip(" ,–—"))
    m = CUE_RE.search(tail)
    if not m or len(tail[lead : m.start()].split(", ")[0].split()) > MAX_SPEAKER_TAIL_WORDS:
        return [], None
    cue = (pos + m.start(), pos + m.end())
    speakers = _speaker_before(text, pos + lead, pos + m.start()) if m.start() > lead else []
    if not speakers and m.start() == lead:
        # '," said the spokeswoman': the subject follows the verb.
        source = cue[1]
        if m.group(1).lower() == "according to" and (carrier := CARRIER_FROM_RE.match(text, source, s_end)):
            source = carrier.end()  # '," according to a statement from the company': the company
        if part := PART_OF_GROUP_RE.match(text, source, _clause_end(text, pos, s_end)):
            return [_Mention(part.start(1), part.end(1), part.group(1))], cue  # '," said one of them.'
        speakers = _apposed_name(text, _np_after(text, source, s_end), _clause_end(text, pos, s_end))
    return speakers, cue


def _reported(text: str, s_start: int, s_end: int, taken: list[_Found]) -> list[_Found]:
    """Reported speech: 'X said (that) CLAUSE', 'CLAUSE, X said.', 'according to X, CLAUSE'.

    Every cue of the sentence outside a quotation and outside a claim already found may
    introduce one claim; `taken` holds the sentence's direct quotations.
    """
    quotes = _quote_spans(text, s_start, s_end)
    end = _clause_end(text, s_start, s_end)
    used_cues = {f.cue for f in taken}
    found: list[_Found] = []
    praised: list[_Mention] = []  # the subject of "welcomed the decision" (no claim), for a verb coordinated after
    words_of = WORDS_OF_RE.match(text, s_start, end)
    if (opinion := OPINION_RE.match(text, s_start, end) or words_of) and not taken:
        # "In her opinion, CLAIM": the possessive names the speaker; "In the words of the governor, CLAIM".
        if words_of:
            group = next(g for g in (1, 2, 3) if words_of.group(g))
            owners = _np_after(text, words_of.start(group), words_of.end(group), any_head=True)
        else:
            owners = [_Mention(opinion.start(1), opinion.end(1), opinion.group(1), is_pronoun=True)]
        claim_start = opinion.end()
        claim_end = _clause_boundary(text, claim_start, end, quotes)
        whole = _quote_spans(text, claim_start, claim_end)
        if (
            owners
            and len(whole) == 1
            and whole[0][0] == claim_start
            and not text[whole[0][1] + 1 : claim_end].strip(" .")
        ):
            found.append(_Found(_trim_direct(text, *whole[0]), "direct", owners, None))  # 'As X put it: "..."'
        elif owners:
            found.append(_Found((claim_start, claim_end), _kind(text, claim_start, claim_end), owners, None))
    final = None if taken else FINAL_ATTRIBUTION_RE.search(text, s_start, end)
    for m in CUE_RE.finditer(text, s_start, s_end):
        cue = (m.start(), m.end())
        if _inside(m.start(), quotes) or cue in used_cues:
            continue
        if final and m.end() <= final.start() and LEXICON.get(m.group(1), ("", ""))[1] == "object":
            continue  # "Brazil welcomes investors, she said.": what she said, not Brazil's praise
        if any(f.claim[0] <= m.start() < f.claim[1] for f in found):
            continue
        verb = m.group(1)
        if verb in NOUNISH_FORMS and not text.startswith(" that ", m.end()):
            continue
        if LEXICON.get(verb, ("", ""))[0] in LABEL_VERBS and re.match(r"\s+(?:with|between|from)\b", text[m.end() :]):
            continue  # "In a phone call with his counterpart": a noun, not "called X "Y"
        if (
            (noun := NOUN_BEFORE_RE.search(text, last_word_start(text, s_start, m.start()), m.start()))
            and not NUMBER_TEN_RE.search(text[s_start : m.start()].rstrip())
            and not (
                noun.group().split()[0].lower() in NUMBER_WORDS and LEXICON.get(verb, ("", ""))[0] in ("say", "tell")
            )
            and not (
                verb in PARTICIPLE_CUES and noun.group().split()[0].lower() in ("is", "are", "was", "were", "been")
            )
        ):
            continue  # "the report", "a statement", "the state": a noun, not a verb (but "All three say")
        if verb.lower() == "according to":
            if not (taken or found):  # "X said Y, according to a notice": the notice only carried it
                found.extend(_according_to(text, s_start, end, m.end(), cue))
            continue
        earlier = taken + found
        before = text[s_start : m.start()]
        if (
            verb not in PARTICIPLE_CUES
            and not earlier
            and INVERTED_RE.search(before)
            and not RELATIVE_CLOSED_RE.search(before)  # "Tenant Lorraine Beckett, 67, who has lived ..., said the"
            and len(before) > 20
            and _has_finite_verb(before)
        ):
            # "CLAIM, said the spokeswoman." / "CLAIM, said Ms Okafor, the union's president."
            speakers = _inverted_subject(text, m.end(), end) if LEXICON.get(verb, ("", ""))[1] == "clause" else []
            if speakers:
                claim_end = s_start + len(before.rstrip().rstrip('"”').rstrip(","))
                claim_start = s_start + len(before) - len(before.lstrip())
                found.append(_Found((claim_start, claim_end), _kind(text, claim_start, claim_end), speakers, cue))
                continue
        citing = CITING_RE.match(text, m.end(), end)
        if citing:
            # "Newsline reported, citing a source in the ministry, that ...": the cited source speaks.
            speakers = _np_after(text, citing.end(1), citing.end(2))
            cited = text[citing.start(2) : citing.end(2)].split()
            if cited and cited[-1].lower().removesuffix("s") in DOCUMENT_HEADS:
                speakers = _speaker_before(text, s_start, m.start())  # "citing internal emails": the paper speaks
            if speakers:
                clause = CLAUSE_LEAD_RE.match(text[citing.end() : end])
                claim_start = citing.end() + (clause.end() if clause else 0)
                claim_end = _clause_boundary(text, claim_start, _before_postposed(text, claim_start, end), quotes)
                found.append(_Found((claim_start, claim_end), _kind(text, claim_start, claim_end), speakers, cue))
                continue
        progressive = (
            PROGRESSIVE_RE.search(text, s_start, m.start())
            if verb in PARTICIPLE_CUES and (verb in ADDRESSEE_CUES or text.startswith(" that ", m.end()))
            else None
        )  # "officials are urging residents to ...", "she is insisting that ...", not "is arguing with a bot"
        if progressive:
            # "Health officials are urging residents to ...": a participle after "is/are/was/were" is finite.
            speakers = _speaker_before(text, s_start, progressive.start())
        else:
            speakers = [] if verb in PARTICIPLE_CUES else _speaker_before(text, s_start, m.start())
        if speakers and (cited_before := CITED_BEFORE_RE.search(text, s_start, m.start())):
            # "The agency, citing a source in the ministry, reported that ...": the source speaks; "The paper,
            # citing internal emails, reported": a document, the paper speaks.
            speakers = _cited_source(text, cited_before.start(1), cited_before.end(1)) or _speaker_before(
                text, s_start, cited_before.start()
            )
        if not speakers and earlier and COORDINATED_RE.search(text, s_start, m.start()):
            # "..., adding that ...", "... and made clear that ...": the same subject speaks again.
            speakers = [_Mention(x.start, x.end, x.name, x.is_pronoun) for x in earlier[-1].speakers]
        elif not speakers and praised and re.search(r"\b(?:and|but)\s+(?:also\s+)?$", before):
            # "She welcomed the ruling but warned that ...": the subject of the praise that carried no claim.
            speakers = [_Mention(x.start, x.end, x.name, x.is_pronoun) for x in praised]
        elif (
            not speakers
            and not earlier
            and LEXICON.get(verb, ("", ""))[1] in ("clause", "addressee")
            and ("," not in before or re.search(r",\s+(?:and|but)\s+$", before))
            and re.search(r"\s(?:and|but)\s+$", before)
        ):
            # "The trust has apologised and said it would ...": the subject of the first verb speaks (also
            # after a longer first clause: "The firm cut its forecast after sales fell, and told investors ...").
            speakers = _subject_at_start(text, s_start, m.start())
        if not speakers and verb in PARTICIPLE_CUES and (quoted_as := QUOTED_AS_RE.search(text, s_start, m.start())):
            # "Xi was quoted by state media as saying ...": the one quoted speaks, the media only carried it.
            speakers = _speaker_before(text, s_start, quoted_as.start())
        if not speakers and verb in PARTICIPLE_CUES and (quoted_np := QUOTED_NP_AS_RE.search(text, s_start, m.start())):
            # "TASS quoted Deputy Foreign Minister Sergei Ryabkov as saying ...": the object speaks, not TASS.
            speakers = _np_after(text, quoted_np.start(1), quoted_np.end(1))
            if pronoun := re.fullmatch(r"(him|her|them)\s+", quoted_np.group(1)):
                # "State media quoted him as saying ...": the person last named, as in "according to him".
                at = quoted_np.start(1)
                speakers = [_Mention(at, at + pronoun.end(1), pronoun.group(1), is_pronoun=True)]
        if not speakers and verb in PARTICIPLE_CUES and re.search(r",[\"”]?\s*$", before):
            # "The firm cut its outlook, blaming new duties ...": the sentence's subject speaks.
            speakers = _subject_at_start(text, s_start, m.start())
        if not speakers:
            continue
        if NEGATIVE_SUBJECT_RE.search(text, s_start, speakers[0].start) or re.match(
            r"(?:Neither|No(?!\.?\s+\d)|None)\s", text[speakers[0].start : speakers[0].end]
        ):
            continue  # "Neither campaign has said who ...": nothing was said
        if OWN_REPORTER_RE.search(text, s_start, speakers[0].start):
            continue  # "Our Seoul correspondent Ji-won Lee says ...": the outlet's own reporting, not a source
        lead_text = text[s_start : speakers[0].start]
        head = POSTPOSED_HEAD_RE.search(lead_text)  # "CLAIM, owner Walt Pell said", "CLAIM," their union said
        tail = text[m.end() : end]
        tail = tail[: m2.start()] if (m2 := re.search(r",\s", tail)) else tail
        if (
            not earlier
            and head is not None
            and head.start() > MIN_POSTPOSED_CLAIM_CHARS
            and _has_finite_verb(lead_text[: head.start()])  # "The head of the mission, ..., told": no clause
            and (
                len(tail.split()) <= MAX_SPEAKER_TAIL_WORDS
                or (tail.split()[0].lower() in ADVERBIAL_STARTS and len(tail.split()) <= 2 * MAX_SPEAKER_TAIL_WORDS)
            )  # "..., X said on Tuesday after meeting her counterpart in Lima.": a long adverbial is still one
            and " that " not in tail
            and (verb in ADDRESSEE_CUES or not tail.split() or tail.split()[0].lower() in ADVERBIAL_STARTS)
        ):
            # "CLAIM, a senior US official told reporters."
            claim_end = s_start + head.start()
            if head.group(1):
                claim_end += 2  # 'Beijing supported "every effort ...," Liu said': the quote's comma stays in
            claim_start = s_start + len(lead_text) - len(lead_text.lstrip())
            if dateline := _dateline(text, claim_start, claim_end):
                claim_start = dateline  # "MILLBROOK — After 71 years ...": the dateline is the paper's
            found.append(_Found((claim_start, claim_end), _kind(text, claim_start, claim_end), speakers, cue))
            continue
        cue_end = end
        if RELATIVE_BEFORE_RE.search(text, s_start, m.start()) and (close := text.find(", ", m.end(), end)) > 0:
            cue_end = close  # ", who asked not to be named, said ...": the relative clause ends at its comma
        clause_start = _clause_start(text, m.end(), cue_end, verb)
        if clause_start is None or cue_end - clause_start < 10:
            continue
        before_speaker = re.sub(r"\b(?:the|a|an)\s+$", "", text[s_start : speakers[0].start], flags=re.IGNORECASE)
        if re.search(r"\b[Ww]hat\s+$", before_speaker) and (is_ := WHAT_IS_RE.match(text, clause_start, cue_end)):
            clause_start = is_.end()  # "denouncing what it says is China's support for Moscow": what follows "is"
        elif NOT_A_CLAUSE_RE.match(text, clause_start) and not RELATIVE_SAYS_RE.search(before_speaker):
            continue  # "what it wants is ...", but "a trip Washington says will come ...": the relative's verb on

        if (cue_end < end and ANONYMITY_RE.search(text, m.end(), cue_end)) or ANONYMOUS_REQUEST_RE.match(
            text, m.end(), end
        ):
            continue  # "who asked not to be named", "He asked not to be identified because ...": no claim
        if LEXICON.get(verb, ("", ""))[0] == "speak of" and not QUOTED_OBJECT_RE.match(text, clause_start, end):
            continue  # 'spoke of "good news"' is a claim, "spoke of his childhood" is not
        if LEXICON.get(verb, ("", ""))[0] in AS_ONLY and not AS_OBJECT_RE.match(text, clause_start, end):
            continue  # "rejected the offer": an act, not a claim
        if LEXICON.get(verb, ("", ""))[0] in PRAISE_VERBS and BARE_EVENT_RE.fullmatch(
            text[clause_start : _clause_boundary(text, clause_start, cue_end, quotes)].rstrip(" .")
        ):
            praised = speakers
            continue  # "welcomed the decision": an evaluation of an event with no content of its own
        if verb in OBJECT_CUES and WHAT_CALLED_RE.match(text, clause_start, end):
            continue  # "criticised what he called "bloc thinking"": the quoted label is the claim, by "called"
        if _nested_cue(text, clause_start, end):
            # "Blinken said he warned Wang against ...": the inner verb governs the claim.
            continue
        claim_start = clause_start
        if TEMPORAL_ADJUNCT_RE.match(text, claim_start, cue_end):
            continue  # "..., X said on Tuesday after meeting her counterpart": when it was said, not what
        claim_end = _clause_boundary(text, claim_start, _before_postposed(text, claim_start, cue_end), quotes)
        if channel := CHANNEL_TAIL_RE.search(text, claim_start, claim_end):
            claim_end = channel.start()  # 'accused Lima of "bullying", in a post on its website': the channel out
        if LEXICON.get(verb, ("", ""))[0] in LABEL_VERBS:
            label = _quote_spans(text, claim_start, end)
            if label:  # the claim ends with the quoted label
                claim_end = label[0][1] + 1
            elif bare_label := BARE_LABEL_RE.match(text, claim_start, claim_end):
                claim_end = bare_label.end()  # "calls China its main strategic rival and ...": the label's end
        quoted = _quote_spans(text, claim_start, claim_end)
        if len(quoted) == 1 and quoted[0][0] == claim_start and text[quoted[0][1] + 1 : claim_end].strip(" .,") == "":
            # 'said “neither side held back”': a whole quotation after the verb is direct speech.
            found.append(_Found(_trim_direct(text, *quoted[0]), "direct", speakers, cue))
            continue
        found.append(_Found((claim_start, claim_end), _kind(text, claim_start, claim_end), speakers, cue))
        while (second := SECOND_CLAUSE_RE.match(text, claim_end)) is not None:
            # "answered that X and that Y": Y is a claim of its own, by the same speaker.
            claim_start = second.end()
            claim_end = _clause_boundary(text, claim_start, _before_postposed(text, claim_start, end), quotes)
            same = [_Mention(x.start, x.end, x.name, x.is_pronoun) for x in speakers]
            found.append(_Found((claim_start, claim_end), _kind(text, claim_start, claim_end), same, cue))
    return found


def _cited_source(text: str, start: int, end: int) -> list[_Mention]:
    """The source after "citing": a description keeps its place ("a source in the defence ministry"); none for a
    document ("citing internal emails": the outlet speaks)."""
    words = text[start:end].split()
    if not words or {words[-1].lower(), words[-1].lower().removesuffix("s")} & CITED_DOCUMENTS:
        return []
    lead = re.match(r"(?:an?|the)\s+", text[start:end])
    at = start + (lead.end() if lead else 0)
    phrase = text[at:end]
    if (
        phrase[:1].islower()
        and len(phrase.split()) <= MAX_NAME_TOKENS
        and not re.search(r"\b(?:who|which|that|[a-z]+ed)\b", phrase)
        and re.search(r"\s(?:in|at|to|of|with)\s", phrase)
    ):
        return [_Mention(at, end, phrase)]  # "an aide to the president", "a source in the defence ministry"
    return _np_after(text, start, end, any_head=True)


def _inverted_subject(text: str, after: int, end: int) -> list[_Mention]:
    """The subject after an inverted verb, if nothing but an apposition or an adverbial follows it."""
    familiar = INFORMED_SOURCE_AFTER_RE.match(text, after, end)
    if familiar:
        return [_informed(familiar.start(1), familiar.group(1))]
    if part := PART_OF_GROUP_RE.match(text, after, end):
        return [_Mention(part.start(1), part.end(1), part.group(1))]  # '"...," said one of them.'
    speakers = _np_after(text, after, end)
    if not speakers:
        return []
    speakers = _apposed_name(text, speakers, end)
    rest = text[speakers[-1].end : end].lstrip(" ")
    if rest and not rest.startswith((",", ";")) and rest.split()[0].lower() not in ADVERBIAL_STARTS:
        return []  # "said the offer was too low": a clause, not a subject
    return speakers


def _apposed_name(text: str, speakers: list[_Mention], end: int) -> list[_Mention]:
    """'..., said one resident, Marge Ruiz.': a description followed by the name it stands for gives the name."""
    if len(speakers) != 1 or speakers[0].is_pronoun or speakers[0].name.split()[-1][:1].isupper():
        return speakers  # a description has a lowercase head ("Trentside's operations director, Neil Garside")
    named = APPOSED_NAME_RE.match(text, speakers[0].end, end)
    if named is None or _is_organisation(named.group(1).split()):
        return speakers
    return [m for m in [_strip_titles(text, named.start(1), named.end(1))] if m] or speakers


def _subject_at_start(text: str, s_start: int, limit: int) -> list[_Mention]:
    """The noun phrase that opens a sentence (its subject), if the sentence opens with one."""
    s_start = _dateline(text, s_start, limit) or s_start  # "DENVER (Atlas Press) — Teachers' unions ...": the unions
    tokens = [(m.start(), m.end()) for m in NP_TOKEN_RE.finditer(text, s_start, limit)]
    i = 1 if tokens and text[slice(*tokens[0])].lower() in ("the", "a", "an") else 0
    np: list[tuple[int, int]] = []
    while i < len(tokens) and len(np) < MAX_NP_TOKENS and _np_word(text[slice(*tokens[i])]):
        word = text[slice(*tokens[i])]
        opening = len(np) == 1 and np[0] == tokens[0] and _singular(word.rstrip("’'")) in AGENT_HEADS
        if np and word[:1].islower() and text[np[-1][0]].isupper() and not opening:
            break  # "Harlow Freight cut ...": the verb ends the name ("Port workers walked out": a sentence's
            # first word is capitalised only because it opens the sentence)
        np.append(tokens[i])
        i += 1
        following = text[slice(*tokens[i])] if i < len(tokens) else ""
        if (
            word[:1].islower()
            and _singular(word) in AGENT_HEADS
            and _singular(following) not in AGENT_HEADS
            and not word.endswith(("'s", "’s"))  # "The council's planning committee": the owner is no head
        ):
            break  # "The company cut ...": the head noun ends the phrase (a compound goes on: "hospital trust")
    if len(np) == 1 and text[slice(*np[0])].lower() in PRONOUNS:
        return [_Mention(*np[0], text[slice(*np[0])], is_pronoun=True)]
    if np and i < len(tokens) and text[slice(*tokens[i])] in SUBJECT_LINKS:
        # "Passengers on the Eastmoor branch line have hit out ..., saying": the modifier is in the subject
        j = i + 1 + (i + 1 < len(tokens) and text[slice(*tokens[i + 1])] in ("the", "a", "an"))
        k = j
        while k < len(tokens) and k - j < 5 and text[slice(*tokens[k])] not in NP_STOP:
            word = text[slice(*tokens[k])]
            if not _np_word(word) or word in NOT_NAMES or word[:1].isdigit() or word in LEXICON:
                break
            k += 1
        if k > j and k < len(tokens) and text[slice(*tokens[k])].lower() in ("has", "have", "had", "are", "were"):
            np = np + tokens[i:k]
            i = k
    if i < len(tokens) and text[slice(*tokens[i])] == ",":
        appos = OPENING_APPOSITION_RE.match(text, tokens[i][0], limit)
        if np and text[slice(*np[-1])].islower() and appos and _is_name(appos.group(1)):
            # "A ministry spokesman, Gao Lin, went further, calling on ...": the name in the apposition
            mentions = _np_at_end(text, appos.start(1), appos.end(1))
            if len(mentions) == 1 and not mentions[0].is_pronoun:
                return mentions
        return []  # "On Tuesday, ...": not a subject
    return _classify_np(text, np)


def _nested_cue(text: str, start: int, end: int) -> bool:
    """Whether a clause opens with its own short subject and reporting verb."""
    inner = CUE_RE.search(text, start, end)
    if (
        inner is None
        or inner.group(1) in PARTICIPLE_CUES
        or NOUN_BEFORE_RE.search(text, last_word_start(text, start, inner.start()), inner.start())
    ):
        return False
    if LEXICON.get(inner.group(1), ("", ""))[0] in LABEL_VERBS or inner.group(1) in NOUNISH_FORMS:
        return False  # "he had called Alvarado to ...": no reporting verb
    subject = text[start : inner.start()]
    short = "," not in subject and len(subject.split()) <= MAX_NESTED_SUBJECT_WORDS
    if PARTICIPLE_PLACE_RE.match(text, inner.end(), end):
        return False  # "that the documents found in 2009 were incomplete": a participle, not the inner verb
    if (
        LEXICON.get(inner.group(1), ("", ""))[1] == "clause"
        and _clause_start(text, inner.end(), end, inner.group(1)) is None
    ):
        return False  # "insisted the company had reported trespassers to the police": no clause, no inner cue
    if LEXICON.get(inner.group(1), ("", ""))[1] == "clause":
        # "the FDA had added the product to its list": an inner verb with an object, not a clause, is no cue.
        after = text[inner.end() : end].lstrip(" ,:")
        clause = after[:1] not in OPEN_QUOTES and _looks_like_clause(text, end - len(after), end)
        if not (after.startswith(("that ", "to ")) or clause):  # 'it had found "an excursion"': an object
            return False
    return short and bool(_speaker_before(text, start, inner.start()))


def _clause_boundary(text: str, start: int, end: int, quotes: list[tuple[int, int]]) -> int:
    """End a reported clause where a second cue, a participle or a subordinate clause begins."""
    dashes = [d.start() for d in re.finditer(r"\s[–—]\s", text[start:end])]
    for b in CLAUSE_BOUNDARY_RE.finditer(text, start, end):
        if b.start() <= start or _inside(b.end() - 1, quotes):
            continue
        if b.group().strip() in ("–", "—") and b.group() != b.group().strip() and len(dashes) % 2 == 0:
            continue  # "– probably used to build missiles –": a parenthesis inside the clause
        if (
            b.group().endswith("which")
            and not _has_finite_verb(text[start : b.start()])
            and (close := text.find(", ", b.end(), end)) > 0
            and (_looks_like_clause(text, close + 2, end) or text[close + 2 : close + 3].islower())
        ):
            continue  # "said Rijnhaven, which handles most traffic, had raised ...": the relative is in the subject
        if (
            b.group().endswith(" as")
            and not _has_finite_verb(text[start : b.start()])
            and (close := text.find(", ", b.end(), end)) > 0
            and text[close + 2 : close + 3].islower()
        ):
            continue  # "said that Korea and Chile, as open economies, share ...": an apposition inside the subject
        words = b.group().replace(",", " ").split()
        base = words[0] in ("and", "but") and LEXICON.get(words[-1], ("", ""))[0] == words[-1]
        if base and VERB_CHAIN_RE.search(text, start, b.start()):
            continue  # "would meet Friday to certify the results and rule on it": a base form goes on the chain
        if text[b.start() + 1 : b.start() + 2] in CLOSE_QUOTES and _open_quote_before(text, start, b.start() + 1):
            return b.start() + 2  # 'being "partners, not rivals," suggesting': the quotation closes inside
        return b.start()
    if text.startswith("to ", start) and (then := TO_CLAIM_END_RE.search(text, start, end)):
        return then.start()  # "urged both sides to accept a mediator and offered City Hall": the subject acts again
    return end


def _open_quote_before(text: str, start: int, pos: int) -> bool:
    """Whether a quotation opened in text[start:pos] is still open at pos."""
    chunk = text[start:pos]
    return chunk.count("“") > chunk.count("”") or chunk.count('"') % 2 == 1


def _according_to(text: str, s_start: int, end: int, after: int, cue: tuple[int, int]) -> list[_Found]:
    """'according to X, CLAIM' (an apposition after X skipped) or 'CLAIM, according to X'."""
    rest = text[after:end]
    comma = rest.find(", ")
    name_end = after + (comma if comma >= 0 else len(rest))
    results = RESULTS_FROM_RE.match(text, after, name_end) or CARRIER_FROM_RE.match(text, after, name_end)
    # "according to preliminary results from the electoral tribunal": the body that published them speaks.
    speakers = _np_after(text, results.end() if results else after, name_end, any_head=True)
    if pronoun := re.fullmatch(r"\s*(him|her|them)\s*", text[after:name_end]):
        # "According to her, ...": "her" reads as a determiner elsewhere; here it is the person last quoted.
        speakers = [_Mention(after + pronoun.start(1), after + pronoun.end(1), pronoun.group(1), is_pronoun=True)]
    if not speakers and (agency := re.fullmatch(r"\s*([A-Z][\w’'\-]+)\s*", text[after:name_end])):
        # "According to Reuters, ...": a news agency, no name that the caption rules would keep
        speakers = [_Mention(after + agency.start(1), after + agency.end(1), agency.group(1))]
    if not speakers:
        return []
    if len(speakers) == 1 and text[speakers[0].start : speakers[0].end].lower() in OBJECT_PRONOUNS:
        speakers[0].is_pronoun = True  # "According to him, ...": the person last quoted
    claim_from = name_end + 1
    appos = APPOSITION_RE.match(text, claim_from, end)
    if appos and comma >= 0 and not re.match(r"\s*(?:which|who)\b", text[appos.end() : end]):
        claim_from = appos.end()  # "According to Boxtrak, a tracking service, CLAIM"
    parenthetical = text[s_start : cue[0]].strip() == "" or text[s_start : cue[0]].rstrip().endswith(",")
    relative = re.match(r"\s*(?:which|who)\b", text[claim_from:end])
    forward_ok = not text[s_start : cue[0]].strip() or (
        _looks_like_clause(text, claim_from + 1, end) and not JOURNALIST_TAIL_RE.match(text, claim_from, end)
    )  # "CLAIM, according to X, so the campaign may have to pay": the part after X is the journalist's
    if comma >= 0 and end - claim_from > 10 and parenthetical and not relative and forward_ok:
        claim_start = claim_from + len(text[claim_from:end]) - len(text[claim_from:end].lstrip())
        inner = CUE_RE.search(text, claim_start, end)
        if (
            inner is not None
            and len(text[claim_start : inner.start()].split()) <= MAX_NESTED_SUBJECT_WORDS
            and not _has_finite_verb(text[claim_start : inner.start()])
            and _speaker_before(text, claim_start, inner.start())
        ):
            return []  # "According to a readout, Xi told Biden that ...": the readout carried Xi's words
        return [_Found((claim_start, end), _kind(text, claim_start, end), speakers, cue)]
    head_end = text.rfind(",", s_start, cue[0])
    if head_end <= s_start:
        return []
    if text[head_end + 1 : head_end + 2] in CLOSE_QUOTES and _open_quote_before(text, s_start, head_end + 1):
        head_end += 2  # 'It is "too early to say," according to X': the quotation closes inside the claim
    head_start = s_start
    if dateline := _dateline(text, s_start, head_end):
        head_start = dateline  # "SAN JOSE, April 6 (Meridian Wire) - CLAIM, according to X"
    if (absolute := WITH_ABSOLUTE_RE.match(text, head_start, head_end)) and head_end - absolute.end() > 10:
        head_start = absolute.end()  # "With all precincts reporting, X led Y, according to Z": the count is the frame
    return [_Found((head_start, head_end), _kind(text, head_start, head_end), speakers, cue)]


def _dateline(text: str, start: int, end: int) -> int | None:
    """Where the claim starts after a dateline ("MILLBROOK — ", "HARRISVALE, Pa., Nov 30 (Wire) - "), if any."""
    m = DATELINE_RE.match(text, start, end) or WIRE_DATELINE_RE.match(text, start, end)
    return m.end() if m else None


def _before_postposed(text: str, start: int, end: int) -> int:
    """Cut '..., Beijing's foreign ministry said in a statement' off the end of a reported clause."""
    m = POSTPOSED_RE.search(text, start, end)
    return m.start() if m else end


def _clause_start(text: str, after_verb: int, end: int, verb: str) -> int | None:
    rest = text[after_verb:end]
    noun_that = NOUN_THAT_RE.match(rest)
    if noun_that:
        return after_verb + noun_that.end()
    if verb in OBJECT_CUES:
        return after_verb + len(rest) - len(rest.lstrip())
    if LEXICON.get(verb, ("", ""))[0] in LABEL_VERBS:
        # 'called the plan "a betrayal"': the object and its quoted label; 'called it "..."': the label.
        named = CALLED_RE.match(rest)
        if named is None:
            # "calls China its main strategic rival": an object, then its label after a determiner.
            bare = BARE_LABEL_RE.match(text, after_verb + len(rest) - len(rest.lstrip()), end)
            return None if bare is None else after_verb + len(rest) - len(rest.lstrip())
        pronoun = named.group(1).lower().strip() in PRONOUN_OBJECTS
        return after_verb + (named.start(2) if pronoun else named.start(1))  # 'called it "X"': the quoted words
    if verb in ADDRESSEE_CUES:
        # The addressee comes first: "told Blinken that ...", "urged the US to ...", "warned Wang against ...".
        m = ADDRESSEE_END_RE.search(rest)
        if m is not None and m.group() in ("of", "against") and len(rest[: m.start()].split()) > MAX_ADDRESSEE_WORDS:
            m = None  # "told the court he had "no memory" of the crash": that "of" is inside the claim
        joined = re.search(r",\s+(?:and|but)\s", rest[: m.start()]) if m is not None else None
        if m is not None and joined and _has_finite_verb(rest[joined.end() : m.start()]):
            m = None  # "asked for a meeting, and the board has agreed to send ...": that "to" is another clause's
        if (
            m is not None
            and m.group() == "to"
            and LEXICON[verb][0] == "tell"
            and len(rest[: m.start()].split()) > MAX_ADDRESSEE_WORDS
            and (bare := BARE_ADDRESSEE_RE.match(rest))
            and _looks_like_clause(text, after_verb + bare.end(), end)
        ):
            return after_verb + bare.end()  # "told shareholders the company was on track to meet ...": a clause
        if m is None and verb in NEEDS_COMPLEMENT:
            # "told Whitcombe the offences were ...": a short addressee, then a bare clause.
            bare = BARE_ADDRESSEE_RE.match(rest)
            if bare and _looks_like_clause(text, after_verb + bare.end(), end):
                return after_verb + bare.end()
            return None
        if m is None:
            return after_verb + len(rest) - len(rest.lstrip())
        start = after_verb + (m.start() if m.group() == "to" else m.end())
        return start + len(text[start:end]) - len(text[start:end].lstrip())
    lead = PHRASE_THAT_RE.match(rest) or CLAUSE_LEAD_RE.match(rest)
    start = after_verb + (lead.end() if lead else 0)
    if lead and lead.group().rstrip().endswith("that") and DEMONSTRATIVE_THAT_RE.match(text, start):
        start -= len(lead.group()) - len(lead.group().rstrip()[:-4])  # "say that is exactly the problem"
        start += len(text[start:end]) - len(text[start:end].lstrip())
    if text[start : start + 1] == ":":
        start += 1
    start += len(text[start:end]) - len(text[start:end].lstrip())
    lemma = LEXICON.get(verb, (verb, ""))[0]
    if lemma in TO_VERBS and text.startswith("to ", start):
        return start  # "vowed to take a harder line on China"
    bare_ok = lemma in BARE_CLAUSE_VERBS
    if (
        not bare_ok
        and not (lead and lead.group().rstrip().endswith("that"))
        and not _looks_like_clause(text, start, end)
    ):
        return None  # "announced a partnership", "claims as its own": an object, not a reported clause
    return start


def _has_finite_verb(span: str) -> bool:
    """Whether a span reads as a clause (a claim), not a bare noun phrase ("Critics, including X,")."""
    if any(q in span for q in OPEN_QUOTES):
        return True
    if SUBJECT_PRESENT_RE.match(span):
        return True  # "Chile supports the mission, she said.": a name and a present-tense verb
    words = re.findall(r"[\w’'\-]+", span)
    return any(w in FINITE_WORDS or w in PRESENT_VERBS or (i > 0 and w.endswith("ed")) for i, w in enumerate(words))


def _looks_like_clause(text: str, start: int, end: int) -> bool:
    """A complement without "that" is a reported clause if it opens with a quotation or a pronoun, or has a
    finite verb within its first words ("said prices had fallen"), before any comma."""
    # A relative clause set off by commas stays out: "the Russian document, which was sent last week, contains".
    if (coordinated := COORDINATED_CUE_RE.search(text, start, end)) is not None:
        end = coordinated.start()  # "denied any involvement and accused Kyiv of ...": the next verb is not in it
    head = re.sub(r",\s+(?:which|who|whose)\b[^,]*,", "", text[start:end], count=1).split(",", 1)[0]
    if head[:1] in OPEN_QUOTES:
        return True
    words = re.findall(r"[\w’'\-]+", head)[:MAX_CLAUSE_SUBJECT_WORDS]
    if words and words[0].lower() in CLAUSE_PRONOUNS:
        return True
    return any(w in FINITE_WORDS or (i > 0 and w.endswith("ed")) for i, w in enumerate(words))


def _clause_end(text: str, s_start: int, s_end: int) -> int:
    e = s_end
    while e > s_start and text[e - 1].isspace():
        e -= 1
    if e > s_start and text[e - 1] == ".":
        e -= 1
    return e


def _kind(text: str, start: int, end: int) -> str:
    return "mixed" if any(ch in text[start:end] for ch in '"“”„«»') else "indirect"


def _continuation(text: str, s_start: int, s_end: int, previous: _Found) -> list[_Found]:
    """A sentence that is only a quotation, right after a quoted claim, continues that speaker's quote."""
    body = text[s_start:s_end].strip()
    quotes = _quote_spans(text, s_start, s_end)
    if len(quotes) != 1 or not body or body[0] not in OPEN_QUOTES or body[-1] not in CLOSE_QUOTES:
        return []
    o, c = quotes[0]
    speakers = [_Mention(m.start, m.end, m.name, m.is_pronoun) for m in previous.speakers]
    return [_Found(_trim_direct(text, o, c), "direct", speakers, None)]


# -- target and stance -------------------------------------------------------------


def _target_and_stance(text: str, item: _Found, s_start: int, s_end: int) -> tuple[str | None, str | None]:
    """The schema target the claim plainly names, and the stance its cue plainly carries; None when unsure.

    Target: the one schema target named in the claim; "Other" when neither the claim nor its sentence names
    any. Stance: "against" or "favor" only for verbs that carry it ("condemned", "praised") toward a target
    named in the claim's object.
    """
    claim = text[item.claim[0] : item.claim[1]]
    named = _targets_in(claim)
    own = {t for m in item.speakers for t in _targets_in(f"{m.name} {text[m.start : m.end]}")}
    if (
        len(named) == 1
        and named[0] not in own
        and not re.search(r"\b(?:we|our|us|they|their|them|it|its)\b", claim[:60])
    ):
        target: str | None = named[0]
    elif not named and _target_mentions(text) < FEW_TARGET_MENTIONS:
        target = "Other"  # an article that hardly names the schema's targets: its claims are about others
    else:
        target = None
    stance = None
    if target is not None and target != "Other" and item.cue is not None:
        lemma = LEXICON.get(text[item.cue[0] : item.cue[1]], ("", ""))[0]
        stance = "against" if lemma in AGAINST_VERBS else "favor" if lemma in FAVOR_VERBS else None
    return target, stance


@functools.lru_cache(maxsize=4)
def _target_mentions(text: str) -> int:
    return sum(len(p.findall(text)) for p in TARGET_PATTERNS.values())


def _targets_in(span: str) -> list[str]:
    return [target for target, pattern in TARGET_PATTERNS.items() if pattern.search(span)]


# -- output ---------------------------------------------------------------------------


def _region_id(label: str, start: int, end: int) -> str:
    digest = hashlib.sha1(f"{label}:{start}:{end}".encode()).hexdigest()
    return f"p{digest[:9]}"


def _to_annotation(text: str, found: list[_Found]) -> Annotation:
    regions: dict[str, Region] = {}
    relations: list[Relation] = []

    def region(label: str, start: int, end: int, **attributes: str) -> str:
        rid = _region_id(label, start, end)
        if rid not in regions:
            regions[rid] = Region(rid, label, start, end, text[start:end], dict(attributes))
        return rid

    seen_claims: set[tuple[int, int]] = set()
    for item in found:
        if item.claim in seen_claims or item.claim[1] <= item.claim[0]:
            continue
        seen_claims.add(item.claim)
        choices = {k: v for k, v in (("target", item.target), ("stance", item.stance)) if v}
        claim_id = region("Claim", item.claim[0], item.claim[1], quote_type=item.quote_type, **choices)
        if item.cue:
            region("Cue", *item.cue)
        for m in item.speakers:
            speaker_id = region("Speaker", m.start, m.end, speaker_name=m.name)
            relations.append(Relation(speaker_id, claim_id, "says"))
    ordered = sorted(regions.values(), key=lambda r: (r.start, r.end, r.label))
    return Annotation(id=None, task_id=None, regions=ordered, relations=relations, annotator=MODEL_VERSION)
