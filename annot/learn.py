"""The learning inside annot.model: a CRF for spans, classifiers for attribution and claim attributes, and
cross-validation by article against the rules.

- Spans (Speaker, Claim, Cue): a linear-chain CRF (python-crfsuite via sklearn-crfsuite) tags the tokens of
  each paragraph B-/I-/O; its features include the rule-based pre-annotator's own tag of each token, so the
  rules are a feature, not only a rival, and the word pairs around each token (where claims split and stop).
- Attribution (`says`): logistic regression over (claim, nearby speaker) pairs: distance, side, order among
  the candidates, cues between them, whether the rules join them.
- Claim attributes with choices (stance, target): logistic regression over the claim's words, its sentence
  and its speaker's name. `quote_type` is read off the quotation marks, as the rules do.
- Fallback: per label (and for attribution) cross-validation chooses the CRF's regions, the rules', or
  their union, conservatively: the rules unless the alternative's mean gain over the folds is larger than
  MIN_GAIN and than the gain's fold-to-fold spread and it wins on clearly more held-out articles than it
  loses (a sign test by article), a union only where it adds recall without losing precision (`choose`).
  Up to NESTED_MAX articles the choice inside each outer fold comes from inner folds of that fold's
  training articles only (nested, so the reported model+rules scores are not picked on their own test
  articles); above it, LARGE_FOLDS folds and the choice from those same folds (the selection bias of one
  choice between two is small with that many articles, and the model and rules columns stay unbiased).
  Scores are always measured side by side with the rules on the same folds (pooled over folds, through
  annot.evaluate's span matching).
"""

from __future__ import annotations

import hashlib
import math
import random
import re
import threading
from bisect import bisect_left, bisect_right
from collections import Counter, OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from itertools import accumulate, pairwise
from typing import TYPE_CHECKING, Any

from annot.evaluate import evaluate, prf
from annot.records import Annotation, Region, Relation
from annot.spans import OVERLAP_THRESHOLD as OVERLAP_IOU
from annot.spans import iou, match_spans

if TYPE_CHECKING:
    from annot.model import Example
    from annot.schema import Schema

TOKEN_RE = re.compile(r"\w+(?:[’'\-.]\w+)*|[^\w\s]")
PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i"})
QUOTE_CHARS = '"“”'
CUE_WINDOW = 6  # tokens looked at on each side for a reporting verb
MAX_SPEAKER_GAP = 400  # characters between a claim and a candidate speaker (the corpus' own limit)
SGD_PARAMS = {"alpha": 1e-4, "max_iter": 50, "tol": 1e-3, "average": True, "random_state": 0}
CRF_PARAMS = {"algorithm": "lbfgs", "c1": 0.05, "c2": 0.05, "max_iterations": 80, "all_possible_transitions": True}
INNER_FOLDS = 3  # cross-validation inside each training set, to choose model or rules per label
MIN_CHOICE_ARTICLES = 4  # fewer training articles than this: the rules, untried (two folds of two at least)
NESTED_MAX = 150  # above this many training articles, one 80/20 hold-out chooses instead of inner folds
LARGE_FOLDS = 3  # cross-validation folds above NESTED_MAX articles, where the choice is not nested
MIN_GAIN = 0.005  # the least mean gain over the rules (score per label) for the model or union to replace them
SIGN_ALPHA = 0.1  # sign test by article: the largest chance of the option's wins if it were no better than the rules
MIN_PAIRS = 2  # positive and negative examples the attribution classifier needs
RULE_ATTRIBUTES = frozenset({"quote_type"})  # read off the text, not learnt
SPAN_KEYS = ("Speaker", "Claim", "Cue")
CHOICE_KEYS = (*SPAN_KEYS, "attribution")
COUNTS = ("matched", "predicted", "gold")  # a span report's counts per label and mode
MODES = ("exact", "overlap")
MIN_CURVE_SIZE = 5

UNCERTAINTY_CACHE = 32  # articles whose uncertainty a prediction leaves for uncertainty_of

Progress = Callable[[str, int, int | None], None]
_TAGGER_LOCK = threading.Lock()
_UNCERTAINTY_LOCK = threading.Lock()
_UNCERTAINTIES: OrderedDict[tuple[int, str], tuple[Parts, float]] = OrderedDict()


@dataclass
class Parts:
    """Everything a trained model needs at prediction time (pickled by annot.model.save)."""

    speaker: str
    claim: str
    labels: list[str]
    crf: Any
    says: str | None
    pairs: Any  # (DictVectorizer, LogisticRegression) or None
    attributes: dict[str, Any] = field(default_factory=dict)  # name -> (vectorizer, classifier | constant)
    choice: dict[str, str] = field(default_factory=dict)


# -- tokens and features -----------------------------------------------------------------


@dataclass
class _Doc:
    text: str
    paragraphs: list[list[tuple[int, int]]]  # token spans per paragraph
    rules: Annotation
    features: list[list[dict[str, Any]]]


@lru_cache(maxsize=4096)
def _rules(text: str) -> Annotation:
    from annot.preannotate import predict

    return predict(text)


@lru_cache(maxsize=1)
def _cue_words() -> frozenset[str]:
    from annot.preannotate import CUES

    return frozenset(c for c in CUES if " " not in c)


def _doc(text: str) -> _Doc:
    from annot.text import paragraph_spans

    rules = _rules(text)
    paragraphs = []
    for p_start, p_end in paragraph_spans(text):
        toks = [(m.start(), m.end()) for m in TOKEN_RE.finditer(text, p_start, p_end)]
        if toks:
            paragraphs.append(toks)
    tags = [_tags(toks, rules.regions) for toks in paragraphs]
    features = [_features(text, toks, t) for toks, t in zip(paragraphs, tags, strict=True)]
    return _Doc(text, paragraphs, rules, features)


