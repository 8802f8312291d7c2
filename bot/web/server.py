"""The chat server: ``create_app`` (API, widget, demo page, admin report, metrics, WeChat), ``serve``, ``run_demo``."""

from __future__ import annotations

import asyncio
import ctypes
import html
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources

import httpx
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response

from bot.admin import pages as admin_pages
from bot.admin import routes as admin_routes
from bot.chat import ChatService
from bot.config import Settings, get_settings
from bot.messages import Session
from bot.web import api, embed, handoff_api, report
from bot.web.limits import RateLimiter, open_storage
from bot.web.metrics import Metrics, MetricsMiddleware, install_access_log_redaction
from bot.web.models import Health
from bot.web.sitekeys import SiteKeys, own_origins
from bot.web.state import WebState

logger = logging.getLogger(__name__)

WARMUP_QUESTION = "信用保险是什么？"
PURGE_EVERY_S = 600
SHUTDOWN_WAIT_S = 30  # the longest a stop waits for the warm-up thread (it may be loading the index)
_M_ARENA_MAX = -8  # mallopt parameters (glibc malloc.h)
_M_MMAP_THRESHOLD = -3


def _static(name: str) -> str:
    return resources.files("bot").joinpath("static", name).read_text(encoding="utf-8")


def _preload_encoder(settings: Settings) -> None:
    """Load the query encoder while the rest of the chat service is built (a third of the start time)."""
    from knowledge.embedding import Embedder, set_torch_threads

    try:
        set_torch_threads(settings.torch_threads, settings.workers)  # as the chat service will: same encoder
        Embedder(settings.embedding_model, settings.model_cache_dir).load()
    except Exception:  # the warm-up answer loads it again and reports the failure
        logger.debug("preloading the encoder failed", exc_info=True)


def warm_rest() -> None:
    """Load what the first question of a kind (or login) would otherwise pay, once the server is ready.

    The credit tools run as langchain StructuredTools (0.5-0.7 s to import); an unknown console user is
    checked against a dummy bcrypt hash (~0.3 s). Left lazy for memory: the part-of-speech HMM of
    ``tools.postags`` (a name jieba does not know, ~7 MB) and OpenCC's Simplified-to-Traditional tables
    (the first Traditional-script answer, ~60 ms and 11 MB). Benches that measure a ready server in process
    call this too.
    """
    from langchain_core.tools import StructuredTool  # noqa: F401

    from bot.admin.auth import dummy_hash

    dummy_hash()


def _warm_up(state: WebState, build: bool) -> None:
    """Build the chat service if needed, answer one question, mark the server ready; then purge now and then."""
    try:
        if build:
            # one encoder thread per worker unless set: under load the request threads need the other cores
            # (two threads per query measured 7% more CPU a request, fewer requests/s)
            settings = state.settings.model_copy(update={"torch_threads": state.settings.torch_threads or 1})
            threading.Thread(target=_preload_encoder, args=(settings,), name="creditbot-encoder-load",
                             daemon=True).start()
            from bot.chat import build_chat_service

            state.chat = build_chat_service(settings)
        assert state.chat is not None
        state.chat.assistant.answer(WARMUP_QUESTION, Session(id="healthz-warmup"))
        state.ready = True
        logger.info("chat server ready (pid %d)", os.getpid())
        warm_rest()
    except Exception as e:  # reported by /healthz; the server stays up to say so
        logger.exception("the chat service failed to start")
        state.error = f"{type(e).__name__}: {e}"
        return
    desk = None
    if "handoff" in state.settings.answer_steps:
        from bot.handoff.desk import HandoffDesk

        desk = HandoffDesk.from_url(state.settings.conversation_store_url)
    while not state.stopping.is_set():  # housekeeping: expired sessions are ignored on load; this frees rows
        try:
            with_a_person = [h.session_id for h in desk.waiting()] if desk is not None else []
            purged = state.chat.store.purge_expired(keep=with_a_person)
            if purged:
                logger.info("%d expired sessions purged", purged)
        except Exception:
            logger.warning("purging expired sessions failed", exc_info=True)
        state.stopping.wait(PURGE_EVERY_S)


