"""Pre-annotators as one interface: the rules, and models trained on a project's own annotations.

The contract (stable; `annot push`, `annot serve` and `annot train` build on it):

    class Predictor(Protocol):
        version: str                                # Label Studio's `model_version`
        def predict(self, text: str) -> Annotation  # regions with `score`, `says` relations, attributes
        def uncertainty(self, text: str) -> float   # 0 (sure) .. 1 (unsure); see below

    rules_predictor() -> Predictor                  # annot.preannotate.predict, version MODEL_VERSION
    load_predictor(root, project, schema, version=None) -> Predictor
        # the newest model under <state dir>/models/<project>/ trained on this schema version, else the rules;
        # `version` asks for one model: a missing one or one of another schema version raises ModelError
    train(examples, schema, *, folds=5, progress=...) -> TrainedModel      # a Predictor, with .meta and .scores
    train_project(config, project, *, export=None, gold=None, offline=False, folds=5, curve=False, progress=...)
        -> TrainedModel  # the project's valid, adjudicated annotations (+ a gold file), cross-validated, saved
    save(model, root, project) -> Path              # <state dir>/models/<project>/<version>/
    examples_from_tasks(tasks, schema, invalid) / examples_from_gold(path, schema) -> list[Example]
    current_baseline(root, project, schema) -> (meta.json dict, learning curve PNG or None) | None

Scores: every predicted region has `score` in 0..1. A trained model's span score is the CRF's mean
marginal probability of the region's tags over its tokens (for a rules' region it keeps, the CRF's
probability of the rules' tags); a claim's stance and target come with the classifier's probability (in
`Region.attribute_scores`). The rules alone have no probabilities: their regions carry `RULES_SCORE`.

Uncertainty: for a trained model, the mean over the article's tokens of 1 - (the CRF's probability of the
tag it chose), i.e. the expected share of wrongly tagged tokens (least confidence, averaged); for the rules,
the share of sentences with a reporting verb or a quotation mark in which the rules found no claim.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import pickle
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from annot.atomic import replacing, write_json
from annot.errors import ModelError
from annot.records import Annotation, Task

if TYPE_CHECKING:
    from annot.config import Config, ProjectConfig
    from annot.schema import Schema

RULES_SCORE = 0.5  # the rules fire or not: no probability, so even odds rather than false certainty
MIN_ARTICLES = 5  # fewer annotated articles than this cannot be cross-validated by article
DEFAULT_FOLDS = 5
MODEL_FILE = "model.pkl"
META_FILE = "meta.json"
MODEL_PREFIX = "annot-model-"
CURVE_FILE = "learning_curve.png"
CURVE_DATA = "learning_curve.json"

Progress = Callable[[str, int, int | None], None]


def _no_progress(step: str, done: int, total: int | None) -> None:
    pass


@runtime_checkable
class Predictor(Protocol):
    """Anything that pre-annotates one article's text (see the module docstring)."""

    version: str

    def predict(self, text: str) -> Annotation: ...

    def uncertainty(self, text: str) -> float: ...


@dataclass
class Example:
    """One annotated article to learn from: its text and its (adjudicated) annotation."""

    article_id: str
    text: str
    gold: Annotation


# -- the rules -------------------------------------------------------------------------------


class RulesPredictor:
    """annot.preannotate.predict behind the Predictor interface."""

    def __init__(self) -> None:
        from annot.preannotate import MODEL_VERSION

        self.version = MODEL_VERSION

    def predict(self, text: str) -> Annotation:
        from annot.preannotate import predict

        annotation = predict(text)
        for region in annotation.regions:
            region.score = RULES_SCORE
        annotation.score = RULES_SCORE if annotation.regions else None
        return annotation

    def uncertainty(self, text: str) -> float:
        return rules_uncertainty(text, self.predict(text))


def rules_predictor() -> Predictor:
    """The rule-based pre-annotator (annot.preannotate) as a Predictor."""
    return RulesPredictor()


def rules_uncertainty(text: str, predicted: Annotation) -> float:
    """Share of sentences that look like speech (a reporting verb, a quotation mark) yet hold no predicted claim."""
    from annot.preannotate import CUE_RE
    from annot.text import sentence_spans

    claims = [(r.start, r.end) for r in predicted.regions if r.label == "Claim"]
    looks = missed = 0
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        if not (CUE_RE.search(sentence) or any(q in sentence for q in '"“”')):
            continue
        looks += 1
        if not any(s < end and e > start for s, e in claims):
            missed += 1
    return missed / looks if looks else 0.0


# -- training data ---------------------------------------------------------------------------


def examples_from_tasks(
    tasks: Iterable[Task], schema: Schema, invalid: Mapping[Any, Any] | Iterable[Any] = ()
) -> list[Example]:
    """The examples `publish` would publish: valid annotations only, several annotators settled by adjudication.

    Tasks without an article id, without a live valid annotation, or repeating an article are left out.
    """
    from annot.adjudicate import adjudicate

    invalid_ids = {str(k) for k in invalid}
    seen: set[str] = set()
    out = []
    for task in tasks:
        live = [a for a in task.annotations if not a.cancelled and str(a.id) not in invalid_ids]
        article_id = task.article_id
        if not live or not article_id or article_id in seen or not task.text:
            continue
        seen.add(article_id)
        adj = adjudicate(task, schema, invalid=list(invalid_ids))
        gold = Annotation(id=None, task_id=task.id, regions=list(adj.regions), relations=list(adj.relations))
        out.append(Example(article_id, task.text, gold))
    return out


