"""Fuzzing the web API: schemathesis generates requests from the app's own OpenAPI schema (no
response is a 5xx, every response matches its schema), and hypothesis sends the bodies the fuzz
strategies build (commands' parameters, mutated scenarios, catalog entries): each is answered
with a 200 whose JSON holds only finite numbers, or with a 4xx naming the field, the value and
what is allowed.

Bounded for ``make test``: about 10 s when nothing fails (30 schemathesis cases per operation,
hypothesis's bodies by the dozen). The long run:
``BOTEC_FUZZ_EXAMPLES=2000 .venv/bin/python -m pytest -q tests/test_fuzz_api.py``.
"""

from __future__ import annotations

import json
import warnings
from typing import Any

import pytest
import schemathesis
from fuzz_strategies import (
    GPUS,
    catalogs,
    command_kwargs,
    examples,
    fuzz_settings,
    non_finite,
    overrides,
    quantity_text,
    rarely,
    scenarios,
    sweep_axes,
)
from hypothesis import given, note, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from botec import commands
from botec.web import create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

APP = create_app()
SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", APP)
# The checks the API promises: no server error, and every response as its schema says.
CHECKS = [not_a_server_error, response_schema_conformance]
# An exception in the app fails the test with its traceback (the 500 a user would get).
CLIENT = TestClient(APP, raise_server_exceptions=True)


@SCHEMA.parametrize()
@settings(max_examples=examples(30), deadline=None)
def test_api_conforms_to_its_openapi_schema(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)


# -- bodies that reach the estimates ---------------------------------------------------------------

ESTIMATES = ("memory", "train", "infer", "plan", "traffic", "storage")
SAMPLING = st.fixed_dictionaries(
    {},
    optional={
        "samples": st.sampled_from([0, 0, 2, 50, -1, 20_001, 1.5, "10", True, None]),
        "seed": st.sampled_from([0, 7, -1, 2**32, 2**64, "0", None, 1.5]),
        "histograms": st.sampled_from([True, False, 1, "yes"]),
    },
)


def check_answer(response: Any) -> None:
    """A 200 with a JSON document of finite numbers, or a 4xx error naming the field; never a
    5xx (an exception in the app fails before this, with its traceback)."""
    note(f"{response.status_code}: {response.text[:1000]}")
    assert response.status_code < 500, response.text[:2000]
    if response.status_code == 200:
        if response.headers.get("content-type", "").startswith("application/json"):
            # Python's json reads NaN and Infinity, which are not JSON: refuse them here
            document = json.loads(response.text, parse_constant=_no_constant)
            problems = list(non_finite(document))
            assert not problems, problems[:10]
        return
    error = response.json()
    assert set(error["error"]) >= {"field", "value", "allowed", "message"}, error


def post(path: str, body: dict[str, Any]) -> Any:
    """POST ``body`` as Python writes JSON: NaN and Infinity included, as a Python client sends
    them (httpx's ``json=`` would refuse them before the app saw them)."""
    headers = {"content-type": "application/json"}
    return CLIENT.post(path, content=json.dumps(body), headers=headers)


def _no_constant(name: str) -> Any:
    raise AssertionError(f"{name} in a JSON response")


@pytest.mark.parametrize("name", ESTIMATES)
@fuzz_settings(50)
@given(data=st.data(), sampling=SAMPLING)
def test_estimate_endpoints_answer_or_refuse(
    name: str, data: st.DataObject, sampling: dict[str, Any]
) -> None:
    body = data.draw(command_kwargs(getattr(commands, name)), label="body")
    if data.draw(rarely(5), label="with catalog"):
        body["catalog"] = data.draw(catalogs(), label="catalog")
    check_answer(post(f"/api/{name}", {**body, **sampling}))


@fuzz_settings(150)
@given(scenario=scenarios(), data=st.data(), sampling=SAMPLING)
def test_report_endpoint_answers_or_refuses(
    scenario: dict[str, Any], data: st.DataObject, sampling: dict[str, Any]
) -> None:
    body: dict[str, Any] = {"scenario": scenario, **sampling}
    if data.draw(st.booleans(), label="with set"):
        body["set"] = data.draw(st.lists(overrides(scenario), max_size=2), label="set")
    if data.draw(rarely(4), label="with catalog"):
        body["catalog"] = data.draw(catalogs(), label="catalog")
    check_answer(post("/api/report", body))


@fuzz_settings(80)
@given(scenario=scenarios(max_mutations=1), data=st.data())
def test_sweep_compare_and_export_endpoints_answer_or_refuse(
    scenario: dict[str, Any], data: st.DataObject
) -> None:
    vary = data.draw(st.lists(sweep_axes(scenario), min_size=1, max_size=2), label="vary")
    points = data.draw(st.sampled_from([2, 3, 0, 10_001, "3", None]), label="points")
    check_answer(post("/api/sweep", {"scenario": scenario, "vary": vary, "points": points}))
    gpus = data.draw(
        st.one_of(st.lists(st.sampled_from(GPUS), max_size=3), st.sampled_from(["l4,t4", "", 3])),
        label="gpus",
    )
    budget = data.draw(st.one_of(st.none(), quantity_text), label="budget")
    body = {"scenario": scenario, "gpus": gpus, "budget": budget, "samples": 0}
    check_answer(post("/api/compare", body))
    fmt = data.draw(st.sampled_from(["toml", "markdown", "html", "json", "pdf"]), label="format")
    check_answer(post("/api/export", {"scenario": scenario, "format": fmt, "samples": 0}))