def _tags(toks: list[tuple[int, int]], regions: Sequence[Region], labels: Sequence[str] | None = None) -> list[str]:
    """B-/I-/O tags of the tokens; a token belongs to a region lying over its first character."""
    tags = ["O"] * len(toks)
    starts = [s for s, _ in toks]
    # claims first, so a speaker or cue drawn inside a claim wins its tokens
    ordered = sorted(regions, key=lambda r: (r.label != "Claim", r.start))
    for r in ordered:
        if labels is not None and r.label not in labels:
            continue
        for n, i in enumerate(range(bisect_left(starts, r.start), bisect_left(starts, r.end))):
            tags[i] = ("B-" if n == 0 else "I-") + r.label
    return tags


def _shape(word: str) -> str:
    if word.isdigit():
        return "d"
    if not word[0].isalnum():
        return "q" if word in QUOTE_CHARS else "p"
    if word.isupper() and len(word) > 1:
        return "X"
    return "Xx" if word[0].isupper() else "x"


def _features(text: str, toks: list[tuple[int, int]], rule_tags: list[str]) -> list[dict[str, Any]]:
    words = [text[s:e] for s, e in toks]
    lower = [w.lower() for w in words]
    cues = _cue_words()
    is_cue = [w in cues for w in lower]
    inside = []
    state = False
    for w in words:
        if w == "“":
            state = True
        elif w == "”":
            state = False
        elif w == '"':
            state = not state
        inside.append(state)
    sentence_start = [i == 0 or words[i - 1] in ".?!" for i in range(len(words))]
    out = []
    n = len(words)
    for i, w in enumerate(words):
        f: dict[str, Any] = {
            "b": 1.0,
            "w": lower[i],
            "s3": lower[i][-3:],
            "sh": _shape(w),
            "cue": is_cue[i],
            "pron": lower[i] in PRONOUNS,
            "inq": inside[i],
            "ss": sentence_start[i],
            "r": rule_tags[i],
            "cueL": any(is_cue[max(0, i - CUE_WINDOW) : i]),
            "cueR": any(is_cue[i + 1 : i + 1 + CUE_WINDOW]),
        }
        for d in (-2, -1, 1, 2):
            j = i + d
            if 0 <= j < n:
                f[f"{d}w"] = lower[j]
                f[f"{d}sh"] = _shape(words[j])
                f[f"{d}r"] = rule_tags[j]
            else:
                f[f"{d}w"] = "<s>" if d < 0 else "</s>"
        f["r|-1r"] = rule_tags[i] + "|" + (rule_tags[i - 1] if i else "^")
        # word pairs: where a claim splits or stops ("and that", "and had", ", the") is in two words at once
        f["-1w|w"] = (lower[i - 1] if i else "<s>") + "|" + lower[i]
        f["w|+1w"] = lower[i] + "|" + (lower[i + 1] if i + 1 < n else "</s>")
        out.append(f)
    return out


# -- spans ---------------------------------------------------------------------------------


def _decode(doc: _Doc, tags: list[list[str]], probs: list[list[float]]) -> list[Region]:
    regions = []
    for toks, seq, ps in zip(doc.paragraphs, tags, probs, strict=True):
        i = 0
        while i < len(seq):
            if seq[i] == "O":
                i += 1
                continue
            label = seq[i][2:]
            j = i + 1
            while j < len(seq) and seq[j] == "I-" + label:
                j += 1
            start, end = toks[i][0], _closing_quote(doc.text, toks[i][0], toks[j - 1][1])
            score = sum(ps[i:j]) / (j - i)
            regions.append(_region(doc.text, label, start, end, score))
            i = j
    return regions


CLOSING_QUOTE_RE = re.compile(r'[.,?!]?["”]')


def _closing_quote(text: str, start: int, end: int) -> int:
    """The end of a region that opens a quotation and stops just short of its closing mark ('... market' before
    '."'), moved past that mark: an annotated span holds whole quotations (none of the gold claims of the
    courts training articles has an odd number of quotation marks; the CRF left three so)."""
    marks = [i for i in range(start, end) if text[i] in QUOTE_CHARS]
    if len(marks) % 2 == 0:
        return end
    last = marks[-1]  # the unclosed one must open a quotation: “, or " at the region's start or after a space
    if text[last] == "”" or (text[last] == '"' and last > start and not text[last - 1].isspace()):
        return end
    m = CLOSING_QUOTE_RE.match(text, end)
    return m.end() if m else end


def _region(text: str, label: str, start: int, end: int, score: float | None, **attributes: Any) -> Region:
    rid = "m" + hashlib.sha1(f"{label}:{start}:{end}".encode()).hexdigest()[:9]
    return Region(rid, label, start, end, text[start:end], dict(attributes), score=score)


def _tag(
    crf: Any, doc: _Doc, marginal_labels: Sequence[str] = ()
) -> tuple[list[list[str]], list[list[float]], list[Any]]:
    """The CRF's tags per paragraph, the probability of each chosen tag, and the marginals of the B-/I- tags
    of `marginal_labels` (to score the rules' regions of those labels)."""
    wanted = [t for t in crf.classes_ if t[2:] in marginal_labels]
    tags, probs, marginals = [], [], []
    with _TAGGER_LOCK:  # a crfsuite tagger holds the sequence it was set to: one thread at a time (annot serve)
        tagger = crf.tagger_
        for feats in doc.features:
            tagger.set(feats)
            seq = tagger.tag()
            tags.append(seq)
            probs.append([tagger.marginal(y, t) for t, y in enumerate(seq)])
            marginals.append({lab: [tagger.marginal(lab, t) for t in range(len(seq))] for lab in wanted})
    return tags, probs, marginals


def _rule_score(doc: _Doc, marginals: list[Any], region: Region) -> float:
    """The CRF's belief in a rule region: its tags' mean marginal probability over the region's tokens."""
    probs = []
    for toks, marg in zip(doc.paragraphs, marginals, strict=True):
        if toks[-1][0] < region.start or toks[0][0] >= region.end:
            continue
        starts = [s for s, _ in toks]
        inside = range(bisect_left(starts, region.start), bisect_left(starts, region.end))
        for n, t in enumerate(inside):
            tag = ("B-" if n == 0 else "I-") + region.label
            probs.append(marg[tag][t] if tag in marg else 0.0)
    return round(sum(probs) / len(probs), 4) if probs else 0.0


