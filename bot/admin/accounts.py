"""``creditbot admin create-user``: console accounts created on the server, passwords hashed with bcrypt."""

from __future__ import annotations

import getpass
import sys
from typing import TextIO

from bot.admin.auth import check_password_rules, hash_password
from bot.admin.store import ROLES, AdminStore
from bot.config import Settings
from bot.store import ConversationStore

NAME_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@")


def read_password(from_stdin: bool, stdin: TextIO = sys.stdin) -> str:
    """The new password: the first line of stdin, or typed twice at a prompt.

    Raises:
        ValueError: the two typed passwords differ.
    """
    if from_stdin:
        return stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat the password: ") != first:
        raise ValueError("the passwords differ")
    return first


def create_user(settings: Settings, name: str, role: str, password: str) -> None:
    """Create (or reset) a console user in the conversation store's database.

    Raises:
        ValueError: a bad name, role or password.
    """
    if not name or len(name) > 64 or set(name) - NAME_CHARS:
        raise ValueError("the user name needs 1-64 letters, digits or . _ - @")
    if role not in ROLES:
        raise ValueError(f"the role must be one of {', '.join(ROLES)}")
    check_password_rules(password)
    store = AdminStore(ConversationStore(settings.conversation_store_url).engine)
    store.add_user(name, role, hash_password(password))
    store.record("cli", "user.create", f"{name} ({role})")
