"""The credit backing service: ``create_app(database_url)`` and ``serve(...)`` (uvicorn).

Endpoints (see CONTRACT.md): ``GET /buyers/search?q=``, ``GET /buyers/{id}``,
``GET /buyers?offset=&limit=`` (the directory of ids, names and USCCs the chat matches names against),
``GET /buyers/{id}/receivables?as_of=&period_days=`` (as_of defaults to today, period_days to 90),
``POST /calc/dso``, ``POST /calc/ratio``, ``GET /healthz``; OpenAPI docs at ``/docs``.
Errors are JSON ``{"detail": "..."}`` (:mod:`tools.service.errors`): 401 without the bearer token (when the
service has one: ``CREDITBOT_SERVICE_TOKEN``; ``/healthz`` stays open), 404 for an unknown buyer, 422 for
invalid input (with ``errors`` per field).
"""

from __future__ import annotations

import logging
import os
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError

from tools.service.db import make_engine, make_sessionmaker
from tools.service.deps import require_token
from tools.service.errors import UNAUTHORIZED, UNAVAILABLE
from tools.service.routes import buyers, calc, health

logger = logging.getLogger(__name__)
_URL_ENV = "CREDITBOT_SERVICE_DATABASE_URL_INTERNAL"
TOKEN_ENV = "CREDITBOT_SERVICE_TOKEN"
MAX_BODY_BYTES = 64 * 1024  # a calculator body is a few hundred bytes


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path"))
        parts.append(f"{where}: {error.get('msg')}" if where else str(error.get("msg")))
    return "; ".join(parts) or "invalid input"


def create_app(database_url: str, *, token: str | None = None) -> FastAPI:
    """The credit service app on ``database_url`` (SQLite file or PostgreSQL; tables created if missing).

    Args:
        database_url: SQLAlchemy URL of the buyers and invoices.
        token: when set, every route but ``/healthz`` requires ``Authorization: Bearer <token>``.
    """
    engine = make_engine(database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):  # noqa: ANN202
        yield
        engine.dispose()

    app = FastAPI(
        title="creditbot credit service",
        description="Buyer scores, ledger receivables/DSO/ageing, credit calculators.",
        version="0.1.0",
        lifespan=lifespan,
        max_body_size=MAX_BODY_BYTES,
    )
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.token = token or None
    protected = {"dependencies": [Depends(require_token)], "responses": {**UNAUTHORIZED, **UNAVAILABLE}}
    app.include_router(health.router)
    app.include_router(buyers.router, **protected)
    app.include_router(calc.router, **protected)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _validation_message(exc), "errors": _jsonable(exc.errors())}, status_code=422)

    @app.exception_handler(OperationalError)
    async def _db_down(_request: Request, _exc: OperationalError) -> JSONResponse:
        logger.error("database error", exc_info=True)
        return JSONResponse({"detail": "database unavailable"}, status_code=503)

    return app


def _jsonable(errors: list) -> list:
    return [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg")), "type": e.get("type")} for e in errors]


def _app_from_env() -> FastAPI:
    """Factory for uvicorn workers (each worker process builds its own app)."""
    return create_app(os.environ[_URL_ENV], token=os.environ.get(TOKEN_ENV))


def serve(database_url: str, host: str, port: int, workers: int = 1, token: str | None = None) -> None:
    """Run the service with uvicorn (blocking). Several workers need an import string, hence the env var.

    ``token`` defaults to ``CREDITBOT_SERVICE_TOKEN`` from the environment (unset: no authentication).
    """
    import uvicorn

    token = token or os.environ.get(TOKEN_ENV) or None
    if workers > 1:
        os.environ[_URL_ENV] = database_url
        if token:
            os.environ[TOKEN_ENV] = token
        uvicorn.run("tools.service.main:_app_from_env", factory=True, host=host, port=port, workers=workers)
    else:
        uvicorn.run(create_app(database_url, token=token), host=host, port=port)
