"""The upload of a published dataset folder to the Hugging Face Hub, tagged with its version."""

from __future__ import annotations

import json
from pathlib import Path

from annot.dataset import DATA_DIR, REPORT_FILE
from annot.errors import PublishError


def push_to_hub(
    out_dir: str | Path, repo_id: str, *, token: str | None = None, private: bool | None = None
) -> dict[str, str]:
    """Upload the folder `dataset.write` made to a Hub dataset repository and tag the commit with the dataset version.

    Files under `data/` that the new version no longer has are deleted from the repository,
    so the Hub copy is the folder, no more. Returns the commit URL and the tag.
    """
    from huggingface_hub import HfApi
    from huggingface_hub.errors import HfHubHTTPError

    out_dir = Path(out_dir)
    try:
        version = json.loads((out_dir / REPORT_FILE).read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        raise PublishError(
            f"{out_dir}: not a dataset annot published (no {REPORT_FILE}); run annot publish first"
        ) from None
    tag = f"v-{version[:12]}"
    api = HfApi(token=token)
    try:
        api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True)
        commit = api.upload_folder(
            repo_id=repo_id,
            repo_type="dataset",
            folder_path=out_dir,
            commit_message=f"Publish dataset version {version[:12]}",
            delete_patterns=[f"{DATA_DIR}/**"],
        )
        api.create_tag(repo_id, tag=tag, revision=commit.oid, repo_type="dataset", exist_ok=True)
    except HfHubHTTPError as e:
        status = e.response.status_code if e.response is not None else "no response"
        raise PublishError(
            f"Hugging Face Hub refused the upload to {repo_id} (HTTP {status}); check HF_TOKEN and the repo name"
        ) from None
    except ValueError as e:  # huggingface_hub's checks, the card's YAML among them
        raise PublishError(f"upload of {out_dir} to {repo_id} refused: {e}") from None
    except OSError as e:
        raise PublishError(f"cannot reach the Hugging Face Hub to upload {repo_id} ({e}); check the network") from None
    return {"repo_id": repo_id, "commit_url": str(commit.commit_url), "tag": tag, "version": version}
