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


def cmd_serve(args: argparse.Namespace) -> int:
    from langadapt.serve.server import serve

    serve(args.model, host=args.host, port=args.port, api_key=args.api_key)
    return 0


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

    srv = sub.add_parser(
        "serve", help="serve a model over an OpenAI-compatible HTTP API",
        description="Serve MODEL at /v1/models and /v1/chat/completions (OpenAI-compatible, "
        "with stream: true as server-sent events), e.g. for `langadapt eval` judges or any "
        "OpenAI client. Sampling defaults follow the Llammas paper; requests can override them.")
    srv.add_argument("model", metavar="MODEL")
    srv.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    srv.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    srv.add_argument("--api-key", help="require `Authorization: Bearer KEY` on every request")
    srv.set_defaults(func=cmd_serve)
