"""The chat API over real HTTP: a real uvicorn server on loopback, a fake assistant core, a real SQL store."""

from __future__ import annotations

import json
import threading
import time

import httpx
import pytest
from sqlalchemy import select

from bot.store import feedback as feedback_table
from tests import support
from tests.web.conftest import FakeAssistant

QUESTION = "客户破产了能赔吗"


def parse_sse(text: str) -> list[tuple[str, dict]]:
    """(event, data) pairs of a Server-Sent Events body."""
    events = []
    for block in text.split("\n\n"):
        lines = [ln for ln in block.splitlines() if not ln.startswith(":")]
        if not lines:
            continue
        event = next(ln[6:].strip() for ln in lines if ln.startswith("event:"))
        data = "".join(ln[5:].strip() for ln in lines if ln.startswith("data:"))
        events.append((event, json.loads(data)))
    return events


def test_chat_json_reply_has_contract_shape(start_server):
    base, _, _ = start_server()
    r = httpx.post(f"{base}/api/chat", json={"message": QUESTION})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"answer", "status", "sources", "tool_calls", "session_id", "reply_id"}
    assert body["status"] == "answered"
    assert body["sources"][0]["doc_id"] == "003_7a34e294a18c87e0"
    assert body["session_id"] and body["reply_id"]


def test_chat_streams_deltas_then_done(start_server):
    base, _, _ = start_server()
    with httpx.stream("POST", f"{base}/api/chat", json={"message": QUESTION, "session_id": "sse-1"},
                      headers={"Accept": "text/event-stream"}) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        assert r.headers["cache-control"] == "no-cache"
        assert r.headers["x-accel-buffering"] == "no"
        text = r.read().decode()
    events = parse_sse(text)
    names = [e for e, _ in events]
    assert names[-1] == "done" and names.count("done") == 1
    assert names[:-1] and set(names[:-1]) == {"delta"}
    final = events[-1][1]
    assert "".join(d["text"] for _, d in events[:-1]) == final["answer"]
    assert final["session_id"] == "web:sse-1" and final["sources"] and final["tool_calls"] == []


def test_session_survives_server_restart(start_server, tmp_path):
    base, _, _ = start_server()
    first = httpx.post(f"{base}/api/chat", json={"message": QUESTION}).json()
    base2, _, _ = start_server(data_dir=tmp_path)  # a new app, chat service and store on the same data dir
    follow = httpx.post(f"{base2}/api/chat", json={"message": "那需要准备什么材料?", "session_id": first["session_id"]})
    assert follow.status_code == 200
    assert follow.json()["answer"].startswith("第2轮：关于“客户破产了能赔吗”")


def test_session_expires_after_idle_window(start_server):
    base, _, chat = start_server(session_idle_minutes=0)
    sid = httpx.post(f"{base}/api/chat", json={"message": QUESTION}).json()["session_id"]
    time.sleep(0.05)
    again = httpx.post(f"{base}/api/chat", json={"message": QUESTION, "session_id": sid}).json()
    assert again["answer"].startswith("第1轮")


@pytest.mark.parametrize(
    ("content", "status", "words"),
    [
        (b'{"message": ""}', 422, "empty"),
        (b'{"message": "   "}', 422, "empty"),
        (json.dumps({"message": "长" * 51}).encode(), 422, "too long"),
        (b'{"message": 42}', 422, "text"),
        (b'{"message": ["a"]}', 422, "text"),
        (b'{}', 422, "text"),
        (b'{"message": "hi", "session_id": 5}', 422, "session_id"),
        (b'{"message": "hi", "session_id": "../../etc"}', 422, "session_id"),
        (b"not json at all", 400, "JSON"),
        (b'["message"]', 400, "JSON"),
        (b"\xff\xfe\x00", 400, "JSON"),
        (b"", 400, "JSON"),
        (b'{"message": "' + b"a" * 5000 + b'"}', 413, "too large"),
    ],
)
def test_bad_input_gets_clear_4xx(start_server, content, status, words):
    base, _, _ = start_server(max_message_chars=50, max_body_bytes=4096)
    for accept in ("application/json", "text/event-stream"):
        r = httpx.post(f"{base}/api/chat", content=content,
                       headers={"Content-Type": "application/json", "Accept": accept})
        assert r.status_code == status
        assert words in r.json()["error"]


def test_message_at_the_length_limit_is_accepted(start_server):
    base, _, _ = start_server(max_message_chars=50)
    assert httpx.post(f"{base}/api/chat", json={"message": "破" * 50}).status_code == 200


def test_rate_limit_per_ip_answers_429_with_retry_after(start_server):
    base, _, _ = start_server(rate_limit_per_minute=3)
    codes = [httpx.post(f"{base}/api/chat", json={"message": QUESTION}).status_code for _ in range(3)]
    assert codes == [200, 200, 200]
    r = httpx.post(f"{base}/api/chat", json={"message": QUESTION})
    assert r.status_code == 429
    assert 1 <= int(r.headers["retry-after"]) <= 60


