"""Parameter counts on a sheet: the counting steps of a model read from a config.json, or the
stated count of a catalog model with its source.

>>> from botec.core.sheet import Sheet
>>> from botec.modelspec import get_model
>>> sheet = Sheet()
>>> record_param_count(sheet, get_model("llama-2-7b")).formatted()
'6.74B params'
"""

from __future__ import annotations

from botec.core.sheet import Sheet, Value
from botec.estimators.model_params import ParamPlan, count_params, param_plan
from botec.modelspec.spec import ModelSpec


def _needed(plan: ParamPlan, target: str) -> list[str]:
    """The inputs and steps ``target`` depends on (itself included), in plan order."""
    seen: set[str] = set()
    todo = [target]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        if name in plan.steps:
            todo += [src for _, src in plan.steps[name].args]
    order = [*plan.inputs, *plan.steps]
    return [name for name in order if name in seen]


def record_param_count(
    sheet: Sheet,
    spec: ModelSpec,
    *,
    active: bool = False,
    name: str = "",
    prefix: str = "",
) -> Value:
    """Put ``spec``'s parameter count on ``sheet`` and return it.

    A spec read from a ``config.json`` (it carries its :class:`ParamShape`) gets the counting
    steps: embeddings, attention, MLP, norms, experts, output head, each a formula. A catalog
    model that states its count gets one input citing the catalog's source.

    ``active``: the count used per token (MoE); for a dense model it is the total. ``name``: the
    result's name on the sheet (default ``params``, or ``active_params`` for an MoE model's
    active count). ``prefix`` goes before every name this records (e.g. ``serving_``), for a
    sheet that already holds another model's ``layers`` or ``hidden_size``. Calling it twice
    (total, then active) reuses the steps the two share.
    """
    per_token = active and spec.params_active < spec.params_total
    key = prefix + (name or ("active_params" if per_token else "params"))
    stated = spec.params_active if per_token else spec.params_total
    title = f"{'Active parameters per token' if per_token else 'Parameters'} ({spec.name})"
    cite = f"{spec.name}: {spec.source}"
    shape = spec.architecture
    if shape is None or count_params(shape) != (spec.params_total, spec.params_active):
        return sheet.input(key, float(stated), "params", title, cite)
    plan = param_plan(shape)
    target = plan.active if per_token else plan.total
    values: dict[str, Value] = {}
    for item in _needed(plan, target):
        if item in plan.inputs:
            i = plan.inputs[item]
            values[item] = sheet.input(prefix + item, i.value, i.unit, i.title, cite)
            continue
        step = plan.steps[item]
        step_key = key if item == target else prefix + item
        args = {arg: values[src] for arg, src in step.args}
        existing = sheet.steps.get(step_key)
        if existing is not None and existing.formula is step.formula and existing.args == args:
            values[item] = existing  # recorded by an earlier call (the total before the active)
            continue
        values[item] = sheet.step(
            step.formula, name=step_key, title=title if item == target else step.title, **args
        )
    return values[target]
