"""The ``creditbot`` command line. Wiring only: each subcommand calls one function of its module."""

from __future__ import annotations

import argparse
import atexit
import json
import logging
import logging.handlers
import os
import queue
import sys
from pathlib import Path

from bot.config import Settings, get_settings
from knowledge.errors import CreditbotError

logger = logging.getLogger("creditbot")


def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    from bot.chat import open_knowledge_base
    from ingest.pipeline import ingest_paths
    from knowledge.answering import Composer

    paths = [Path(p) for p in args.paths] or settings.articles or None
    # a batch job: the encoder may use every core (a chat server worker uses one)
    knowledge = open_knowledge_base(settings.model_copy(update={"torch_threads": settings.torch_threads or os.cpu_count()}))
    report = ingest_paths(knowledge, paths, progress=sys.stderr.isatty())
    if knowledge.ready():  # embed the answer sentences now, not on the first question (cached on disk)
        Composer(knowledge.chunks(), embed_passages=knowledge.sentence_vectors)
    print(report.summary())
    return 1 if report.failed else 0


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    from bot.chat import build_chat_service
    from bot.messages import Incoming
    from bot.policy import caller_for

    service = build_chat_service(settings)
    reply = service.handle(Incoming(args.question, args.session, caller_for(settings, "cli", os.getenv("USER", "cli"))))
    if args.json:
        print(json.dumps(reply.to_dict(), ensure_ascii=False))
    else:
        from bot.channels.cli import render

        print(render(reply))
    return 0


def _chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.channels.cli import run_chat

    return run_chat(settings)


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from bot.web.server import serve

    serve(settings)
    return 0


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    from bot.web.server import run_demo

    return run_demo(settings)


def _service(args: argparse.Namespace, settings: Settings) -> int:
    from tools.service.main import serve

    serve(database_url=settings.service_database_url, host=settings.host, port=settings.service_port)
    return 0


def _telegram(args: argparse.Namespace, settings: Settings) -> int:
    from bot.channels.telegram import run

    run(settings)
    return 0


def _import(args: argparse.Namespace, settings: Settings) -> int:
    from tools.service.importing import import_csv

    report = import_csv(settings.service_database_url, args.kind, Path(args.csv))
    print(report.summary())
    return 0 if report.ok else 1


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    from bot.evaluation import run_eval

    return run_eval([Path(f) for f in args.files], settings, as_json=args.json)


def _create_user(args: argparse.Namespace, settings: Settings) -> int:
    from bot.admin.accounts import create_user, read_password

    try:
        create_user(settings, args.name, args.role, read_password(args.password_stdin))
    except ValueError as e:
        print(f"creditbot: {e}", file=sys.stderr)
        return 2
    print(f"console user {args.name} ({args.role}) saved; sign in at /admin/ on the chat server")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand of the CONTRACT."""
    parser = argparse.ArgumentParser(prog="creditbot", description="Trade-credit-insurance knowledge bot")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="(re)build the index from articles (default: the bundled ones)")
    p.add_argument("paths", nargs="*", help="article files or folders (.txt, .md, .html)")
    p.set_defaults(func=_ingest)

    p = sub.add_parser("ask", help="answer one message")
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="print the reply as one JSON object")
    p.add_argument("--session", default=None, help="session id carrying earlier turns")
    p.set_defaults(func=_ask)

    sub.add_parser("chat", help="interactive terminal chat").set_defaults(func=_chat)
    sub.add_parser("serve", help="the chat server: HTTP API, widget, WeChat callback").set_defaults(func=_serve)
    sub.add_parser("service", help="the credit backing service").set_defaults(func=_service)
    sub.add_parser("telegram", help="the Telegram bot").set_defaults(func=_telegram)
    sub.add_parser("demo", help="credit service + chat server together (what `make run` starts)").set_defaults(
        func=_demo
    )

    for kind in ("buyers", "invoices"):
        p = sub.add_parser(f"import-{kind}", help=f"load {kind} from CSV (idempotent upsert)")
        p.add_argument("csv")
        p.set_defaults(func=_import, kind=kind)

    admin = sub.add_parser("admin", help="operator console accounts").add_subparsers(dest="admin_command", required=True)
    p = admin.add_parser("create-user", help="create a console user (or reset their password and role)")
    p.add_argument("name")
    p.add_argument("--role", choices=["admin", "advisor"], default="admin")
    p.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    p.set_defaults(func=_create_user)

    p = sub.add_parser("eval", help="run evaluation sets and print scores per set")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--json", action="store_true", help="print the scores as JSON")
    p.set_defaults(func=_eval)
    return parser


def _log_off_the_hot_path(level: str) -> None:
    """Records go through a queue to one writer thread, so a request never waits on stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    listener = logging.handlers.QueueListener(queue.SimpleQueue(), handler, respect_handler_level=True)
    enqueue = logging.handlers.QueueHandler(listener.queue)
    enqueue.setFormatter(logging.Formatter("%(message)s"))  # the writer's handler adds time, level and name
    logging.basicConfig(level=level, handlers=[enqueue], force=True)
    listener.start()
    atexit.register(listener.stop)  # flushes what is queued


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``creditbot`` console script."""
    args = build_parser().parse_args(argv)
    settings = get_settings()
    _log_off_the_hot_path(settings.log_level.upper())
    # httpx logs request URLs at INFO, and Telegram's and WeChat's URLs carry tokens.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        return args.func(args, settings)
    except CreditbotError as e:
        print(f"creditbot: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
