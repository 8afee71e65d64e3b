"""`botec web`: the JSON API (and, with it, the playground page) over every estimate.

The app never computes: each endpoint calls a command function (:mod:`botec.commands`) with the
request's values and returns the same document `--format json` prints. It is stateless (every
request brings its scenario and any catalog entries of its own), so it scales out as several
workers or behind a load balancer.
"""

from __future__ import annotations

from botec.web.app import create_app

__all__ = ["create_app"]
