"""Public widget site keys: which browser origins may embed the widget with which key.

Format of ``CREDITBOT_SITE_KEYS``: ``key=origin1|origin2[:internal];key2=...``. Keys are public (they sit in
the host page's HTML); they only bind a widget installation to its origins, so the admin token stays separate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

DEMO_KEY = "demo"


@dataclass(frozen=True)
class SiteKey:
    """One embed key with the origins allowed to use it."""

    key: str
    origins: frozenset[str] = field(default_factory=frozenset)
    internal: bool = False


def normalize_origin(origin: str) -> str:
    """``scheme://host[:port]`` in lower case, without a trailing slash or default port."""
    parts = urlsplit(origin.strip().rstrip("/"))
    if not parts.scheme or not parts.hostname:
        raise ValueError(f"not an origin: {origin!r} (expected scheme://host[:port])")
    default = {"http": 80, "https": 443}.get(parts.scheme)
    port = f":{parts.port}" if parts.port and parts.port != default else ""
    return f"{parts.scheme.lower()}://{parts.hostname.lower()}{port}"


def parse_site_keys(spec: str) -> dict[str, SiteKey]:
    """Parse the ``site_keys`` setting.

    Args:
        spec: ``key=origin1|origin2[:internal];key2=...``.

    Returns:
        The keys by name.

    Raises:
        ValueError: on a malformed entry (the message names it).
    """
    keys: dict[str, SiteKey] = {}
    for entry in filter(None, (e.strip() for e in spec.split(";"))):
        name, sep, rest = entry.partition("=")
        name = name.strip()
        if not sep or not name or not rest.strip():
            raise ValueError(f"site key entry {entry!r} must look like key=https://origin|https://other")
        internal = rest.rstrip().endswith(":internal")
        rest = rest.rstrip().removesuffix(":internal")
        origins = frozenset(normalize_origin(o) for o in rest.split("|") if o.strip())
        keys[name] = SiteKey(name, origins, internal)
    return keys


def own_origins(host: str, port: int, public_url: str | None) -> set[str]:
    """The origins the chat server itself is reached at (its demo page)."""
    origins = {f"http://127.0.0.1:{port}", f"http://localhost:{port}"}
    if host not in ("0.0.0.0", "::", "127.0.0.1", "localhost"):
        origins.add(f"http://{host}:{port}")
    if public_url:
        origins.add(normalize_origin(public_url))
    return origins


class SiteKeys:
    """The configured keys plus the origins allowed without a key."""

    def __init__(self, keys: dict[str, SiteKey], keyless_origins: set[str]) -> None:
        self.keys = keys
        self.keyless_origins = {normalize_origin(o) for o in keyless_origins}

    @classmethod
    def from_settings(cls, spec: str, *, demo: bool, own: set[str], cors_origins: list[str]) -> SiteKeys:
        """Keys from the setting; in demo mode with none configured, a ``demo`` key for the server's origin."""
        keys = parse_site_keys(spec)
        if demo and not keys:
            keys = {DEMO_KEY: SiteKey(DEMO_KEY, frozenset(normalize_origin(o) for o in own))}
        return cls(keys, own | set(cors_origins))

    def cors_origins(self) -> list[str]:
        """Every origin a browser may call the API from."""
        allowed = set(self.keyless_origins)
        for key in self.keys.values():
            allowed |= key.origins
        return sorted(allowed)

    def check(self, key: str | None, origin: str | None) -> str | None:
        """Why a request is refused, or None when it may go on.

        A request without a key and without ``Origin`` (a script, not a browser) is allowed; a browser
        without a key only from the server's own or the configured CORS origins.
        """
        try:
            origin = normalize_origin(origin) if origin and origin != "null" else origin
        except ValueError:
            return "malformed Origin header"
        if key:
            site = self.keys.get(key)
            if site is None:
                return "unknown site key"
            if origin and origin not in site.origins:
                return "this site key is not allowed for this origin"
            return None
        if origin and origin not in self.keyless_origins:
            return "a site key is required for this origin"
        return None

    def is_internal(self, key: str | None) -> bool:
        """True for a configured key marked ``:internal`` (its widget may use the buyer tools)."""
        site = self.keys.get(key) if key else None
        return site is not None and site.internal

    def default_key(self) -> str:
        """The key the demo page embeds (``demo`` in demo mode, else the first configured key or '')."""
        if DEMO_KEY in self.keys:
            return DEMO_KEY
        return next(iter(self.keys), "")
