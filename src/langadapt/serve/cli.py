"""`langadapt chat` (a model in the terminal) and `langadapt serve` (an OpenAI-compatible API).

Handlers import the model code (torch, transformers, FastAPI) when they run, so ``--help`` stays
instant; every setting is checked before the model is loaded.
"""

from __future__ import annotations

import argparse
import ipaddress
import socket
import sys

from langadapt.errors import UserError

OPTION_NAMES = {"temperature": "--temperature", "top_p": "--top-p", "top_k": "--top-k",
                "repetition_penalty": "--repetition-penalty",
                "max_new_tokens": "--max-new-tokens"}


def sampling_options(args: argparse.Namespace):
    """The sampling options given on the command line, checked (one ``UserError`` naming the
    option) before any model is loaded, so a bad value never fails in the middle of a reply."""
    from langadapt.serve.chat import SamplingOptions

    options = SamplingOptions(temperature=args.temperature, top_p=args.top_p, top_k=args.top_k,
                              repetition_penalty=args.repetition_penalty,
                              max_new_tokens=args.max_new_tokens, seed=args.seed)
    options.params(OPTION_NAMES)
    return options


def cmd_chat(args: argparse.Namespace) -> int:
    from langadapt.serve.chat import EndpointReplier, LocalReplier, chat_loop

    if (args.model is None) == (args.endpoint is None):
        raise UserError("chat: give either MODEL or --endpoint URL (one of them)")
    options = sampling_options(args)
    if args.endpoint:
        replier = EndpointReplier(args.endpoint, args.api_key, args.served_model)
    else:
        from langadapt.modeling import load_model_and_tokenizer
        from langadapt.train.formats import ensure_chat_template

        model, tokenizer = load_model_and_tokenizer(args.model)
        ensure_chat_template(tokenizer)
        replier = LocalReplier(model.eval(), tokenizer)
    return chat_loop(replier, options, system=args.system)


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it may resolve to any interface
        return False


def check_listen_address(host: str, port: int) -> None:
    """Refuse a port or host the server could not listen on, before the model is loaded (uvicorn
    would find out only after loading it, and exit with its own log lines)."""
    if not 1 <= port <= 65535:
        raise UserError(f"--port {port}: a TCP port is a number from 1 to 65535")
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    except socket.gaierror as err:
        raise UserError(f"--host {host}: not an address of this machine ({err.strerror})") from None
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind(address)
        except OSError as err:
            raise UserError(f"--port {port}: cannot listen on {host}:{port} ({err.strerror}; "
                            "is another server using it?)") from None


def cmd_serve(args: argparse.Namespace) -> int:
    defaults = sampling_options(args)
    for option, value in (("--max-batch", args.max_batch),
                          ("--max-prompt-tokens", args.max_prompt_tokens)):
        if value is not None and value < 1:
            raise UserError(f"{option} must be at least 1, got {value}")
    check_listen_address(args.host, args.port)
    if not args.api_key and not is_loopback(args.host):
        print(f"langadapt: warning: serving on {args.host} without --api-key: anyone who can "
              "reach this port can use the model", file=sys.stderr)
    from langadapt.serve.server import serve

    serve(args.model, host=args.host, port=args.port, api_key=args.api_key, defaults=defaults,
          max_batch=args.max_batch, max_prompt_tokens=args.max_prompt_tokens,
          max_new_tokens=args.max_new_tokens)
    return 0


def add_sampling_options(parser: argparse.ArgumentParser, prefix: str) -> None:
    """The sampling options of ``chat`` and ``serve``; defaults follow the Llammas paper."""
    parser.add_argument("--temperature", type=float, default=0.6,
                        help=prefix + "sampling temperature; 0 means greedy decoding (default 0.6)")
    parser.add_argument("--top-p", type=float, default=0.9,
                        help=prefix + "nucleus sampling mass, in (0, 1] (default 0.9)")
    parser.add_argument("--top-k", type=int, default=0,
                        help=prefix + "sample among the K most likely tokens; 0 = all (default)")
    parser.add_argument("--repetition-penalty", type=float, default=1.2,
                        help=prefix + "penalty on repeated tokens, > 0; 1 = none (default 1.2)")
    parser.add_argument("--max-new-tokens", type=int, default=256,
                        help=prefix + "longest reply in tokens (default 256; `serve` also "
                                      "refuses requests asking for more)")
    parser.add_argument("--seed", type=int, default=None,
                        help=prefix + "random seed, for reproducible sampling")


def register(sub: argparse._SubParsersAction) -> None:
    chat = sub.add_parser(
        "chat", help="chat with a model in the terminal (streamed, multi-turn)",
        description="Multi-turn chat with MODEL (an HF directory or hub id, using its chat "
        "template, the Llammas format if it has none) or with the model behind --endpoint (an "
        "OpenAI-compatible /v1 URL such as `langadapt serve`). One user turn per line. Commands: "
        "/reset, /system TEXT, /params k=v ..., /save FILE (appends the conversation as a "
        "messages JSONL line), /exit; Ctrl-C stops an answer. Sampling defaults follow the "
        "Llammas paper.")
    chat.add_argument("model", metavar="MODEL", nargs="?")
    chat.add_argument("--endpoint", metavar="URL",
                      help="chat with an OpenAI-compatible server instead, e.g. "
                           "http://127.0.0.1:8000/v1")
    chat.add_argument("--api-key", help="bearer token for --endpoint")
    chat.add_argument("--model-name", dest="served_model", metavar="NAME",
                      help="model name to ask --endpoint for (default: its first model)")
    add_sampling_options(chat, "")
    chat.add_argument("--system", help="system message that opens the conversation")
    chat.set_defaults(func=cmd_chat)

    srv = sub.add_parser(
        "serve", help="serve a model over an OpenAI-compatible HTTP API",
        description="Serve MODEL at /v1/models, /v1/chat/completions and /v1/completions "
        "(OpenAI-compatible, with stream: true as server-sent events; concurrent requests are "
        "batched) and a web chat page at /, e.g. for `langadapt eval "
        "--endpoint`, judges or any OpenAI client. Sampling defaults follow the Llammas paper; "
        "requests can override them (top_k and repetition_penalty too, as vLLM accepts them).")
    srv.add_argument("model", metavar="MODEL")
    srv.add_argument("--host", default="127.0.0.1",
                     help="address to listen on (default 127.0.0.1: this machine only; another "
                          "address without --api-key prints a warning)")
    srv.add_argument("--port", type=int, default=8000, help="port, 1-65535 (default 8000)")
    srv.add_argument("--api-key", help="require `Authorization: Bearer KEY` on every API "
                                        "request (not on /health and the chat page)")
    srv.add_argument("--max-batch", type=int, default=8,
                     help="requests decoded together at most; more wait for the next batch "
                          "(default 8; 1 = one at a time)")
    srv.add_argument("--max-prompt-tokens", type=int, default=None,
                     help="refuse longer prompts with a 400 (default: the model's context)")
    add_sampling_options(srv, "for requests that leave it out: ")
    srv.set_defaults(func=cmd_serve)