def examples_from_gold(path: Path, schema: Schema) -> list[Example]:
    """The examples of a gold file in Label Studio import JSON (seeds/gold.json, tests/corpus/dev.json)."""
    from annot.convert import read_gold

    return examples_from_tasks(read_gold(path, schema), schema)


def data_hash(examples: Sequence[Example]) -> str:
    """SHA-256 of the training data (texts, regions, relations and attributes), independent of order."""
    digests = []
    for ex in examples:
        regions = sorted((r.label, r.start, r.end, json.dumps(r.attributes, sort_keys=True)) for r in ex.gold.regions)
        by_id = {r.id: (r.label, r.start, r.end) for r in ex.gold.regions}
        relations = sorted((str(by_id.get(x.from_id)), str(by_id.get(x.to_id)), x.label) for x in ex.gold.relations)
        blob = json.dumps([ex.article_id, ex.text, regions, relations], ensure_ascii=False)
        digests.append(hashlib.sha256(blob.encode()).hexdigest())
    return hashlib.sha256("".join(sorted(digests)).encode()).hexdigest()


# -- the trained model -----------------------------------------------------------------------


@dataclass
class ModelMeta:
    """What a saved model says about itself (meta.json)."""

    version: str
    created: str  # ISO 8601, UTC
    schema_name: str
    schema_version: int
    data_hash: str
    articles: int
    claims: int
    choice: dict[str, str] = field(default_factory=dict)  # label -> "model" | "rules" | "union", chosen by CV
    scores: dict[str, Any] = field(default_factory=dict)  # the cross-validation report

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


class TrainedModel:
    """A Predictor learnt from annotations; the rules stay inside it as features and fallback."""

    def __init__(self, meta: ModelMeta, parts: Any) -> None:
        self.meta = meta
        self.parts = parts
        self.version = meta.version

    @property
    def scores(self) -> dict[str, Any]:
        return self.meta.scores

    def majority_only(self) -> list[str]:
        """The claim attributes for which the model answers the majority class (no classifier beat it)."""
        from annot.learn import majority_only

        return majority_only(self.parts)

    def predict(self, text: str) -> Annotation:
        from annot.learn import predict_with

        return predict_with(self.parts, text, self.version)

    def uncertainty(self, text: str) -> float:
        from annot.learn import uncertainty_of

        return uncertainty_of(self.parts, text)


def train(
    examples: Sequence[Example],
    schema: Schema,
    *,
    folds: int = DEFAULT_FOLDS,
    progress: Progress = _no_progress,
) -> TrainedModel:
    """Cross-validate by article, then fit on every example; refuses fewer than MIN_ARTICLES articles."""
    from annot.learn import cross_validate, fit

    n = len(examples)
    if n < MIN_ARTICLES:
        raise ModelError(
            f"training needs at least {MIN_ARTICLES} annotated articles (valid, with text); "
            f"this project has {n}: annotate {MIN_ARTICLES - n} more, or add --gold FILE"
        )
    report = cross_validate(examples, schema, folds=min(folds, n), progress=progress)
    progress("fit", 0, 1)
    parts = fit(examples, schema, choice=report["choice"])
    progress("fit", 1, 1)
    digest = data_hash(examples)
    now = dt.datetime.now(dt.UTC)
    meta = ModelMeta(
        version=f"{MODEL_PREFIX}{now.strftime('%Y%m%dT%H%M%S')}-{digest[:8]}",
        created=now.isoformat(timespec="seconds"),
        schema_name=schema.name,
        schema_version=schema.version,
        data_hash=digest,
        articles=n,
        claims=sum(1 for ex in examples for r in ex.gold.regions if r.label == "Claim"),
        choice=report["choice"],
        scores=report,
    )
    return TrainedModel(meta, parts)


def models_dir(root: Path, project: str) -> Path:
    from annot.config import state_dir

    return state_dir(root) / "models" / project


def save(model: TrainedModel, root: Path, project: str) -> Path:
    """Write the model and its meta.json under <state dir>/models/<project>/<version>/; returns the folder."""
    folder = models_dir(root, project) / model.version
    folder.mkdir(parents=True, exist_ok=True)
    with replacing(folder / MODEL_FILE) as part, part.open("wb") as fh:
        pickle.dump(model.parts, fh, protocol=pickle.HIGHEST_PROTOCOL)
    # meta.json last: saved_models lists a model only once its pickle is whole
    write_json(folder / META_FILE, model.meta.to_json(), indent=2)
    return folder


