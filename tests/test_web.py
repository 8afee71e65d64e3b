"""The JSON API: the same numbers as the CLI for the same input, the CLI's error messages as 422,
bounded requests, per-request catalog entries no other request sees, and no file or network
access a request can ask for."""

from __future__ import annotations

import json
import tomllib
import warnings

import pytest
from conftest import SCENARIOS, cli

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from botec.web import create_app, limits

CLIENT = TestClient(create_app())


def _toml(name: str) -> dict:
    return tomllib.loads((SCENARIOS / f"{name}.toml").read_text())


def _results(document: dict) -> dict:
    return {k: (v["value"], v.get("p5"), v.get("p95")) for k, v in document["results"].items()}


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.toml")), ids=lambda p: p.stem)
def test_report_gives_the_clis_numbers_for_every_bundled_scenario(path) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli("report", str(path), "--samples", "300", "--format", "json")
    assert code == 0, err
    api = CLIENT.post("/api/report", json={"scenario": _toml(path.stem), "samples": 300})
    assert api.status_code == 200, api.text
    assert _results(api.json()) == _results(json.loads(out))


@pytest.mark.parametrize(
    ("command", "body", "flags"),
    [
        ("plan", {"model": "llama-3.1-8b", "gpu": "h100-sxm", "qps": 50},
         ["--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--qps", "50"]),
        ("train", {"params": "7B", "tokens": "1T", "gpus": 64},
         ["--params", "7B", "--tokens", "1T", "--gpus", "64"]),
        ("infer", {"model": "llama-3.1-8b", "gpu": "h100-sxm", "input_tokens": 500},
         ["--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--input-tokens", "500"]),
        ("memory", {"model": "llama-3.1-70b", "gpu": "h100-sxm"},
         ["--model", "llama-3.1-70b", "--gpu", "h100-sxm"]),
        ("traffic", {"dau": "100M", "requests_per_user": 10}, ["--dau", "100M",
         "--requests-per-user", "10"]),
        ("storage", {"dau": "1M", "events_per_user": 10}, ["--dau", "1M",
         "--events-per-user", "10"]),
    ],
)  # fmt: skip
def test_each_command_endpoint_gives_the_clis_numbers(
    command: str, body: dict, flags: list
) -> None:
    code, out, err = cli(command, *flags, "--samples", "200", "--format", "json")
    assert code == 0, err
    api = CLIENT.post(f"/api/{command}", json={**body, "samples": 200})
    assert api.status_code == 200, api.text
    assert _results(api.json()) == _results(json.loads(out))


def test_a_bad_value_is_a_422_naming_the_request_key_as_the_cli_names_its_flag() -> None:
    r = CLIENT.post("/api/plan", json={"model": "llama-3.1-8b", "qps": -5})
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["field"] == "qps" and error["value"] == -5 and "greater than 0" in error["allowed"]
    r = CLIENT.post("/api/plan", json={"modle": "llama-3.1-8b"})
    assert r.status_code == 422 and "one of model, params" in r.json()["error"]["allowed"]
    r = CLIENT.post("/api/report", json={"scenario": {"users": {"nope": 1}}})
    assert r.status_code == 422 and r.json()["error"]["field"] == "users.nope"


def test_requests_are_bounded() -> None:
    r = CLIENT.post("/api/train", json={"params": "7B", "tokens": "1T",
                                        "samples": limits.MAX_SAMPLES + 1})  # fmt: skip
    assert r.status_code == 422 and r.json()["error"]["field"] == "samples"
    r = CLIENT.post(
        "/api/sweep", json={"scenario": _toml("smartpal"), "vary": ["dau=1M..1B:20000"]}
    )
    assert r.status_code == 422 and "at most 10,000" in r.json()["error"]["allowed"]
    big = "x" * (limits.MAX_BODY_BYTES + 1)
    r = CLIENT.post("/api/report", content=json.dumps({"scenario": {"title": big}}),
                    headers={"content-type": "application/json"})  # fmt: skip
    assert r.status_code == 413


def test_a_requests_catalog_entries_are_its_own() -> None:
    mine = {"hardware": {"my-gpu": {
        "name": "My GPU", "memory_bytes": 32e9, "memory_bandwidth_bytes_per_s": 1e12,
        "peak_flop_per_s": {"fp16": 100e12}, "interconnect": "pcie4", "source": "my lab",
        "as_of": "2026-01"}}}  # fmt: skip
    r = CLIENT.post("/api/memory", json={"params": "7B", "gpu": "my-gpu", "catalog": mine})
    assert r.status_code == 200 and any("My GPU" in n["text"] for n in r.json()["notes"])
    r = CLIENT.post("/api/memory", json={"params": "7B", "gpu": "my-gpu"})
    assert r.status_code == 422 and r.json()["error"]["value"] == "my-gpu"


def test_a_request_cannot_make_the_server_read_files_or_fetch() -> None:
    for model in ("/etc/passwd", "hf:meta-llama/Llama-3.1-8B", "config.json"):
        r = CLIENT.post("/api/infer", json={"model": model})
        assert r.status_code == 422 and r.json()["error"]["field"] == "model"
    r = CLIENT.post("/api/report", json={"scenario": {"catalog": "/etc/passwd"}})
    assert r.status_code == 422 and r.json()["error"]["field"] == "scenario.catalog"
    scenario = {"serving": {"model": "../x.json", "input_tokens": 1, "output_tokens": 1}}
    r = CLIENT.post("/api/report", json={"scenario": scenario})
    assert r.status_code == 422 and r.json()["error"]["field"] == "scenario.serving.model"


def test_look_ups_examples_and_the_schema() -> None:
    assert CLIENT.get("/api/hardware").json()["hardware"]
    assert CLIENT.get("/api/hardware/h100").json()["key"] == "h100-sxm"
    assert CLIENT.get("/api/hardware/h1000").status_code == 422
    assert CLIENT.get("/api/models/deepseek-v3").json()["attention"] == "mla"
    assert {b["key"] for b in CLIENT.get("/api/prices").json()["bases"]} >= {"market"}
    assert any(p["key"] == "fp8" for p in CLIENT.get("/api/precisions").json())
    assert any(e["key"] == "vllm" for e in CLIENT.get("/api/engines").json())
    names = {e["name"] for e in CLIENT.get("/api/examples").json()}
    assert "smartpal" in names
    example = CLIENT.get("/api/examples/smartpal").json()
    assert (
        example["scenario"]["users"]["daily_active_users"]
        == _toml("smartpal")["users"]["daily_active_users"]
    )
    schema = CLIENT.get("/api/schema").json()
    assert "serving_plan" in schema["properties"]
    page = CLIENT.get("/")
    assert "default-src 'self'" in page.headers["content-security-policy"]


def test_botec_web_warns_when_bound_beyond_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: calls.append(k))
    code, _, err = cli("web", "--host", "0.0.0.0", "--port", "8123")
    assert code == 0 and "warning" in err and calls[0]["port"] == 8123
    code, _, err = cli("web")
    assert code == 0 and "warning" not in err and calls[1]["host"] == "127.0.0.1"
