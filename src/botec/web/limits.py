"""What one API request may ask for: bounded so no request can exhaust the machine."""

from __future__ import annotations

MAX_BODY_BYTES = 1_000_000  # a scenario with its catalog entries is a few kB
MAX_SAMPLES = 20_000  # Monte Carlo draws per request (the CLI default is 10,000)
MAX_SWEEP_POINTS = 10_000  # grid points per sweep request (the CLI allows far more, locally)
MAX_COMPARE_GPUS = 12
MAX_VALIDATE_SAMPLES = 2_000
TIMEOUT_S = 30.0  # wall-clock per request: past it the answer is 503, the work abandoned
