"""The console's pages: ``GET /admin/`` (the login form, or the console once signed in), login, logout, assets.

The login form is protected by a double-submit CSRF token (cookie and form field) and rate limited per
client address and per user name; a successful login sets the session cookie.
"""

from __future__ import annotations

import html
from datetime import timedelta
from importlib import resources
from typing import Protocol

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from bot.admin.auth import COOKIE, LOGIN_CSRF_COOKIE, cookie_operator, new_token, same, verify_password
from bot.admin.routes import console_of

ASSETS = {"admin.js": "text/javascript; charset=utf-8", "admin.css": "text/css; charset=utf-8"}
HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def _asset(name: str) -> str:
    return resources.files("bot").joinpath("static", name).read_text(encoding="utf-8")


def _login_page(csrf: str, message: str, first_run: bool) -> str:
    hint = ("<p class='hint'>No console user yet. Create the first one on the server:<br>"
            "<code>creditbot admin create-user NAME --role admin</code></p>") if first_run else ""
    error = f"<p class='error' role='alert'>{html.escape(message)}</p>" if message else ""
    return _asset("admin-login.html").replace("{{CSRF}}", html.escape(csrf, quote=True)).replace(
        "{{MESSAGE}}", error).replace("{{HINT}}", hint)


class Limiter(Protocol):
    """Counts login attempts (``bot.web.limits.RateLimiter``)."""

    def hit(self, key: str) -> int:
        """0 when allowed, else the seconds to wait."""
        ...


def _secure(request: Request) -> bool:
    return request.app.state.web.settings.environment != "development"


def _login_form(request: Request, message: str = "", status: int = 200) -> HTMLResponse:
    """The login page with a fresh CSRF token in its form and in a cookie."""
    csrf = new_token()
    store = console_of(request.app.state.web).store
    page = _login_page(csrf, message, store.count_users() == 0)
    response = HTMLResponse(page, status_code=status, headers=HEADERS)
    response.set_cookie(LOGIN_CSRF_COOKIE, csrf, httponly=True, samesite="strict", secure=_secure(request),
                        path="/admin/")
    return response


def build_router(login_limiter: Limiter) -> APIRouter:
    """The console's HTML routes (not in the OpenAPI document: they speak forms, not JSON).

    Args:
        login_limiter: login attempts allowed per client address and per user name.
    """
    router = APIRouter(include_in_schema=False)
    _page_routes(router)
    _session_routes(router, login_limiter)
    return router


def _page_routes(router: APIRouter) -> None:
    @router.get("/admin", response_class=RedirectResponse)
    async def admin_root() -> RedirectResponse:
        """The console lives at /admin/."""
        return RedirectResponse("/admin/", status_code=307)

    @router.get("/admin/", response_class=HTMLResponse)
    async def console_page(request: Request) -> Response:
        """The console when signed in, else the login form."""
        console = console_of(request.app.state.web)
        operator = await run_in_threadpool(cookie_operator, request, console.store)
        if operator is None:
            return await run_in_threadpool(_login_form, request)
        page = _asset("admin.html").replace("{{CSRF}}", html.escape(operator.csrf, quote=True)).replace(
            "{{USER}}", html.escape(f"{operator.name} ({operator.role})"))
        return HTMLResponse(page, headers=HEADERS)

    @router.get("/admin/assets/{name}")
    async def asset(name: str) -> Response:
        """The console's script and style sheet."""
        if name not in ASSETS:
            return Response("not found", status_code=404)
        return Response(_asset(name), media_type=ASSETS[name], headers={"X-Content-Type-Options": "nosniff"})


def _session_routes(router: APIRouter, login_limiter: Limiter) -> None:
    @router.post("/admin/login", response_class=HTMLResponse)
    async def login(request: Request) -> Response:
        """Check the form's CSRF token, the rate limit and the password; then set the session cookie."""
        form = await request.form()
        name, password = str(form.get("name", ""))[:64], str(form.get("password", ""))[:200]
        if not same(str(form.get("csrf", "")), request.cookies.get(LOGIN_CSRF_COOKIE, "")):
            return await run_in_threadpool(_login_form, request, "The form expired; please try again.", 403)
        ip = request.client.host if request.client else "unknown"
        wait = login_limiter.hit(f"ip:{ip}") or login_limiter.hit(f"user:{name}")
        if wait:
            response = await run_in_threadpool(_login_form, request, f"Too many attempts; wait {wait} s.", 429)
            response.headers["Retry-After"] = str(wait)
            return response
        return await _sign_in(request, name, password, ip)

    @router.post("/admin/logout", response_class=RedirectResponse)
    async def logout(request: Request) -> Response:
        """End the session (the form carries the session's CSRF token)."""
        form = await request.form()
        store = console_of(request.app.state.web).store
        operator = await run_in_threadpool(cookie_operator, request, store)
        if operator is not None and same(str(form.get("csrf", "")), operator.csrf):
            await run_in_threadpool(store.close_session, request.cookies.get(COOKIE, ""))
            await run_in_threadpool(store.record, operator.name, "logout", "")
        response = RedirectResponse("/admin/", status_code=303)
        response.delete_cookie(COOKIE, path="/admin")
        return response


async def _sign_in(request: Request, name: str, password: str, ip: str) -> Response:
    """Check the password; open a session and set its cookie, or show the form again (401)."""
    store = console_of(request.app.state.web).store
    user = await run_in_threadpool(store.user, name)
    if not await run_in_threadpool(verify_password, password, user["password_hash"] if user else None):
        return await run_in_threadpool(_login_form, request, "Wrong user name or password.", 401)
    token, csrf = new_token(), new_token()
    hours = request.app.state.web.settings.admin_session_hours
    await run_in_threadpool(store.open_session, token, name, csrf, timedelta(hours=hours))
    await run_in_threadpool(store.record, name, "login", ip)
    response = RedirectResponse("/admin/", status_code=303)
    response.set_cookie(COOKIE, token, max_age=hours * 3600, httponly=True, samesite="strict",
                        secure=_secure(request), path="/admin")
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/admin/")
    return response
