"""``/healthz``: 200 when the database answers."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from tools.service import crud
from tools.service.deps import SessionDep

logger = logging.getLogger(__name__)
router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(session: SessionDep) -> JSONResponse:
    """200 ``{"status": "ok"}`` when the database answers, 503 otherwise."""
    try:
        crud.ping(session=session)
    except SQLAlchemyError:
        logger.warning("health check: database does not answer", exc_info=True)
        return JSONResponse({"status": "unavailable", "detail": "database does not answer"}, status_code=503)
    return JSONResponse({"status": "ok"})
