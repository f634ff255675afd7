"""TASKS.yaml: paths relative to the file, defaults, and one-line file:line errors."""

from __future__ import annotations

import textwrap

import pytest

from langadapt.errors import UserError
from langadapt.evaluate.suite import load_tasks

GOOD = """\
defaults:
  limit: 3
  format: plain
  loglik_norm: per_char
tasks:
  - name: copa-et
    type: copa
    test: data/copa/xcopa_et.val.jsonl
  - name: copa-et-gen
    type: copa
    mode: generate
    test: data/copa/xcopa_et.val.jsonl
    prompts: [et-nummerdatud-variandid, "Premise: {premise} ({question})? 1 {choice1} 2 {choice2}"]
  - name: flores-en-et
    type: mt
    source: data/bitext/flores200_dev.en
    reference: data/bitext/flores200_dev.et
    source_lang: en
    target_lang: et
    limit: 5
"""


@pytest.fixture()
def folder(shared_data, tmp_path):
    (tmp_path / "data").symlink_to(shared_data)
    return tmp_path


def write(folder, text: str):
    path = folder / "tasks.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_paths_defaults_and_modes(folder, shared_data):
    copa, copa_gen, flores = load_tasks(write(folder, GOOD))
    assert copa.test == (shared_data / "copa" / "xcopa_et.val.jsonl").resolve()
    assert (copa.mode, copa_gen.mode, flores.mode) == ("loglik", "generate", "generate")
    assert (copa.limit, flores.limit) == (3, 5)  # a task's own value wins over the default
    assert copa.loglik_norm == "per_char" and "loglik_norm" not in flores.model_fields_set
    assert [t.name for t in copa_gen.templates()] == ["et-nummerdatud-variandid", "inline-2"]
    assert len(copa.templates()) == 4  # no prompts: every shipped loglik prompt
    assert copa_gen.sampling().max_new_tokens == 16


@pytest.mark.parametrize(("change", "message"), [
    (("    type: copa\n", "    type: copa\n    temprature: 0.5\n", 1),
     ":8: tasks.0.temprature: unknown key"),
    (("test: data/copa/xcopa_et.val.jsonl\n  - name: copa-et-gen", "test: data/nope.jsonl\n"
      "  - name: copa-et-gen", 1), ":8: tasks.0.test: file not found: "),
    (("type: mt", "type: translation", 1), ":15: tasks.2.type: unknown task type 'translation' (one of copa, qa"),
    (("    target_lang: et\n", "", 1), ":14: tasks.2: an mt task needs source_lang and target_lang"),
    (("target_lang: et", "target_lang: xx", 1), ":14: tasks.2: no language names for 'xx'"),
    (("name: copa-et-gen", "name: copa-et", 1), ":9: tasks.1.name: 'copa-et' is already the name"),
    (("[et-nummerdatud-variandid,", "[et-missing,", 1), ":13: tasks.1.prompts: unknown prompt"),
    (("limit: 3", "limit: 0", 1), ":2: tasks.0.limit: Input should be greater than or equal to 1"),
    (("    limit: 5\n", "    limit: 5\n    tokenize_output: false\n", 1),
     ":14: tasks.2: tokenize_output: not used by mt tasks"),
    (("    limit: 5\n", "    limit: 5\n    do_sample: true\n    temperature: .inf\n", 1),
     ":14: tasks.2: temperature must be a finite number, got inf"),
    (("    limit: 5\n", "    limit: 5\n    bleu_tokenize: bogus\n", 1),
     ":14: tasks.2: bleu_tokenize: bogus: unknown BLEU tokenizer; sacrebleu has none, zh, 13a"),
    (("    limit: 5\n", "    limit: 5\n    repetition_penalty: .nan\n", 1),
     ":21: tasks.2.repetition_penalty: Input should be greater than 0"),
])
def test_bad_tasks_file_is_one_line_naming_file_line_and_key(folder, change, message):
    path = write(folder, GOOD.replace(*change))
    with pytest.raises(UserError) as err:
        load_tasks(path)
    text = str(err.value)
    assert text.startswith(str(path)) and message in text and "\n" not in text


def test_a_bare_list_is_a_tasks_file(folder):
    path = write(folder, "- {name: ppl, type: perplexity, text: data/et/ud_ewt.dev.txt}\n")
    [task] = load_tasks(path)
    assert task.type == "perplexity" and task.text.name == "ud_ewt.dev.txt"
    with pytest.raises(UserError, match=r"tasks.yaml:1: tasks.0: a copa task needs test"):
        load_tasks(write(folder, "- {name: c, type: copa, dev: data/copa/xcopa_et.val.jsonl}\n"))
    with pytest.raises(UserError, match="expected a list of tasks"):
        load_tasks(write(folder, "name: x\n"))
