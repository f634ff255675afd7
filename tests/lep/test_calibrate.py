"""`lep calibrate` / the lep_calibrate stage: the teacher's answers filtered, copy examples added,
LoRA on the first and last layers + embeddings + head, merged into a plain model."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from lep_helpers import CHAT_TEMPLATE, PROJECT, load_tensors, make_tiny_llama
from testlib import local_api

DEMO_MODEL = PROJECT / "demo" / "base-model"
SEED_TASKS = PROJECT / "demo" / "data" / "instructions" / "alpaca_est_seed_tasks.jsonl"
ET_TEXT = PROJECT / "demo" / "data" / "et" / "ud_ewt.dev.txt"

ESTONIAN = ["Eesti pealinn on Tallinn, mis asub Soome lahe lõunarannikul.",
            "Kass istus aknalaual ja vaatas, kuidas vihma sadas.",
            "Päike tõuseb idast ja loojub läände, see on kõigile teada."]
ENGLISH = ["The capital of Estonia is Tallinn, on the southern coast of the Gulf of Finland.",
           "The cat sat on the windowsill and watched the rain fall outside."]
# prompt -> the stub teacher's answer, and why it is dropped (None: kept)
ANSWERS = {"Mis on Eesti pealinn?": (ESTONIAN[0], None),
           "Kirjelda kassi.": (ESTONIAN[1], None),
           "Kust päike tõuseb?": (ESTONIAN[2], "judge_low_score"),  # the stub judge dislikes it
           "What is the capital?": (ENGLISH[0], "wrong_language"),
           "Describe the cat.": (ENGLISH[1], "wrong_language"),
           "Ütle midagi.": ("Jah.", "too_short"),
           "Vaiki.": ("   ", "empty")}


@pytest.fixture(scope="module")
def four_layers(tmp_path_factory) -> Path:
    """An untied 4-layer tiny Llama on the demo tokenizer (with its chat template)."""
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(DEMO_MODEL)
    path = tmp_path_factory.mktemp("p4") / "P"
    make_tiny_llama(tok, layers=4, seed=11, tie_word_embeddings=False).save_pretrained(path)
    tok.save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def prompts_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("prompts") / "prompts.txt"
    path.write_text("\n".join(ANSWERS) + "\n", encoding="utf-8")
    return path


def stub_teacher(prompts):
    return [ANSWERS[p[-1]["content"]][0] for p in prompts]


def stub_judge(prompt, answer):
    return 2.0 if "Päike" in answer else 5.0


@pytest.fixture(scope="module")
def stub_run(tmp_path_factory, four_layers, prompts_file):
    from langadapt.lep.calibrate import calibrate
    from langadapt.lep.stage import calibration_training

    out = tmp_path_factory.mktemp("stub") / "out"
    manifest = calibrate(str(four_layers), None, prompts_file, ET_TEXT, out, answer=stub_teacher,
                         judge=stub_judge, training=calibration_training(
                             max_steps=2, batch_size=4, block_size=128, lr=1e-3))
    return out, manifest


def test_filters_keep_only_target_language_answers(stub_run):
    out, manifest = stub_run
    assert manifest["prompts"] == len(ANSWERS) and manifest["answers_kept"] == 2
    expected = {}
    for _, reason in ANSWERS.values():
        if reason:
            expected[reason] = expected.get(reason, 0) + 1
    assert {k: v for k, v in manifest["dropped"].items() if v} == expected
    assert manifest["answers_dropped"] == len(ANSWERS) - 2
    rows = [json.loads(line) for line in (out / "calibration.jsonl").read_text().splitlines()]
    teacher = sorted(r["messages"][-1]["content"] for r in rows if r["source"] == "teacher")
    assert teacher == sorted(ESTONIAN[:2])
    copies = [r for r in rows if r["source"] == "copy"]
    # default: as many copy examples as answers kept; the answer is the text itself
    assert len(copies) == manifest["copy_examples"] == 2
    for row in copies:
        user, answer = row["messages"][0]["content"], row["messages"][1]["content"]
        assert user == f"Kopeeri see tekst:\n\n{answer}"
    logged = [json.loads(line) for line in (out / "teacher_answers.jsonl").read_text().splitlines()]
    assert [r["dropped"] for r in logged] == [reason for _, reason in ANSWERS.values()]


def test_lora_touches_only_first_and_last_layers_and_embeddings(stub_run, four_layers):
    out, manifest = stub_run
    before, after = load_tensors(four_layers), load_tensors(out / "model")
    assert set(before) == set(after)
    changed = {name for name in before if not before[name].equal(after[name])}
    assert {"model.embed_tokens.weight", "lm_head.weight"} <= changed
    for layer in (0, 3):
        projections = {n for n in before if n.startswith(f"model.layers.{layer}.")
                       and n.endswith("proj.weight")}
        assert len(projections) == 7 and projections <= changed
    assert all(n.startswith(("model.layers.0.", "model.layers.3.", "model.embed_tokens",
                             "lm_head")) for n in changed), changed
    assert not any(n.startswith(("model.layers.1.", "model.layers.2.", "model.norm")) for n in changed)
    assert manifest["calibration"]["steps"] == 2 and manifest["calibration"]["trainable"] == "lora"
    assert not (out / "calibrate").exists()  # checkpoints and adapters removed


def test_cli_end_to_end_with_the_demo_model(run_cli, tmp_path):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    out = tmp_path / "cal"
    code, stdout, err = run_cli(["lep", "calibrate", "--model", DEMO_MODEL, "--teacher", DEMO_MODEL,
                                 "--prompts", SEED_TASKS, "--text", ET_TEXT, "--out", out,
                                 "--max-new-tokens", 8, "--copy-examples", 6, "--max-steps", 2,
                                 "--block-size", 128])
    assert code == 0, err
    printed = json.loads(stdout)
    manifest = json.loads((out / "manifest.json").read_text())
    assert printed["prompts"] == manifest["prompts"] == 107
    assert manifest["answers_kept"] + manifest["answers_dropped"] == 107
    assert sum(manifest["dropped"].values()) == manifest["answers_dropped"]
    assert manifest["copy_examples"] == 6 and manifest["calibration"]["steps"] == 2
    assert manifest["training"]["calibration"]["lora"]["layers"] == [0, -1]
    model = AutoModelForCausalLM.from_pretrained(out / "model")
    tok = AutoTokenizer.from_pretrained(out / "model")
    assert model.config.num_hidden_layers == 4
    assert tok.chat_template == AutoTokenizer.from_pretrained(DEMO_MODEL).chat_template
    assert not list(out.parent.glob(".cal.*"))  # no temporary folder left


class _StubServer(BaseHTTPRequestHandler):
    """/v1/chat/completions: model "teacher" answers from ANSWERS, model "judge" grades."""

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        content = body["messages"][-1]["content"]
        if body["model"] == "judge":
            reply = "Score: 2" if "Päike" in content else "5"
        else:
            reply = ANSWERS[content][0]
        data = json.dumps({"choices": [{"message": {"role": "assistant", "content": reply}}]})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(data.encode())

    def log_message(self, *args):
        pass


@pytest.fixture()
def endpoint():
    with local_api(_StubServer) as url:
        yield url


def test_served_teacher_and_judge(run_cli, endpoint, four_layers, prompts_file, tmp_path):
    out = tmp_path / "served"
    code, _, err = run_cli(["lep", "calibrate", "--model", four_layers, "--endpoint", endpoint,
                            "--endpoint-model", "teacher", "--judge-endpoint", endpoint,
                            "--judge-model", "judge", "--prompts", prompts_file, "--text", ET_TEXT,
                            "--out", out, "--max-steps", 1, "--block-size", 128])
    assert code == 0, err
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["answers_kept"] == 2 and manifest["dropped"]["judge_low_score"] == 1
    assert manifest["dropped"]["wrong_language"] == 2 and manifest["endpoint"] == endpoint


def test_stage_overlays_paper_defaults_and_runs(four_layers, tmp_path):
    from langadapt.lep.stage import LepCalibrateStage
    from langadapt.stage import RunContext

    prompts = tmp_path / "p.txt"
    prompts.write_text("Mis on Eesti pealinn?\nKirjelda kassi.\n", encoding="utf-8")
    cfg = LepCalibrateStage(model="base", teacher="base", prompts=prompts, text=ET_TEXT,
                            copy_examples=4, max_new_tokens=4,
                            training={"max_steps": 1, "block_size": 128})
    assert cfg.training.trainable == "lora" and cfg.training.lora.layers == [0, -1]
    assert (cfg.training.lora.r, cfg.training.lora.alpha, cfg.training.lr) == (8, 1, 2.5e-5)
    assert (cfg.tuning.lora.r, cfg.tuning.lora.alpha, cfg.tuning.lr) == (32, 16, 5e-5)
    assert cfg.inputs() == ["base"]
    served = LepCalibrateStage(model="lep", teacher="llama-3-instruct", endpoint="http://x/v1",
                               prompts=prompts, text=ET_TEXT)
    assert served.inputs() == ["lep"]
    ctx = RunContext(run_dir=tmp_path / "run", work_dir=tmp_path / "run" / ".cal.partial",
                     base_model=str(four_layers), seed=0, stage_name="cal")
    ctx.work_dir.mkdir(parents=True)
    metrics = cfg.run(ctx)
    assert metrics["prompts"] == 2 and metrics["copy_examples"] == 4
    assert metrics["calibration"]["steps"] == 1
    assert (ctx.work_dir / "model" / "model.safetensors").is_file()
    assert not (ctx.work_dir / "manifest.json").exists()  # the runner writes it


def test_assistant_mask_without_generation_marks():
    from transformers import AutoTokenizer

    from langadapt.train.formats import tokenize_conversation

    tok = AutoTokenizer.from_pretrained(DEMO_MODEL)
    tok.chat_template = CHAT_TEMPLATE  # ChatML-like, no {% generation %}
    messages = [{"role": "user", "content": "Tere!"}, {"role": "assistant", "content": "Tere tulemast."},
                {"role": "user", "content": "Aitäh."}, {"role": "assistant", "content": "Palun."}]
    ids, mask = tokenize_conversation(tok, messages)
    trained = tok.decode([i for i, m in zip(ids, mask) if m])
    assert trained == "Tere tulemast.<|im_end|>\nPalun.<|im_end|>\n"


def test_lora_layers_from_cli_text():
    from langadapt.train.trainable import LoraSettings

    assert LoraSettings(layers="0,-1").layers == [0, -1] and LoraSettings().layers is None


@pytest.fixture(scope="module")
def bad_inputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad")
    (root / "empty.txt").write_text("\n  \n", encoding="utf-8")
    (root / "bad.jsonl").write_text('{"prompt": "Tere"}\n{"output": "x"}\n', encoding="utf-8")
    (root / "full").mkdir()
    (root / "full" / "keep.txt").write_text("x")
    return root


BAD = {
    "missing prompts": ("prompts", "missing.txt", "prompts file not found"),
    "empty prompts": ("prompts", "empty.txt", "empty.txt: no prompts"),
    "bad prompts line": ("prompts", "bad.jsonl", "bad.jsonl:2: expected a string 'prompt'"),
    "missing text": ("text", "missing.txt", "text file not found"),
    "non-empty out": ("out", "full", "not empty"),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_input_is_one_line_exit_2(case, run_cli, bad_inputs, four_layers, prompts_file, tmp_path):
    option, name, message = BAD[case]
    args = {"model": four_layers, "teacher": four_layers, "prompts": prompts_file, "text": ET_TEXT,
            "out": tmp_path / "out"}
    args[option] = bad_inputs / name
    code, out, err = run_cli(["lep", "calibrate", *[x for k, v in args.items() for x in (f"--{k}", v)]])
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("langadapt: error:") and message in err, err
    assert not (tmp_path / "out").exists()
    assert sorted(p.name for p in (bad_inputs / "full").iterdir()) == ["keep.txt"]
