"""FastAPI dependencies of the credit service: the database session and the bearer token."""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

bearer = HTTPBearer(auto_error=False, description="CREDITBOT_SERVICE_TOKEN, when the service is started with one")


def get_db(request: Request) -> Iterator[Session]:
    """A database session for one request, from the app's session factory."""
    with request.app.state.sessionmaker() as session:
        yield session


def require_token(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> None:
    """401 unless the request carries ``Authorization: Bearer <token>`` (when the app has a token)."""
    token: str | None = request.app.state.token
    if token is None:
        return
    given = credentials.credentials if credentials is not None else ""
    if not hmac.compare_digest(given.encode(), token.encode()):
        raise HTTPException(status_code=401, detail="missing or wrong bearer token",
                            headers={"WWW-Authenticate": "Bearer"})


SessionDep = Annotated[Session, Depends(get_db)]
