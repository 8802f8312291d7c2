"""The credit backing service: ``create_app(database_url)`` and ``serve(...)`` (uvicorn).

Endpoints (see CONTRACT.md): ``GET /buyers/search?q=``, ``GET /buyers/{id}``,
``GET /buyers/{id}/receivables?as_of=&period_days=`` (as_of defaults to today, period_days to 90),
``POST /calc/dso``, ``POST /calc/ratio``, ``GET /healthz``; OpenAPI docs at ``/docs``.
Errors are JSON ``{"detail": "..."}``: 404 for an unknown buyer, 422 for invalid numbers.
"""

from __future__ import annotations

import logging
import os
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError

from tools.service.db import make_engine, make_sessionmaker
from tools.service.routes import buyers, calc, health

logger = logging.getLogger(__name__)
_URL_ENV = "CREDITBOT_SERVICE_DATABASE_URL_INTERNAL"


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path"))
        parts.append(f"{where}: {error.get('msg')}" if where else str(error.get("msg")))
    return "; ".join(parts) or "invalid input"


def create_app(database_url: str) -> FastAPI:
    """The credit service app on ``database_url`` (SQLite file or PostgreSQL; tables created if missing)."""
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
    )
    app.state.sessionmaker = make_sessionmaker(engine)
    app.include_router(health.router)
    app.include_router(buyers.router)
    app.include_router(calc.router)

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
    return create_app(os.environ[_URL_ENV])


def serve(database_url: str, host: str, port: int, workers: int = 1) -> None:
    """Run the service with uvicorn (blocking). Several workers need an import string, hence the env var."""
    import uvicorn

    if workers > 1:
        os.environ[_URL_ENV] = database_url
        uvicorn.run("tools.service.main:_app_from_env", factory=True, host=host, port=port, workers=workers)
    else:
        uvicorn.run(create_app(database_url), host=host, port=port)
