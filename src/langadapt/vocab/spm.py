"""SentencePiece ``.model`` files: read the proto and build the equivalent HF fast tokenizer.

Written here rather than taken from ``transformers``' slow-to-fast converters because those
depend on the tokenizer class (Llama, T5, ...) and in transformers 5 drop the BOS
post-processor; a SentencePiece file from any family (Llama 2, Mistral, our own BPE/Unigram)
must map to one predictable ``tokenizer.json``: Metaspace pieces, byte fallback, BOS added.
"""

from __future__ import annotations

from pathlib import Path

from langadapt.errors import UserError, located

# SentencePiece piece types (sentencepiece_model.proto).
NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE = 1, 2, 3, 4, 5, 6
SPM_UNIGRAM, SPM_BPE = 1, 2


def read_model_proto(path: str | Path):
    """Parse a SentencePiece model file; a file that is not one is a UserError."""
    try:
        from sentencepiece import sentencepiece_model_pb2
    except ImportError as err:  # protobuf missing
        raise UserError(f"reading SentencePiece models needs the 'protobuf' package ({err})") from err
    from google.protobuf.message import DecodeError

    proto = sentencepiece_model_pb2.ModelProto()
    try:
        proto.ParseFromString(Path(path).read_bytes())
    except (DecodeError, ValueError, RuntimeWarning) as err:
        raise located(path, f"not a SentencePiece model file ({err})") from err
    if not proto.pieces:
        raise located(path, "not a SentencePiece model file (no pieces)")
    return proto


def bpe_merges(pieces: list[tuple[str, float, int]]) -> list[tuple[str, str]]:
    """HF merges equivalent to SentencePiece BPE: every split of a piece into two pieces.

    SentencePiece BPE merges, at each step, the adjacent pair whose concatenation is the
    highest-scored piece; listing all (left, right) splits ranked by the merged piece's score
    gives HF's rank-ordered BPE the same result.
    """
    mergeable = {piece: i for i, (piece, _, kind) in enumerate(pieces) if kind == NORMAL}
    ranked = []
    for piece, score, kind in pieces:
        if kind != NORMAL or len(piece) < 2:
            continue
        for cut in range(1, len(piece)):
            left, right = piece[:cut], piece[cut:]
            if left in mergeable and right in mergeable:
                ranked.append((-score, mergeable[left], mergeable[right], left, right))
    ranked.sort()
    return [(left, right) for _, _, _, left, right in ranked]


def sentencepiece_to_hf(path: str | Path):
    """The HF fast tokenizer (``PreTrainedTokenizerFast``) behaving like the SentencePiece model."""
    from tokenizers import (
        AddedToken,
        Regex,
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
    )
    from transformers import PreTrainedTokenizerFast

    proto = read_model_proto(path)
    spec, norm = proto.trainer_spec, proto.normalizer_spec
    pieces = [(p.piece, p.score, p.type) for p in proto.pieces]
    unk_id = spec.unk_id if 0 <= spec.unk_id < len(pieces) else None
    if spec.model_type == SPM_BPE:
        vocab = {piece: i for i, (piece, _, _) in enumerate(pieces)}
        unk = pieces[unk_id][0] if unk_id is not None else None
        model = models.BPE(vocab=vocab, merges=bpe_merges(pieces), unk_token=unk,
                           fuse_unk=True, byte_fallback=spec.byte_fallback)
    elif spec.model_type == SPM_UNIGRAM:
        model = models.Unigram([(piece, score) for piece, score, _ in pieces], unk_id=unk_id,
                               byte_fallback=spec.byte_fallback)
    else:
        raise located(path, "only SentencePiece BPE and Unigram models are supported")
    tok = Tokenizer(model)

    steps = []
    if norm.precompiled_charsmap:
        steps.append(normalizers.Precompiled(norm.precompiled_charsmap))
    if norm.remove_extra_whitespaces:
        steps += [normalizers.Strip(left=True, right=True), normalizers.Replace(Regex(" {2,}"), " ")]
    if steps:
        tok.normalizer = normalizers.Sequence(steps)
    prepend = "first" if norm.add_dummy_prefix else "never"
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme=prepend, split=False)
    decode_steps = [decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse()]
    if norm.add_dummy_prefix:
        decode_steps.append(decoders.Strip(content=" ", left=1, right=0))
    tok.decoder = decoders.Sequence(decode_steps)

    special = [AddedToken(p, special=True, normalized=False) for p, _, kind in pieces
               if kind in (CONTROL, UNKNOWN, USER_DEFINED)]
    tok.add_special_tokens(special)
    names = {}
    for key, index in (("bos", spec.bos_id), ("eos", spec.eos_id), ("pad", spec.pad_id), ("unk", unk_id)):
        if index is not None and 0 <= index < len(pieces):
            names[f"{key}_token"] = pieces[index][0]
    if "bos_token" in names:
        bos = names["bos_token"]
        tok.post_processor = processors.TemplateProcessing(
            single=f"{bos} $A", pair=f"{bos} $A {bos} $B", special_tokens=[(bos, spec.bos_id)])
    extra = [p for p, _, kind in pieces if kind == USER_DEFINED]
    return PreTrainedTokenizerFast(tokenizer_object=tok, additional_special_tokens=extra,
                                   clean_up_tokenization_spaces=False, **names)
