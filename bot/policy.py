"""Who may use the buyer tools: ``caller_for`` builds the :class:`~bot.messages.Caller` of a message.

``settings.buyer_tool_callers`` lists allowed callers as comma-separated ``channel:id`` entries
(``telegram:12345``, ``wecom:zhangsan``, ``site:<site key>``, ``cli:*``); ``*`` allows a whole channel.
In demo mode everyone may. Calculators and knowledge answers are open to all callers.
"""

from __future__ import annotations

from bot.config import Settings
from bot.messages import Caller, hash_user


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
    return Caller(channel=channel, user_hash=hash_user(channel, str(raw_user_id)), may_lookup_buyers=may)
