"""Reading JSON bodies within bounds (bot.web.bodies): pure functions, no server."""

from __future__ import annotations

import json

import pytest

from bot.web.bodies import MAX_DEPTH, BadBody, body_limit, parse_object


def test_brackets_and_quotes_inside_strings_do_not_count_as_nesting() -> None:
    text = "[" * 50 + '\\"{' * 50 + "理赔"
    assert parse_object(json.dumps({"message": text}).encode())["message"] == text


def test_nesting_up_to_the_limit_is_accepted_and_one_more_is_refused() -> None:
    inner = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)
    assert parse_object(f'{{"x": {inner}}}'.encode())
    with pytest.raises(BadBody) as refused:
        parse_object(f'{{"x": [{inner}]}}'.encode())
    assert refused.value.status == 422 and refused.value.reason == "too_deep"


def test_ordinary_numbers_pass_and_a_valid_surrogate_pair_is_text() -> None:
    data = parse_object(b'{"rating": -1, "score": 0.83, "big": 1e300, "emoji": "\\ud83d\\ude00"}')
    assert data == {"rating": -1, "score": 0.83, "big": 1e300, "emoji": "😀"}


@pytest.mark.parametrize("body", [b"[]", b'"text"', b"not json", b"\xff\xfe"])
def test_anything_but_a_json_object_is_400(body: bytes) -> None:
    with pytest.raises(BadBody) as refused:
        parse_object(body)
    assert refused.value.status == 400


def test_byte_limit_fits_the_longest_message_escaped() -> None:
    assert body_limit(16384, 2000) >= len(json.dumps({"message": "😀" * 2000, "session_id": "web:" + "x" * 60}))
    assert body_limit(100_000, 2000) == 100_000
