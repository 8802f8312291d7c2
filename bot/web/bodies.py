"""Reading a JSON request body safely: size, nesting depth, number size and text are capped before use.

``json.loads`` recurses once per nesting level (a deep body raises ``RecursionError``), turns a
15,000-digit integer into a ``ValueError`` (or minutes of CPU below the interpreter's digit limit),
accepts ``NaN``/``Infinity`` and lone surrogates (``"\\ud800"``) that no database can store. Each of
those is refused here with a reason, before the answer is computed.
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 16
MAX_NUMBER_CHARS = 40
ESCAPED_CHAR_BYTES = 12  # the most one character costs JSON-escaped: "\ud83d\ude00"


class BadBody(ValueError):
    """The body cannot be accepted; ``status`` and ``reason`` say why."""

    def __init__(self, status: int, message: str, reason: str) -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason


def body_limit(max_body_bytes: int, max_message_chars: int) -> int:
    """The byte cap of a chat request: at least what the longest message needs fully JSON-escaped."""
    return max(max_body_bytes, max_message_chars * ESCAPED_CHAR_BYTES + 4096)


def _check_depth(text: str) -> None:
    """Refuse nesting deeper than :data:`MAX_DEPTH` (brackets inside strings do not count)."""
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise BadBody(422, f"JSON nested deeper than {MAX_DEPTH} levels", "too_deep")
        elif char in "]}":
            depth -= 1


def _number(kind: type[int] | type[float]) -> Any:
    def parse(literal: str) -> int | float:
        if len(literal) > MAX_NUMBER_CHARS:
            raise BadBody(422, f"number too long (at most {MAX_NUMBER_CHARS} characters)", "bad_number")
        value = kind(literal)
        if value in (float("inf"), float("-inf")):
            raise BadBody(422, "number out of range (infinite)", "bad_number")
        return value

    return parse


def _no_constants(name: str) -> float:
    raise BadBody(422, f"{name} is not a number JSON allows", "bad_number")


def _check_text(value: Any) -> None:
    """Refuse strings (keys too) holding unpaired surrogates, which are not Unicode text."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise BadBody(422, "text contains an unpaired surrogate (invalid Unicode)", "bad_text") from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key)
            _check_text(item)
    elif isinstance(value, list):
        for item in value:
            _check_text(item)


def parse_object(body: bytes) -> dict[str, Any]:
    """The body as a JSON object.

    Raises:
        BadBody: 400 when it is not JSON or not an object; 422 for nesting, numbers or text out of bounds.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadBody(400, "request body must be UTF-8 JSON", "bad_json") from None
    _check_depth(text)
    try:
        data = json.loads(text, parse_int=_number(int), parse_float=_number(float), parse_constant=_no_constants)
    except json.JSONDecodeError:
        raise BadBody(400, "request body must be a JSON object", "bad_json") from None
    if not isinstance(data, dict):
        raise BadBody(400, "request body must be a JSON object", "bad_json")
    _check_text(data)
    return data
