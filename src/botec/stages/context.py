"""What one run hands from stage to stage: the sheet, the catalog, and the cascade's values."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from botec.catalog import Catalog
from botec.core.sheet import Sheet, Value


@dataclass
class Context:
    """One run of a scenario: where steps are recorded, the catalog it reads, and what earlier
    stages of the cascade hand to later ones (traffic → requests → model → cost)."""

    sheet: Sheet
    catalog: Catalog
    dau: Value | None = None
    average_rps: Value | None = None
    peak_rps: Value | None = None
    output_tokens: Value | None = None
    prompt_tokens: Value | None = None
    params: Value | None = None
    weights: Value | None = None
    kv_per_token: Value | None = None
    monthly_costs: list[Value] = field(default_factory=list)
    gpus: dict[str, Value] = field(default_factory=dict)
    price_basis: str = ""  # the [cost] section's price basis ('' = the default)
    # the GPU bill at the serving roofline's count, beside the seed method's (SmartPal)
    roofline_gpu_cost: Value | None = None
    plan_gpu: str = ""  # the serving plan's chosen GPU (its serverless price, its launch)
    devices: dict[str, Any] = field(default_factory=dict)  # the devices the answers run on

    def device(self, name: str, field_name: str = "gpu") -> Any:
        """A catalog device the scenario runs on, remembered so the report can say what its
        'GPU' figures mean on a CPU or a TPU."""
        hardware = self.catalog.hardware(name, field_name)
        self.devices[hardware.key] = hardware
        return hardware

    def on(self, sheet: Sheet) -> Context:
        """The same run's catalog over another sheet (a planner's scratch evaluations)."""
        return replace(self, sheet=sheet, monthly_costs=[], gpus={})
