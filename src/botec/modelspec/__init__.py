"""Model architectures: a catalog of published shapes, plus readers for local checkpoints.

The catalog (``catalog/models.toml``) holds one entry per model with the numbers a back-of-the-
envelope estimate needs: parameter counts (total and active per token), layer count, widths,
attention and key/value heads, context length, mixture-of-experts and sliding-window settings.
Every entry names where its numbers come from.

Two readers fill the same ``ModelSpec`` from files on disk, without downloading anything:
``from_hf_config`` reads a Hugging Face ``config.json`` (and counts the parameters with the
formulas of :mod:`botec.estimators.model_params`), and ``params_from_safetensors`` counts
parameters exactly from the header of a ``.safetensors`` file or a sharded
``model.safetensors.index.json``, never touching tensor data. Only for an explicit
``hf:owner/name`` does ``from_hf_hub`` fetch a repository's ``config.json`` (never weights) from
the Hugging Face Hub.

One module per job: ``spec`` (the dataclass), ``catalog_models`` (look-up), ``hf_config`` and
``hf_families`` (config.json), ``hub`` (the download), ``safetensors`` (headers) and ``resolve``
(which of these a model name means).

>>> spec = get_model("Llama-2-7b")
>>> (spec.layers, spec.kv_heads, spec.head_dim)  # the KV shape (formula: estimators.memory)
(32, 32, 128)
>>> get_model("mistral-7b").sliding_window  # the cache holds at most this many tokens
4096
"""

from __future__ import annotations

from botec.modelspec.catalog_models import get_model, model_names
from botec.modelspec.hf_config import from_hf_config
from botec.modelspec.hub import HF_HUB_URL, from_hf_hub
from botec.modelspec.resolve import resolve_model
from botec.modelspec.safetensors import params_from_safetensors
from botec.modelspec.spec import ATTENTION_KINDS, ModelSpec

__all__ = [
    "ATTENTION_KINDS",
    "HF_HUB_URL",
    "ModelSpec",
    "from_hf_config",
    "from_hf_hub",
    "get_model",
    "model_names",
    "params_from_safetensors",
    "resolve_model",
]
