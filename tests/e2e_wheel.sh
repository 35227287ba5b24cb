#!/usr/bin/env bash
# End to end as a new user, from the wheel: build the wheel and the sdist and check them, install the
# wheel into a fresh virtual environment outside the checkout, then in an empty folder `annot init`,
# `annot studio up` (no label-studio anywhere: annot installs it itself, fresh, into an empty data
# directory), `annot sync`, one annotation made through the API, `annot sync` again, and
# `datasets.load_dataset` on the published dataset. Run by .ci/run; about 5 minutes here.
#
#   tests/e2e_wheel.sh [PYTHON]     PYTHON has `build` and `twine` (default: .venv/bin/python)
#   KEEP=1 tests/e2e_wheel.sh       keeps the temporary folder to look at
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
PY=${1:-$REPO/.venv/bin/python}
[ -x "$PY" ] || { echo "e2e: no Python at $PY (give one with build and twine)" >&2; exit 2; }
PY=$(cd "$(dirname "$PY")" && pwd)/$(basename "$PY")  # absolute: the script changes folder
WORK=$(mktemp -d "${TMPDIR:-/tmp}/annot-e2e.XXXXXX")
PROJECT=$WORK/project
START=$SECONDS

step() { printf '\n== %s (%d s)\n' "$*" $((SECONDS - START)); }
fail() { echo "e2e FAILED: $*" >&2; exit 1; }
finish() {
  status=$?
  if [ -x "$WORK/venv/bin/annot" ] && [ -d "$PROJECT/.annot" ]; then
    (cd "$PROJECT" && user_env "$WORK/venv/bin/annot" --quiet studio down >/dev/null 2>&1) || true
  fi
  if [ "${KEEP:-}" = 1 ] || [ $status -ne 0 ]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap finish EXIT

# A user's shell: the fresh environment first on PATH, nothing of the checkout's, no label-studio
# anywhere, an empty data directory (so the managed install is made fresh, once).
user_env() {
  env -u PYTHONPATH -u ANNOT_LABEL_STUDIO -u VIRTUAL_ENV -u ANNOT_HOME -u LABEL_STUDIO_URL -u LABEL_STUDIO_API_KEY \
    PATH="$WORK/venv/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin" XDG_DATA_HOME="$WORK/data" \
    HF_DATASETS_OFFLINE=1 HF_HUB_OFFLINE=1 "$@"
}

step "python -m build (sdist, then the wheel from the sdist)"
leftovers=()  # what setuptools leaves in the checkout, removed unless it was there before
for d in "$REPO/annot.egg-info" "$REPO/build"; do [ -e "$d" ] || leftovers+=("$d"); done
"$PY" -m build --outdir "$WORK/dist" "$REPO" >"$WORK/build.log" 2>&1 || { tail -20 "$WORK/build.log"; fail "build"; }
rm -rf "${leftovers[@]}"
WHEEL=$(ls "$WORK"/dist/annot-*.whl)
"$PY" -m twine check --strict "$WORK"/dist/*
"$PY" - "$WHEEL" <<'EOF'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
wanted = {"annot/schemas/news-stance.yaml", "annot/schemas/news-stance.md", "annot/seeds/gold.json", "annot/cli.py"}
missing = wanted - names
assert not missing, f"the wheel misses {missing}"
assert len([n for n in names if n.startswith("annot/seeds/") and n.endswith(".txt")]) == 5
print(f"wheel holds the package data ({len(names)} files)")
EOF

step "a fresh virtual environment outside the checkout, pip install the wheel"
"$PY" -m venv "$WORK/venv"
user_env "$WORK/venv/bin/pip" install "$WHEEL" >"$WORK/pip.log" 2>&1 || { tail -20 "$WORK/pip.log"; fail "pip install"; }
grep "^Successfully installed" "$WORK/pip.log" | cut -c1-100
mkdir "$PROJECT"
cd "$PROJECT"
annot() { user_env "$WORK/venv/bin/annot" "$@"; }
case "$(user_env python -c 'import annot; print(annot.__file__)')" in
  "$WORK/venv/"*) ;;
  *) fail "annot is not imported from the fresh environment" ;;
esac

step "annot init (and again: refused, one line)"
annot init
for f in annot.toml schemas/news-stance.yaml schemas/news-stance.md .gitignore; do [ -f "$f" ] || fail "annot init made no $f"; done
[ -d seeds ] && [ -d exports ] || fail "annot init made no seeds/ or exports/"
if annot init 2>"$WORK/again.err"; then fail "a second annot init was not refused"; fi
[ "$(grep -c . "$WORK/again.err")" = 1 ] && grep -q "already exists" "$WORK/again.err" || fail "refusal: $(cat "$WORK/again.err")"
annot schema render --builtin news-stance | grep -q '<Labels name="mention"' || fail "schema render --builtin"
cat >seeds/harbour.txt <<'EOF'
Harbour plan draws fire in Port Eldin

The mayor of Port Eldin, Mara Quist, said on Tuesday that the new harbour plan was "a gift to Russia". Council officials declined to comment.
EOF

step "annot studio up: no label-studio anywhere, so annot installs it (fresh) and starts it"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
annot studio up --port "$PORT" | tee "$WORK/up.out"
grep -q "invite annotators: http://127.0.0.1:$PORT/user/signup/?token=" "$WORK/up.out" || fail "no invite link"
[ -f "$WORK/data/annot/label-studio-1.23.2/annot-managed.json" ] || fail "the managed environment was not made"
annot studio status | tee "$WORK/status.out"
grep -q "label-studio-1.23.2/bin/label-studio (managed by annot)" "$WORK/status.out" || fail "status names no managed executable"

step "annot sync: the article pushed"
annot sync

step "an annotation through the API, then annot sync publishes it"
user_env python - <<'EOF'
import json
import httpx
conn = json.load(open(".annot/connection.json"))
api = httpx.Client(base_url=conn["url"], headers={"Authorization": f"Token {conn['api_key']}"}, timeout=60)
projects = api.get("/api/projects/").json()
project = next(p for p in projects.get("results", projects) if p["title"] == "news-stance")
tasks = api.get("/api/tasks", params={"project": project["id"]}).json()["tasks"]
assert len(tasks) == 1, tasks
task = tasks[0]
text = task["data"]["text"]
def span(rid, part, label, **choices):
    start = text.index(part)
    where = {"start": start, "end": start + len(part), "text": part}
    made = [{"id": rid, "from_name": "mention", "to_name": "text", "type": "labels", "value": {**where, "labels": [label]}}]
    for name, choice in choices.items():
        made.append({"id": rid, "from_name": name, "to_name": "text", "type": "choices", "value": {**where, "choices": [choice]}})
    return made
result = span("s1", "Mara Quist", "Speaker") + span("c1", "a gift to Russia", "Claim", stance="against", target="Russia")
result.append({"from_id": "c1", "to_id": "s1", "type": "relation", "direction": "right", "labels": ["says"]})
made = api.post(f"/api/tasks/{task['id']}/annotations/", json={"result": result})
assert made.status_code == 201, made.text
print(f"annotation {made.json()['id']} on task {task['id']}")
EOF
annot sync | tee "$WORK/sync.out"
grep -q "published exports/news-stance" "$WORK/sync.out" || fail "nothing published"

step "datasets.load_dataset on the published dataset"
user_env python - <<'EOF'
import datasets
claims = datasets.load_dataset("exports/news-stance", "claims")
rows = [row for split in claims.values() for row in split]
assert len(rows) == 1, rows
row, features = rows[0], next(iter(claims.values())).features
assert row["text"] == "a gift to Russia" and row["speaker"] == "Mara Quist", row
assert features["stance"].int2str(row["stance"]) == "against" and features["target"].int2str(row["target"]) == "Russia"
docs = datasets.load_dataset("exports/news-stance", "documents")
assert sum(len(split) for split in docs.values()) == 1
print("load_dataset: 1 document, 1 claim:", row["speaker"], "-", row["text"], "- against Russia")
EOF

step "done"
printf 'e2e from the wheel passed in %d s\n' $((SECONDS - START))