# -- attribution -----------------------------------------------------------------------------


def _gap(a: Region, b: Region) -> int:
    return max(0, max(a.start, b.start) - min(a.end, b.end))


def _candidates(claim: Region, speakers: list[Region]) -> list[Region]:
    return [s for s in speakers if _gap(claim, s) <= MAX_SPEAKER_GAP and not (claim.start <= s.start < claim.end)]


def _rule_links(rules: Annotation, says: str | None) -> list[tuple[Region, Region]]:
    by_id = {r.id: r for r in rules.regions}
    links = []
    for rel in rules.relations:
        if rel.label != says:
            continue
        a, b = by_id.get(rel.from_id), by_id.get(rel.to_id)
        if a and b:
            links.append((a, b) if a.label == "Claim" else (b, a))
    return links


@dataclass
class _PairContext:
    """What the pair features of one claim share: its candidates ranked, the document's cues and claims."""

    text: str
    claim: Region
    ranked: list[Region]  # candidates, nearest first
    cues: list[Region]
    claims: list[Region]
    ruled: list[Region]  # speakers the rules join to a claim overlapping this one
    sentence_starts: list[int]


def _pair_features(ctx: _PairContext, speaker: Region) -> dict[str, Any]:
    claim, text = ctx.claim, ctx.text
    gap = _gap(claim, speaker)
    after = speaker.start >= claim.end
    rank = ctx.ranked.index(speaker)
    side = [s for s in ctx.ranked if (s.start >= claim.end) == after]
    lo, hi = (claim.end, speaker.start) if after else (speaker.end, claim.start)
    between_speakers = sum(1 for s in ctx.ranked if s is not speaker and lo <= s.start < hi)
    ruled = any(iou(rs, speaker) >= OVERLAP_IOU for rs in ctx.ruled)
    same_sentence = bisect_right(ctx.sentence_starts, claim.start) == bisect_right(ctx.sentence_starts, speaker.start)
    quoted = claim.start > 0 and text[claim.start - 1] in QUOTE_CHARS
    return {
        "after": after,
        "gap": min(gap, MAX_SPEAKER_GAP) / MAX_SPEAKER_GAP,
        "gapbin": str(min(int(math.log2(gap + 1)), 9)),
        "rank": str(min(rank, 3)),
        "siderank": str(min(side.index(speaker), 3)),
        "between": str(min(between_speakers, 2)),
        "cue_near": any(_gap(c, speaker) <= 25 for c in ctx.cues),
        "cue_between": any(lo <= c.start < hi for c in ctx.cues),
        "claim_between": any(c is not claim and lo <= c.start < hi for c in ctx.claims),
        "rules": ruled,
        "same_sentence": same_sentence,
        "newline": "\n" in text[lo:hi],
        "pron": speaker.text.lower() in PRONOUNS,
        "quoted": quoted,
        "after&quoted": f"{after}&{quoted}",
        "rules&rank": f"{ruled}&{min(rank, 2)}",
    }


def _pairs_of(
    text: str, regions: list[Region], rules: Annotation, parts_speaker: str, parts_claim: str, says: str | None
) -> list[tuple[Region, Region, dict[str, Any]]]:
    speakers = [r for r in regions if r.label == parts_speaker]
    claims = [r for r in regions if r.label == parts_claim]
    cues = [r for r in regions if r.label == "Cue"]
    links = _rule_links(rules, says)
    starts = [s for s, _ in _sentences(text)]
    out = []
    for claim in claims:
        near = [c for c in cues if _gap(c, claim) <= MAX_SPEAKER_GAP]
        others = [c for c in claims if _gap(c, claim) <= MAX_SPEAKER_GAP]
        ruled = [rs for rc, rs in links if iou(rc, claim) >= OVERLAP_IOU]
        ranked = sorted(_candidates(claim, speakers), key=partial(_gap, claim))
        ctx = _PairContext(text, claim, ranked, near, others, ruled, starts)
        out += [(claim, s, _pair_features(ctx, s)) for s in ranked]
    return out


def _linked(annotation: Annotation, says: str | None) -> set[tuple[str, str]]:
    pairs = set()
    for rel in annotation.relations:
        if rel.label == says:
            pairs.add((rel.from_id, rel.to_id))
            pairs.add((rel.to_id, rel.from_id))
    return pairs


def _fit_pairs(examples: Sequence[Example], parts: Parts) -> Any:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    X, y = [], []
    for ex in examples:
        linked = _linked(ex.gold, parts.says)
        for claim, speaker, f in _pairs_of(
            ex.text, ex.gold.regions, _rules(ex.text), parts.speaker, parts.claim, parts.says
        ):
            X.append(f)
            y.append(int((claim.id, speaker.id) in linked))
    if sum(y) < MIN_PAIRS or len(y) - sum(y) < MIN_PAIRS:
        return None
    vec = DictVectorizer(sparse=False)  # a few dozen features
    clf = LogisticRegression(solver="liblinear", C=1.0)
    clf.fit(vec.fit_transform(X), y)
    return vec, clf


def _attribute(parts: Parts, text: str, regions: list[Region], rules: Annotation, use_rules: bool) -> list[Relation]:
    claims = [r for r in regions if r.label == parts.claim]
    relations: list[Relation] = []
    if use_rules or parts.pairs is None:
        # the rules' own links, carried over to the regions that overlap theirs; nothing else
        speakers = [r for r in regions if r.label == parts.speaker]
        for rc, rs in _rule_links(rules, parts.says):
            claim = _best_overlap(rc, claims)
            speaker = _best_overlap(rs, speakers)
            if claim and speaker:
                relations.append(Relation(speaker.id, claim.id, parts.says or "says"))
        return relations
    vec, clf = parts.pairs
    pairs = [p for p in _pairs_of(text, regions, rules, parts.speaker, parts.claim, parts.says)]
    if not pairs:
        return relations
    probs = clf.predict_proba(vec.transform([f for _, _, f in pairs]))[:, 1]
    by_claim: dict[str, list[tuple[float, Region]]] = {}
    for (claim, speaker, _), p in zip(pairs, probs, strict=True):
        by_claim.setdefault(claim.id, []).append((float(p), speaker))
    for claim_id, scored in by_claim.items():
        scored.sort(key=lambda x: -x[0])
        for n, (p, speaker) in enumerate(scored):
            if n == 0 or p >= 0.5:
                relations.append(Relation(speaker.id, claim_id, parts.says or "says"))
    return relations


