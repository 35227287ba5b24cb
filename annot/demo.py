"""`annot demo`: the whole product on the seeds, in one command, safe to run twice."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annot import studio, sync
from annot.config import Config, shown
from annot.convert import read_task_list

GOLD_FILE = "seeds/gold.json"
DEMO_ANNOTATOR = "annotator@annot.local"


@dataclass
class DemoResult:
    info: studio.StudioInfo
    project_id: int
    gold_imported: int
    pushed: sync.PushResult
    result: sync.SyncResult
    export: Path

    def lines(self) -> list[str]:
        published, pushed = self.result.published, self.pushed
        dataset_line = (
            f"published {shown(self.export)} (version {published.version[:12]}): {sync.published_summary(published)}"
            if published
            else f"{shown(self.export)} is up to date (no annotation changed since the last run)"
        )
        return [
            f"Label Studio {self.info.version} at {self.info.url}",
            f"  login: {self.info.username}  password: {self.info.password}",
            f"  project: {self.info.url}/projects/{self.project_id}/data",
            f"{pushed.articles} seed articles in the project ({pushed.imported} new, with pre-annotations); "
            f"{self.gold_imported} gold annotations imported this run",
            dataset_line,
            f'  python -c \'import datasets; print(datasets.load_dataset("{shown(self.export)}", "claims"))\'',
            "next: annotate in the browser, then run `annot sync` to publish again; `annot studio down` to stop",
        ]


def load_gold(path: Path) -> dict[str, list[dict[str, Any]]]:
    """article_id -> the gold `result` list, from a Label Studio import file."""
    tasks = read_task_list(path)
    return {t["data"]["article_id"]: t["annotations"][0]["result"] for t in tasks if t.get("annotations")}


def run(config: Config, port: int = 8080, progress: sync.Progress = sync._no_progress) -> DemoResult:
    info = studio.up(config.root, port=port)
    project = config.project()
    server = sync.connect(config)
    with sync.project_lock(config, project):
        pushed = sync.push(config, project, server=server, progress=progress)
        gold = load_gold(config.root / GOLD_FILE)
        annotated = {
            (t.get("data") or {}).get("article_id")
            for t in server.export_all(pushed.project_id)
            if t.get("annotations")
        }
        state = sync.load_state(config, project)
        annotator = server.ensure_user(DEMO_ANNOTATOR, "Demo", "Annotator")
        imported = 0
        for article_id, gold_result in gold.items():
            task_id = state.pushed.get(article_id)
            if task_id is None or article_id in annotated:
                continue
            server.create_annotation(task_id, gold_result, completed_by=annotator)
            imported += 1
    synced = sync.sync(config, project, progress=progress)
    return DemoResult(
        info=info,
        project_id=pushed.project_id,
        gold_imported=imported,
        pushed=pushed,
        result=synced,
        export=project.export,
    )
