"""The playground in a real browser: headless Debian chromium driven by Playwright (installed by
`make test`). The page computes nothing: every figure it shows is checked against the API's."""

from __future__ import annotations

import base64
import json
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, sync_playwright

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:  # make test installs it (apt-get); a bare pytest run without it says so
    pytest.fail("Debian's chromium is needed for the browser tests: run `make test`", pytrace=False)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "botec.cli", "web", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            httpx.get(f"{url}/api/examples", timeout=0.5)
            break
        except httpx.HTTPError:
            time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture
def page(browser, server: str) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.requests_seen = []  # type: ignore[attr-defined]
    page.on("request", lambda r: page.requests_seen.append(r.url))  # type: ignore[attr-defined]
    page.goto(server + "/")
    page.wait_for_selector("#answer li[data-result]", timeout=20_000)
    yield page
    context.close()


def _api(server: str, scenario: dict, samples: int = 2000) -> dict:
    r = httpx.post(
        f"{server}/api/report", json={"scenario": scenario, "samples": samples}, timeout=60
    )
    assert r.status_code == 200, r.text
    return r.json()


def _answer(page: Page) -> dict[str, str]:
    rows = page.locator("#answer li[data-result]")
    return {rows.nth(i).get_attribute("data-result"): rows.nth(i).inner_text()
            for i in range(rows.count())}  # fmt: skip