def _best_overlap(target: Region, regions: list[Region]) -> Region | None:
    best = max(regions, key=lambda r: iou(r, target), default=None)
    return best if best is not None and iou(best, target) >= OVERLAP_IOU else None


# -- claim attributes --------------------------------------------------------------------------


def claim_analyzer(doc: str) -> list[str]:
    """Features of 'claim \\x1f sentence \\x1f speaker name \\x1f rules' values': claim words and bigrams,
    sentence words, the name, and the attributes the rules gave an overlapping claim."""
    claim, context, name, ruled = (doc.split("\x1f") + ["", "", ""])[:4]
    words = re.findall(r"\w+", claim.lower())
    feats = words + [f"{a}_{b}" for a, b in zip(words, words[1:], strict=False)]
    feats += ["c:" + w for w in re.findall(r"\w+", context.lower())]
    feats += ["s:" + name.lower().strip()] if name.strip() else []
    feats += ["r:" + v for v in ruled.split("\x1e") if v]
    return feats


def _claim_doc(text: str, claim: Region, name: str) -> str:
    same = _best_overlap(claim, [r for r in _rules(text).regions if r.label == claim.label])
    ruled = "\x1e".join(f"{k}={v}" for k, v in sorted(same.attributes.items()) if isinstance(v, str)) if same else ""
    return f"{claim.text}\x1f{_context(text, claim.start, claim.end)}\x1f{name}\x1f{ruled}"


@lru_cache(maxsize=64)
def _sentences(text: str) -> list[tuple[int, int]]:
    from annot.text import sentence_spans

    return sentence_spans(text)


def _context(text: str, start: int, end: int) -> str:
    """The sentence(s) holding text[start:end], as annot.dataset.context_of gives the `claims` config."""
    spans = _sentences(text)
    hit = [(s, e) for s, e in spans if s < max(end, start + 1) and e > start]
    return text[hit[0][0] : hit[-1][1]] if hit else text[start:end]


def _speaker_names(annotation: Annotation, parts: Parts) -> dict[str, str]:
    regions = {r.id: r for r in annotation.regions}
    names: dict[str, str] = {}
    for rel in annotation.relations:
        if rel.label != parts.says:
            continue
        a, b = regions.get(rel.from_id), regions.get(rel.to_id)
        if a is None or b is None:
            continue
        claim, speaker = (a, b) if a.label == parts.claim else (b, a)
        value = speaker.attributes.get("speaker_name") or speaker.text
        names.setdefault(claim.id, value[0] if isinstance(value, list) else str(value))
    return names


@dataclass
class _Constant:
    value: str

    def predict_proba(self, X: Any) -> Any:
        import numpy as np

        return np.ones((X.shape[0], 1))

    @property
    def classes_(self) -> list[str]:
        return [self.value]


def _claim_table(examples: Sequence[Example], parts: Parts, attr: str) -> tuple[list[str], list[str], list[int]]:
    """(documents, values, article index) of the gold claims that have a value for `attr`."""
    docs, values, groups = [], [], []
    for n, ex in enumerate(examples):
        names = _speaker_names(ex.gold, parts)
        for r in ex.gold.regions:
            value = r.attributes.get(attr)
            if r.label == parts.claim and isinstance(value, str) and value:
                docs.append(_claim_doc(ex.text, r, names.get(r.id, "")))
                values.append(value)
                groups.append(n)
    return docs, values, groups


def _attribute_classifier() -> Any:
    from sklearn.linear_model import SGDClassifier

    # logistic loss by SGD: lbfgs and liblinear took seconds per fit on these sparse features
    return SGDClassifier(loss="log_loss", class_weight="balanced", **SGD_PARAMS)


def _beats_majority(X: Any, values: list[str], groups: list[int]) -> bool:
    """Whether the classifier's macro-F1 beats always answering the majority class, by folds of articles."""
    from sklearn.model_selection import GroupKFold

    k = min(INNER_FOLDS, len(set(groups)))
    if k < 2:
        return False
    predicted: list[str] = []
    majority: list[str] = []
    truth: list[str] = []
    for train, test in GroupKFold(n_splits=k).split(X, values, groups):
        train_values = [values[i] for i in train]
        common = Counter(train_values).most_common(1)[0][0]
        if len(set(train_values)) < 2:
            predicted += [common] * len(test)
        else:
            clf = _attribute_classifier().fit(X[train], train_values)
            predicted += [str(v) for v in clf.predict(X[test])]
        majority += [common] * len(test)
        truth += [values[i] for i in test]
    return _macro_f1(truth, predicted) > _macro_f1(truth, majority)