def create_app(settings: Settings, chat: ChatService | None = None) -> FastAPI:
    """The chat server's ASGI app.

    Args:
        settings: the process settings.
        chat: a ready chat service; None builds one from the settings in a background thread at startup,
            so the server listens at once and ``/healthz`` answers 503 until the index is loaded and answers.
    """
    keys = SiteKeys.from_settings(
        settings.site_keys,
        own=own_origins(settings.host, settings.port, settings.public_url),
        cors_origins=settings.cors_origins,
    )
    limits = open_storage(settings.redis_url, settings.data_dir)
    state = WebState(
        settings=settings,
        site_keys=keys,
        ip_limiter=RateLimiter(settings.rate_limit_per_minute, limits, "ip"),
        site_limiter=RateLimiter(settings.site_rate_limit_per_minute, limits, "site"),
        metrics=Metrics(multiprocess=settings.prometheus_multiproc_dir is not None),
        chat=chat,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        warm = threading.Thread(target=_warm_up, args=(state, chat is None), name="creditbot-warmup", daemon=True)
        warm.start()
        yield
        state.stopping.set()
        # let a warm-up still loading (an import, the encoder) finish: a daemon thread stopped by the interpreter's
        # exit inside native code aborts the process ("FATAL: exception not rethrown") instead of exiting cleanly
        await asyncio.to_thread(warm.join, SHUTDOWN_WAIT_S)

    app = FastAPI(title="creditbot chat server", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="The chat API of creditbot (the WeChat/WeCom/Telegram callbacks are not listed).")
    install_access_log_redaction()
    app.state.web = state
    app.add_middleware(
        CORSMiddleware,
        allow_origins=keys.cors_origins(),
        allow_methods=["GET", "POST"],
        allow_headers=["Content-Type", "Accept", api.SITE_KEY_HEADER],
        max_age=600,
    )
    app.add_middleware(MetricsMiddleware, metrics=state.metrics)
    app.include_router(api.build_router())
    app.include_router(report.build_router())
    app.include_router(admin_routes.build_router())
    app.include_router(admin_pages.build_router(
        RateLimiter(settings.admin_login_per_minute, limits, "admin-login")))
    app.include_router(embed.build_router())
    app.state.operator_auth = admin_routes.console_operator  # the inbox takes the console's sign-in too
    app.include_router(handoff_api.build_router())
    _include_channels(app, settings, state)

    @app.get("/healthz", response_model=None, responses={200: {"model": Health}, 503: {"model": Health}})
    async def healthz() -> JSONResponse:
        """200 once the index is loaded and answers; 503 before (or when starting failed)."""
        if state.ready:
            return JSONResponse({"status": "ok"})
        return JSONResponse({"status": "error" if state.error else "starting", "error": state.error}, status_code=503)

    @app.get("/metrics", response_class=PlainTextResponse)
    async def metrics() -> Response:
        """Prometheus metrics."""
        return state.metrics.render()

    @app.get("/", response_class=HTMLResponse)
    async def demo_page(request: Request) -> HTMLResponse:
        """A demo page embedding the widget with the one script tag."""
        page = _static("index.html").replace("{{SITE_KEY}}", html.escape(keys.default_key(), quote=True))
        return HTMLResponse(page, headers={"X-Content-Type-Options": "nosniff"})

    return app


def _include_channels(app: FastAPI, settings: Settings, state: WebState) -> None:
    """Mount every webhook channel of :mod:`bot.channels.registry` (they need the chat service per request)."""
    from bot.channels.registry import web_routers

    class _LazyChat:
        """Forwards to the chat service, which the warm-up thread builds after the app exists."""

        def __getattr__(self, name: str) -> object:
            if state.chat is None:
                raise RuntimeError("the chat service is still starting")
            return getattr(state.chat, name)

    for router in web_routers(settings, state.chat or _LazyChat()):  # type: ignore[arg-type]
        app.include_router(router)


def configure_malloc(arenas: int = 2, mmap_threshold: int = 256 * 1024) -> None:
    """Cap glibc's malloc arenas (default: eight per core) and fix its mmap threshold, before requests come.

    Each thread that allocates gets an arena of its own, and freed memory stays in it: under 16
    concurrent requests that is ~50 MB resident for nothing. glibc also raises its mmap threshold to the
    size of each large block freed (up to 32 MB): blocks of a few hundred kB and more (a batch's encoder
    buffers, say) then come from the arenas and stay resident once freed, until the encoder's idle trim,
    ~35-45 MB right after a distinct-question load. A fixed 256 kB keeps them in mappings of their own,
    handed back when freed, for fresh pages on each use: no CPU measured on a distinct-question load, ~2-3 ms
    a request on a buyer-question one (128 kB: ~20% more everywhere; bench/README.md, round 10). Same as
    ``MALLOC_ARENA_MAX`` and ``MALLOC_MMAP_THRESHOLD_``; a no-op off glibc.
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(_M_ARENA_MAX, arenas)
        libc.mallopt(_M_MMAP_THRESHOLD, mmap_threshold)
    except (OSError, AttributeError):
        logger.debug("not glibc: malloc arenas left as they are")


def app_from_environment() -> FastAPI:
    """uvicorn factory for several workers: each worker reads the settings from the environment."""
    configure_malloc()
    return create_app(get_settings())


def serve(settings: Settings) -> None:
    """Run the chat server with uvicorn on ``settings.host:settings.port`` and ``settings.workers`` workers."""
    import uvicorn

    configure_malloc()
    options = {"host": settings.host, "port": settings.port, "log_level": settings.log_level.lower(),
               **proxy_options(settings)}
    if settings.workers > 1:
        uvicorn.run("bot.web.server:app_from_environment", factory=True, workers=settings.workers, **options)
    else:
        uvicorn.run(create_app(settings), **options)


def proxy_options(settings: Settings) -> dict[str, object]:
    """uvicorn options that believe X-Forwarded-For/-Proto only from ``CREDITBOT_TRUSTED_PROXIES``.

    uvicorn's own default trusts 127.0.0.1, so any process on the host could pick its client address.
    """
    trusted = [p.strip() for p in settings.trusted_proxies.split(",") if p.strip()]
    return {"proxy_headers": bool(trusted), "forwarded_allow_ips": trusted or None}


def wait_healthy(url: str, timeout_s: float, proc: subprocess.Popen[bytes] | None = None) -> bool:
    """Poll ``url`` until it answers 200 (False on timeout or when ``proc`` exits)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    return False


def port_in_use(host: str, port: int) -> bool:
    """True when something already listens on ``host:port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(1)
        return probe.connect_ex((host, port)) == 0


def run_demo(settings: Settings) -> int:
    """``make run``: the credit service in a subprocess, then the chat server, until Ctrl-C.

    The chat server's tools use the credit service started here, whatever ``service_url`` says.

    Returns:
        The exit status (0 on Ctrl-C, 1 when a port is taken or the credit service does not start).
    """
    import uvicorn

    for name, port in (("CREDITBOT_SERVICE_PORT", settings.service_port), ("CREDITBOT_PORT", settings.port)):
        if port_in_use(settings.host, port):
            print(f"creditbot: port {port} is already in use; stop what runs there or set {name}", file=sys.stderr)
            return 1
    settings = settings.model_copy(update={"service_url": f"http://127.0.0.1:{settings.service_port}"})

    code = (
        "import sys; from tools.service.main import serve; "
        "serve(database_url=sys.argv[1], host=sys.argv[2], port=int(sys.argv[3]))"
    )
    env = {**os.environ, "CREDITBOT_DATA_DIR": str(settings.data_dir)}
    if settings.service_token is not None:  # also when it came from .env: both sides must hold the same token
        env["CREDITBOT_SERVICE_TOKEN"] = settings.service_token.get_secret_value()
    service = subprocess.Popen(
        [sys.executable, "-c", code, settings.service_database_url, settings.host, str(settings.service_port)],
        env=env,
    )
    try:
        if not wait_healthy(f"http://127.0.0.1:{settings.service_port}/healthz", 60, service):
            print(f"creditbot: the credit service did not start on port {settings.service_port}", file=sys.stderr)
            return 1
        server = uvicorn.Server(uvicorn.Config(create_app(settings), host=settings.host, port=settings.port,
                                               log_level="warning", **proxy_options(settings)))
        url = f"http://127.0.0.1:{settings.port}/"

        def announce() -> None:
            print("Starting the chat server; loading the knowledge base (first start can take a minute)...",
                  flush=True)
            if wait_healthy(f"{url}healthz", 600):
                print(f"\n  creditbot demo is ready:  {url}\n"
                      f"  operator console:         {url}admin/\n"
                      f"    first user: CREDITBOT_DATA_DIR={settings.data_dir} .venv/bin/creditbot admin create-user "
                      "NAME --role admin\n"
                      "  (Ctrl-C stops it)\n", flush=True)
            else:
                print("creditbot: the chat server did not become ready; see the log above", file=sys.stderr)

        threading.Thread(target=announce, daemon=True).start()
        server.run()
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        service.terminate()
        try:
            service.wait(10)
        except subprocess.TimeoutExpired:
            service.kill()
