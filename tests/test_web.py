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


# -- what a request's set, vary and parameters may name (red-team findings) ------------------------

USERS = {"users": {"daily_active_users": "1M", "requests_per_user_per_day": 5}}
TRAINING = {"training": {"model": "llama-2-7b"}}
CONFIG = SCENARIOS.parent / "tests" / "data" / "configs" / "llama-2-7b.json"


def _error(response) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == 422, response.text[:500]
    return response.json()["error"]


def _catalog_bodies(path: str) -> list[tuple[str, dict]]:
    item = f"catalog={path}"
    return [
        ("/api/report", {"scenario": USERS, "set": [item], "samples": 0}),
        ("/api/sweep", {"scenario": USERS, "set": [item], "vary": ["dau=1M,2M"]}),
        ("/api/compare", {"scenario": TRAINING, "set": [item], "gpus": ["h100-sxm"]}),
        ("/api/sweep", {"scenario": USERS, "vary": [f"{item},/other.toml"]}),
        ("/api/sweep", {"scenario": USERS, "vary": ["catalog.x=1,2"]}),
    ]


def test_set_and_vary_cannot_name_a_catalog_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # a readable TOML catalog, the server's /etc/passwd and no file at all answer alike: the
    # server opens none of them (a difference would tell what exists on the server)
    real = tmp_path / "mine.toml"
    real.write_text('[hardware.x]\nname = "X"\n')
    answers = []
    for path in (str(real), "/etc/passwd", str(tmp_path / "none.toml")):
        for url, body in _catalog_bodies(path):
            error = _error(CLIENT.post(url, json=body))
            key = "vary" if "vary" in body and "set" not in body else "set"
            assert error["field"] == key and "catalog" in error["value"], error
            assert "TOML" not in error["message"] and "no file paths" in error["allowed"]
            answers.append(json.dumps(error).replace(path, "PATH"))
    assert answers[:5] == answers[5:10] == answers[10:]
    # a whole section set as a table reaches the catalog path too, and spelt with spaces
    for item in (" catalog = '/etc/passwd'", "catalog={a=1}"):
        body = {"scenario": USERS, "set": [item], "samples": 0}
        assert _error(CLIENT.post("/api/report", json=body))["field"] == "set"