def _fit_attributes(examples: Sequence[Example], schema: Schema, parts: Parts) -> dict[str, Any]:
    """A classifier per choice attribute of the claim, or the majority class where the classifier did not
    beat it on held-out articles of the training data."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    span = schema.spans.get(parts.claim)
    out: dict[str, Any] = {}
    for attr, spec in span.attributes.items() if span else []:
        if spec.type != "choice" or attr in RULE_ATTRIBUTES:
            continue
        docs, values, groups = _claim_table(examples, parts, attr)
        if not values:
            continue
        vec = TfidfVectorizer(analyzer=claim_analyzer, sublinear_tf=True, min_df=1)
        X = vec.fit_transform(docs)
        if len(set(values)) < 2 or not _beats_majority(X, values, groups):
            out[attr] = (vec, _Constant(Counter(values).most_common(1)[0][0]))
            continue
        out[attr] = (vec, _attribute_classifier().fit(X, values))
    return out


def majority_only(parts: Parts) -> list[str]:
    return [attr for attr, (_, clf) in parts.attributes.items() if isinstance(clf, _Constant)]


def _classify(parts: Parts, docs: list[str], attr: str) -> list[tuple[str, float]]:
    vec, clf = parts.attributes[attr]
    if not docs:
        return []
    probs = clf.predict_proba(vec.transform(docs))
    classes = list(clf.classes_)
    return [(str(classes[int(row.argmax())]), round(float(row.max()), 4)) for row in probs]


# -- fit and predict ------------------------------------------------------------------------------


def fit(examples: Sequence[Example], schema: Schema, *, choice: dict[str, str] | None = None) -> Parts:
    """Train the CRF, the attribution classifier and the attribute classifiers on every example."""
    import sklearn_crfsuite

    attribution = schema.attribution
    speaker = attribution.speaker if attribution else "Speaker"
    claim = attribution.claim if attribution else "Claim"
    says = attribution.relation if attribution else None
    labels = list(schema.spans)
    X, y = [], []
    for ex in examples:
        doc = _doc(ex.text)
        for toks, feats in zip(doc.paragraphs, doc.features, strict=True):
            X.append(feats)
            y.append(_tags(toks, ex.gold.regions, labels))
    crf = sklearn_crfsuite.CRF(**CRF_PARAMS)
    crf.fit(X, y)
    parts = Parts(speaker, claim, labels, crf, says, None, choice=dict(choice or {}))
    parts.pairs = _fit_pairs(examples, parts) if says else None
    parts.attributes = _fit_attributes(examples, schema, parts)
    return parts


def predict_with(parts: Parts, text: str, version: str, choice: dict[str, str] | None = None) -> Annotation:
    """One article's regions, relations and attributes, with the choice of model or rules per label."""
    return predict_variants(parts, text, version, [parts.choice if choice is None else choice])[0]


def predict_variants(parts: Parts, text: str, version: str, choices: list[dict[str, str]]) -> list[Annotation]:
    """predict_with for several choices at the cost of one tagging (cross-validation compares them)."""
    if not text.strip():
        return [Annotation(id=None, task_id=None, annotator=version) for _ in choices]
    doc = _doc(text)
    from_rules = sorted({label for c in choices for label in parts.labels if c.get(label) in ("rules", "union")})
    tags, probs, marginals = _tag(parts.crf, doc, from_rules)
    _remember_uncertainty(parts, text, probs)
    learnt = _decode(doc, tags, probs)
    out = []
    for choice in choices:
        regions: list[Region] = []
        for label in parts.labels:
            if choice.get(label, "model") == "rules":
                for r in doc.rules.regions:
                    if r.label == label:
                        regions.append(_region(text, label, r.start, r.end, _rule_score(doc, marginals, r)))
            else:
                mine = [
                    Region(r.id, r.label, r.start, r.end, r.text, {}, score=r.score) for r in learnt if r.label == label
                ]
                regions += mine
                if choice.get(label) == "union":  # the rules' regions the model has nothing over
                    for r in doc.rules.regions:
                        if r.label == label and not any(m.start < r.end and r.start < m.end for m in mine):
                            regions.append(_region(text, label, r.start, r.end, _rule_score(doc, marginals, r)))
        regions.sort(key=lambda r: (r.start, r.end, r.label))
        relations = _attribute(parts, text, regions, doc.rules, choice.get("attribution", "model") == "rules")
        _fill_attributes(parts, text, regions, relations, doc.rules)
        scores = [r.score for r in regions if r.score is not None]
        out.append(
            Annotation(
                id=None,
                task_id=None,
                regions=regions,
                relations=relations,
                annotator=version,
                score=round(sum(scores) / len(scores), 4) if scores else None,
            )
        )
    return out


def _fill_attributes(
    parts: Parts, text: str, regions: list[Region], relations: list[Relation], rules: Annotation
) -> None:
    """speaker_name and quote_type (from the rules where they overlap), and the learnt claim attributes."""
    rule_speakers = [r for r in rules.regions if r.label == parts.speaker]
    rule_claims = [r for r in rules.regions if r.label == parts.claim]
    for r in regions:
        if r.label == parts.speaker:
            same = _best_overlap(r, rule_speakers)
            r.attributes["speaker_name"] = (same.attributes.get("speaker_name") if same else None) or _full_name(
                text, r
            )
        elif r.label == parts.claim:
            same = _best_overlap(r, rule_claims)
            r.attributes["quote_type"] = (same.attributes.get("quote_type") if same else None) or _quote_type(text, r)
    annotation = Annotation(id=None, task_id=None, regions=regions, relations=relations)
    names = _speaker_names(annotation, parts)
    claims = [r for r in regions if r.label == parts.claim]
    docs = [_claim_doc(text, c, names.get(c.id, "")) for c in claims]
    for attr in parts.attributes:
        for claim, (value, p) in zip(claims, _classify(parts, docs, attr), strict=True):
            claim.attributes[attr] = value
            claim.attribute_scores[attr] = p


def _full_name(text: str, speaker: Region) -> str:
    """'Okafor' -> 'Ngozi Okafor' when the fuller name appears in the text; else the mention itself."""
    mention = " ".join(speaker.text.split())
    if mention.lower() in PRONOUNS or not mention[:1].isupper():
        return mention
    m = re.search(rf"((?:[A-Z][\w’'\-]+ )+){re.escape(mention)}\b", text)
    return (m.group(1) + mention) if m else mention


def _quote_type(text: str, claim: Region) -> str:
    if claim.start and text[claim.start - 1] in QUOTE_CHARS:
        return "direct"
    return "mixed" if any(q in claim.text for q in QUOTE_CHARS) else "indirect"


def uncertainty_of(parts: Parts, text: str) -> float:
    """Mean over the tokens of 1 - the probability of the tag the CRF chose (0 when there is no token).

    A prediction of the same text by the same model computed it already (push and the backend ask for
    both): then it is not tagged a second time."""
    if not text.strip():
        return 0.0
    key = (id(parts), hashlib.sha1(text.encode()).hexdigest())
    with _UNCERTAINTY_LOCK:
        known = _UNCERTAINTIES.get(key)
    if known is not None and known[0] is parts:
        return known[1]
    _, probs, _ = _tag(parts.crf, _doc(text))
    return _remember_uncertainty(parts, text, probs)


