"""Who is at the console: password hashes (bcrypt), login sessions in a cookie, CSRF tokens, the bearer token.

The session cookie holds a random token (only its SHA-256 is stored), HttpOnly, SameSite=Strict, and
Secure outside development. Every state-changing request made with the cookie must carry the
session's CSRF token (``X-CSRF-Token`` header or ``csrf`` form field); scripts present
``Authorization: Bearer $CREDITBOT_ADMIN_TOKEN`` instead and need none.
"""

from __future__ import annotations

import functools
import hmac
import secrets
from dataclasses import dataclass

import bcrypt
from fastapi import HTTPException, Request

from bot.admin.store import AdminStore

COOKIE = "creditbot_admin"
LOGIN_CSRF_COOKIE = "creditbot_login_csrf"
MIN_PASSWORD = 8
MAX_PASSWORD_BYTES = 72  # bcrypt's limit: longer passwords are refused rather than silently cut
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@dataclass(frozen=True)
class Operator:
    """A signed-in console user (or a script holding the admin token)."""

    name: str
    role: str
    csrf: str = ""


def check_password_rules(password: str) -> None:
    """Raises ValueError when a new password is too short or too long for bcrypt."""
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"the password needs at least {MIN_PASSWORD} characters")
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        raise ValueError(f"the password may have at most {MAX_PASSWORD_BYTES} bytes")


def hash_password(password: str) -> str:
    """A bcrypt hash of a password that passed :func:`check_password_rules`."""
    check_password_rules(password)
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()


@functools.cache
def dummy_hash() -> bytes:
    """Compared against when the user does not exist, so a wrong name costs as long as a wrong password.

    Made on first use, not at import: one bcrypt hash is ~0.3-0.5 s of CPU on the chat server's way to
    ``/healthz`` (the server makes it once it is ready, so no login pays it).
    """
    return bcrypt.hashpw(b"no such user", bcrypt.gensalt())


def verify_password(password: str, stored: str | None) -> bool:
    """True when ``password`` matches the stored hash (the same bcrypt work for an unknown user)."""
    data = password.encode()
    if stored is None or len(data) > MAX_PASSWORD_BYTES:
        bcrypt.checkpw(b"no such user", dummy_hash())
        return False
    try:
        return bcrypt.checkpw(data, stored.encode())
    except ValueError:  # a damaged stored hash
        return False


def new_token() -> str:
    """A random URL-safe token (session cookie, CSRF)."""
    return secrets.token_urlsafe(32)


def same(a: str, b: str) -> bool:
    """Constant-time comparison of two tokens."""
    return bool(a) and bool(b) and hmac.compare_digest(a.encode(), b.encode())


def bearer_operator(request: Request, admin_token: str | None) -> Operator | None:
    """The script operator when the request carries the configured admin token."""
    auth = request.headers.get("authorization", "")
    if admin_token and auth[:7].lower() == "bearer " and same(auth[7:].strip(), admin_token):
        return Operator(name="token", role="admin")
    return None


def cookie_operator(request: Request, store: AdminStore) -> Operator | None:
    """The operator of the session cookie, when it is live."""
    token = request.cookies.get(COOKIE, "")
    if not token or len(token) > 100:
        return None
    session = store.session(token)
    return Operator(session["user"], session["role"], session["csrf"]) if session else None


def require_operator(request: Request, store: AdminStore, admin_token: str | None, form_csrf: str = "") -> Operator:
    """The caller of an API route: bearer token, or cookie (with the CSRF token on unsafe methods).

    Raises:
        HTTPException: 401 without valid credentials, 403 when the CSRF token is missing or wrong.
    """
    operator = bearer_operator(request, admin_token)
    if operator is not None:
        return operator
    operator = cookie_operator(request, store)
    if operator is None:
        raise HTTPException(401, "log in at /admin/ or send Authorization: Bearer <CREDITBOT_ADMIN_TOKEN>",
                            headers={"WWW-Authenticate": "Bearer"})
    if request.method not in SAFE_METHODS:
        sent = request.headers.get("x-csrf-token", "") or form_csrf
        if not same(sent, operator.csrf):
            raise HTTPException(403, "missing or wrong CSRF token; reload the console")
    return operator
