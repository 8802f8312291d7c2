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


SETTING = "CREDITBOT_SITE_KEYS"


@dataclass(frozen=True)
class Refusal:
    """Why a key/origin pair is refused: a stable ``code`` and a sentence naming the setting to change."""

    code: str
    message: str


class SiteKeys:
    """The configured keys, the ``demo`` key of the server's own origins, and the origins allowed without a key."""

    def __init__(self, keys: dict[str, SiteKey], keyless_origins: set[str]) -> None:
        self.keys = keys
        self.keyless_origins = {normalize_origin(o) for o in keyless_origins}

    @classmethod
    def from_settings(cls, spec: str, *, own: set[str], cors_origins: list[str]) -> SiteKeys:
        """Keys from the setting plus a ``demo`` key for the server's own origins, so its demo page always works.

        The ``demo`` key opens nothing new: requests from the server's own origins are allowed without a key
        anyway. A configured ``demo`` key keeps its origins and gains the server's own.
        """
        keys = parse_site_keys(spec)
        own_normalized = frozenset(normalize_origin(o) for o in own)
        mine = keys.get(DEMO_KEY, SiteKey(DEMO_KEY))
        keys[DEMO_KEY] = SiteKey(DEMO_KEY, mine.origins | own_normalized, mine.internal)
        return cls(keys, own | set(cors_origins))
    def cors_origins(self) -> list[str]:
        """Every origin a browser may call the API from."""
        allowed = set(self.keyless_origins)
        for key in self.keys.values():
            allowed |= key.origins
        return sorted(allowed)

    def check(self, key: str | None, origin: str | None) -> str | None:
        """Why a request is refused (a sentence naming the setting to change), or None when it may go on."""
        refusal = self.explain(key, origin)
        return refusal.message if refusal else None

    def explain(self, key: str | None, origin: str | None) -> Refusal | None:
        """Why ``key`` may not be used from ``origin``, or None when it may.

        A request without a key and without ``Origin`` (a script, not a browser) is allowed; a browser
        without a key only from the server's own or the configured CORS origins.
        """
        if origin == "null":
            return Refusal("opaque_origin", "the page has no origin (opened from file:// or a sandboxed frame); "
                           "serve it over http(s) from an origin listed for its key in " + SETTING)
        try:
            origin = normalize_origin(origin) if origin else None
        except ValueError:
            return Refusal("bad_origin", "malformed Origin header")
        if key:
            site = self.keys.get(key)
            if site is None:
                example = f"{key}={origin or 'https://your-site.example'}"
                return Refusal("unknown_key", f"unknown site key {key!r}: add it to {SETTING} on the chat server, "
                               f"e.g. {SETTING}='{example}', and restart it")
            if origin and origin not in site.origins:
                return Refusal("origin_not_allowed", f"this site key is not allowed for this origin: add {origin} "
                               f"to the origins of {key!r} in {SETTING} ('{key}=https://…|{origin}') and restart "
                               "the chat server")
            return None
        if origin and origin not in self.keyless_origins:
            return Refusal("key_required", f"a site key is required for this origin ({origin}): put "
                           'data-site-key="YOUR_KEY" on the <script> tag and '
                           f"{SETTING}='YOUR_KEY={origin}' on the chat server")
        return None

    def is_internal(self, key: str | None) -> bool:
        """True for a configured key marked ``:internal`` (its widget may use the buyer tools)."""
        site = self.keys.get(key) if key else None
        return site is not None and site.internal

    def default_key(self) -> str:
        """The key the demo page embeds: ``demo``, which always works from the server's own origins."""
        return DEMO_KEY
