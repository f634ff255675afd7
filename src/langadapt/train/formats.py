"""Prompt formats: the Llammas chat template and the Alpaca prompt.

The chat template is stored in the tokenizer (``chat_template``) so transformers, vLLM and TRL
render prompts exactly as training saw them. Assistant turns are wrapped in ``{% generation %}``
so ``apply_chat_template(..., return_assistant_tokens_mask=True)`` yields the loss mask from the
very tokenisation used at inference, instead of re-tokenising pieces and hoping they line up.
"""

from __future__ import annotations

# Llammas format: "<|user|>\n...\n<|assistant|>\n...</s>\n"; EOS closes every assistant turn and is
# trained, the role headers are not.
LLAMMAS_CHAT_TEMPLATE = (
    "{{ bos_token }}"
    "{% for message in messages %}"
    "{% if message['role'] == 'assistant' %}"
    "{{ '<|assistant|>\\n' }}{% generation %}{{ message['content'] + eos_token }}{% endgeneration %}"
    "{{ '\\n' }}"
    "{% elif message['role'] in ['system', 'user'] %}"
    "{{ '<|' + message['role'] + '|>\\n' + message['content'] + '\\n' }}"
    "{% else %}{{ raise_exception('unknown role: ' + message['role']) }}"
    "{% endif %}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}"
)

# Alpaca format as a chat template: each user turn becomes an "### Instruction:" block, each
# assistant turn a trained "### Response:" block closed by EOS; a system message replaces the
# standard preamble.
ALPACA_CHAT_TEMPLATE = (
    "{{ bos_token }}"
    "{% if messages[0]['role'] == 'system' %}{{ messages[0]['content'] + '\\n\\n' }}"
    "{% set turns = messages[1:] %}"
    "{% else %}{{ 'Below is an instruction that describes a task. Write a response that "
    "appropriately completes the request.\\n\\n' }}{% set turns = messages %}{% endif %}"
    "{% for message in turns %}"
    "{% if message['role'] == 'user' %}"
    "{{ '### Instruction:\\n' + message['content'] + '\\n\\n### Response:\\n' }}"
    "{% elif message['role'] == 'assistant' %}"
    "{% generation %}{{ message['content'] + eos_token }}{% endgeneration %}{{ '\\n\\n' }}"
    "{% else %}{{ raise_exception('unexpected role here: ' + message['role']) }}"
    "{% endif %}"
    "{% endfor %}"
)
TEMPLATES = {"llammas": LLAMMAS_CHAT_TEMPLATE, "alpaca": ALPACA_CHAT_TEMPLATE}

ALPACA_PROMPT = (
    "Below is an instruction that describes a task{with_input}. "
    "Write a response that appropriately completes the request.\n\n"
    "### Instruction:\n{instruction}\n\n{input_block}### Response:\n"
)


def alpaca_prompt(instruction: str, input_text: str = "") -> str:
    """The Stanford Alpaca prompt, with or without an input field."""
    if input_text:
        return ALPACA_PROMPT.format(
            with_input=", paired with an input that provides further context",
            instruction=instruction,
            input_block=f"### Input:\n{input_text}\n\n",
        )
    return ALPACA_PROMPT.format(with_input="", instruction=instruction, input_block="")


def ensure_chat_template(tokenizer, template: str | None = None, override: bool = False) -> None:
    """Give ``tokenizer`` the Llammas template unless it has one (or ``override``)."""
    if override or not getattr(tokenizer, "chat_template", None):
        tokenizer.chat_template = template or LLAMMAS_CHAT_TEMPLATE


def tokenize_conversation(tokenizer, messages: list[dict]) -> tuple[list[int], list[bool]]:
    """Token ids of a whole conversation and, per token, whether it is trained (assistant text).

    Uses the template's ``{% generation %}`` marks when it has them. Released instruct templates
    (Llama 3, ChatML) usually lack them: then each assistant turn is the span between the rendering
    of the turns before it (with the generation prompt) and the rendering up to and including it,
    both checked to be token prefixes of the whole. Raises ValueError when no assistant token is
    found (nothing to learn from) or the template does not render prefixes.
    """
    if "{% generation %}" not in (getattr(tokenizer, "chat_template", None) or ""):
        return _tokenize_by_prefixes(tokenizer, messages)
    encoded = tokenizer.apply_chat_template(
        messages, tokenize=True, return_dict=True, return_assistant_tokens_mask=True
    )
    ids = list(encoded["input_ids"])
    mask = [bool(m) for m in encoded["assistant_masks"]]
    if not any(mask):
        raise ValueError("the chat template marks no assistant tokens ({% generation %} missing?)")
    return ids, mask


def _template_ids(tokenizer, messages: list[dict], generation_prompt: bool) -> list[int]:
    encoded = tokenizer.apply_chat_template(messages, tokenize=True, return_dict=True,
                                            add_generation_prompt=generation_prompt)
    return list(encoded["input_ids"])


def _tokenize_by_prefixes(tokenizer, messages: list[dict]) -> tuple[list[int], list[bool]]:
    ids = _template_ids(tokenizer, messages, False)
    mask = [False] * len(ids)
    for k, message in enumerate(messages):
        if message["role"] != "assistant":
            continue
        start = _template_ids(tokenizer, messages[:k], True) if k else []
        end = _template_ids(tokenizer, messages[:k + 1], False)
        if ids[:len(start)] != start or ids[:len(end)] != end or len(end) <= len(start):
            raise ValueError("the chat template does not render a conversation as the prefix of "
                             "its continuation, so assistant tokens cannot be found; give the "
                             "model a chat template with {% generation %} marks")
        mask[len(start):len(end)] = [True] * (len(end) - len(start))
    if not any(mask):
        raise ValueError("the conversation has no assistant tokens to learn from")
    return ids, mask