def test_set_and_vary_cannot_name_a_model_file_or_the_hub(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from botec.modelspec import hub

    fetched: list[str] = []
    monkeypatch.setattr(hub, "from_hf_hub", lambda name, *a, **k: fetched.append(name))
    folder = tmp_path / "x"
    folder.mkdir()
    (folder / "config.json").write_text(CONFIG.read_text())  # a config the CLI would read
    answers = []
    for path in (str(folder / "config.json"), str(tmp_path / "none" / "config.json")):
        body = {"scenario": TRAINING, "vary": [f"training.model={path},llama-2-7b"]}
        error = _error(CLIENT.post("/api/sweep", json=body))
        assert error["field"] == "vary" and error["value"] == body["vary"][0]
        assert "catalog model" in error["allowed"]
        answers.append(json.dumps(error).replace(path, "PATH"))
    assert answers[0] == answers[1]
    hf = "training.model=hf:meta-llama/Llama-2-7b-hf,llama-2-7b"
    error = _error(CLIENT.post("/api/sweep", json={"scenario": TRAINING, "vary": [hf]}))
    assert error["field"] == "vary" and error["value"] == hf
    # set, in each spelling that puts a name in a model field (TOML text, a section table)
    for item in ('training.model="config.json"', "training={model='/x/config.json'}",
                 "training.teacher=hf:owner/name", "serving.model=X.JSON"):  # fmt: skip
        for url, extra in (("/api/report", {}), ("/api/sweep", {"vary": ["gpus=8,16"]}),
                           ("/api/compare", {"gpus": ["h100-sxm"]})):  # fmt: skip
            body = {"scenario": TRAINING, "set": [item], "samples": 0, **extra}
            error = _error(CLIENT.post(url, json=body))
            assert error["field"] == "set" and error["value"] == item, (url, error)
    assert fetched == []
    # a catalog model still sweeps, and still sets
    body = {"scenario": TRAINING, "vary": ["training.model=llama-2-7b,llama-2-13b"]}
    assert CLIENT.post("/api/sweep", json=body).status_code == 200
    body = {"scenario": TRAINING, "set": ["training.model=llama-2-13b"], "samples": 0}
    assert CLIENT.post("/api/report", json=body).status_code == 200


def test_a_bare_folder_name_is_not_read_as_a_model(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # resolve_model reads NAME/config.json for a folder in the working directory: the CLI's
    # convenience, never the server's (nor '.' and '..', the folders every directory has)
    (tmp_path / "mymodel").mkdir()
    (tmp_path / "mymodel" / "config.json").write_text(CONFIG.read_text())
    (tmp_path / "config.json").write_text(CONFIG.read_text())
    monkeypatch.chdir(tmp_path)
    for name in ("mymodel", "%2E"):  # '.' itself: the client would drop it from the path
        error = _error(CLIENT.get(f"/api/models/{name}"))
        assert error["field"] == "name" and error["value"] in ("mymodel", ".")
    for name in ("mymodel", "."):
        error = _error(CLIENT.post("/api/train", json={"model": name, "tokens": "1T"}))
        assert error["field"] == "model" and error["value"] == name
        body = {"params": "7B", "tokens": "1T", "teacher": name}
        assert _error(CLIENT.post("/api/train", json=body))["field"] == "teacher"
        scenario = {"training": {"model": name, "tokens": "1T", "gpus": 64}}
        error = _error(CLIENT.post("/api/report", json={"scenario": scenario, "samples": 0}))
        assert error["field"] == "scenario.training.model" and error["value"] == name
        body = {"scenario": TRAINING, "vary": [f"training.model=llama-2-7b,{name}"]}
        assert _error(CLIENT.post("/api/sweep", json=body))["field"] == "vary"


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/sweep", {"scenario": USERS, "set": [5], "vary": ["dau=1M,2M"]}),
        ("/api/sweep", {"scenario": USERS, "set": [None], "vary": ["dau=1M,2M"]}),
        ("/api/sweep", {"scenario": USERS, "set": 5, "vary": ["dau=1M,2M"]}),
        ("/api/compare", {"scenario": TRAINING, "set": [5], "gpus": ["h100-sxm"]}),
        ("/api/report", {"scenario": USERS, "set": ["users.x=" + "[" * 5000 + "]" * 5000]}),
    ],
)
def test_set_must_be_a_list_of_overrides_on_every_endpoint(url: str, body: dict) -> None:
    error = _error(CLIENT.post(url, json=body))
    assert error["field"] == "set"
    assert "section.field=value" in error["allowed"] or "nested" in error["allowed"]


@pytest.mark.parametrize(
    ("command", "body"),
    [
        ("speech", {"model": False, "gpu": False}),
        ("tts", {"model": False, "gpu": False}),
        ("embed", {"model": False, "documents": "1M"}),
        ("train", {"params": "7B", "tokens": "1T", "recompute": False}),
    ],
)
def test_false_is_not_a_name(command: str, body: dict) -> None:
    # a command takes False as "not given": the default model ran under the title "False"
    error = _error(CLIENT.post(f"/api/{command}", json={**body, "samples": 0}))
    assert error["field"] in body and error["value"] is False
    assert "text" in error["allowed"] or "one of" in error["allowed"]


