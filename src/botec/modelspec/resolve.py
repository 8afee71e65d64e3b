"""What a ``--model`` (or ``model = ...``) names: a catalog model, a local config.json, or, only
when written ``hf:owner/name``, a Hugging Face Hub repository."""

from __future__ import annotations

from pathlib import Path

from botec.core.errors import BotecInputError
from botec.modelspec import hub
from botec.modelspec.catalog_models import did_you_mean, find_model, model_names
from botec.modelspec.hf_config import from_hf_config
from botec.modelspec.spec import ModelSpec


def _is_local_config(name: str) -> bool:
    path = Path(name)
    try:
        return name.lower().endswith(".json") or (
            path.is_dir() and (path / "config.json").is_file()
        )
    except (OSError, ValueError):  # a name too long for a path, or with a NUL: not a file
        return False


def resolve_model(name: str, field_name: str = "model") -> ModelSpec:
    """A catalog name, a local config.json (file or folder), or a Hub id (``hf:owner/name``).

    The network is reached only for ``hf:``; any other name outside the catalog (an
    ``owner/name`` included) is an error that lists the catalog and suggests close names.
    """
    if not isinstance(name, str):
        raise BotecInputError(field_name, name, "a model name such as llama-2-7b")
    # A bare catalog name is the catalog's, even beside a folder of that name (write ./NAME for
    # the folder): what a name means does not depend on the directory botec runs in.
    bare = "/" not in name and "\\" not in name and not name.lower().endswith(".json")
    spec = find_model(name) if bare else None
    if spec is not None:
        return spec
    if _is_local_config(name):
        return from_hf_config(Path(name))
    if name.startswith("hf:"):
        return hub.from_hf_hub(name)
    spec = find_model(name)
    if spec is not None:
        return spec
    hub_hint = f"hf:{name}" if hub.REPO_ID.match(name) else "hf:owner/name"
    raise BotecInputError(
        field_name,
        name,
        f"a model in the catalog: {', '.join(model_names())}; or a local config.json (a file, or "
        f"a folder holding one); or {hub_hint} to fetch its config.json from the Hugging Face "
        f"Hub{did_you_mean(name)}",
    )
