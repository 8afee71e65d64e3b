"""botec's commands as functions: keyword parameters in, a filled Sheet (or result) out.

Each function has the meaning of the ``botec`` command of the same name: it builds one scenario
from its parameters (numbers as people type them, "7B" or "30% to 50%", or plain numbers), runs it
through the library and returns the result; nothing is printed and nothing is computed here.

>>> import botec
>>> sheet = botec.infer(model="llama-3.1-8b", gpu="h100-sxm", samples=0)
>>> sheet["time_to_first_token"].unit
's'

Bad input raises :class:`~botec.core.errors.BotecInputError` naming the parameter or the scenario
field it filled. ``FIELDS`` says which scenario fields each command's parameters fill (the CLI
names its flags from it).
"""

from __future__ import annotations

from botec.commands._common import (
    DEFAULT_SAMPLES,
    ParameterError,
    scenario_from_text,
)
from botec.commands.analysis import DEFAULT_POINTS, VALIDATE_SAMPLES, compare, sweep, validate
from botec.commands.lookups import hardware_list, hardware_show, models_list, models_show
from botec.commands.optimising import Optimisation, optimise
from botec.commands.prices import gpu_prices, price_bases, prices_build
from botec.commands.scenarios import (
    example_path,
    example_source,
    examples_list,
    examples_show,
    report,
)
from botec.commands.serving import INFER_FIELDS, PLAN_FIELDS, infer, plan
from botec.commands.sizing import (
    MEMORY_FIELDS,
    STORAGE_FIELDS,
    TRAFFIC_FIELDS,
    memory,
    storage,
    traffic,
)
from botec.commands.training import TRAIN_FIELDS, train
from botec.commands.workloads import (
    EMBED_FIELDS,
    IMAGE_FIELDS,
    RECSYS_FIELDS,
    SPEECH_FIELDS,
    TTS_FIELDS,
    VIDEO_FIELDS,
    embed,
    image,
    recsys,
    speech,
    tts,
    video,
)

# Command name -> {parameter: the scenario fields it fills, in the order a parameter wins one}.
FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "memory": MEMORY_FIELDS,
    "train": TRAIN_FIELDS,
    "infer": INFER_FIELDS,
    "plan": PLAN_FIELDS,
    "traffic": TRAFFIC_FIELDS,
    "storage": STORAGE_FIELDS,
    "image": IMAGE_FIELDS,
    "video": VIDEO_FIELDS,
    "embed": EMBED_FIELDS,
    "speech": SPEECH_FIELDS,
    "recsys": RECSYS_FIELDS,
    "tts": TTS_FIELDS,
}

__all__ = [
    "DEFAULT_POINTS",
    "DEFAULT_SAMPLES",
    "FIELDS",
    "VALIDATE_SAMPLES",
    "Optimisation",
    "ParameterError",
    "compare",
    "embed",
    "example_path",
    "example_source",
    "examples_list",
    "examples_show",
    "gpu_prices",
    "hardware_list",
    "hardware_show",
    "image",
    "infer",
    "memory",
    "models_list",
    "models_show",
    "optimise",
    "plan",
    "price_bases",
    "prices_build",
    "recsys",
    "report",
    "scenario_from_text",
    "speech",
    "storage",
    "sweep",
    "traffic",
    "train",
    "tts",
    "validate",
    "video",
]
