"""Who may use the buyer tools: ``caller_for`` builds the :class:`~bot.messages.Caller` of a message.

``settings.buyer_tool_callers`` lists allowed callers as comma-separated ``channel:id`` entries
(``telegram:12345``, ``wecom:zhangsan``, ``site:<site key>``, ``cli:*``); ``*`` allows a whole channel.
In demo mode everyone may. Calculators and knowledge answers are open to all callers.

Stored user ids are HMACs keyed by :func:`user_id_secret`, so nobody can compute another user's id
(or session id) from a platform id.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from pathlib import Path

from bot.config import Settings
from bot.messages import Caller, hash_user

SECRET_FILE = "user_id_secret"
_secrets: dict[Path, bytes] = {}  # per data dir: read the file once per process
_secrets_lock = threading.Lock()


def _read_or_create(path: Path) -> bytes:
    """The key in ``path``, created (mode 0600, exclusively, so concurrent workers agree) when missing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # another worker created it a moment ago and may still be writing
            key = path.read_text(encoding="ascii").strip()
            if key:
                return key.encode()
            time.sleep(0.02)
        raise RuntimeError(f"{path} is empty; delete it to generate a new user id secret") from None
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(key + "\n")
    return key.encode()


def user_id_secret(settings: Settings) -> bytes:
    """The HMAC key of stored user ids: ``CREDITBOT_USER_ID_SECRET``, else ``<data_dir>/user_id_secret``."""
    if settings.user_id_secret is not None:
        return settings.user_id_secret.get_secret_value().encode()
    path = (settings.data_dir / SECRET_FILE).resolve()
    with _secrets_lock:
        if path not in _secrets:
            _secrets[path] = _read_or_create(path)
        return _secrets[path]


def allowed_callers(spec: str) -> set[tuple[str, str]]:
    """The ``(channel, id)`` pairs of a ``buyer_tool_callers`` setting."""
    pairs = set()
    for entry in spec.split(","):
        channel, sep, ident = entry.strip().partition(":")
        if sep and channel and ident:
            pairs.add((channel.strip().lower(), ident.strip()))
    return pairs


def caller_for(settings: Settings, channel: str, raw_user_id: str, *, site_key: str | None = None) -> Caller:
    """The caller of a message: hashed user id and whether it may look up buyers.

    Args:
        settings: the process settings (``buyer_tool_callers``, ``demo``).
        channel: ``cli``, ``api``, ``site``, ``telegram``, ``wechat``, ``wecom`` ...
        raw_user_id: the platform's user id; only its hash leaves this function.
        site_key: the widget site key the message came through, if any (``site:<key>`` entries).
    """
    channel = channel.lower()
    allowed = allowed_callers(settings.buyer_tool_callers)
    may = settings.demo or (channel, "*") in allowed or (channel, str(raw_user_id)) in allowed
    if site_key is not None and ("site", site_key) in allowed:
        may = True
    user_hash = hash_user(channel, str(raw_user_id), user_id_secret(settings))
    return Caller(channel=channel, user_hash=user_hash, may_lookup_buyers=may)