def test_rate_limit_per_site_key(start_server):
    base, _, _ = start_server(site_keys="shop=https://shop.example", site_rate_limit_per_minute=2)
    h = {"X-Site-Key": "shop", "Origin": "https://shop.example"}
    assert [httpx.post(f"{base}/api/chat", json={"message": QUESTION}, headers=h).status_code for _ in range(2)] == [200, 200]
    assert httpx.post(f"{base}/api/chat", json={"message": QUESTION}, headers=h).status_code == 429
    # keyless calls from the same IP are not charged to the site
    assert httpx.post(f"{base}/api/chat", json={"message": QUESTION}).status_code == 200


def test_cors_allows_configured_origins_only(start_server):
    base, _, _ = start_server(site_keys="shop=https://shop.example|https://www.shop.example",
                              cors_origins=["https://partner.example"])
    pre = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type,x-site-key"}
    for origin in ("https://www.shop.example", "https://partner.example"):
        r = httpx.options(f"{base}/api/chat", headers={"Origin": origin, **pre})
        assert r.status_code == 200 and r.headers["access-control-allow-origin"] == origin
    r = httpx.options(f"{base}/api/chat", headers={"Origin": "https://evil.example", **pre})
    assert "access-control-allow-origin" not in r.headers
    r = httpx.post(f"{base}/api/chat", json={"message": QUESTION},
                   headers={"Origin": "https://evil.example", "X-Site-Key": "shop"})
    assert r.status_code == 403 and "access-control-allow-origin" not in r.headers
    r = httpx.post(f"{base}/api/chat", json={"message": QUESTION},
                   headers={"Origin": "https://shop.example", "X-Site-Key": "shop"})
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "https://shop.example"


def test_unknown_site_key_or_foreign_origin_is_refused(start_server):
    base, _, _ = start_server(site_keys="shop=https://shop.example")
    chat = f"{base}/api/chat"
    assert httpx.post(chat, json={"message": QUESTION}, headers={"X-Site-Key": "nope"}).status_code == 403
    assert "unknown site key" in httpx.post(chat, json={"message": QUESTION}, headers={"X-Site-Key": "nope"}).text
    # a browser on another site without a key
    assert httpx.post(chat, json={"message": QUESTION}, headers={"Origin": "https://other.example"}).status_code == 403
    # the server's own demo page and plain scripts need no key
    assert httpx.post(chat, json={"message": QUESTION}, headers={"Origin": base}).status_code == 200
    assert httpx.post(chat, json={"message": QUESTION}).status_code == 200


def test_demo_mode_has_a_demo_key_for_its_own_origin(start_server):
    base, _, _ = start_server(demo=True)
    ok = httpx.post(f"{base}/api/chat", json={"message": QUESTION}, headers={"X-Site-Key": "demo", "Origin": base})
    assert ok.status_code == 200
    bad = httpx.post(f"{base}/api/chat", json={"message": QUESTION},
                     headers={"X-Site-Key": "demo", "Origin": "https://elsewhere.example"})
    assert bad.status_code == 403
    page = httpx.get(f"{base}/")
    assert 'src="/widget.js" data-site-key="demo"' in page.text


def test_feedback_is_stored_and_unknown_reply_is_404(start_server):
    base, _, chat = start_server()
    reply = httpx.post(f"{base}/api/chat", json={"message": QUESTION}).json()
    r = httpx.post(f"{base}/api/feedback", json={"reply_id": reply["reply_id"], "rating": "down", "comment": "没说要多久"})
    assert r.status_code == 200
    assert httpx.post(f"{base}/api/feedback", json={"reply_id": reply["reply_id"], "rating": 1}).status_code == 200
    with chat.store.engine.connect() as conn:
        rows = conn.execute(select(feedback_table.c.rating, feedback_table.c.comment)).all()
    assert sorted(rows) == [(-1, "没说要多久"), (1, "")]
    assert httpx.post(f"{base}/api/feedback", json={"reply_id": "0" * 32, "rating": "up"}).status_code == 404
    for bad in ({"reply_id": reply["reply_id"], "rating": "meh"}, {"reply_id": reply["reply_id"], "rating": True},
                {"rating": "up"}, {"reply_id": reply["reply_id"], "rating": 1, "comment": 7}):
        assert httpx.post(f"{base}/api/feedback", json=bad).status_code == 422


def test_admin_report_needs_the_token(start_server):
    base, _, _ = start_server()
    assert httpx.get(f"{base}/admin/report").status_code == 404  # no token configured: no report
    base, _, _ = start_server(admin_token="s3cret-report-token")
    assert httpx.get(f"{base}/admin/report").status_code == 401
    assert httpx.get(f"{base}/admin/report", headers={"Authorization": "Bearer wrong"}).status_code == 403


