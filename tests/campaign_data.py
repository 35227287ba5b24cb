"""A generated annotation campaign, as Label Studio 1.23's JSON export of it: for the report's tests and benchmark.

Run: `python tests/campaign_data.py TASKS OUT.json` writes one. Every task is made-up text of
reported speech; annotators mark its speakers and claims, mostly agreeing, over several days.
Nothing here is real news.
"""

from __future__ import annotations

import json
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ANNOTATORS = ("ana@annot.local", "ben@annot.local", "chloe@annot.local", "dev@annot.local")
NAMES = ["Ilse Varga", "Tomas Brandt", "Amina Diallo", "Chen Wei", "Olga Petrenko", "Rafael Ortiz"]
TOPICS = ["the grain corridor", "export controls", "the ceasefire talks", "tariffs on steel", "the energy deal"]
CLAIMS = [
    "the plan would not survive the winter",
    "talks must resume without conditions",
    "the sanctions were already working",
    "nobody had asked for a new deal",
    "the border would stay open to trade",
    "the offer was an insult to the region",
]
STANCES = ("favor", "against", "none")
TARGETS = ("China", "Russia", "United States", "Ukraine", "Other")
START = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
DAYS = 20
OVERLAP_SHARE = 0.5  # tasks a second annotator also does
NOISE = 0.15  # chance that the second annotator gives another value, or misses a claim


def article(i: int, rng: random.Random) -> tuple[str, list[tuple[int, int, int, int]]]:
    """Text and its (speaker start, speaker end, claim start, claim end), one per sentence."""
    text, marks = "", []
    for _ in range(rng.randint(2, 4)):
        name, claim, topic = rng.choice(NAMES), rng.choice(CLAIMS), rng.choice(TOPICS)
        lead = f"On {topic}, "
        s0 = len(text) + len(lead)
        text += f"{lead}{name} said that "
        c0 = len(text)
        text += f"{claim}. "
        marks.append((s0, s0 + len(name), c0, c0 + len(claim)))
    return text + f"(Generated article {i}.)", marks


def result(text: str, marks: list[tuple[int, int, int, int]], values: list[tuple[str, str]], who: str) -> list[dict]:
    out: list[dict[str, Any]] = []

    def part(rid: str, start: int, end: int, name: str, kind: str, value: dict) -> dict[str, Any]:
        where = {"start": start, "end": end, "text": text[start:end]}
        return {
            "id": rid,
            "from_name": name,
            "to_name": "text",
            "type": kind,
            "origin": "manual",
            "value": where | value,
        }

    for k, ((s0, s1, c0, c1), (stance, target)) in enumerate(zip(marks, values, strict=True)):
        sid, cid = f"{who}{k}s", f"{who}{k}c"
        out += [
            part(sid, s0, s1, "mention", "labels", {"labels": ["Speaker"]}),
            part(cid, c0, c1, "mention", "labels", {"labels": ["Claim"]}),
            part(cid, c0, c1, "stance", "choices", {"choices": [stance]}),
            part(cid, c0, c1, "target", "choices", {"choices": [target]}),
            part(cid, c0, c1, "quote_type", "choices", {"choices": ["indirect"]}),
            {"from_id": cid, "to_id": sid, "type": "relation", "direction": "left", "labels": ["says"]},
        ]
    return out


def campaign(tasks: int, seed: int = 7, project: int = 1, annotators: tuple[str, ...] = ANNOTATORS) -> list[dict]:
    """`tasks` annotated tasks in Label Studio's export format; OVERLAP_SHARE of them by two annotators."""
    rng = random.Random(seed)
    out = []
    annotation_id = 0
    for i in range(tasks):
        text, marks = article(i, rng)
        truth = [(rng.choice(STANCES), rng.choice(TARGETS)) for _ in marks]
        # some annotators work faster than others: the first takes 40 % of the tasks, the last 10 %
        weights = [len(annotators) - k for k in range(len(annotators))]
        first = rng.choices(annotators, weights)[0]
        who = [first]
        if rng.random() < OVERLAP_SHARE:
            who.append(rng.choice([a for a in annotators if a != first]))
        day = START + timedelta(days=DAYS * i / max(tasks, 1), minutes=rng.randint(0, 600))
        annotations = []
        for n, person in enumerate(who):
            kept, values = marks, truth
            if n:  # the second annotator: sometimes another value, sometimes a claim missed
                values = [
                    (rng.choice(STANCES), t)
                    if rng.random() < NOISE
                    else (s, rng.choice(TARGETS) if rng.random() < NOISE / 2 else t)
                    for s, t in truth
                ]
                if len(marks) > 1 and rng.random() < NOISE:
                    kept, values = marks[:-1], values[:-1]
            annotation_id += 1
            made = day + timedelta(minutes=30 * n + rng.randint(0, 20))
            stamp = made.isoformat().replace("+00:00", "Z")
            annotations.append(
                {
                    "id": annotation_id,
                    "completed_by": {"id": 100 + annotators.index(person), "email": person},
                    "result": result(text, kept, values, f"a{annotation_id}-"),
                    "was_cancelled": False,
                    "ground_truth": False,
                    "created_at": stamp,
                    "updated_at": stamp,
                    "lead_time": round(rng.uniform(40, 400), 1),
                    "task": i + 1,
                    "project": project,
                }
            )
        data = {"article_id": f"gen{i:06d}", "title": f"Generated article {i}", "text": text, "source": "generated"}
        out.append({"id": i + 1, "data": data, "annotations": annotations, "predictions": [], "project": project})
    return out


if __name__ == "__main__":
    count, target = int(sys.argv[1]), Path(sys.argv[2])
    target.write_text(json.dumps(campaign(count)), encoding="utf-8")
    print(f"{count} tasks written to {target}")
