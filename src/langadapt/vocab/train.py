"""Train tokenizers on a target-language corpus.

SentencePiece BPE/Unigram (byte fallback, split digits) come from ``sentencepiece`` and are
converted to an HF ``tokenizer.json`` by ``spm.py``. Byte-level BPE comes from HF ``tokenizers``;
it is wrapped as a ``PreTrainedTokenizerFast`` that
adds BOS to every encoded text (as Llama tokenizers do) so models built on it score and pack
documents the same way as real checkpoints.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from langadapt.errors import UserError, located

# Special tokens of every tokenizer this project builds from scratch. The role markers make room
# for the Llammas chat format (<|user|> / <|assistant|> turns) as single tokens.
BOS, EOS, PAD, UNK = "<s>", "</s>", "<pad>", "<unk>"
ROLE_TOKENS = ["<|system|>", "<|user|>", "<|assistant|>"]
SPECIAL_TOKENS = [BOS, EOS, PAD, UNK, *ROLE_TOKENS]


def train_bytelevel_bpe(texts: Iterable[str], vocab_size: int, min_frequency: int = 2):
    """Train a byte-level BPE tokenizer on ``texts``; returns a ``PreTrainedTokenizerFast``."""
    from tokenizers import (
        Tokenizer,
        decoders,
        models,
        pre_tokenizers,
        processors,
        trainers,
    )
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=min_frequency,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(texts, trainer=trainer)
    bos_id = tok.token_to_id(BOS)
    tok.post_processor = processors.TemplateProcessing(
        single=f"{BOS} $A", pair=f"{BOS} $A {BOS} $B", special_tokens=[(BOS, bos_id)]
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token=BOS,
        eos_token=EOS,
        pad_token=PAD,
        unk_token=UNK,
        additional_special_tokens=ROLE_TOKENS,
        clean_up_tokenization_spaces=False,
    )


MODEL_TYPES = ("bpe", "unigram", "bytelevel")
# Below this a tokenizer is all bytes and specials: 256 byte pieces (byte fallback or the
# byte-level alphabet) plus our special tokens, with room for at least a few dozen real pieces.
MIN_VOCAB_SIZE = 256 + len(SPECIAL_TOKENS) + 32


def train_sentencepiece(files: list[Path], vocab_size: int, model_type: str, model_prefix: Path,
                        character_coverage: float = 0.9995, max_sentences: int = 2_000_000,
                        seed: int = 0) -> Path:
    """Train a SentencePiece BPE/Unigram model with byte fallback and split digits.

    Identity normalisation and kept whitespace make ``decode(encode(x)) == x`` for any text;
    our special tokens get fixed ids (<unk>=0 <s>=1 </s>=2 <pad>=3, role markers next).
    """
    import sentencepiece as spm

    spm.set_random_generator_seed(seed)

    try:
        spm.SentencePieceTrainer.train(
            input=",".join(str(f) for f in files), model_prefix=str(model_prefix),
            vocab_size=vocab_size, model_type=model_type, byte_fallback=True, split_digits=True,
            character_coverage=character_coverage, normalization_rule_name="identity",
            remove_extra_whitespaces=False, add_dummy_prefix=True, allow_whitespace_only_pieces=True,
            unk_id=0, bos_id=1, eos_id=2, pad_id=3, unk_piece=UNK, bos_piece=BOS, eos_piece=EOS,
            pad_piece=PAD, user_defined_symbols=ROLE_TOKENS, input_sentence_size=max_sentences,
            shuffle_input_sentence=True, num_threads=2,
            max_sentence_length=1 << 16, minloglevel=2,
        )
    except RuntimeError as err:  # e.g. "Vocabulary size too high (N). Please set it to a value <= M."
        raise UserError(f"SentencePiece training failed: {str(err).strip().splitlines()[-1]}") from err
    return model_prefix.with_suffix(".model")


def train_tokenizer(files: list[Path], vocab_size: int, model_type: str, out_dir: Path,
                    character_coverage: float = 0.9995, min_frequency: int = 2, seed: int = 0,
                    overwrite: bool = False) -> Path:
    """Train a tokenizer on ``files`` and write an HF tokenizer directory at ``out_dir``.

    ``model_type``: ``bpe`` / ``unigram`` (SentencePiece; ``tokenizer.model`` is written too) or
    ``bytelevel`` (HF byte-level BPE). The directory also gets ``word_counts.tsv.gz``, the
    words of the training text with their counts (``wordcounts.py``), from which ``vocab adapt
    --mode extend --new DIR`` learns merges over a base tokenizer's segmentation. Returns ``out_dir``.
    """
    from langadapt.artifacts import check_output, output_dir
    from langadapt.text import nonblank_lines
    from langadapt.vocab.spm import sentencepiece_to_hf
    from langadapt.vocab.wordcounts import (
        WORD_COUNTS_FILE,
        text_word_counts,
        write_word_counts,
    )

    if model_type not in MODEL_TYPES:
        raise UserError(f"unknown model type {model_type!r}: choose one of {', '.join(MODEL_TYPES)}")
    if vocab_size < MIN_VOCAB_SIZE:
        raise UserError(f"--vocab-size {vocab_size} is too small: at least {MIN_VOCAB_SIZE} "
                        "(256 byte pieces + special tokens + some text pieces)")
    if not 0 < character_coverage <= 1:
        raise UserError(f"--character-coverage must be in (0, 1], got {character_coverage}")
    files = [Path(f) for f in files]
    if not files:
        raise UserError("no input files")
    check_output(out_dir, inputs=files, overwrite=overwrite)
    lines = list(nonblank_lines(files))  # checks every file exists and is UTF-8 text
    if not lines:
        raise located(files[0], "no text in the input files")
    with output_dir(out_dir, inputs=files, overwrite=overwrite) as tmp:
        if model_type == "bytelevel":
            tok = train_bytelevel_bpe(lines, vocab_size, min_frequency=min_frequency)
        else:
            # SentencePiece reads files itself: give it the lines as read here (no BOM, no \r),
            # so a file saved on Windows does not teach it pieces ending in '\r'
            clean = tmp / "training_text.txt"
            clean.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
            model_file = train_sentencepiece([clean], vocab_size, model_type, tmp / "tokenizer",
                                             character_coverage=character_coverage, seed=seed)
            clean.unlink()
            tok = sentencepiece_to_hf(model_file)
            model_file.with_suffix(".vocab").unlink(missing_ok=True)
        tok.save_pretrained(tmp)
        write_word_counts(tmp / WORD_COUNTS_FILE, text_word_counts(tok, lines))
    return Path(out_dir)
