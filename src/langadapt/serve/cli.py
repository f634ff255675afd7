"""`langadapt chat`: talk to a model in the terminal."""

from __future__ import annotations

import argparse


def cmd_chat(args: argparse.Namespace) -> int:
    from langadapt.modeling import load_model_and_tokenizer
    from langadapt.serve.chat import SamplingOptions, chat_loop
    from langadapt.train.formats import ensure_chat_template

    model, tokenizer = load_model_and_tokenizer(args.model)
    ensure_chat_template(tokenizer)
    options = SamplingOptions(temperature=args.temperature, top_p=args.top_p,
                              repetition_penalty=args.repetition_penalty,
                              max_new_tokens=args.max_new_tokens, seed=args.seed)
    return chat_loop(model, tokenizer, options, system=args.system)


def register(sub: argparse._SubParsersAction) -> None:
    chat = sub.add_parser(
        "chat", help="chat with a model in the terminal (streamed, multi-turn)",
        description="Multi-turn chat with MODEL (an HF directory or hub id) using its chat "
        "template (the Llammas format if it has none). One user turn per line; on a terminal "
        "/reset clears the history and /exit quits. Sampling defaults follow the Llammas paper.")
    chat.add_argument("model", metavar="MODEL")
    chat.add_argument("--temperature", type=float, default=0.6,
                      help="sampling temperature; 0 means greedy decoding (default 0.6)")
    chat.add_argument("--top-p", type=float, default=0.9, help="nucleus sampling mass (default 0.9)")
    chat.add_argument("--repetition-penalty", type=float, default=1.2,
                      help="penalty on repeated tokens (default 1.2)")
    chat.add_argument("--max-new-tokens", type=int, default=256,
                      help="longest reply in tokens (default 256)")
    chat.add_argument("--system", help="system message that opens the conversation")
    chat.add_argument("--seed", type=int, help="random seed, for reproducible sampling")
    chat.set_defaults(func=cmd_chat)
