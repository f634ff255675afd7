"""The tokenizer side of LEP: which new id comes from which old rows, and P's tokenizer.

P speaks A's vocabulary but must chat exactly like I: I's chat template, role tokens and any
tokens I added on top of B (chat markers) are carried over, and those tokens keep I's trained
rows instead of propagated ones (B's rows for them were never trained for chat).
"""

from __future__ import annotations

from typing import Any

from langadapt.errors import UserError
from langadapt.vocab.init import Source, token_sources

ROLES = ("bos", "eos", "unk", "pad")


def check_instruct_tokenizer(b_tok, i_tok, instruct: Any) -> None:
    """I must use B's tokenizer: every base token at the same id (I may add tokens after)."""
    i_vocab = i_tok.get_vocab()
    for content, index in b_tok.get_vocab().items():
        if i_vocab.get(content) != index:
            raise UserError(f"--instruct {instruct}: its tokenizer is not the base's (token "
                            f"{content!r} has id {i_vocab.get(content)} there, {index} in the base)")


def adapted_sources(a_tok, b_tok, rows: int) -> list[Source]:
    """T as sources, one per row of A: a copied B id, or the B ids of the token's spelling.

    Role tokens map by role (a replaced vocabulary's ``<s>`` is the base's BOS whatever its
    spelling), as ``vocab adapt`` initialised them. Rows past the tokenizer (padding) get none.
    """
    special_map = {}
    for role in ROLES:
        new_id, old_id = getattr(a_tok, f"{role}_token_id"), getattr(b_tok, f"{role}_token_id")
        if new_id is not None and old_id is not None:
            special_map[new_id] = old_id
    sources = token_sources(a_tok, b_tok, special_map)
    return sources[:rows] + [()] * (rows - len(sources))


def build_tokenizer(a_tok, b_tok, i_tok) -> tuple[Any, list[tuple[int, int]], int]:
    """P's tokenizer (A's, mutated), the (P id, I id) pairs whose rows come from I, and how many
    of I's own tokens were added to A's vocabulary."""
    from tokenizers import AddedToken

    b_vocab, i_vocab = b_tok.get_vocab(), i_tok.get_vocab()
    i_added = i_tok.added_tokens_decoder
    extra = sorted((index, content) for content, index in i_vocab.items() if content not in b_vocab)
    added = 0
    for index, content in extra:  # in I's id order, so the relative order is I's
        if content in a_tok.get_vocab():
            continue
        token = i_added.get(index) or AddedToken(content, normalized=False, special=False)
        if token.special:
            a_tok.add_special_tokens({"additional_special_tokens": [token]},
                                     replace_extra_special_tokens=False)
        else:
            a_tok.add_tokens([token])
        added += 1
    for role in ROLES:  # I's role tokens (an instruct EOS like <|im_end|>) become P's
        content = getattr(i_tok, f"{role}_token")
        if content is not None:
            setattr(a_tok, f"{role}_token", content)
    a_tok.chat_template = i_tok.chat_template
    a_tok.model_max_length = i_tok.model_max_length
    a_tok.padding_side = i_tok.padding_side
    from_instruct = {token.content for token in i_added.values()}
    from_instruct |= {c for c in (getattr(i_tok, f"{r}_token") for r in ROLES) if c is not None}
    from_instruct |= {content for _, content in extra}
    p_vocab = a_tok.get_vocab()
    pairs = sorted((p_vocab[c], i_vocab[c]) for c in from_instruct if c in p_vocab and c in i_vocab)
    return a_tok, pairs, added


def id_mapper(i_tok, p_tok):
    """Map I's token ids (an int, a list, None) to P's by token text; unknown ids become None."""
    p_vocab = p_tok.get_vocab()

    def remap(value):
        if isinstance(value, list):
            mapped = [remap(v) for v in value]
            return [v for v in mapped if v is not None]
        if not isinstance(value, int):
            return value
        content = i_tok.convert_ids_to_tokens(value)
        return p_vocab.get(content) if isinstance(content, str) else None

    return remap


def remap_token_ids(config: dict[str, Any], remap) -> dict[str, Any]:
    """A config (or generation config) with its special-token ids in P's numbering."""
    config = dict(config)
    for key in ("bos_token_id", "eos_token_id", "pad_token_id", "decoder_start_token_id"):
        if key in config and config[key] is not None:
            config[key] = remap(config[key])
    if isinstance(config.get("text_config"), dict):
        config["text_config"] = remap_token_ids(config["text_config"], remap)
    return config
