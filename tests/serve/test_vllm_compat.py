"""What `vllm serve OUTPUT_DIR` reads from our model folders works as `langadapt serve` does.

vLLM (not installed here: it needs a GPU) takes the chat template from the tokenizer files,
renders it to text with ``add_generation_prompt`` and tokenises that text without adding special
tokens; it stops at the ``eos_token_id`` of ``generation_config.json`` and takes its sampling
defaults from that file. These tests check those files on a folder saved as the sft stage saves.
"""

from __future__ import annotations

import json

import pytest
from transformers import AutoTokenizer

from langadapt.serve.chat import chat_prompt_ids
from langadapt.train.formats import TEMPLATES, ensure_chat_template

CONVERSATION = [{"role": "system", "content": "Ole abivalmis."},
                {"role": "user", "content": "Tere! Mis on Eesti pealinn?"}]


@pytest.fixture(params=sorted(TEMPLATES))
def saved(request, tmp_path, model, tiny_tokenizer):
    import copy

    tokenizer = copy.deepcopy(tiny_tokenizer)
    ensure_chat_template(tokenizer, TEMPLATES[request.param], override=True)
    model.save_pretrained(tmp_path)
    tokenizer.save_pretrained(tmp_path)
    return tmp_path, tokenizer


def test_vllm_renders_the_same_prompt_tokens(saved):
    folder, tokenizer = saved
    reloaded = AutoTokenizer.from_pretrained(folder)
    assert reloaded.chat_template == tokenizer.chat_template
    text = reloaded.apply_chat_template(CONVERSATION, add_generation_prompt=True, tokenize=False)
    as_vllm = reloaded(text, add_special_tokens=False)["input_ids"]  # vLLM's chat path
    assert as_vllm == chat_prompt_ids(tokenizer, CONVERSATION)


def test_generation_config_stops_at_the_end_of_an_assistant_turn(saved):
    folder, tokenizer = saved
    config = json.loads((folder / "generation_config.json").read_text())
    eos = config["eos_token_id"]
    assert tokenizer.eos_token_id in (eos if isinstance(eos, list) else [eos])
    turn = CONVERSATION + [{"role": "assistant", "content": "Tallinn."}]
    rendered = tokenizer.apply_chat_template(turn, tokenize=False)
    # the template closes an assistant turn with EOS: the token vLLM stops at
    assert rendered.split("Tallinn.", 1)[1].lstrip().startswith(tokenizer.eos_token)
    # no sampling defaults vLLM would apply silently (ours come from the request / serve options)
    assert not {"temperature", "top_p", "top_k", "repetition_penalty"} & set(config)