def test_admin_report_shows_questions_escaped(start_server):
    base, _, _ = start_server(admin_token="s3cret-report-token")
    for q in (QUESTION, QUESTION + "？", "今天天气怎么样<script>alert(1)</script>"):
        reply = httpx.post(f"{base}/api/chat", json={"message": q}).json()
    httpx.post(f"{base}/api/feedback", json={"reply_id": reply["reply_id"], "rating": "down", "comment": "<b>没用</b>"})
    auth = {"Authorization": "Bearer s3cret-report-token"}
    r = httpx.get(f"{base}/admin/report", headers=auth)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert r.headers["content-security-policy"].startswith("default-src 'none'")
    assert "<script>alert" not in r.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text
    assert "&lt;b&gt;没用&lt;/b&gt;" in r.text
    figures = httpx.get(f"{base}/admin/report?format=json", headers=auth).json()
    assert figures["top_questions"][0] == {"question": QUESTION + "？", "count": 2, "statuses": {"answered": 2}}
    assert [q["question"] for q in figures["no_answer"]] == ["今天天气怎么样<script>alert(1)</script>"]
    assert figures["by_status"] == {"answered": 2, "no_answer": 1} and figures["by_channel"] == {"web": 3}
    assert figures["latency_ms"]["p95"] >= figures["latency_ms"]["p50"] > 0


def test_healthz_is_503_until_the_assistant_answers(start_server, monkeypatch):
    monkeypatch.setattr("bot.web.api.READY_WAIT_S", 0.5)  # a chat request waits this long for the warm-up
    gate = threading.Event()
    base, _, _ = start_server(FakeAssistant(gate=gate), wait_ready=False)
    assert httpx.get(f"{base}/healthz").status_code == 503
    r = httpx.post(f"{base}/api/chat", json={"message": QUESTION})
    assert r.status_code == 503 and r.headers["retry-after"]
    held = threading.Thread(target=lambda: results.append(httpx.post(f"{base}/api/chat", json={"message": QUESTION},
                                                                     timeout=10).status_code))
    results: list[int] = []
    monkeypatch.setattr("bot.web.api.READY_WAIT_S", 10)
    held.start()
    time.sleep(0.3)
    gate.set()
    held.join()
    assert results == [200]  # a request that arrives during warm-up waits instead of failing
    support.wait_healthy(base, timeout_s=10)


def test_slow_answer_does_not_block_other_requests(start_server):
    base, _, _ = start_server(FakeAssistant(delay_s=1.5), wait_ready=True)
    results: list[int] = []
    worker = threading.Thread(target=lambda: results.append(
        httpx.post(f"{base}/api/chat", json={"message": QUESTION}, timeout=10).status_code))
    worker.start()
    time.sleep(0.3)
    started = time.perf_counter()
    assert httpx.get(f"{base}/healthz").status_code == 200
    assert time.perf_counter() - started < 0.5
    worker.join()
    assert results == [200]


def test_metrics_count_replies_and_statuses(start_server):
    base, _, _ = start_server()
    httpx.post(f"{base}/api/chat", json={"message": QUESTION})
    httpx.post(f"{base}/api/chat", json={"message": ""})
    text = httpx.get(f"{base}/metrics").text
    assert 'creditbot_replies_total{channel="web",status="answered"} 1.0' in text
    assert 'creditbot_http_requests_total{method="POST",route="/api/chat",status="422"} 1.0' in text
    assert "creditbot_answer_latency_seconds_bucket" in text


def test_live_session_cap_refuses_new_sessions(start_server):
    base, _, _ = start_server(max_live_sessions=1)
    sid = httpx.post(f"{base}/api/chat", json={"message": QUESTION}).json()["session_id"]
    time.sleep(0.01)
    assert httpx.post(f"{base}/api/chat", json={"message": QUESTION, "session_id": sid}).status_code == 200
    r = httpx.post(f"{base}/api/chat", json={"message": QUESTION})
    assert r.status_code == 503 and "conversations" in r.json()["error"]


def test_widget_is_served_as_javascript(start_server):
    base, _, _ = start_server()
    r = httpx.get(f"{base}/widget.js")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/javascript")
    assert "attachShadow" in r.text and "window.creditbot" in r.text


def test_wechat_callback_is_mounted(start_server):
    import hashlib

    base, _, _ = start_server(wechat_token="wx-callback-token-1")
    params = {"timestamp": str(int(time.time())), "nonce": "8848", "echostr": "回声123"}
    params["signature"] = hashlib.sha1("".join(sorted(["wx-callback-token-1", params["timestamp"],
                                                      params["nonce"]])).encode()).hexdigest()
    assert httpx.get(f"{base}/wechat", params=params).text == "回声123"
    assert httpx.get(f"{base}/wechat", params={**params, "signature": "0" * 40}).status_code == 403


def test_store_failure_is_a_clear_503_not_a_500(start_server):
    from sqlalchemy import text

    base, _, chat = start_server()
    with chat.store.engine.begin() as conn:
        conn.execute(text("DROP TABLE conversation_log"))
    r = httpx.post(f"{base}/api/chat", json={"message": QUESTION})
    assert r.status_code == 503 and "try again" in r.json()["error"]
    with httpx.stream("POST", f"{base}/api/chat", json={"message": QUESTION},
                      headers={"Accept": "text/event-stream"}) as r:
        events = parse_sse(r.read().decode())
    assert events[-1][0] == "error" and "done" not in [e for e, _ in events]