def _after(page: Page, action) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The answer once the report the action triggers has come back and been shown."""
    computed = re.compile(
        r"/api/(report|memory|train|infer|plan|image|video|embed|speech|recsys|tts)$"
    )
    with page.expect_response(lambda r: bool(computed.search(r.url)), timeout=15_000):
        action()
    page.locator("#results[aria-busy=false]").wait_for(timeout=15_000)
    return _answer(page)


def test_changing_dau_shows_the_apis_gpus_and_cost(page: Page, server: str) -> None:
    after = _after(page, lambda: page.fill('input[data-path="users.daily_active_users"]', "10M"))
    scenario = page.evaluate("readForm()")
    assert scenario["users"]["daily_active_users"] == "10M"
    api = _api(server, scenario)
    for name, text in after.items():
        r = api["results"][name]
        assert (r.get("formatted_median") or r["formatted"]) in text, (name, text)


def test_a_preset_switches_the_form_and_the_answer(page: Page) -> None:
    after = _after(page, lambda: page.select_option("#preset", "train-70b-budget"))
    assert "gpu_hours" in after or "cost" in after
    assert page.locator('fieldset[data-section="training"]').count() == 1


def test_a_share_link_restores_the_scenario(page: Page, browser, server: str) -> None:  # type: ignore[no-untyped-def]
    field = 'input[data-path="users.requests_per_user_per_day"]'
    after = _after(page, lambda: page.fill(field, "20"))
    page.click("#share")
    link = page.url
    encoded = link.split("#s=")[1]
    decoded = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    assert decoded["users"]["requests_per_user_per_day"] == 20
    other = browser.new_page()
    other.goto(link)
    other.wait_for_selector("#answer li[data-result]", timeout=20_000)
    assert other.input_value('input[data-path="users.requests_per_user_per_day"]') == "20"
    assert _answer(other) == after
    other.close()


DOWNLOADS = [("toml", "[users]"), ("markdown", "# SmartPal"), ("html", "<html"),
             ("json", '"results"')]  # fmt: skip


@pytest.mark.parametrize(("link", "expect"), DOWNLOADS)
def test_each_download(page: Page, link: str, expect: str) -> None:
    with page.expect_download() as info:
        page.click(f"#dl-{link}")
    text = Path(info.value.path()).read_text(encoding="utf-8")
    assert expect in text


def test_a_bad_value_shows_its_message_at_the_field_and_no_stale_number(page: Page) -> None:
    field = page.locator('input[data-path="users.daily_active_users"]')
    field.fill("-5")
    page.wait_for_selector(".error", timeout=10_000)
    assert field.get_attribute("aria-invalid") == "true"
    assert "at least 1" in page.inner_text(".error")  # Users: ge=1 (scenario/fields.py)
    assert "Not updated" in page.inner_text("#status")
    assert "stale" in (page.get_attribute("#results", "class") or "")


def test_no_request_leaves_localhost_and_the_policy_forbids_other_origins(
    page: Page, server: str
) -> None:
    assert all(url.startswith(server) for url in page.requests_seen)  # type: ignore[attr-defined]
    policy = httpx.get(server + "/").headers["content-security-policy"]
    assert "default-src 'self'" in policy
    blocked = page.evaluate(
        "() => fetch('https://example.com/').then(() => 'fetched', () => 'blocked')"
    )
    assert blocked == "blocked"


def test_the_page_is_usable_by_keyboard_and_screen_readers(page: Page) -> None:
    # every input has a label; the results announce themselves; no horizontal scroll at 360 px
    unlabelled = page.evaluate(
        "[...document.querySelectorAll('input, select')].filter(i => !i.labels.length"
        " && !i.getAttribute('aria-label')).length"
    )
    assert unlabelled == 0
    assert page.get_attribute("#results", "aria-live") == "polite"
    page.set_viewport_size({"width": 360, "height": 800})
    page.wait_for_timeout(300)  # the charts follow the new width
    assert page.evaluate("document.documentElement.scrollWidth <= 370")


def test_a_direct_question_has_its_own_short_form(page: Page, server: str) -> None:
    after = _after(page, lambda: page.select_option("#question", "plan"))
    assert "serving_gpus" in after
    field = 'input[data-param="qps"]'
    after = _after(page, lambda: page.fill(field, "200"))
    body = {"model": "llama-3.1-8b", "gpu": "h100-sxm", "qps": 200, "ttft_p99": "1s",
            "tpot_p99": "50ms", "samples": 2000}  # fmt: skip
    api = httpx.post(f"{server}/api/plan", json=body, timeout=60).json()
    gpus = api["results"]["serving_gpus"]
    assert (gpus.get("formatted_median") or gpus["formatted"]) in after["serving_gpus"]


def test_the_workload_questions_and_the_video_preset(page: Page, server: str) -> None:
    after = _after(page, lambda: page.select_option("#question", "image"))
    assert "generation_gpus" in after
    body = {"model": "sdxl", "gpu": "h100-sxm", "steps": 30, "batch": 4,
            "images_per_day": "1M", "samples": 2000}  # fmt: skip
    api = httpx.post(f"{server}/api/image", json=body, timeout=60).json()
    gpus = api["results"]["generation_gpus"]
    assert (gpus.get("formatted_median") or gpus["formatted"]) in after["generation_gpus"]
    after = _after(page, lambda: page.select_option("#question", "embed"))
    assert "index_memory" in after
    after = _after(page, lambda: page.select_option("#question", "speech"))
    assert "speech_gpus" in after
    after = _after(page, lambda: page.select_option("#question", "recsys"))
    assert "scoring_gpus" in after
    after = _after(page, lambda: page.select_option("#question", "tts"))
    assert "synthesis_gpus" in after
    _after(page, lambda: page.select_option("#question", "scenario"))
    after = _after(page, lambda: page.select_option("#preset", "video-wan-clips"))
    assert "generation_gpus" in after
    assert page.locator('fieldset[data-section="video_generation"]').count() == 1


def test_a_slider_moves_its_number_and_the_answer(page: Page) -> None:
    slider = page.locator('input[data-path="users.requests_per_user_per_day"] ~ input[type=range]')
    before = _answer(page)
    after = _after(page, lambda: slider.fill("100"))  # ten times the 10 requests a day
    assert page.input_value('input[data-path="users.requests_per_user_per_day"]') == "100"
    assert after != before


def test_the_distribution_chart_draws_the_answers_draws(page: Page) -> None:
    bars = page.evaluate(
        "() => document.getElementById('chart-distribution').data[0].y.reduce((a, b) => a + b, 0)"
    )
    assert bars == 2000  # every draw of the first varying answer figure, binned


def test_a_deployment_preset_draws_its_day_and_break_even(page: Page, server: str) -> None:
    assert page.locator("#chart-day").is_hidden()  # SmartPal's seed scenario has no day
    _after(page, lambda: page.select_option("#preset", "smartpal-daily"))
    page.wait_for_function("() => !document.getElementById('chart-day').hidden")
    hours = page.evaluate("() => document.getElementById('chart-day').data[0].y")
    daily = httpx.get(f"{server}/api/examples/smartpal-daily", timeout=60).json()["scenario"]
    body = {"scenario": daily, "samples": 0, "histograms": True}
    api = httpx.post(f"{server}/api/report", json=body, timeout=60).json()
    assert hours == api["curves"]["day"]["autoscaled_replicas"]  # the report's own hours
    assert api["results"]["replicas_20"]["value"] == hours[20]
    even = page.evaluate("() => document.getElementById('chart-break-even').data.length")
    assert even == 3  # serverless, provisioned and a hosted API (Llama 3.2 3B on Bedrock)