def saved_models(root: Path, project: str) -> list[ModelMeta]:
    """The project's saved models, oldest first (unreadable folders are skipped)."""
    found = []
    folder = models_dir(root, project)
    for meta_path in sorted(folder.glob(f"*/{META_FILE}")) if folder.is_dir() else []:
        try:
            found.append(ModelMeta(**json.loads(meta_path.read_text(encoding="utf-8"))))
        except (OSError, ValueError, TypeError):
            continue
    return sorted(found, key=lambda m: (m.created, m.version))


def load_model(root: Path, project: str, version: str, schema: Schema) -> TrainedModel:
    """One saved model; ModelError if it is missing, unreadable or made for another schema version."""
    folder = models_dir(root, project) / version
    try:
        meta = ModelMeta(**json.loads((folder / META_FILE).read_text(encoding="utf-8")))
    except OSError:
        raise ModelError(f"no model {version!r} under {folder.parent}; run `annot train` first") from None
    except (ValueError, TypeError) as e:
        raise ModelError(f"{folder / META_FILE}: not a model's meta.json ({e}); run `annot train` again") from None
    if (meta.schema_name, meta.schema_version) != (schema.name, schema.version):
        raise ModelError(
            f"model {version} was trained on schema {meta.schema_name} version {meta.schema_version}, "
            f"the project uses {schema.name} version {schema.version}; run `annot train` again"
        )
    try:
        with (folder / MODEL_FILE).open("rb") as fh:
            parts = pickle.load(fh)  # our own file, written by save()
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as e:
        raise ModelError(f"{folder / MODEL_FILE}: cannot load the model ({e}); run `annot train` again") from None
    return TrainedModel(meta, parts)


def load_predictor(root: Path, project: str, schema: Schema, version: str | None = None) -> Predictor:
    """The newest model trained for `project` on this schema version, else the rules.

    With `version`, that model or a ModelError (missing, or trained on another schema version).
    `root` is the folder holding annot.toml (models live in its state dir, `.annot/` or ANNOT_HOME).
    """
    if version is not None:
        return load_model(root, project, version, schema)
    for meta in reversed(saved_models(root, project)):
        if (meta.schema_name, meta.schema_version) == (schema.name, schema.version):
            try:
                return load_model(root, project, meta.version, schema)
            except ModelError:
                continue
    return rules_predictor()


def current_baseline(root: Path, project: str, schema: Schema) -> tuple[dict[str, Any], Path | None] | None:
    """The newest model of this schema version: its meta.json and its learning curve (if drawn), for the card."""
    for meta in reversed(saved_models(root, project)):
        if (meta.schema_name, meta.schema_version) == (schema.name, schema.version):
            image = models_dir(root, project) / meta.version / CURVE_FILE
            return meta.to_json(), image if image.exists() else None
    return None


def train_project(
    config: Config,
    project: ProjectConfig,
    *,
    export: Path | None = None,
    gold: Path | None = None,
    offline: bool = False,
    folds: int = DEFAULT_FOLDS,
    curve: bool = False,
    progress: Progress = _no_progress,
) -> TrainedModel:
    """Train on the project's valid, adjudicated annotations (pulled first unless offline or from `export`),
    plus the examples of a gold file; save the model and return it."""
    from annot import sync
    from annot.convert import ExportFile
    from annot.schema import load_schema
    from annot.validate import validate

    schema = load_schema(project.schema)
    tasks: Iterable[Task]
    if export is not None:
        tasks = ExportFile(export, schema)
        report = validate(tasks, schema)
    elif offline:
        tasks, report = sync.load_local(config, project, schema)
    else:
        pulled = sync.pull(config, project, progress=progress)
        tasks, report = pulled.tasks, pulled.report
    examples = examples_from_tasks(tasks, schema, report.invalid_annotations().keys())
    if gold is not None:
        known = {ex.article_id for ex in examples}
        examples += [ex for ex in examples_from_gold(gold, schema) if ex.article_id not in known]
    model = train(examples, schema, folds=folds, progress=progress)
    folder = save(model, config.root, project.name)
    if curve:
        save_learning_curve(
            examples, schema, folder, folds=folds, title=f"{project.name}: {model.version}", progress=progress
        )
    return model


def save_learning_curve(
    examples: Sequence[Example],
    schema: Schema,
    folder: Path,
    *,
    folds: int = DEFAULT_FOLDS,
    title: str = "learning curve",
    progress: Progress = _no_progress,
) -> Path:
    """Cross-validated learning curve (CURVE_FILE and CURVE_DATA in `folder`): for each fold, train on the
    first n articles of the other folds, score on the fold; figures averaged over folds."""
    from annot.learn import cv_learning_curve, plot_learning_curve

    rows = cv_learning_curve(examples, schema, folds=min(folds, len(examples)), progress=progress)
    write_json(folder / CURVE_DATA, rows, indent=1)
    plot_learning_curve(rows, folder / CURVE_FILE, title)
    return folder / CURVE_FILE


__all__ = [
    "Example",
    "ModelMeta",
    "Predictor",
    "RulesPredictor",
    "TrainedModel",
    "current_baseline",
    "examples_from_gold",
    "examples_from_tasks",
    "load_model",
    "load_predictor",
    "rules_predictor",
    "save",
    "save_learning_curve",
    "saved_models",
    "train",
    "train_project",
]
