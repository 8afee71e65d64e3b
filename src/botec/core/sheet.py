"""Steps: every number botec prints, with its formula, substitution, unit and source.

A :class:`Formula` is defined once, at import time, in an ``estimators`` module. A :class:`Sheet`
records the inputs (each with the source or assumption behind it) and the steps computed from them,
in order. Reports only read a sheet; they never compute.

>>> from botec.core.sheet import Formula, Sheet
>>> MODEL_BYTES = Formula("weights_memory", "params * bytes_per_param", "B", "Model weights")
>>> sheet = Sheet()
>>> p = sheet.input("params", 3e9, "params", "Parameters")
>>> b = sheet.input("bytes_per_param", 2, "B/param", "Bytes per parameter", source="FP16")
>>> sheet.step(MODEL_BYTES, params=p, bytes_per_param=b).value
6000000000.0
>>> sheet.steps["weights_memory"].substitution()
'3.00B params × 2.00 B/param'
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

from botec.core.display import SheetDisplay
from botec.core.expr import Expr
from botec.core.finite import check_finite, check_same_input
from botec.core.uncertain import Uncertain, stream
from botec.core.units import format_quantity, format_range

Kind = Literal["input", "assumption", "constant", "step"]
Level = Literal["ok", "info", "warn", "bad"]


@dataclass(frozen=True, eq=False)
class Formula:
    """One definition of one formula: what it computes, how, in which unit, and why."""

    name: str
    expr: str
    unit: str
    title: str
    why: str = ""
    headline: bool = False  # shown in the report's summary table
    parsed: Expr = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "parsed", Expr(self.expr))

    def render(self) -> str:
        """'name = formula', e.g. 'weights_memory = params × bytes_per_param'."""
        return f"{self.name} = {self.parsed.render()}"


@dataclass(eq=False)
class Value:
    """A number on the sheet: an input, an assumption, a constant or a computed step."""

    name: str
    value: Any  # the point estimate (a float; a numpy array only when the caller passes arrays)
    unit: str
    title: str
    kind: Kind
    source: str = ""
    section: str = ""
    formula: Formula | None = None
    args: dict[str, Value] | None = None
    spec: Uncertain | None = None  # the range this input was given as
    samples: Any = None  # numpy array of Monte Carlo draws (or sweep points), when any input varies
    _pct: tuple[float, float, float] | None = field(default=None, repr=False)

    def formatted(self) -> str:
        return format_quantity(_central(self.value), self.unit)

    @property
    def varies(self) -> bool:
        """True when the samples spread (some input of this value is a range)."""
        if self.samples is None:
            return False
        p5, _, p95 = self.percentiles()
        return p5 != p95

    def median(self) -> float:
        """The median of the samples (the value itself when nothing varies): the figure
        headlines print and verdicts judge."""
        return self.percentiles()[1]

    def percentiles(self) -> tuple[float, float, float]:
        """(p5, p50, p95) of the samples; the point value three times when nothing varies."""
        if self.samples is None:
            v = float(_central(self.value))
            return (v, v, v)
        if self._pct is None:
            self._pct = _p5_p50_p95(self.samples)
        return self._pct

    def range_text(self) -> str:
        """'9.8 – 21 GPUs': the p5 – p95 interval, or '' when nothing varies."""
        if not self.varies:
            return ""
        p5, _, p95 = self.percentiles()
        return format_range(p5, p95, self.unit)

    def with_range(self) -> str:
        """'14 GPUs (9.8 – 21 GPUs)': the point value and, where it varies, its 90% interval."""
        text = self.formatted()
        spread = self.range_text()
        return f"{text} ({spread})" if spread else text

    def formula_text(self) -> str:
        """The formula written with the names of the values actually fed into it.

        One definition serves many steps (``bandwidth`` computes both ingress and egress), so the
        text names what was bound, e.g. ``total_requests_per_second × request_bytes × ...``.
        """
        if self.formula is None:
            return ""
        if self.args is None:
            return self.formula.parsed.render()
        args = self.args
        bound = tuple(args[name].name for name in self.formula.parsed.names)
        key = (self.formula, bound)  # the same text every run: rendered once per binding
        text = _FORMULA_TEXT.get(key)
        if text is None:
            text = _FORMULA_TEXT[key] = self.formula.parsed.render(lambda name: args[name].name)
        return text

    def substitution(self) -> str:
        """The formula with every name replaced by its value and unit."""
        if self.formula is None or self.args is None:
            return self.formatted()
        args = self.args
        return self.formula.parsed.render(lambda name: args[name].formatted())

    def __float__(self) -> float:
        return float(_central(self.value))


_FORMULA_TEXT: dict[tuple[Formula, tuple[str, ...]], str] = {}


def _central(value: Any) -> Any:
    """The value to print: the number itself, or the median of a sample array."""
    if hasattr(value, "ndim") and value.ndim > 0:
        import numpy

        return float(numpy.median(value))
    return value


@dataclass
class Note:
    """A verdict, a reality check or a caveat the report prints in words."""

    level: Level
    text: str
    section: str = ""
    verdict: bool = False  # the command's answer (printed first, and alone with --brief)
    # what the note is about, for code that acts on it (compare leaves a model that does not
    # "fit" unranked; a sweep blanks a total an "unpriced" fleet is missing from): never its words
    topic: str = ""


@dataclass
class SeedCheck:
    """A figure a seed document printed, set beside what botec computes for it."""

    result: str
    printed: str
    printed_value: float
    cite: str
    why: str = ""
    tolerance: float = 0.02
    computed: float = float("nan")
    unit: str = ""

    @property
    def matches(self) -> bool:
        if self.printed_value == 0:
            return self.computed == 0
        return abs(self.computed / self.printed_value - 1) <= self.tolerance


@dataclass
class Table:
    """A table of already formatted cells that a stage adds to its section (e.g. options tried)."""

    title: str
    header: list[str]
    rows: list[list[str]]
    section: str = ""


class Sheet(SheetDisplay):
    """Records inputs and steps in order, grouped into sections (in a notebook it shows its
    report, and ``to_dict()``/``to_frame()`` give its results)."""

    def __init__(
        self,
        title: str = "",
        samples: int = 0,
        seed: int = 0,
        draw: Any = None,
    ) -> None:
        """``samples`` > 0 turns on Monte Carlo: every range input is drawn ``samples`` times
        (reproducibly from ``seed``) and every step is evaluated once more on the draws. ``draw``
        replaces random draws by a caller's design (``draw(name, spec) -> array``), which is how
        the sensitivity analysis swings one input at a time."""
        self.title = title
        self.samples = samples
        self.seed = seed
        self._draw = draw
        self._designed = False  # a sweep's grid: its points may cross a branch (it checks them)
        self._drawn: dict[int, Any] = {}
        self.sensitivity: dict[
            str, Any
        ] = {}  # result name -> botec.analysis.sensitivity.Sensitivity
        self.description = ""
        self.inputs: dict[str, Value] = {}
        self.steps: dict[str, Value] = {}
        self.notes: list[Note] = []
        self.tables: list[Table] = []
        self.seed_checks: list[SeedCheck] = []
        self.unpriced: list[str] = []  # devices no price covers: left out of any monthly total
        self.sections: list[str] = []
        self._section = ""

    # -- building ------------------------------------------------------------------------------
    @contextmanager
    def section(self, name: str) -> Iterator[None]:
        """Group the steps and notes recorded inside the block under ``name``."""
        previous = self._section
        self._section = name
        if name not in self.sections:
            self.sections.append(name)
        try:
            yield
        finally:
            self._section = previous

    def input(
        self,
        name: str,
        value: Any,
        unit: str,
        title: str = "",
        source: str = "",
        kind: Kind = "input",
    ) -> Value:
        """Record a number that enters the calculation from outside (user, catalog, assumption).

        Recording the same name twice is allowed only with the same value, so one symbol never
        means two things in one report.
        """
        spec = value if isinstance(value, Uncertain) else None
        point = spec.nominal if spec is not None else value
        existing = self.inputs.get(name)
        if existing is not None:
            check_same_input(existing, point, unit, spec, self._section)
            return existing
        item = Value(name, point, unit, title or name, kind, source, self._section, spec=spec)
        if spec is not None:
            item.samples = self._samples_for(name, spec)
            if unit == "fraction" and item.samples is not None:
                # A lognormal tail can pass 1; no efficiency or share can.
                import numpy

                item.samples = numpy.minimum(item.samples, 1.0)
        self.inputs[name] = item
        return item

    def _samples_for(self, name: str, spec: Uncertain) -> Any:
        """Draws for one range input; the same range object recorded under two names (DAU used
        for traffic and for storage) gets the same draws, so the two stay consistent."""
        if spec.dist == "grid":
            self._designed = True
            return spec.sample(0, None)
        if not self.samples and self._draw is None:
            return None
        key = id(spec)
        if key not in self._drawn:
            if self._draw is not None:
                drawn = self._draw(name, spec)
            else:
                drawn = spec.sample(self.samples, stream(self.seed, name))
            self._drawn[key] = (spec, drawn)  # keep spec alive so its id stays unique
        return self._drawn[key][1]

    @property
    def uncertain_inputs(self) -> list[Value]:
        """Inputs given as ranges, in the order they were recorded."""
        return [v for v in self.inputs.values() if v.spec is not None and v.spec.dist != "grid"]

    def assume(self, name: str, value: Any, unit: str, title: str, source: str) -> Value:
        """An assumption: a number the user did not give, with where it comes from."""
        return self.input(name, value, unit, title, source, kind="assumption")

    def constant(self, name: str, value: Any, unit: str, title: str, source: str) -> Value:
        """A definition (86,400 s per day, 8 bits per byte)."""
        return self.input(name, value, unit, title, source, kind="constant")

    def step(self, formula: Formula, *, name: str = "", title: str = "", **args: Value) -> Value:
        """Evaluate ``formula`` on ``args``; record it under ``name`` (default: its own)."""
        expected = set(formula.parsed.names)
        if set(args) != expected:
            raise TypeError(f"formula {formula.name} needs {sorted(expected)}, got {sorted(args)}")
        key = name or formula.name
        env = {key: arg.value for key, arg in args.items()}
        try:
            result = formula.parsed.evaluate(env)
        except (ZeroDivisionError, OverflowError):  # refused below, naming the inputs
            result = math.inf
        samples = None
        if any(arg.samples is not None for arg in args.values()):
            drawn = {
                key: arg.value if arg.samples is None else arg.samples for key, arg in args.items()
            }
            import numpy

            try:  # overflow and division by zero in draws: refused below, not warned about
                with numpy.errstate(all="ignore"):
                    samples = formula.parsed.evaluate(drawn)
            except (ZeroDivisionError, OverflowError):
                samples = math.inf  # refused below, naming the inputs
        # a sweep's or a swing's designed draws may cross a branch on purpose: it checks them
        designed = self._draw is not None or self._designed
        check_finite(key, formula, result, None if designed else samples, args)
        if key in self.steps:
            raise ValueError(f"step {key!r} computed twice in one sheet")
        item = Value(
            key,
            result,
            formula.unit,
            title or formula.title,
            "step",
            formula.why,
            self._section,
            formula,
            dict(args),
            samples=samples,
        )
        self.steps[key] = item
        return item

    def table(self, title: str, header: list[str], rows: list[list[str]]) -> Table:
        """Add a table of formatted cells to the current section."""
        t = Table(title, header, rows, self._section)
        self.tables.append(t)
        return t

    def note(self, level: Level, text: str, verdict: bool = False, topic: str = "") -> Note:
        item = Note(level, text, self._section, verdict, topic)
        self.notes.append(item)
        return item

    # -- reading -------------------------------------------------------------------------------
    def __getitem__(self, name: str) -> Value:
        if name in self.steps:
            return self.steps[name]
        return self.inputs[name]

    def __contains__(self, name: str) -> bool:
        return name in self.steps or name in self.inputs

    def value(self, name: str) -> float:
        return float(self[name])

    def steps_in(self, section: str) -> list[Value]:
        return [s for s in self.steps.values() if s.section == section]

    def inputs_in(self, section: str) -> list[Value]:
        return [s for s in self.inputs.values() if s.section == section]


def _p5_p50_p95(samples: Any) -> tuple[float, float, float]:
    """numpy.percentile(samples, [5, 50, 95]) with its default linear interpolation, from one
    partial sort (a report asks for hundreds of these); for whole-number draws (GPU counts,
    replicas) the nearest draw, so 3 GPUs never reads "2 – 3.05 GPUs"."""
    import numpy

    values = numpy.asarray(samples, dtype=float).ravel()
    if values.size == 1 or numpy.isnan(values).any():
        p5, p50, p95 = numpy.percentile(values, [5, 50, 95])
        return (float(p5), float(p50), float(p95))
    if numpy.isfinite(values).all() and (values == numpy.round(values)).all():
        p5, p50, p95 = numpy.percentile(values, [5, 50, 95], method="nearest")
        return (float(p5), float(p50), float(p95))
    positions = numpy.array([0.05, 0.5, 0.95]) * (values.size - 1)
    low = numpy.floor(positions).astype(int)
    high = numpy.minimum(low + 1, values.size - 1)
    part = numpy.partition(values, numpy.unique(numpy.concatenate([low, high])))
    out = part[low] + (part[high] - part[low]) * (positions - low)
    return (float(out[0]), float(out[1]), float(out[2]))
