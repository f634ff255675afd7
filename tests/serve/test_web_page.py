"""The chat page at `/` in headless Chromium (the Debian `chromium` package, driven by
Playwright): it loads offline, streams an answer, sends the settings, clears; a screenshot is
kept as a test artefact (``runs/test-artifacts/serve/web_chat.png``)."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from testlib import PROJECT_ROOT

from langadapt.serve.server import STATIC, create_app

SCREENSHOTS = PROJECT_ROOT / "runs" / "test-artifacts" / "serve"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]


def chromium_path() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no Chromium on this machine (.ci/run installs Debian's `chromium`; "
                "apt-get was unavailable or failed)")


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="playwright (the test extra) is not installed")
    executable = chromium_path()
    profile = tempfile.mkdtemp(prefix="langadapt-chromium-")
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=executable, headless=True, args=CHROMIUM_FLAGS,
            viewport={"width": 390, "height": 844})  # a phone-width screen
        yield context
        context.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def url(model, tiny_tokenizer, run_app):
    return run_app(create_app(model, tiny_tokenizer, "tiny-estonian", api_key="page-key",
                              max_new_tokens=64))


def test_chat_page_streams_answers_and_sends_settings(browser, url):
    page = browser.new_page()
    outside = []  # the page must work offline: nothing but our own server is asked for
    page.on("request", lambda r: None if r.url.startswith(url) else outside.append(r.url))
    bodies = []
    page.on("request", lambda r: bodies.append(json.loads(r.post_data))
            if r.url.endswith("/v1/chat/completions") else None)
    page.goto(url + "/")
    assert page.locator("#model-name").text_content() in ("…", "API key needed (Settings)")
    page.wait_for_function("document.getElementById('model-name').textContent.includes('key')")

    page.click("#settings-toggle")
    page.fill("#api-key", "page-key")
    page.dispatch_event("#api-key", "change")
    page.wait_for_function(
        "document.getElementById('model-name').textContent === 'tiny-estonian'")
    assert page.evaluate("localStorage.getItem('langadapt.apiKey')") == "page-key"
    page.fill("#system", "Vasta eesti keeles.")
    page.fill("#temperature", "0")
    page.fill("#max_tokens", "24")

    page.fill("#input", "Tere! Kuidas läheb?")
    page.press("#input", "Enter")
    answer = page.locator(".msg.assistant .text").first
    page.wait_for_function("document.getElementById('send').disabled === false "
                           "&& document.querySelector('.msg.assistant')")
    text = answer.text_content()
    assert text and not page.locator(".msg.error").count()
    assert int(answer.get_attribute("data-chunks")) > 1  # streamed, piece by piece
    assert bodies[0]["temperature"] == 0 and bodies[0]["max_tokens"] == 24
    assert bodies[0]["stream"] is True and bodies[0]["messages"][0]["role"] == "system"

    page.fill("#temperature", "0.8")  # the next message goes with the new temperature
    page.fill("#input", "Veel üks küsimus")
    page.click("#send")
    page.wait_for_function("document.querySelectorAll('.msg.assistant').length === 2 && "
                           "document.getElementById('send').disabled === false")
    assert bodies[1]["temperature"] == 0.8
    assert [m["role"] for m in bodies[1]["messages"]] == ["system", "user", "assistant", "user"]
    assert bodies[1]["messages"][2]["content"] == text

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / "web_chat.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 5000

    page.click("#clear")
    assert page.locator(".msg").count() == 0
    assert outside == []
    page.close()


def test_stop_button_ends_a_long_answer(browser, url, model, monkeypatch):
    import time

    real = model.forward
    monkeypatch.setattr(model, "forward", lambda *a, **k: time.sleep(0.05) or real(*a, **k))
    page = browser.new_page()
    page.goto(url + "/")  # the key is remembered from the first test (local storage)
    page.wait_for_function(
        "document.getElementById('model-name').textContent === 'tiny-estonian'")
    page.click("#settings-toggle")
    page.fill("#temperature", "0")
    page.fill("#max_tokens", "64")
    page.fill("#input", "Räägi pikalt")
    page.press("#input", "Enter")
    page.wait_for_function("Number(document.querySelector('.msg.assistant .text')"
                           ".dataset.chunks) > 0")
    page.click("#stop")
    page.wait_for_function("document.getElementById('send').disabled === false")
    assert page.locator("#status").text_content() == "stopped"  # not "64 tokens"
    assert page.locator(".msg.error").count() == 0
    assert page.locator(".msg.assistant .text").text_content()  # the partial answer stays
    page.close()


def test_static_files_ship_inside_the_package():
    static = Path(STATIC)
    assert {p.name for p in static.iterdir()} >= {"index.html", "app.js", "style.css"}
    page = (static / "index.html").read_text() + (static / "app.js").read_text()
    assert "http://" not in page and "https://" not in page  # no CDN: works offline
