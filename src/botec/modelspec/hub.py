"""The Hugging Face Hub, reached only for an explicit ``hf:owner/name``, and only for the
repository's ``config.json`` (never weights)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from botec.core.errors import BotecInputError
from botec.modelspec.hf_config import from_hf_config
from botec.modelspec.spec import ModelSpec

HF_HUB_URL = "https://huggingface.co/{repo}/resolve/{revision}/config.json"
REPO_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,95}/[A-Za-z0-9][A-Za-z0-9_.-]{0,95}$")
_MAX_CONFIG_BYTES = 2_000_000


def download_config(url: str, repo_id: str, timeout_s: float) -> bytes:
    """The body at ``url`` (at most 2 MB), with ``HF_TOKEN`` when set; the one network call."""
    import os
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers={"User-Agent": "botec"})
    token = os.environ.get("HF_TOKEN")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            return response.read(_MAX_CONFIG_BYTES)
    except urllib.error.HTTPError as exc:
        hint = "a public repository (or HF_TOKEN for a gated one)"
        raise BotecInputError("model", repo_id, f"{hint}; the Hub answered {exc.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise BotecInputError(
            "model",
            repo_id,
            f"a reachable Hugging Face Hub ({exc}); offline, download its config.json and pass "
            "the file's path",
        ) from None


def from_hf_hub(repo_id: str, revision: str = "main", timeout_s: float = 10.0) -> ModelSpec:
    """A ``ModelSpec`` from the ``config.json`` of a Hub repository (network needed).

    Downloads that one small file (never weights) into a temporary folder and reads it like a
    local config. Gated repositories need ``HF_TOKEN`` in the environment.
    """
    import tempfile

    repo = repo_id.removeprefix("hf:").strip()
    if not REPO_ID.match(repo) or ".." in repo or not re.match(r"^[\w.-]{1,64}$", revision):
        raise BotecInputError("model", repo_id, "a Hugging Face repository id such as owner/name")
    url = HF_HUB_URL.format(repo=repo, revision=revision)
    body = download_config(url, repo_id, timeout_s)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / repo.replace("/", "--") / "config.json"
        path.parent.mkdir()
        path.write_bytes(body)
        spec = from_hf_config(path)
    return replace(
        spec, name=spec.name if "/" in spec.name else repo, source=f"config.json of {url}"
    )
