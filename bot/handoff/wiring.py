"""The hand-off parts the settings describe: the desk on the conversation store, office hours, the notifier."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from bot.handoff.desk import HandoffDesk
from bot.handoff.hours import OfficeHours
from bot.handoff.notify import Notify, WebhookNotifier

if TYPE_CHECKING:
    from bot.config import Settings

INBOX_PATH = "admin/inbox"


class HandoffParts(TypedDict):
    """Keyword arguments of :class:`bot.pipeline.catalogue.Parts` for the ``handoff`` step."""

    handoff_desk: HandoffDesk
    office_hours: OfficeHours
    notify: Notify | None


def notifier(settings: Settings) -> WebhookNotifier | None:
    """The advisors' webhook notifier, or None when ``handoff_webhook`` is unset."""
    if settings.handoff_webhook is None:
        return None
    inbox = f"{settings.public_url.rstrip('/')}/{INBOX_PATH}" if settings.public_url else None
    return WebhookNotifier(settings.handoff_webhook.get_secret_value(), inbox_url=inbox)


def handoff_parts(settings: Settings) -> HandoffParts:
    """The desk (its own engine on the conversation store), office hours and notifier of the settings."""
    return HandoffParts(
        handoff_desk=HandoffDesk.from_url(settings.conversation_store_url),
        office_hours=OfficeHours.parse(settings.office_hours, settings.office_days, settings.office_timezone),
        notify=notifier(settings),
    )