def _remember_uncertainty(parts: Parts, text: str, probs: list[list[float]]) -> float:
    flat = [p for ps in probs for p in ps]
    value = round(1 - sum(flat) / len(flat), 6) if flat else 0.0
    key = (id(parts), hashlib.sha1(text.encode()).hexdigest())
    with _UNCERTAINTY_LOCK:  # the model is kept in the entry, so a reused id() cannot match another model
        _UNCERTAINTIES[key] = (parts, value)
        _UNCERTAINTIES.move_to_end(key)
        while len(_UNCERTAINTIES) > UNCERTAINTY_CACHE:
            _UNCERTAINTIES.popitem(last=False)
    return value


# -- cross-validation -----------------------------------------------------------------------------------


def folds_of(examples: Sequence[Example], k: int) -> list[list[int]]:
    """k folds of example indices by article: an article's id fixes its fold (its SHA-256), never split."""
    order = sorted(range(len(examples)), key=lambda i: hashlib.sha256(examples[i].article_id.encode()).hexdigest())
    return [order[f::k] for f in range(k)]


def _cue_scores(predicted: list[Annotation], gold: list[Annotation]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for mode, threshold in (("exact", None), ("overlap", OVERLAP_IOU)):
        matched = n_pred = n_gold = 0
        for p, g in zip(predicted, gold, strict=True):
            pc = [r for r in p.regions if r.label == "Cue"]
            gc = [r for r in g.regions if r.label == "Cue"]
            matched += len(match_spans(pc, gc, threshold))
            n_pred += len(pc)
            n_gold += len(gc)
        out[mode] = prf(matched, n_pred, n_gold)
    return out


def span_report(predicted: list[Annotation], gold: list[Annotation]) -> dict[str, Any]:
    """annot.evaluate's report (Speaker, Claim, attribution) plus the same figures for Cue."""
    report = evaluate(predicted, gold)
    report["Cue"] = _cue_scores(predicted, gold)
    return report


def _label_score(report: dict[str, Any], key: str) -> float:
    """One figure per label: the mean of exact and overlap F1; for attribution the share of gold claims
    joined to the right speaker (so that folds of different sizes compare)."""
    if key == "attribution":
        gold = report["Claim"]["exact"]["gold"]
        return report["attribution"]["correct"] / gold if gold else 0.0
    return (report[key]["exact"]["f1"] + report[key]["overlap"]["f1"]) / 2


def _pooled(folds: Sequence[dict[str, Any]], key: str, mode: str, figure: str) -> float:
    """Precision or recall of one label over several folds' reports (matched, predicted, gold summed)."""
    matched = sum(f[key][mode]["matched"] for f in folds)
    total = sum(f[key][mode]["predicted" if figure == "precision" else "gold"] for f in folds)
    return matched / total if total else 0.0


def _gain(folds: Sequence[dict[str, dict[str, Any]]], option: str, baseline: str, key: str) -> tuple[float, float]:
    """The mean over folds of option's score minus the baseline's, and that difference's fold-to-fold
    standard deviation (0 with one fold)."""
    diffs = [_label_score(f[option], key) - _label_score(f[baseline], key) for f in folds]
    mean = sum(diffs) / len(diffs)
    spread = math.sqrt(sum((d - mean) ** 2 for d in diffs) / (len(diffs) - 1)) if len(diffs) > 1 else 0.0
    return mean, spread


def _union_adds_recall(folds: Sequence[dict[str, dict[str, Any]]], key: str) -> bool:
    """Whether the rules' regions the union adds to the model's find more gold regions without lowering
    precision (exact and overlap, pooled over the folds): else the union only adds false alarms."""
    union = [f["union"] for f in folds]
    model = [f["model"] for f in folds]
    modes = ("exact", "overlap")
    more = any(_pooled(union, key, m, "recall") > _pooled(model, key, m, "recall") for m in modes)
    precise = all(_pooled(union, key, m, "precision") >= _pooled(model, key, m, "precision") for m in modes)
    return more and precise


def sign_test(wins: int, losses: int) -> float:
    """One-sided sign test: the chance of at least `wins` wins in `wins + losses` coin tosses (ties left out)."""
    n = wins + losses
    return sum(math.comb(n, k) for k in range(wins, n + 1)) / 2**n if n else 1.0


def _wins_by_article(articles: Sequence[dict[str, dict[str, Any]]], option: str, baseline: str, key: str) -> bool:
    """Whether `option` beats `baseline` on clearly more articles than it loses (sign test, SIGN_ALPHA): a few
    regions gained in a few articles, and lost in others, pass a test of mean and spread over folds."""
    diffs = [_label_score(a[option], key) - _label_score(a[baseline], key) for a in articles]
    wins, losses = sum(d > 0 for d in diffs), sum(d < 0 for d in diffs)
    return sign_test(wins, losses) <= SIGN_ALPHA


def choose(
    folds: Sequence[dict[str, dict[str, Any]]], articles: Sequence[dict[str, dict[str, Any]]] | None = None
) -> dict[str, str]:
    """Per label, the rules unless the model (or the union) beats them clearly on held-out articles.

    `folds`: one dict per fold of held-out articles, with the span reports of "rules", "model", "union" (the
    model's regions plus the rules' where the model has none) and "links" (the model's regions, the rules'
    own `says` links). An option replaces the rules only when its mean gain over the folds (mean of exact
    and overlap F1; for attribution the share of gold claims correctly attributed) is larger than both
    MIN_GAIN and the gain's fold-to-fold standard deviation: a gain within the folds' own noise is no gain,
    and a tie keeps the rules. The union is an option only where it adds recall to the model without
    losing precision (pooled over the folds). Attribution compares, on the model's regions, the learnt
    `says` with the rules' own links. `articles` (the same reports, one per held-out article): an option
    must also win on clearly more articles than it loses (`sign_test` at most SIGN_ALPHA).
    """

    def clear(option: str, baseline: str, key: str) -> float | None:
        mean, spread = _gain(folds, option, baseline, key)
        if mean <= max(MIN_GAIN, spread):
            return None
        if articles is not None and not _wins_by_article(articles, option, baseline, key):
            return None
        return mean

    picked = {}
    for key in CHOICE_KEYS:
        if key == "attribution":
            picked[key] = "model" if clear("model", "links", key) is not None else "rules"
            continue
        options = ["model", *(["union"] if _union_adds_recall(folds, key) else [])]
        best, best_gain = "rules", 0.0
        for option in options:
            gain = clear(option, "rules", key)
            if gain is not None and gain > best_gain:
                best, best_gain = option, gain
        picked[key] = best
    return picked


ALL_MODEL = dict.fromkeys(CHOICE_KEYS, "model")
RULE_LINKS = {**ALL_MODEL, "attribution": "rules"}
ALL_UNION = {**dict.fromkeys(CHOICE_KEYS, "union"), "attribution": "model"}


def _article_reports(predicted: dict[str, list[Annotation]], gold: list[Annotation]) -> list[dict[str, Any]]:
    """The span report of each option on each article alone (for the sign test by article)."""
    return [{name: span_report([preds[n]], [g]) for name, preds in predicted.items()} for n, g in enumerate(gold)]


def _pooled_report(articles: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Several articles' span reports of one option summed into the figures `choose` reads (matched,
    predicted, gold and F1 per label and mode; gold claims correctly attributed): what span_report of the
    articles together gives, without matching every span a second time."""
    out: dict[str, Any] = {}
    for key in SPAN_KEYS:
        out[key] = {mode: prf(*(sum(a[key][mode][n] for a in articles) for n in COUNTS)) for mode in MODES}
    out["attribution"] = {"correct": sum(a["attribution"]["correct"] for a in articles)}
    return out


def _fold_reports(articles: Sequence[dict[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """Per option, the pooled report of a fold's articles (from their _article_reports)."""
    return {name: _pooled_report([a[name] for a in articles]) for name in articles[0]}


def inner_choice(examples: Sequence[Example], schema: Schema) -> dict[str, str]:
    """Model or rules per label, decided on `examples` alone: inner folds, or above NESTED_MAX articles one
    80/20 hold-out whose held-out articles are scored in INNER_FOLDS groups (the spread `choose` needs)."""
    if len(examples) < MIN_CHOICE_ARTICLES:
        return dict.fromkeys(CHOICE_KEYS, "rules")
    if len(examples) > NESTED_MAX:
        cut = len(examples) * 4 // 5
        held_out = list(range(cut, len(examples)))
        splits = [(held_out, [held_out[g::INNER_FOLDS] for g in range(INNER_FOLDS)])]
    else:
        splits = [(test, [test]) for test in folds_of(examples, min(INNER_FOLDS, len(examples) // 2))]
    folds = []
    articles = []
    for test, groups in splits:
        held = set(test)
        parts = fit([ex for i, ex in enumerate(examples) if i not in held], schema)
        for group in groups:
            by: dict[str, list[Annotation]] = {"model": [], "links": [], "union": [], "rules": []}
            for i in group:
                model, links, union = predict_variants(
                    parts, examples[i].text, "inner", [ALL_MODEL, RULE_LINKS, ALL_UNION]
                )
                by["model"].append(model)
                by["links"].append(links)
                by["union"].append(union)
                by["rules"].append(_rules(examples[i].text))
            reports = _article_reports(by, [examples[i].gold for i in group])
            folds.append(_fold_reports(reports))
            articles += reports
    return choose(folds, articles)


def _macro_f1(gold: list[str], predicted: list[str]) -> float:
    from sklearn.metrics import f1_score

    labels = sorted(set(gold) | set(predicted))
    return round(float(f1_score(gold, predicted, labels=labels, average="macro", zero_division=0)), 4)


def cross_validate(examples: Sequence[Example], schema: Schema, *, folds: int, progress: Progress) -> dict[str, Any]:
    """k-fold by article: spans and attribution for the rules, the model alone and model+rules; the claim
    attributes (on the gold claims) against the majority class of the training folds."""
    nested = len(examples) <= NESTED_MAX
    k = max(2, folds if nested else min(folds, LARGE_FOLDS))
    splits = folds_of(examples, k)
    gold: list[Annotation] = []
    by: dict[str, list[Annotation]] = {"rules": [], "model": [], "model+rules": [], "links": [], "union": []}
    attr_gold: dict[str, list[str]] = {}
    attr_pred: dict[str, list[str]] = {}
    attr_major: dict[str, list[str]] = {}
    kept: list[tuple[Parts, list[int]]] = []
    progress("cross-validation", 0, k)
    for n, test in enumerate(splits):
        held = set(test)
        train = [ex for i, ex in enumerate(examples) if i not in held]
        picked = inner_choice(train, schema) if nested else None
        parts = fit(train, schema, choice=picked)
        for i in test:
            ex = examples[i]
            gold.append(ex.gold)
            by["rules"].append(_rules(ex.text))
            variants = predict_variants(
                parts, ex.text, "cv", [ALL_MODEL, RULE_LINKS, ALL_UNION, *([picked] if picked else [])]
            )
            by["model"].append(variants[0])
            by["links"].append(variants[1])
            by["union"].append(variants[2])
            if picked:
                by["model+rules"].append(variants[3])
        if not nested:
            kept.append((parts, test))
        for attr in parts.attributes:
            docs, values, _ = _claim_table([examples[i] for i in test], parts, attr)
            _, train_values, _ = _claim_table(train, parts, attr)
            majority = Counter(train_values).most_common(1)[0][0]
            attr_gold.setdefault(attr, []).extend(values)
            attr_pred.setdefault(attr, []).extend(v for v, _ in _classify(parts, docs, attr))
            attr_major.setdefault(attr, []).extend([majority] * len(values))
        progress("cross-validation", n + 1, k)
    bounds = [0, *accumulate(len(test) for test in splits)]
    articles = _article_reports({name: by[name] for name in ("rules", "model", "links", "union")}, gold)
    choice = choose([_fold_reports(articles[a:b]) for a, b in pairwise(bounds)], articles)
    del by["links"], by["union"]
    for parts, test in kept:  # many articles: the choice comes from these same folds (not nested)
        by["model+rules"] += [predict_with(parts, examples[i].text, "cv", choice) for i in test]
    spans = {name: span_report(preds, gold) for name, preds in by.items()}
    attributes = {}
    for attr, values in attr_gold.items():
        pred, major = attr_pred[attr], attr_major[attr]
        attributes[attr] = {
            "claims": len(values),
            "macro_f1": _macro_f1(values, pred),
            "accuracy": round(sum(a == b for a, b in zip(values, pred, strict=True)) / len(values), 4)
            if values
            else None,
            "majority_macro_f1": _macro_f1(values, major),
            "majority_accuracy": round(sum(a == b for a, b in zip(values, major, strict=True)) / len(values), 4)
            if values
            else None,
        }
    return {
        "folds": k,
        "articles": len(examples),
        "spans": spans,
        "attributes": attributes,
        "choice": choice,
        "nested": nested,
    }


# -- learning curve --------------------------------------------------------------------------------------


def learning_curve(
    pool: Sequence[Example],
    test: Sequence[Example],
    schema: Schema,
    sizes: Sequence[int],
    *,
    repeats: int = 1,
    seed: int = 0,
    progress: Progress | None = None,
) -> list[dict[str, Any]]:
    """Train on the first n articles of `pool` for each n, score on `test`; `repeats` orders of the pool,
    the first as given, the others shuffled.

    Each row: size, repeat, and the span/attribution reports of the rules and of model+rules (the choice made
    by inner cross-validation on the n training articles only), plus stance/target macro-F1 on the test gold
    claims with their majority-class baseline.
    """
    rows = []
    rng = random.Random(seed)
    orders = []
    for r in range(repeats):
        order = list(pool)
        if r:  # the first order is the pool's own
            rng.shuffle(order)
        orders.append(order)
    rules = [_rules(ex.text) for ex in test]
    gold = [ex.gold for ex in test]
    rules_report = span_report(rules, gold)
    total = len(sizes) * repeats
    done = 0
    for size in sizes:
        for r, order in enumerate(orders):
            train = order[:size]
            picked = inner_choice(train, schema)
            parts = fit(train, schema, choice=picked)
            predicted = [predict_with(parts, ex.text, "curve", picked) for ex in test]
            model_only = [predict_with(parts, ex.text, "curve", ALL_MODEL) for ex in test]
            row: dict[str, Any] = {
                "size": size,
                "repeat": r,
                "choice": picked,
                "rules": rules_report,
                "model+rules": span_report(predicted, gold),
                "model": span_report(model_only, gold),
                "attributes": {},
            }
            for attr in parts.attributes:
                docs, values, _ = _claim_table(test, parts, attr)
                _, train_values, _ = _claim_table(train, parts, attr)
                majority = Counter(train_values).most_common(1)[0][0]
                pred = [v for v, _ in _classify(parts, docs, attr)]
                row["attributes"][attr] = {
                    "macro_f1": _macro_f1(values, pred),
                    "majority_macro_f1": _macro_f1(values, [majority] * len(values)),
                }
            rows.append(row)
            done += 1
            if progress:
                progress("learning curve", done, total)
    return rows


def curve_sizes(pool: int) -> list[int]:
    """Training sizes for a curve: 5, 10, 20, 40, ... below the pool, and the whole pool."""
    sizes, n = [], MIN_CURVE_SIZE
    while n < pool:
        sizes.append(n)
        n *= 2
    return [*sizes, pool]


def cv_learning_curve(
    examples: Sequence[Example], schema: Schema, *, folds: int, progress: Progress | None = None
) -> list[dict[str, Any]]:
    """learning_curve on each fold (pool: the other folds); one row per (size, fold), `repeat` is the fold."""
    splits = folds_of(examples, max(2, folds))
    sizes = curve_sizes(len(examples) - max(len(t) for t in splits))  # the same sizes on every fold
    rows = []
    for n, test in enumerate(splits):
        held = set(test)
        pool = [ex for i, ex in enumerate(examples) if i not in held]
        for row in learning_curve(pool, [examples[i] for i in test], schema, sizes, seed=n):
            row["repeat"] = n
            rows.append(row)
        if progress:
            progress("learning curve", n + 1, len(splits))
    return rows


def plot_learning_curve(rows: list[dict[str, Any]], path: Any, title: str) -> None:
    """Claim overlap F1, Speaker exact F1 and stance macro-F1 against training articles, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted({r["size"] for r in rows})

    def mean(path: tuple[str, ...]) -> list[float]:
        def value(row: dict[str, Any]) -> float:
            node: Any = row
            for key in path:
                node = node.get(key, {}) if isinstance(node, dict) else {}
            return float(node) if isinstance(node, int | float) else 0.0

        return [sum(value(r) for r in rows if r["size"] == s) / sum(1 for r in rows if r["size"] == s) for s in sizes]

    fig, ax = plt.subplots(figsize=(9, 4.2), dpi=110)
    series = [
        ("Claim overlap F1", "Claim", "overlap", "tab:red"),
        ("Speaker exact F1", "Speaker", "exact", "tab:blue"),
    ]
    for name, label, mode, color in series:
        ax.plot(sizes, mean(("model+rules", label, mode, "f1")), "o-", color=color, label=f"{name}, model+rules")
        ax.plot(sizes, mean(("rules", label, mode, "f1")), "--", color=color, label=f"{name}, rules alone")
    if any("stance" in r["attributes"] for r in rows):
        ax.plot(sizes, mean(("attributes", "stance", "macro_f1")), "s-", color="tab:green", label="stance macro-F1")
        ax.plot(
            sizes,
            mean(("attributes", "stance", "majority_macro_f1")),
            ":",
            color="tab:green",
            label="stance macro-F1, majority class",
        )
    ax.set_xlabel("training articles")
    ax.set_ylabel("score on held-out articles")
    ax.set_ylim(0, 1)
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    ax.set_xticks(sizes)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