def test_errors_name_the_requests_keys_not_the_clis_flags() -> None:
    sweeps = [
        ({"vary": ["nope=1,2"]}, "vary"),
        ({"vary": ["dau=1M,2M"], "results": ["nope"]}, "results"),
        ({"vary": ["dau=1M,2M"], "set": ["x"]}, "set"),
    ]
    for extra, key in sweeps:
        error = _error(CLIENT.post("/api/sweep", json={"scenario": USERS, **extra}))
        assert error["field"] == key and "--" not in error["message"], error
    error = _error(CLIENT.post("/api/report", json={"scenario": USERS, "set": ["x"]}))
    assert error["field"] == "set"
    body = {"scenario": USERS, "gpus": ["h100-sxm"], "samples": 0}
    assert _error(CLIENT.post("/api/compare", json=body))["field"] == "scenario"
    # pydantic's "exceeded maximum size" said as the whole number it should be
    error = _error(CLIENT.post("/api/train", json={"params": "7B", "tokens": "1T", "gpus": 1e300}))
    assert error["field"] == "gpus" and "a whole number" in error["allowed"]
    assert "Unable to parse" not in error["message"]
    scenario = {"training": {"params": "7B", "tokens": "1T", "gpus": 1e300}}
    error = _error(CLIENT.post("/api/report", json={"scenario": scenario, "samples": 0}))
    assert error["field"] == "training.gpus" and "a whole number" in error["allowed"]


def test_a_subnormal_input_is_refused_naming_its_field() -> None:
    # 1e-320 requests a user: its draws were subnormal floats, below anything botec estimates
    body = {"dau": 100, "requests_per_user": "1e-320", "histograms": True}
    error = _error(CLIENT.post("/api/traffic", json=body))
    assert error["field"] == "requests_per_user" and "under 1e-09" in error["allowed"]


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        # "false" is non-empty text, so Python reads it as on: the request was sized for
        # training it never asked for
        ("/api/memory", {"params": "7B", "training": "false"}, "training"),
        ("/api/memory", {"params": "7B", "training": 0}, "training"),
        ("/api/train", {"params": "1B", "tokens": "20B", "memory": "yes"}, "memory"),
        ("/api/infer", {"params": "7B", "histograms": "true"}, "histograms"),
        ("/api/report", {"scenario": USERS, "histograms": 1}, "histograms"),
    ],
)
def test_a_switch_takes_true_or_false_only(url: str, body: dict, field: str) -> None:
    error = _error(CLIENT.post(url, json={**body, "samples": 0}))
    assert error["field"] == field and error["value"] == body[field]
    assert "true or false" in error["allowed"]


@pytest.mark.parametrize(
    "body",
    [
        {"qps": 10, "peak_factor": "5 to 5.000000000000005"},  # a spread of a few floats
        {"dau": 100, "requests_per_user": "1e-9 to 1.000000000000001e-9"},  # at the floor
    ],
)
def test_histograms_of_a_hair_thin_range_are_drawn_not_a_500(body: dict) -> None:
    response = CLIENT.post("/api/traffic", json={**body, "histograms": True})
    assert response.status_code == 200, response.text
    for bars in response.json()["histograms"].values():
        assert sum(bars["counts"]) > 0 and len(bars["edges"]) == len(bars["counts"]) + 1


def test_a_wrong_type_is_said_in_a_requests_words_never_as_python_types() -> None:
    # Quantity (str | float) was read as a Literal: "expected one of <class 'str'>, ..."
    commands = CLIENT.get("/api/commands").json()
    for command, params in commands.items():
        for p in params:
            if p["name"] in ("histograms",) or isinstance(p.get("default"), bool):
                continue
            response = CLIENT.post(f"/api/{command}", json={p["name"]: True, "samples": 0})
            if response.status_code == 422:
                assert "<class" not in response.text and "collections.abc" not in response.text, (
                    command, p["name"], response.text)  # fmt: skip


@pytest.mark.parametrize(
    ("url", "extra"),
    [
        ("/api/export", {"format": "json", "set": ["users.daily_active_users=99M"]}),
        ("/api/report", {"bogus": 1}),
        ("/api/sweep", {"vary": ["dau=1M,2M"], "sample": 10}),  # samples is taken
        ("/api/compare", {"gpus": ["h100-sxm"], "bugdet": "$1"}),
    ],
)
def test_a_key_a_scenario_endpoint_does_not_read_is_refused(url: str, extra: dict) -> None:
    # /api/export took "set" and answered 200 with the scenario unchanged
    error = _error(CLIENT.post(url, json={"scenario": USERS, **extra}))
    unknown = sorted(set(extra) - {"format", "vary", "gpus"})[0]
    assert error["field"] == unknown and "one of" in error["allowed"]
