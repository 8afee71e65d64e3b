"""Hypothesis strategies shared by the fuzz tests (test_fuzz_inputs.py, test_fuzz_api.py).

Values valid and invalid (zero, negative, NaN, inf, huge, tiny, text, units, ranges, lists,
tables), scenarios mutated from the bundled ones, catalog entries, config.json files and CLI
argument lists; and the check every outcome must pass: a result holding only finite numbers, or a
BotecInputError.

Every fuzz test runs ``examples(default)`` examples: a few dozen, so ``make test`` stays fast.
``BOTEC_FUZZ_EXAMPLES=2000 .venv/bin/python -m pytest -q tests/test_fuzz_inputs.py
tests/test_fuzz_api.py`` runs each with 2000 instead (the long run).
"""

from __future__ import annotations

import copy
import json
import math
import os
import signal
import tomllib
import typing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "src" / "botec" / "scenarios"
CONFIGS = ROOT / "tests" / "data" / "configs"
ENV = "BOTEC_FUZZ_EXAMPLES"


def examples(default: int) -> int:
    """Examples per fuzz test: ``default``, or $BOTEC_FUZZ_EXAMPLES for the long run."""
    raw = os.environ.get(ENV, "").strip()
    return int(raw) if raw else default


def fuzz_settings(default: int) -> settings:
    """Bounded, no per-example deadline (a first run loads the catalog), no health checks that
    would refuse slow or large inputs: those are what a fuzzer is for."""
    return settings(
        max_examples=examples(default),
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
            HealthCheck.large_base_example,
            HealthCheck.function_scoped_fixture,
        ],
        print_blob=True,
    )


def rarely(n: int) -> st.SearchStrategy[bool]:
    """True about once in ``n`` draws (``st.integers(0, n - 1) == 0`` would be far likelier:
    hypothesis favours the ends of a range); shrinks to False."""
    return st.sampled_from([False] * (n - 1) + [True])


# A call that runs longer is a hang (a bug too): every call here takes well under a second.
CALL_LIMIT_S = 5.0


class Hang(BaseException):
    """A call ran past its time limit. A BaseException: botec turns OSErrors (TimeoutError is
    one) into input errors in places, which would hide the hang; and hypothesis fails at once on
    it (the traceback shows the test's inputs and the seed) instead of shrinking through more
    hangs, several seconds each."""


