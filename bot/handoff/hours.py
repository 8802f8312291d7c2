"""Office hours of the advisors: when a hand-off can expect a person now, and when only later."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

_SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class OfficeHours:
    """Hours (``09:00-18:00``) on ISO weekdays (``1-5`` = Monday to Friday) in a time zone."""

    start: time
    end: time
    days: frozenset[int]
    zone: ZoneInfo

    @classmethod
    def parse(cls, hours: str, days: str, zone: str) -> OfficeHours:
        """Read the settings' text forms; ``ValueError`` for text that is not hours, days or a zone."""
        match = _SPAN.match(hours)
        if match is None:
            raise ValueError(f"office hours must look like 09:00-18:00, not {hours!r}")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        return cls(time(h1, m1), time(h2, m2), _days(days), ZoneInfo(zone))

    def is_open(self, moment: datetime) -> bool:
        """True when ``moment`` (timezone-aware) falls within the hours."""
        local = moment.astimezone(self.zone)
        return local.isoweekday() in self.days and self.start <= local.time() < self.end


def _days(spec: str) -> frozenset[int]:
    """ISO weekdays of ``1-5`` / ``1,3,5`` / ``1-5,7``."""
    days: set[int] = set()
    for part in spec.split(","):
        first, _, last = part.strip().partition("-")
        if not first.isdigit() or (last and not last.isdigit()):
            raise ValueError(f"office days must look like 1-5 or 1,2,3 (1 = Monday), not {spec!r}")
        days.update(range(int(first), int(last or first) + 1))
    if not days <= set(range(1, 8)):
        raise ValueError(f"office days are 1 (Monday) to 7 (Sunday), not {spec!r}")
    return frozenset(days)
