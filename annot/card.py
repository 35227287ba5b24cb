"""The dataset card (the published folder's README.md): its YAML header made with huggingface_hub's
`DatasetCardData`, its text rendered from the template `annot/templates/dataset_card.md.jinja`."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import annot
from annot.dataset import BASELINE_IMAGE, DEFAULT_CONFIG, REPORT_FILE, SPLITS, Built, PublishMeta, parquet_path
from annot.schema import ARTICLE_COLUMNS, Schema, configs, features, guidelines_markdown

if TYPE_CHECKING:
    import jinja2
    from huggingface_hub import DatasetCard

TEMPLATE = "dataset_card.md.jinja"
TASK_CATEGORIES = ("text-classification", "token-classification")
# `annotations` counts the card states, zero when build saw none
COUNTS = (
    "tasks",
    "published_tasks",
    "unannotated_tasks",
    "skipped_tasks",
    "annotations",
    "skipped_annotations",
    "excluded_annotations",
)
SplitSizes = dict[str, dict[str, tuple[int, int]]]  # config -> split -> (rows, bytes), as dataset.write counts


def render(built: Built, split_info: SplitSizes, *, version: str, meta: PublishMeta) -> DatasetCard:
    """The card: the YAML header, then what a reader needs to understand, trust and cite the data.

    The agreement section is the table `annot agreement` prints: `AgreementReport.rows()` under `ROW_COLUMNS`.
    """
    from huggingface_hub import DatasetCard

    from annot.agreement import ROW_COLUMNS

    schema = built.schema
    name = meta.pretty_name or schema.title or schema.name
    date = meta.date or dt.datetime.now(dt.UTC).date().isoformat()
    project = meta.project or schema.name
    splits = [s for s in SPLITS if any(s in info for info in split_info.values())]
    attribution = schema.attribution
    content = _template().render(
        card_data=card_data(built, split_info, meta).to_yaml(),
        name=name,
        description=(schema.description or "").strip(),
        configs=configs(schema),
        default_config=DEFAULT_CONFIG,
        article_columns=ARTICLE_COLUMNS,
        schema=schema,
        attribution=attribution,
        relations=[r for r in schema.relations if not (attribution and r == attribution.relation)],
        unit=schema.unit,
        unit_columns=[a.column or n for n, a in schema.spans[schema.unit.label].attributes.items()]
        if schema.unit
        else [],
        splits=splits,
        statistics=[(stat, [per_split[s] for s in splits]) for stat, per_split in built.stats.items()],
        annotators=len(built.annotators),
        counts={k: built.counts.get(k, 0) for k in COUNTS},
        disputed=len(built.disputed),
        report_file=REPORT_FILE,
        agreement=built.agreement,
        agreement_columns=ROW_COLUMNS,
        baseline=_baseline(meta, schema),
        guidelines=_demote(guidelines_markdown(schema)).strip(),
        provenance=[
            ("Label Studio project", project),
            ("Source", meta.source or "—"),
            ("Schema", f"{schema.name} version {schema.version}"),
            ("annot version", annot.__version__),
            ("Published", date),
            ("Dataset version (SHA-256 of the Parquet files)", f"`{version}`"),
        ],
        citation={
            "key": re.sub(r"[^a-z0-9]+", "_", f"{schema.name}_{version[:8]}".lower()),
            "authors": meta.authors or project,
            "year": date[:4],
        },
        version=version,
        annot_version=annot.__version__,
    )
    return DatasetCard(content)


@functools.cache
def _template() -> jinja2.Template:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("annot", "templates"),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,  # a misspelt name fails the render instead of printing nothing
        autoescape=False,  # Markdown, not HTML
    )
    env.filters["code"] = lambda value: f"`{value}`"
    return env.get_template(TEMPLATE)


def _size_category(n: int) -> str:
    for bound, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M")):
        if n < bound:
            return name
    return "n>1M"


def card_data(built: Built, split_info: SplitSizes, meta: PublishMeta) -> Any:
    """The card's YAML header (a `DatasetCardData`): configs, dataset_info (features, splits), licence, tags."""
    from datasets import DatasetInfo, SplitDict, SplitInfo
    from datasets.info import DatasetInfosDict
    from huggingface_hub import DatasetCardData

    schema = built.schema
    data = DatasetCardData(
        pretty_name=meta.pretty_name or schema.title or schema.name,
        language=[schema.language],
        license=schema.license,
        task_categories=list(TASK_CATEGORIES),
        size_categories=[_size_category(sum(n for n, _ in split_info.get(DEFAULT_CONFIG, {}).values()))],
        annotations_creators=["expert-generated"],
        source_datasets=["original"],
    )
    data["configs"] = [
        {
            "config_name": config,
            **({"default": True} if config == DEFAULT_CONFIG else {}),
            "data_files": [{"split": split, "path": parquet_path(config, split)} for split in split_info[config]],
        }
        for config in configs(schema)
    ]
    infos = {}
    for config in configs(schema):
        splits = SplitDict()
        for split, (n, nbytes) in split_info[config].items():
            splits.add(SplitInfo(name=split, num_bytes=nbytes, num_examples=n))
        infos[config] = DatasetInfo(
            features=features(schema, config),
            splits=splits,
            dataset_size=sum(b for _, b in split_info[config].values()),
        )
    DatasetInfosDict(infos).to_dataset_card_data(data)
    return data


def _baseline(meta: PublishMeta, schema: Schema) -> dict[str, Any] | None:
    """The newest `annot train` model's cross-validated scores beside the rules' (annot.model meta.json)."""
    model: Mapping[str, Any] | None = meta.baseline
    if not model:
        return None
    scores = model.get("scores") or {}
    spans = scores.get("spans") or {}
    attributes = scores.get("attributes") or {}
    rows = []
    for label, mode in (("Speaker", "exact"), ("Speaker", "overlap"), ("Claim", "exact"), ("Claim", "overlap")):
        if label in spans.get("rules", {}):
            rows.append(
                [label, f"{mode} F1", *(f"{spans[k][label][mode]['f1']:.3f}" for k in ("rules", "model+rules"))]
            )
    if "attribution" in spans.get("rules", {}):
        rows.append(
            ["attribution", "accuracy on matched claims"]
            + [str(spans[k]["attribution"]["accuracy"]) for k in ("rules", "model+rules")]
        )
        gold = spans["rules"].get("Claim", {}).get("overlap", {}).get("gold")
        rows.append(
            ["attribution", "gold claims correctly attributed"]
            + [f"{spans[k]['attribution']['correct']} of {gold}" for k in ("rules", "model+rules")]
        )
    for attr, s in attributes.items():
        rows.append([attr, "macro-F1", f"{s['majority_macro_f1']:.3f} (majority class)", f"{s['macro_f1']:.3f}"])
    image = bool(meta.baseline_image and meta.baseline_image.is_file())
    return {
        "articles": model.get("articles"),
        "version": model.get("version"),
        "data_hash": str(model.get("data_hash", ""))[:16],
        "folds": scores.get("folds"),
        "unit": schema.unit.config if schema.unit else "claims",
        "stance": attributes.get("stance"),
        "rows": rows,
        "image": BASELINE_IMAGE if image else None,
    }


def _demote(markdown: str) -> str:
    """Push the guidelines' headings two levels down so they nest under the card's section."""
    out, fenced = [], False
    for line in markdown.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        out.append("##" + line if not fenced and line.startswith("#") else line)
    return "\n".join(out)