@contextmanager
def time_limit(seconds: float = CALL_LIMIT_S) -> Iterator[None]:
    """Raise :class:`Hang` in the block once it has run ``seconds`` (SIGALRM: the main thread,
    where the tests call botec; where there is no SIGALRM, no limit)."""
    if not hasattr(signal, "setitimer"):
        yield
        return

    def expired(_signum: int, _frame: Any) -> None:
        raise Hang(f"still running after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# -- values ----------------------------------------------------------------------------------------

EDGE_NUMBERS: tuple[Any, ...] = (
    0, 0.0, -0.0, -1, -5, -1e-9, 5e-324, 1e-308, 1e-12, 0.5, 1, 2, 3, 7, 64, 1e6, 1e15, 1e16,
    1.0000001e16, 1e21, 1e22, 1e300, 1.7e308, 2**31, 2**53 + 1, 2**63, 10**20, 10**400,
    math.nan, math.inf, -math.inf,
)  # fmt: skip
# What people type, right and wrong: units of every dimension, ranges, words, junk.
EDGE_TEXT: tuple[str, ...] = (
    "", " ", "nan", "NaN", "inf", "-inf", "infinity", "1e309", "-1e309", "1e-400", "0", "-0", "-5",
    "0.0", "1,000", "1_000", ",", "_", ".", "..", "1..2", "1 to", "to 2", " to ", "1 to 2 to 3",
    "5 to 1", "0 to 1", "-1 to 1", "1e308 to 1e309", "$", "$5", "%", "50 %", "150%", "-30%", "0%",
    "40% (30% to 55%)", "40% (60% to 70%)", "(1 to 2)", "1 (2 to 3)", "3x", "3×", "x", "7B", "7 B",
    "7b", "1.5T", "100M users", "100M GB", "80 GB", "80 GiB", "80GiB", "2 TB/s", "900 GB/s",
    "100 Gbps", "312 TFLOPS", "9.6 ms", "30 days", "2 h", "0 s", "$2/h", "3.5 USD/h",
    "$0.023/GB-month", "$0.09/GB", "$2M", "consumer", "ads", "unknown", "a100-80gb", "h100-sxm",
    "fp16", "llama-3.1-8b", "\x00", "é", "１２３", "٣", "1e", "e5", "0x10", "1/2", "½", "∞", "1 2",
    "1–2", "1 – 2", "1e5 to 1e16", "1e-300 to 1e-299", "1e16 to 1e17", "5e-324",
    "1e-320 to 1e-310", "1 .. 1e308", "100M to 1e30", "3 (1 to 1e300)",
)  # fmt: skip

UNITS = ("", " ", "%", "x", "K", "M", "B", "T", " GB", " GiB", " TB/s", " ms", " s", " days",
         " TFLOPS", "/h", " users", " tokens", " USD")  # fmt: skip
# Numbers as text: small, huge, tiny, negative, odd spellings.
_number_text = st.one_of(
    st.sampled_from(["0", "1", "3", "40", "7", "100", "1e16", "1e300", "1e-300", "-2", "1.5"]),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.integers(-(10**30), 10**30).map(str),
)
quantity_text = st.one_of(
    st.sampled_from(EDGE_TEXT),
    st.builds(lambda d, n, u: f"{d}{n}{u}", st.sampled_from(["", "$"]), _number_text,
              st.sampled_from(UNITS)),
)  # fmt: skip
range_text = st.one_of(
    st.builds(
        lambda a, sep, b: f"{a}{sep}{b}",
        quantity_text,
        st.sampled_from([" to ", "..", " .. ", "–", " TO "]),
        quantity_text,
    ),
    st.builds(lambda n, a, b: f"{n} ({a} to {b})", quantity_text, quantity_text, quantity_text),
)
plain_numbers = st.one_of(
    st.sampled_from(EDGE_NUMBERS),
    st.floats(),
    st.integers(-(2**70), 2**70),
)
_end = st.one_of(plain_numbers, quantity_text)
range_tables = st.fixed_dictionaries(
    {"low": _end, "high": _end},
    optional={
        "dist": st.sampled_from(["lognormal", "normal", "uniform", "fixed", "grid", "beta", 3]),
        "nominal": _end,
        "extra": st.just(1),
    },
)  # fmt: skip
scalars = st.one_of(plain_numbers, quantity_text, range_text, st.booleans(), st.none())
# Anything a TOML, YAML or JSON document can hold where a number or a name belongs.
any_value = st.one_of(
    scalars,
    scalars,  # weighted: scalars are what a field usually holds
    range_tables,
    st.lists(st.one_of(plain_numbers, quantity_text), max_size=3),
    st.dictionaries(st.sampled_from(["a", "low", "value", "x"]), plain_numbers, max_size=2),
    st.text(max_size=12),
)

# -- command parameters --------------------------------------------------------------------------

MODELS = ("llama-3.1-8b", "llama-2-7b", "llama-3.1-70b", "mixtral-8x7b", "deepseek-v3",
          "gpt-3-175b", "qwen3-30b-a3b", "gemma-2-9b", "falcon-40b", "llama-3.2-1b")  # fmt: skip
GPUS = ("a100-80gb", "h100-sxm", "l4", "a10g", "l40s", "t4", "h200", "b200", "mi300x", "tpu-v5e",
        "cpu-modern", "rtx-4090")  # fmt: skip
PRECISIONS = ("fp16", "bf16", "fp8", "int8", "int4", "fp32", "fp4", "q4_0", "q4_k_m")
ENGINES = ("generic", "vllm", "tensorrt-llm", "llama.cpp", "transformers", "vllm-0.6", "vllm-0.5",
           "tensorrt-llm-0.6", "llama.cpp-2023")  # fmt: skip
# Plausible values per command parameter (the valid side of the fuzz).
GOOD: dict[str, tuple[Any, ...]] = {
    "model": MODELS,
    "teacher": MODELS,
    "params": ("7B", 7e9, "70B", "1.5T", "3B to 8B", "500M", 1e6),
    "total_params": ("47B", "235B", 4.7e10),
    "moe_efficiency": ("60%", "50% to 80%", 0.7),
    "precision": PRECISIONS,
    "kv_precision": ("fp16", "fp8", "int8", "bf16"),
    "gpu": GPUS,
    "gpus": (1, 2, 8, 64, 1024),
    "batch": (1, 8, 64),
    "engine": ENGINES,
    "context": (4096, "8K", "128K", "2K to 32K"),
    "sequences": (1, 16, 256),
    "layers": (32, 80), "kv_heads": (8, 1), "head_dim": (128, 64),
    "dau": ("1M", "100M", 5e4, "1M to 10M"), "mau": ("100K", "10M"),
    "users": ("1M", "100M"),
    "dau_fraction": ("30%", 0.2, "10% to 50%"),
    "requests_per_user": (5, "2 to 20", 10),
    "qps": (1, 50, "10 to 100", 1000),
    "peak_factor": (3, "consumer", "2 to 5", "advertising"),
    "request_size": ("2 KB",), "response_size": ("10 KB",),
    "output_tokens": (500, 256, "200 to 800"), "input_tokens": (512, 2048, "1K to 4K"),
    "prompt_tokens": (500, 128),
    "tp": (1, 2, 8), "gpus_per_replica": (1, 2), "memory_bandwidth": ("2 TB/s", 3.35e12),
    "tokens": ("1T", "200B", 2e12), "deadline": ("30 days", "2 weeks"),
    "mfu": ("40%", "35% to 50%", 0.3), "price": ("$2/h", 2.5, "1 to 3"),
    "price_basis": ("market", "aws-on-demand", "aws-spot"),
    "budget": ("$2M", 1e6), "budget_gpu_hours": ("500K",), "seq_len": (4096, "8K"),
    "zero": (0, 1, 2, 3), "lora_rank": (8, 16, 64), "lora_targets": ("q,k,v,o", "gate,up,down"),
    "micro_batch": (1, 4), "teacher_tokens": ("1T",),
    "ttft_p50": ("500ms",), "ttft_p99": ("2 s",), "tpot_p50": ("30 ms",), "tpot_p99": ("50ms",),
    "max_batch": (64, 256), "prefill_chunk": (0, 512), "target_utilization": ("70%", 0.5),
    "spare_replicas": (0, 1),
    "profile_size": ("10 KB",), "interaction_size": ("2 KB",), "interactions_per_user": (10,),
    "index_overhead": ("25%",), "events_per_user": (10, 100), "event_size": ("200 B", 500),
    "retention_days": (365, 30), "compression": (4, "2 to 8"),
}  # fmt: skip
SKIPPED_PARAMS = {"samples", "seed", "catalog_files", "progress"}


@st.composite
def command_kwargs(draw: st.DrawFn, func: Callable[..., Any]) -> dict[str, Any]:
    """Keyword arguments for a command function: a few of its parameters (a model or a
    parameter count most of the time), each a plausible value, or now and then any value at all
    (so most calls get past the first check and reach the formulas)."""
    import inspect

    values: dict[str, st.SearchStrategy[Any]] = {}
    for name, param in inspect.signature(func).parameters.items():
        if name in SKIPPED_PARAMS:
            continue
        hint = _annotation(func, param.annotation)
        good = (True, False) if hint is bool else GOOD.get(name, ()) + _literal_choices(hint)
        values[name] = st.sampled_from(good) if good else any_value
    names = draw(st.lists(st.sampled_from(sorted(values)), max_size=6, unique=True))
    if not draw(rarely(5)):  # most questions name the model or its size
        names.insert(0, draw(st.sampled_from([n for n in ("model", "params") if n in values]
                                             or sorted(values))))  # fmt: skip
    kwargs: dict[str, Any] = {}
    for name in names:
        bad = draw(rarely(6))
        kwargs[name] = draw(any_value if bad else values[name])
    return kwargs


def _annotation(func: Callable[..., Any], annotation: Any) -> Any:
    """A parameter's annotation evaluated in its module (None where it names a type the module
    imports only for type checkers)."""
    import sys

    if not isinstance(annotation, str):
        return annotation
    try:
        return eval(annotation, vars(sys.modules[func.__module__]))
    except NameError:
        return None


def _literal_choices(hint: Any) -> tuple[Any, ...]:
    """The values of a Literal parameter (also inside Optional)."""
    if typing.get_origin(hint) is typing.Literal:
        return typing.get_args(hint)
    return tuple(c for arg in typing.get_args(hint) for c in _literal_choices(arg))


# -- scenarios -------------------------------------------------------------------------------------


def bundled_scenarios() -> dict[str, dict[str, Any]]:
    """Every bundled scenario as its mapping."""
    return {p.stem: tomllib.loads(p.read_text()) for p in sorted(BUNDLED.glob("*.toml"))}


SCENARIOS = bundled_scenarios()


def scenario_fields() -> dict[str, tuple[str, ...]]:
    """Section name -> the fields its model declares (the scenario format, from the code)."""
    from pydantic import BaseModel

    from botec.scenario import Scenario

    out: dict[str, tuple[str, ...]] = {}
    for section, info in Scenario.model_fields.items():
        models = [a for a in typing.get_args(info.annotation) if isinstance(a, type)]
        sections = [m for m in models if issubclass(m, BaseModel)]
        if sections:
            out[section] = tuple(sections[0].model_fields)
    return out


FIELDS = scenario_fields()


@st.composite
def scenarios(draw: st.DrawFn, max_mutations: int = 3) -> dict[str, Any]:
    """A bundled scenario (sometimes with a second one's sections mixed in), then up to
    ``max_mutations`` changes: a declared field set to any value, a field removed, an unknown
    field or section added, a section replaced by a value that is not a table."""
    data = copy.deepcopy(SCENARIOS[draw(st.sampled_from(sorted(SCENARIOS)))])
    if draw(st.booleans()):
        other = SCENARIOS[draw(st.sampled_from(sorted(SCENARIOS)))]
        for section in draw(st.lists(st.sampled_from(sorted(other)), max_size=3, unique=True)):
            data.setdefault(section, copy.deepcopy(other[section]))
    for _ in range(draw(st.integers(0, max_mutations))):
        mutate = draw(st.sampled_from(("set", "set", "set", "delete", "unknown", "section")))
        if mutate == "set":
            section = draw(st.sampled_from(sorted(FIELDS)))
            table = data.get(section)
            if not isinstance(table, dict):
                table = data[section] = {}
            table[draw(st.sampled_from(FIELDS[section]))] = draw(any_value)
        elif mutate == "delete":
            tables = [(s, t) for s, t in data.items() if isinstance(t, dict) and t]
            if tables:
                section, table = draw(st.sampled_from(tables))
                del table[draw(st.sampled_from(sorted(table)))]
        elif mutate == "unknown":
            where = draw(st.sampled_from([None, *sorted(FIELDS)]))
            key, value = draw(st.text(min_size=1, max_size=8)), draw(scalars)
            if where is None:
                data[key] = value
            elif isinstance(data.get(where), dict):
                data[where][key] = value
        else:
            section = draw(st.sampled_from([*sorted(FIELDS), "title", "seed_check", "conclusions"]))
            data[section] = draw(st.one_of(scalars, st.just({}), st.lists(scalars, max_size=2)))
    return data


def sweep_axes(data: dict[str, Any]) -> st.SearchStrategy[str]:
    """A --vary item: a short name or a section.field, and a range, a list or junk."""
    from botec.analysis.sweep_axes import ALIASES

    fields = [f"{s}.{f}" for s in data if s in FIELDS for f in FIELDS[s]]
    names = st.one_of(st.sampled_from(sorted(ALIASES)), st.sampled_from(fields or ["users.dau"]))
    points = st.sampled_from(["", ":2", ":5", ":0", ":1", ":-3", ":x", ":100000000"])
    spec = st.one_of(
        st.builds(lambda a, b, p: f"{a}..{b}{p}", quantity_text, quantity_text, points),
        st.lists(st.one_of(quantity_text, st.sampled_from(GPUS)), min_size=1, max_size=3).map(
            ",".join
        ),
        st.text(max_size=10),
    )
    return st.builds(lambda n, eq, s: f"{n}{eq}{s}", names, st.sampled_from(["=", "", "=="]), spec)


def overrides(data: dict[str, Any]) -> st.SearchStrategy[str]:
    """A --set item: section.field=value (TOML or text), or a malformed one."""
    paths = st.one_of(
        st.sampled_from([f"{s}.{f}" for s in FIELDS for f in FIELDS[s]]),
        st.sampled_from(["title", "users", ".", "users..dau", "a.b.c", "", "users.dau.x"]),
    )
    values = st.one_of(
        quantity_text.map(json.dumps),  # a TOML string
        quantity_text,  # text, or TOML when it parses as TOML
        st.sampled_from(["[1, 2]", "{a = 1}", "true", "nan", "inf", "-inf", "1e400", "[", "'"]),
    )
    return st.builds(
        lambda p, eq, v: f"{p}{eq}{v}", paths, st.sampled_from(["=", "", " = "]), values
    )


# -- catalog entries -------------------------------------------------------------------------------


def _bundled_tables() -> dict[str, dict[str, Any]]:
    from botec.catalog.loader import KINDS

    catalog = ROOT / "src" / "botec" / "catalog"
    return {kind: tomllib.loads((catalog / f"{kind}.toml").read_text()) for kind in KINDS}


BUNDLED_TABLES = _bundled_tables()
# A catalog entry to start from per table (the fields a valid one has).
BASE_ENTRIES = {
    "hardware": ("a100-80gb", "h100-sxm", "l4", "cpu-modern"),
    "precisions": ("fp16", "fp8", "int4", "q4_0"),
    "engines": ("generic", "vllm", "llama.cpp"),
    "networks": ("nvlink3", "pcie4"),
    "assumptions": tuple(sorted(BUNDLED_TABLES["assumptions"]))[:8],
}


@st.composite
def catalog_entry(draw: st.DrawFn, kind: str) -> tuple[str, dict[str, Any]]:
    """(key, entry) for one table: a bundled entry copied under its own key (overriding it) or a
    new one, with some fields set to any value, removed, or added."""
    base = draw(st.sampled_from(BASE_ENTRIES[kind]))
    entry = copy.deepcopy(BUNDLED_TABLES[kind][base])
    key = draw(st.sampled_from([base, f"fuzz-{kind}", "FUZZ_" + kind]))
    for _ in range(draw(st.integers(0, 3))):
        field = draw(st.sampled_from([*sorted(entry), "unknown_field"]))
        action = draw(st.sampled_from(("set", "set", "nested", "delete")))
        if action == "delete":
            entry.pop(field, None)
        elif action == "nested" and isinstance(entry.get(field), dict):
            sub = draw(st.sampled_from([*sorted(entry[field]), "extra"]))
            entry[field][sub] = draw(like(entry[field].get(sub, 1.0)))
        else:
            entry[field] = draw(like(entry.get(field)))
    return key, entry


def like(value: Any) -> st.SearchStrategy[Any]:
    """Another value where ``value`` was: a number for a number (zero, negative, tiny, huge,
    NaN; what a typed field accepts or refuses by value), now and then anything."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return st.one_of(plain_numbers, plain_numbers, plain_numbers, any_value)
    return any_value


@st.composite
def gpu_price(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """A [prices.gpu.KEY] entry with fuzzed per-hour prices."""
    key = draw(st.sampled_from(["a100-80gb", "h100-sxm", "fuzz-hardware"]))
    entry: dict[str, Any] = {"source": "fuzz", "as_of": "2026-01"}
    for name in draw(
        st.lists(
            st.sampled_from(["on_demand_usd_per_hour", "spot_usd_per_hour", "market_usd_per_hour",
                             "aws_spot_usd_per_hour", "bogus"]),
            max_size=3,
        )
    ):  # fmt: skip
        entry[name] = draw(like(1.0))
    return key, entry


@st.composite
def catalogs(draw: st.DrawFn) -> dict[str, Any]:
    """A catalog mapping in a catalog file's layout (the web API's ``catalog``, or a TOML file's
    tables): fuzzed entries of one or more tables, now and then a malformed table."""
    out: dict[str, Any] = {}
    for kind in draw(st.lists(st.sampled_from(sorted(BASE_ENTRIES)), min_size=1, max_size=3)):
        key, entry = draw(catalog_entry(kind))
        out.setdefault(kind, {})[key] = entry
    if draw(rarely(4)):
        key, entry = draw(gpu_price())
        out.setdefault("prices", {}).setdefault("gpu", {})[key] = entry
    if draw(rarely(10)):
        out[draw(st.sampled_from(["hardware", "bogus", "prices"]))] = draw(scalars)
    return out


def catalog_targets(catalog: dict[str, Any]) -> dict[str, str]:
    """The names a run should use to reach the fuzzed entries (its GPU, precision, engine)."""

    def first(kind: str, default: str) -> str:
        table = catalog.get(kind)
        return next(iter(table), default) if isinstance(table, dict) and table else default

    return {
        "gpu": first("hardware", "a100-80gb"),
        "precision": first("precisions", "fp16"),
        "engine": first("engines", "generic"),
    }


# -- config.json -----------------------------------------------------------------------------------

CONFIG_FILES = {p.stem: json.loads(p.read_text()) for p in sorted(CONFIGS.glob("*.json"))}
CONFIG_KEYS = sorted({k for c in CONFIG_FILES.values() for k in c})


@st.composite
def hf_configs(draw: st.DrawFn) -> Any:
    """A config.json's content: a real one with keys removed or set to any value (zero,
    negative, huge, text, nested), or now and then not an object at all."""
    if draw(rarely(16)):
        return draw(st.one_of(scalars, st.lists(scalars, max_size=2)))
    config = copy.deepcopy(CONFIG_FILES[draw(st.sampled_from(sorted(CONFIG_FILES)))])
    ints = st.one_of(
        st.sampled_from([0, -1, 1, 2, 3, 7, 10**6, 10**12, 2**63, 10**30, 1.5, 0.5]), plain_numbers
    )
    for _ in range(draw(st.integers(1, 4))):
        key = draw(st.one_of(st.sampled_from(sorted(config) or ["model_type"]),
                             st.sampled_from(CONFIG_KEYS)))  # fmt: skip
        action = draw(st.sampled_from(("int", "int", "any", "delete")))
        if action == "delete":
            config.pop(key, None)
        else:
            config[key] = draw(ints if action == "int" else any_value)
    return config


# -- CLI argument lists ---------------------------------------------------------------------------

TMP = "{TMP}"  # replaced by the test's own temporary folder
BAD_CLI = ("", "-", "--", "-5", "0", "nan", "inf", "1e400", "x", "--help", "--nope", "=", "7B")


def cli_commands() -> dict[tuple[str, ...], Any]:
    """Every command the CLI has, by its words (('report',), ('hardware', 'show'), ...), except
    `web` (it starts a server)."""
    import click

    from botec.cli import main

    out: dict[tuple[str, ...], Any] = {}

    def walk(group: click.Group, words: tuple[str, ...]) -> None:
        ctx = click.Context(group)
        for name in group.list_commands(ctx):
            if name == "web":
                continue
            command = group.get_command(ctx, name)
            if isinstance(command, click.Group):
                walk(command, (*words, name))
            elif command is not None:
                out[(*words, name)] = command

    walk(main, ())
    return out


def _good_option_values(param: Any) -> list[str]:
    """Plausible text for one option, by its name and type."""
    import click

    name = param.name or ""
    if name in ("output", "plot"):
        return [f"{TMP}/out.svg", f"{TMP}/out.png", f"{TMP}/out.txt", f"{TMP}/missing/out.svg",
                TMP, f"{TMP}/scenario.toml"]  # fmt: skip
    if name in ("catalog_file", "recipe"):
        return [f"{TMP}/catalog.toml", f"{TMP}/catalog.toml", f"{TMP}/scenario.toml", TMP,
                f"{TMP}/missing.toml"]  # fmt: skip
    special = {
        "samples": ["0", "1", "50", "-1"],  # bounded: the CLI's default 10,000 would be slow
        "points": ["2", "3", "1"],
        "vary": ["dau=1M..10M:3", "gpu=a100-80gb,l4", "params=1B..70B:3", "qps=1,10",
                 "tokens=1T..2T:2", "x=1..2"],
        "overrides": ["users.daily_active_users=2M", "serving.gpu=h100-sxm", "training.gpus=0",
                      "users.peak_factor='1 to 1e300'", "a.b"],
        "gpus": ["a100-80gb,h100-sxm", "l4", "h100-sxm,nope"],
        "results": ["gpus_required", "serving_gpus,ttft_p99", "nope"],
    }  # fmt: skip
    if name in special:
        return special[name]
    good = [",".join(v) if isinstance(v, tuple) else str(v) for v in GOOD.get(name, ())]
    kind = param.type
    if isinstance(kind, click.Choice):
        good += [str(c) for c in kind.choices]
    elif isinstance(kind, click.IntRange):
        low = kind.min if kind.min is not None else 0
        good += [str(low), str(low + 1), str(low - 1), "200"]
        if kind.max is not None:
            good += [str(kind.max + 1)]
    return good


_shell_text = st.text(
    st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=8
)


def _option_values(param: Any) -> st.SearchStrategy[str]:
    """Text for one option: plausible for its name and type most of the time, else anything
    typed at a shell."""
    good = _good_option_values(param)
    bad = st.one_of(st.sampled_from(EDGE_TEXT + BAD_CLI), _shell_text)
    if not good:
        return st.one_of(quantity_text, bad)
    return st.one_of(*[st.sampled_from(good)] * 6, bad)


def _as_text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return str(value)


@st.composite
def cli_args(draw: st.DrawFn, commands: dict[tuple[str, ...], Any]) -> list[str]:
    """An argument list: a command's words, its arguments, its required options and some others
    (an estimating command's from :func:`command_kwargs`), mostly with plausible values, some
    bad; now and then a missing argument, an unknown flag or a stray word."""
    import click

    words = draw(st.sampled_from(sorted(commands)))
    command = commands[words]
    args: list[str] = list(words)
    options = {p.name: p for p in command.params if isinstance(p, click.Option)}
    for param in command.params:
        if isinstance(param, click.Argument) and not draw(rarely(10)):  # sometimes missing
            if param.name == "scenario":
                value = draw(st.sampled_from(
                    [f"{TMP}/scenario.toml", f"{TMP}/scenario.yaml", "-", "-",
                     str(BUNDLED / "smartpal-ranges.toml"), str(BUNDLED / "llm-serving-plan.toml"),
                     f"{TMP}/missing.toml", TMP]
                ))  # fmt: skip
            elif param.name == "name":
                value = draw(st.one_of(st.sampled_from([*GPUS, *MODELS, *sorted(SCENARIOS)]),
                                       st.sampled_from(EDGE_TEXT[:20])))  # fmt: skip
            else:
                value = draw(_option_values(param))
            args.append(value)
    chosen = [p for p in options.values() if p.required and not draw(rarely(10))]
    func = getattr(command.callback, "__wrapped__", None)
    estimating = {"memory", "train", "infer", "plan", "traffic", "storage"}
    if words[-1] in estimating and func is None:
        from botec import commands as library

        func = getattr(library, words[-1])
        for name, value in draw(command_kwargs(func)).items():
            param = options.get(name)
            if param is None:
                continue
            if param.is_flag:
                args += [param.opts[-1]] if value is True else []
            else:
                args += [param.opts[-1], _as_text(value)]
    names = sorted(n for n in options if n != "help")
    chosen += [options[n] for n in draw(st.lists(st.sampled_from(names), max_size=3))]
    for param in chosen:
        flag = draw(st.sampled_from(param.opts))
        if param.is_flag:
            args.append(flag)
        else:
            args += [flag, draw(_option_values(param))]
    if draw(rarely(10)):
        args.insert(draw(st.integers(0, len(args))), draw(st.sampled_from(BAD_CLI)))
    return [a.replace("\x00", "") for a in args]  # a shell's argv cannot hold a NUL byte


# -- the outcome ---------------------------------------------------------------------------------


def non_finite(obj: Any, path: str = "") -> Iterator[str]:
    """Where ``obj`` (a mapping, list, number or array, nested) holds NaN or an infinity."""
    if isinstance(obj, bool) or obj is None or isinstance(obj, str):
        return
    if isinstance(obj, int | np.integer):
        return  # a whole number is finite, however large
    if isinstance(obj, float | np.floating):
        if not math.isfinite(obj):
            yield f"{path} = {obj!r}"
    elif isinstance(obj, np.ndarray):
        if obj.dtype.kind in "fc" and not np.all(np.isfinite(obj)):
            yield f"{path} = array with {int(np.sum(~np.isfinite(obj)))} non-finite of {obj.size}"
    elif isinstance(obj, dict):
        for key, value in obj.items():
            yield from non_finite(value, f"{path}.{key}")
    elif isinstance(obj, list | tuple):
        for i, value in enumerate(obj):
            yield from non_finite(value, f"{path}[{i}]")


def sheet_problems(sheet: Any) -> list[str]:
    """Every non-finite number a filled Sheet holds: point values, Monte Carlo draws, the
    percentiles, and its JSON document (which the web API serialises with allow_nan=False)."""
    problems: list[str] = []
    for kind, table in (("input", sheet.inputs), ("step", sheet.steps)):
        for name, value in table.items():
            problems += non_finite(value.value, f"{kind} {name}")
            if value.samples is not None:
                problems += non_finite(
                    np.asarray(value.samples, dtype=float), f"{kind} {name} draws"
                )
            problems += non_finite(list(value.percentiles()), f"{kind} {name} p5/p50/p95")
    document = sheet.to_dict()
    problems += non_finite(document, "to_dict()")
    if not problems:
        json.dumps(document, allow_nan=False)  # what the API sends must be valid JSON
    return problems


def result_problems(result: Any) -> list[str]:
    """Non-finite numbers in any command's result: a Sheet, a sweep grid, compared options, a
    catalog entry or model spec (their numeric fields), or a mapping or list of these."""
    from botec.core.sheet import Sheet

    if isinstance(result, Sheet):
        return sheet_problems(result)
    if hasattr(result, "to_dict") and hasattr(result, "columns"):  # a SweepResult
        return list(non_finite(result.to_dict(), "sweep"))
    if isinstance(result, list | tuple):
        return [p for item in result for p in result_problems(item)]
    if isinstance(result, dict):
        return [p for item in result.values() for p in result_problems(item)]
    if hasattr(result, "sheet") and hasattr(result, "sort_key"):  # a compared Option
        return sheet_problems(result.sheet)  # its sort key's inf (no cost) is a sort order
    if hasattr(result, "__dataclass_fields__"):
        fields = {k: getattr(result, k) for k in result.__dataclass_fields__}
        return list(
            non_finite({k: v for k, v in fields.items() if _plain(v)}, type(result).__name__)
        )
    return []


def _plain(value: Any) -> bool:
    return isinstance(value, int | float | dict | list | tuple)
