"""Self-instruct against real HTTP servers on 127.0.0.1: parsing, filters, cache/resume, budget."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from selfinstruct_server import State, estonian_items, make_handler
from testlib import DEMO_DATA, local_api

from langadapt.data.self_instruct.generate import self_instruct
from langadapt.data.self_instruct.stage import SelfInstructStage

SEEDS = DEMO_DATA / "instructions" / "alpaca_est_seed_tasks.jsonl"


def config(url: str, **overrides) -> SelfInstructStage:
    data = {"seed_tasks": str(SEEDS), "count": 10, "endpoint": {"url": url, "model": "test-model"},
            "batch": 1, "concurrency": 1, "retry_wait": 0.01, **overrides}
    return SelfInstructStage.model_validate(data)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_generates_until_count_and_writes_alpaca_records(tmp_path):
    state = State()
    with local_api(make_handler(state)) as url:
        stats = self_instruct(config(url, count=10), tmp_path / "out.jsonl", tmp_path / "c.sqlite",
                              progress=False)
    rows = read_jsonl(tmp_path / "out.jsonl")
    assert len(rows) == 10 and stats["kept"] == 10 and stats["stopped"] == "count"
    assert len({r["instruction"] for r in rows}) == 10
    assert all(r["input"] == "" and r["output"].startswith("See lause") for r in rows)
    assert stats["requests"] == {"total": 2, "cached": 0, "sent": 2, "retries": 0}  # 6 items each
    assert stats["dropped"] == {"over_count": 2}
    assert stats["usage"] == {"prompt_tokens": 200, "completion_tokens": 100, "total_tokens": 300,
                              "cost": None}
    prompt = state.bodies[0]["messages"][0]["content"]
    assert prompt.startswith("Sinu ülesanne on koostada 20 mitmekesist ülesannet")
    assert prompt.count("###\n") == 4 and prompt.endswith("###\n4. Juhis:")  # 3 seeds, open item 4
    assert state.bodies[0]["temperature"] == 1.0 and state.bodies[0]["max_tokens"] == 3072
    assert "request" not in state.bodies[0]


EDGE_CASES = """ Selgita lühidalt, miks on taevas sinine ja mitte roheline.
4. Sisend:
<sisend puudub>
4. Väljund:
Valgus hajub õhus ja sinine valgus hajub kõige rohkem.
###
5. 5. Juhis: Nimeta kolm Eesti suurimat järve ja nende asukohad maakondade kaupa.
5. Sisend:
5. Väljund:
Peipsi, Võrtsjärv ja Narva veehoidla asuvad Ida- ja Lõuna-Eestis.
###
6. Juhis: Kirjuta lühike luuletus sügisesest metsast ja langevatest lehtedest.
6. Sisend:
<sisend puudub>
###
7. Juhis: Write a short story about a dog who learns to fly over the city.
7. Sisend:
<sisend puudub>
7. Väljund:
Once upon a time there was a dog named Max who dreamed of flying above the rooftops.
###
8. Juhis: Joonista pilt oma lemmikloomast ja kirjelda seda sõpradele.
8. Sisend:
<sisend puudub>
8. Väljund:
Mul on kass.
###
9. Juhis: "Tõlgi see lause inglise keelde, palun, kiiresti ja täpselt."
9. Sisend:
Tere hommikust!
9. Väljund:
Good morning!
###
10. Juhis: Tee seda.
10. Sisend:
<sisend puudub>
10. Väljund:
Tehtud.
###
11. Juhis: Selgita lühidalt, miks on taevas sinine ja mitte roheline?
11. Sisend:
<sisend puudub>
11. Väljund:
Sest valgus hajub.
###
12. Juhis: Koosta nimekiri viiest tervislikust hommikusöögist koos nende
12. Sisend:
"""


def test_parser_edge_cases_and_drop_reasons(tmp_path):
    state = State(answer=lambda n, body: (EDGE_CASES, "length"))
    with local_api(make_handler(state)) as url:
        stats = self_instruct(config(url, count=50, max_requests=1), tmp_path / "o.jsonl",
                              tmp_path / "c.sqlite", progress=False)
    rows = read_jsonl(tmp_path / "o.jsonl")
    assert [r["instruction"] for r in rows] == [
        "Selgita lühidalt, miks on taevas sinine ja mitte roheline.",
        "Nimeta kolm Eesti suurimat järve ja nende asukohad maakondade kaupa."]
    assert rows[1]["input"] == ""  # an empty input field stays empty
    assert stats["dropped"] == {"malformed": 1,  # item 6: no output
                                "truncated": 1,  # item 12: cut by the token limit
                                "wrong_language": 1, "blacklisted": 1,
                                "starts_with_punctuation": 1, "too_short": 1, "similar": 1}
    assert stats["stopped"] == "max_requests" and stats["candidates"] == 9


def test_retries_on_429_then_succeeds(tmp_path):
    state = State(fail_first=2)
    with local_api(make_handler(state)) as url:
        stats = self_instruct(config(url, count=3), tmp_path / "o.jsonl", tmp_path / "c.sqlite",
                              progress=False)
    assert stats["kept"] == 3 and stats["requests"]["retries"] == 2 and len(state.bodies) == 3


def test_budget_stops_the_run(tmp_path):
    state = State(answer=lambda n, body: ("Tee seda.\n4. Sisend:\n-\n4. Väljund:\nx", "stop"))
    with local_api(make_handler(state)) as url:
        stats = self_instruct(config(url, count=100, max_tokens_total=400), tmp_path / "o.jsonl",
                              tmp_path / "c.sqlite", progress=False)
        assert stats["stopped"] == "max_tokens_total" and len(state.bodies) == 3  # 150 tokens each
        cost = self_instruct(config(url, count=100, max_cost=0.002, price_prompt=10.0,
                                    price_completion=20.0), tmp_path / "p.jsonl",
                             tmp_path / "c2.sqlite", progress=False)
    assert cost["stopped"] == "max_cost" and cost["requests"]["sent"] == 1  # 100*10e-6 + 50*20e-6
    assert cost["usage"]["cost"] == pytest.approx(0.002)


def test_rerun_replays_the_cache_without_requests(tmp_path):
    state = State()
    with local_api(make_handler(state)) as url:
        self_instruct(config(url, count=8), tmp_path / "o.jsonl", tmp_path / "c.sqlite", progress=False)
        sent = len(state.bodies)
        again = self_instruct(config(url, count=8), tmp_path / "o.jsonl", tmp_path / "c.sqlite",
                              progress=False)
        assert len(state.bodies) == sent and again["requests"]["sent"] == 0
        more = self_instruct(config(url, count=14), tmp_path / "o.jsonl", tmp_path / "c.sqlite",
                             progress=False)
    assert more["requests"]["cached"] == sent and len(read_jsonl(tmp_path / "o.jsonl")) == 14


def _cli(url: str, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "langadapt", "data", "self-instruct", "--seed-tasks", str(SEEDS),
            "--endpoint", url, "--model", "test-model", "--out", str(out), "--quiet",
            "--batch", "2", "--concurrency", "2", *extra]


def test_kill_9_mid_run_then_rerun_repeats_no_answered_request(tmp_path):
    out = tmp_path / "gen.jsonl"
    env = {**os.environ, "OPENAI_API_KEY": "test"}
    first = State(hang_after=5)
    with local_api(make_handler(first)) as url:
        proc = subprocess.Popen(_cli(url, out, "--count", "40"), env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.time() + 60
        while len(first.bodies) < 6 and time.time() < deadline and proc.poll() is None:
            time.sleep(0.05)  # 5 answered, the 6th hangs: the client is mid-round
        time.sleep(0.3)
        assert proc.poll() is None, proc.stderr.read().decode()
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        first.release.set()
    answered = {json.dumps(b, sort_keys=True) for b in first.answered}
    assert len(answered) == 5
    assert len(read_jsonl(out)) == 24  # rounds 1-2 (2 requests x 6 items each) were appended
    second = State()
    with local_api(make_handler(second)) as url:
        done = subprocess.run(_cli(url, out, "--count", "40"), env=env, capture_output=True,
                              text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    repeated = [b for b in second.bodies if json.dumps(b, sort_keys=True) in answered]
    assert repeated == []
    rows = read_jsonl(out)
    assert len(rows) == 40 and len({r["instruction"] for r in rows}) == 40
    stats = json.loads((tmp_path / "gen.stats.json").read_text())
    assert stats["requests"]["cached"] == 5 and stats["kept"] == 40


def test_existing_foreign_output_is_refused(tmp_path):
    out = tmp_path / "mine.jsonl"
    out.write_text('{"instruction": "x", "input": "", "output": "y"}\n')
    done = subprocess.run(_cli("http://127.0.0.1:9/v1", out, "--count", "3"), capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "mine.jsonl: exists and was not written by this self-instruct run" in done.stderr
    assert out.read_text() == '{"instruction": "x", "input": "", "output": "y"}\n'


def test_estonian_items_helper_is_parsed_completely(tmp_path):
    from langadapt.data.self_instruct.prompt import load_prompt, parse_response

    parsed = parse_response(load_prompt("et"), estonian_items(0, 4, 6), truncated=False)
    assert len(parsed.items) == 6 and parsed.malformed == 0


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_against_the_projects_own_serve(tmp_path, tiny_model_dir):
    """The real server (``langadapt serve``) on a tiny random model: its answers are noise, so
    every request is made, usage comes from the server, and nothing passes the filters."""
    import urllib.request

    port = _free_port()
    log = open(tmp_path / "serve.log", "w")  # noqa: SIM115 (the server process writes it)
    server = subprocess.Popen([sys.executable, "-m", "langadapt", "serve", str(tiny_model_dir),
                               "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 90
        while time.time() < deadline:
            if server.poll() is not None:
                pytest.skip(f"langadapt serve did not start: {(tmp_path / 'serve.log').read_text()[-300:]}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.skip("langadapt serve did not answer within 90 s")
        prompt = tmp_path / "short.yaml"  # a user's own prompt file, short for the same reason
        prompt.write_text("language: et\nlabels: {instruction: Juhis, input: Sisend, output: Väljund}\n"
                          "template: 'Kirjuta {count} ülesannet {language} keeles.'\n")
        seeds = tmp_path / "seeds.jsonl"  # short seeds: the tiny model's context is 512 tokens
        seeds.write_text("".join(json.dumps({"instruction": f"Nimeta {k} linna.", "input": "",
                                             "output": "Tartu"}) + "\n" for k in range(2, 7)))
        cfg = config(f"http://127.0.0.1:{port}/v1", count=5, max_requests=2, max_tokens=24,
                     seed_tasks=str(seeds), prompt=str(prompt),
                     endpoint={"url": f"http://127.0.0.1:{port}/v1", "model": str(tiny_model_dir)},
                     batch=2, concurrency=2)
        stats = self_instruct(cfg, tmp_path / "o.jsonl", tmp_path / "c.sqlite", progress=False)
    finally:
        server.terminate()
        server.wait(30)
        log.close()
    assert stats["requests"]["sent"] == 2 and stats["stopped"] == "max_requests"
    assert stats["usage"]["completion_tokens"] > 0 and stats["usage"]["prompt_tokens"] > 100
    assert stats["kept"] == 0 and sum(stats["dropped"].values()) >= 2


def test_local_model_backend_and_stage_outputs(tmp_path, tiny_model_dir):
    from langadapt.data.self_instruct.generate import run_stage
    from langadapt.stage import RunContext

    cfg = SelfInstructStage.model_validate({"seed_tasks": str(SEEDS), "count": 5, "model": "base",
                                            "max_tokens": 16, "max_requests": 4, "batch": 2})
    assert cfg.inputs() == ["base"]
    work = tmp_path / "work"
    work.mkdir()
    ctx = RunContext(run_dir=tmp_path, work_dir=work, base_model=str(tiny_model_dir), seed=3)
    stats = run_stage(cfg, ctx)
    assert stats["requests"] == {"total": 4, "cached": 0, "sent": 4, "retries": 0}
    assert stats["usage"]["completion_tokens"] == 4 * 16 or stats["usage"]["completion_tokens"] < 64
    assert (work / "conversations.jsonl").exists() and (work / "stats.json").exists()
    again = run_stage(cfg, ctx)  # a resumed stage replays its cache
    assert again["requests"]["sent"] == 0 and again["dropped"] == stats["dropped"]


def test_config_needs_exactly_one_generator():
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="exactly one generator"):
        SelfInstructStage.model_validate({"seed_tasks": str(SEEDS), "count": 5})
    with pytest.raises(ValidationError, match="max_cost needs price_prompt"):
        config("http://x/v1", max_cost=1.0)


def test_recipe_stage_keeps_paid_answers_outside_its_partial_folder(tmp_path, monkeypatch):
    """An endpoint's cache survives the partial folder (which the runner removes on an error)."""
    import langadapt.data.self_instruct.generate as generate
    from langadapt.stage import RunContext

    captured = {}
    monkeypatch.setattr(generate, "self_instruct",
                        lambda cfg, out, cache_path, **kwargs: captured.update(cache=cache_path) or {})
    ctx = RunContext(run_dir=tmp_path / "run", work_dir=tmp_path / "run" / ".gen.partial",
                     base_model="base", seed=0, stage_name="gen")
    ctx.work_dir.mkdir(parents=True)
    generate.run_stage(config("http://127.0.0.1:1/v1", include_seed_tasks=False), ctx)
    assert captured["cache"] == tmp_path / "run" / ".cache" / "gen.self_instruct.sqlite"
    assert captured["cache"].parent.is_dir()
