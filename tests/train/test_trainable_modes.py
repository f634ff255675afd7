"""Each trainable mode changes exactly the parameters it promises (tensors before vs after)."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from train_helpers import save_tiny_model, state, text_lines

from langadapt.train.engine import TrainingConfig, train_on_rows
from langadapt.train.inputs import document_rows

EMBED = "model.embed_tokens.weight"


def _config(**overrides) -> TrainingConfig:
    # High learning rate and weight decay: anything not frozen moves visibly in 4 steps.
    base = dict(block_size=32, batch_size=4, max_steps=4, lr=1e-2, lr_end=1e-3,
                weight_decay=0.1, save_steps=100, logging_steps=2)
    return TrainingConfig(**{**base, **overrides})


def _train(model_dir: Path, work: Path, shared_data, **overrides):
    from langadapt.modeling import load_model_and_tokenizer

    model, tok = load_model_and_tokenizer(str(model_dir))
    before = state(model)
    rows = document_rows(tok, text_lines(shared_data / "et" / "ud_ewt.dev.txt", 60), 32)
    metrics = train_on_rows(model, tok, rows, _config(**overrides), work, seed=3,
                            model_dir=model_dir)
    after, _ = load_model_and_tokenizer(str(work / "model"))
    return before, state(after), metrics


def _embeddings(keys) -> set[str]:
    """The embedding keys of a state dict (a tied LM head is listed too, as the same tensor)."""
    return {EMBED, "lm_head.weight"} & set(keys)


def _changed(before, after) -> set[str]:
    return {k for k in before if not torch.equal(before[k], after[k])}


@pytest.fixture(scope="module")
def extended_model(tmp_path_factory, shared_data):
    """A tiny model whose vocabulary `langadapt vocab adapt` extended by 40 Estonian merges."""
    from langadapt.vocab.adapt import adapt_vocabulary
    from langadapt.vocab.train import train_bytelevel_bpe

    root = tmp_path_factory.mktemp("extended")
    english = text_lines(shared_data / "en" / "ud_ewt.dev.txt")
    base = save_tiny_model(train_bytelevel_bpe(english, vocab_size=400), root / "base")
    corpus = root / "et.txt"
    corpus.write_text("\n".join(text_lines(shared_data / "et" / "ud_ewt.dev.txt", 300)))
    stats = adapt_vocabulary(base, None, "extend", root / "adapted", model=base,
                             corpus=[corpus], new_tokens=40)
    return root / "adapted", stats


def test_full_mode_moves_every_weight_matrix(tiny_model_dir, tmp_path, shared_data):
    before, after, metrics = _train(tiny_model_dir, tmp_path / "run", shared_data)
    assert _changed(before, after) == set(before)
    assert metrics["trainable_parameters"] == metrics["total_parameters"]


def test_embeddings_mode_moves_only_embeddings(tiny_model_dir, tmp_path, shared_data):
    before, after, metrics = _train(tiny_model_dir, tmp_path / "run", shared_data,
                                    trainable="embeddings")
    assert _changed(before, after) == _embeddings(before)
    assert metrics["trainable_parameters"] == before[EMBED].numel()  # tied: one matrix


def test_untied_embeddings_mode_trains_input_and_head(tiny_tokenizer, tmp_path, shared_data):
    model_dir = save_tiny_model(tiny_tokenizer, tmp_path / "untied", tie_word_embeddings=False)
    before, after, metrics = _train(model_dir, tmp_path / "run", shared_data, trainable="embeddings")
    assert _changed(before, after) == {EMBED, "lm_head.weight"}
    assert metrics["trainable_parameters"] == 2 * before[EMBED].numel()


def test_new_rows_mode_leaves_old_rows_bit_identical(extended_model, tmp_path, shared_data):
    model_dir, stats = extended_model
    old = stats["base_vocab_size"]
    before, after, metrics = _train(model_dir, tmp_path / "run", shared_data, trainable="new_rows")
    assert _changed(before, after) == _embeddings(before)
    for key in _embeddings(before):
        # Weight decay 0.1 at lr 1e-2 would shrink every old row; AdamW must leave them as they were.
        assert torch.equal(before[key][:old], after[key][:old])
        moved = (before[key][old:] != after[key][old:]).any(dim=1)
        assert moved.float().mean().item() >= 0.5  # the new pieces occur in the text: they move
    assert metrics["new_rows"] == stats["tokens_added"] == 40
    assert metrics["updated_parameters"] == 40 * before[EMBED].shape[1]
    # the trained model still says which rows are new, for a later new_rows or LoRA stage
    assert (tmp_path / "run" / "model" / "vocab_adaptation.json").read_text() == (
        model_dir / "vocab_adaptation.json").read_text()


def test_new_rows_needs_vocabulary_statistics(tiny_model_dir, tmp_path, shared_data):
    from langadapt.errors import UserError

    with pytest.raises(UserError, match="vocab_adaptation.json"):
        _train(tiny_model_dir, tmp_path / "run", shared_data, trainable="new_rows")


def test_embedding_lr_is_separate(tiny_model_dir, tmp_path, shared_data):
    before, after, _ = _train(tiny_model_dir, tmp_path / "run", shared_data,
                              embedding_lr=1e-9, weight_decay=0.0)
    layer = "model.layers.0.mlp.up_proj.weight"
    emb_step = (after[EMBED] - before[EMBED]).abs().max().item()
    layer_step = (after[layer] - before[layer]).abs().max().item()
    assert emb_step < 1e-6 < 1e-3 < layer_step


def test_lora_merges_into_a_plain_model_and_trains_grown_embeddings(extended_model, tmp_path,
                                                                    shared_data):
    model_dir, _ = extended_model
    work = tmp_path / "run"
    before, after, metrics = _train(model_dir, work, shared_data, trainable="lora",
                                    lora={"r": 4, "alpha": 8, "dropout": 0.0})
    assert not (work / "model" / "adapter_config.json").exists()  # a plain HF model
    assert (work / "adapter" / "adapter_config.json").is_file()
    changed = _changed(before, after)
    linear = {k for k in before if k.startswith("model.layers.") and "proj" in k}
    # vocabulary grew (vocab_adaptation.json): embeddings are trained in full as well
    assert changed == linear | _embeddings(before)
    assert metrics["trainable_parameters"] < metrics["total_parameters"]


def test_lora_without_grown_vocabulary_keeps_embeddings(tiny_model_dir, tmp_path, shared_data):
    before, after, _ = _train(tiny_model_dir, tmp_path / "run", shared_data, trainable="lora",
                              lora={"r": 4, "alpha": 8, "dropout": 0.0,
                                    "target_modules": ["q_proj", "v_proj"]})
    assert _changed(before, after) == {k for k in before if k.endswith(("q_proj.weight",
                                                                         "v_proj.weight"))}
