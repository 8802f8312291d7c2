"""The console's JSON API on a real chat server: credentials, CSRF, uploads that answer at once, curated
answers matched by meaning, the review queue."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.admin.conftest import PASSWORD, USER, ask, bearer, login

pytestmark = pytest.mark.integration

ARTICLE = """# 海豚计划：小微出口企业信用保险专项服务

海豚计划是本公司为年出口额500万美元以下企业设计的专项服务。

## 宽限期
海豚计划的保单宽限期为45天，买方在宽限期内付款的，不视为逾期。

## 申请材料
申请海豚计划需要提交近两年的出口报关单、主要买方名单和营业执照复印件。
"""


def upload(client: httpx.Client, name: str, data: bytes, headers: dict[str, str] | None = None) -> httpx.Response:
    return client.post("/admin/api/articles", files={"file": (name, data)}, headers=headers or {})


def test_api_without_credentials_is_401(console) -> None:
    base, _ = console
    for method, path in [("GET", "/admin/api/articles"), ("POST", "/admin/api/answers"),
                         ("DELETE", "/admin/api/articles/x"), ("GET", "/admin/api/review")]:
        assert httpx.request(method, base + path).status_code == 401
        wrong = httpx.request(method, base + path, headers={"Authorization": "Bearer not-the-token"})
        assert wrong.status_code == 401
    assert httpx.get(base + "/admin/api/articles", headers=bearer()).status_code == 200


def test_login_form_sets_an_httponly_strict_cookie_and_cookie_writes_need_the_csrf_token(console) -> None:
    base, _ = console
    client, csrf, response = login(base)
    assert response.status_code == 303
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert csrf
    body = {"question": "海豚计划由谁负责？", "answer": "由小微业务部负责。"}
    assert client.post("/admin/api/answers", json=body).status_code == 403
    assert client.post("/admin/api/answers", json=body, headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert client.post("/admin/api/answers", json=body, headers={"X-CSRF-Token": csrf}).status_code == 201
    audit = client.get("/admin/api/audit").json()
    assert [a["action"] for a in audit[:2]] == ["answer.add", "login"]
    assert audit[0]["user"] == USER


def test_login_form_refuses_a_missing_csrf_token_and_wrong_passwords_then_rate_limits(console) -> None:
    base, _ = console
    client = httpx.Client(base_url=base)
    client.get("/admin/")
    no_csrf = client.post("/admin/login", data={"name": USER, "password": PASSWORD})
    assert no_csrf.status_code == 403
    statuses = [login(base, USER, "wrong password")[2].status_code for _ in range(6)]
    assert statuses[:4] == [401] * 4 and statuses[-1] == 429
    assert login(base)[2].status_code == 429  # the right password waits too: the name is rate limited


def test_an_upload_answers_at_once_and_a_delete_takes_it_away(console) -> None:
    base, _ = console
    client = httpx.Client(base_url=base, headers=bearer(), timeout=300)
    before = ask(base, "海豚计划的宽限期是多少天？")
    assert before["status"] == "no_answer"
    response = upload(client, "dolphin.md", ARTICLE.encode())
    assert response.status_code == 201, response.text
    assert response.json()["doc_id"] == "dolphin" and response.json()["chunks"] >= 2
    after = ask(base, "海豚计划的宽限期是多少天？")
    assert after["status"] == "answered" and "45天" in after["answer"]
    assert "dolphin" in {s["doc_id"] for s in after["sources"]}
    listed = {a["doc_id"]: a for a in client.get("/admin/api/articles").json()}
    assert listed["dolphin"]["cited_7d"] == 1 and listed["dolphin"]["title"].startswith("海豚计划")
    preview = client.get("/admin/api/articles/dolphin/preview").json()
    assert any("45天" in c["text"] for c in preview["chunks"])
    assert any(f["kind"] == "duration" and "45" in f["statement"] for f in preview["facts"]), preview["facts"]
    reingested = client.post("/admin/api/articles/dolphin/reingest")
    assert reingested.status_code == 200 and reingested.json()["chunks"] == response.json()["chunks"]
    assert "45天" in ask(base, "海豚计划的宽限期是多少天？")["answer"]
    assert client.delete("/admin/api/articles/dolphin").status_code == 204
    assert "dolphin" not in {a["doc_id"] for a in client.get("/admin/api/articles").json()}
    gone = ask(base, "海豚计划的宽限期是多少天？")
    assert "dolphin" not in {s["doc_id"] for s in gone["sources"]}


BAD_FILES = [
    ("empty.md", b"   \n", "empty"),
    ("tool.exe", b"MZ\x90\x00", "only"),
    ("broken.pdf", b"%PDF-1.4 this is not really a pdf", "PDF"),
    ("broken.docx", b"PK\x03\x04 not a zip", "docx"),
    ("latin1.txt", "Café crème, prime d'assurance".encode("latin-1"), "UTF-8"),
    ("no-text.md", "\n\n---\n\n".encode(), "no article text"),
]


def test_a_bad_file_is_refused_with_its_reason_and_nothing_changes(console) -> None:
    base, settings = console
    client = httpx.Client(base_url=base, headers=bearer(), timeout=120)
    before = client.get("/admin/api/articles").json()
    for name, data, reason in BAD_FILES:
        response = upload(client, name, data)
        assert 400 <= response.status_code < 500 and reason in response.json()["detail"], (name, response.text)
    assert client.get("/admin/api/articles").json() == before
    assert not list((settings.data_dir / "uploads").glob("*"))


def test_a_curated_answer_answers_a_question_meaning_the_same(console) -> None:
    base, _ = console
    client = httpx.Client(base_url=base, headers=bearer(), timeout=120)
    created = client.post("/admin/api/answers", json={
        "question": "你们公司的客服电话是多少？", "answer": "客服热线 400-000-1234，工作日 9:00-18:00。"})
    assert created.status_code == 201
    answer_id = created.json()["id"]
    reply = ask(base, "请问客服热线电话号码是多少")
    assert reply["status"] == "answered" and "400-000-1234" in reply["answer"]
    assert reply["sources"][0]["doc_id"] == f"curated:{answer_id}"
    other = ask(base, "信用保险的保费怎么计算？")
    assert f"curated:{answer_id}" not in {s["doc_id"] for s in other["sources"]}
    hits = {a["id"]: a["hits"] for a in client.get("/admin/api/answers").json()}
    assert hits[answer_id] == 1
    refused = client.post("/admin/api/answers", json={"question": "能帮我写一份虚假的出口单据吗？", "refuse": True})
    assert ask(base, "可以帮我伪造一份出口单据吗")["status"] == "no_answer"
    assert client.put("/admin/api/threshold", json={"threshold": 0.999}).status_code == 200
    assert ask(base, "请问客服热线电话号码是多少")["sources"][:1] != reply["sources"][:1]
    assert client.delete(f"/admin/api/answers/{refused.json()['id']}").status_code == 204


def test_curated_answers_round_trip_through_csv_and_a_bad_line_adds_nothing(console) -> None:
    base, _ = console
    client = httpx.Client(base_url=base, headers=bearer(), timeout=60)
    good = "question,answer,refuse\n保单在哪里下载？,登录客户门户下载。,0\n能借钱给我吗？,,1\n".encode()
    assert client.post("/admin/api/answers.csv", files={"file": ("a.csv", good)}).json() == {"imported": 2}
    exported = client.get("/admin/api/answers.csv").text
    assert "保单在哪里下载？" in exported and exported.splitlines()[0] == "question,answer,refuse"
    bad = "question,answer\n有答案的问题,答案\n没有答案的问题,\n".encode()
    response = client.post("/admin/api/answers.csv", files={"file": ("b.csv", bad)})
    assert response.status_code == 422 and "line 3" in response.json()["detail"]
    assert len(client.get("/admin/api/answers").json()) == 2


def test_the_review_queue_groups_by_meaning_and_a_group_becomes_a_curated_answer(console) -> None:
    base, _ = console
    client = httpx.Client(base_url=base, headers=bearer(), timeout=120)
    first = ask(base, "你们的办公地址在哪里？")
    second = ask(base, "请问你们办公室的地址在哪？")
    assert first["status"] == second["status"] == "no_answer"
    disliked = ask(base, "信用保险是什么？")
    httpx.post(f"{base}/api/feedback", json={"reply_id": disliked["reply_id"], "rating": "down",
                                             "comment": "太笼统了"}).raise_for_status()
    groups = client.get("/admin/api/review").json()
    office = next(g for g in groups if first["reply_id"] in g["reply_ids"])
    assert second["reply_id"] in office["reply_ids"] and office["count"] == 2
    down = next(g for g in groups if disliked["reply_id"] in g["reply_ids"])
    assert down["items"][0]["comment"] == "太笼统了" and "thumbs_down" in down["items"][0]["reasons"]
    curated = client.post("/admin/api/review/curate", json={
        "reply_ids": office["reply_ids"], "question": office["question"], "answer": "我们在上海市浦东新区办公。"})
    assert curated.status_code == 201
    remaining = client.get("/admin/api/review").json()
    assert all(first["reply_id"] not in g["reply_ids"] for g in remaining)
    assert ask(base, "你们办公地址在什么地方")["sources"][0]["doc_id"] == f"curated:{curated.json()['id']}"
    assert client.post("/admin/api/review/done", json={"reply_ids": [disliked["reply_id"]]}).status_code == 204
    assert all(disliked["reply_id"] not in g["reply_ids"] for g in client.get("/admin/api/review").json())
    conversation = client.get(f"/admin/api/conversations/{first['session_id']}").json()
    assert conversation[0]["question"] == "你们的办公地址在哪里？"


def test_the_overview_counts_replies_per_day_and_channel(console) -> None:
    base, _ = console
    ask(base, "信用保险是什么？")
    overview = httpx.get(f"{base}/admin/api/overview", headers=bearer()).json()
    assert overview["total"] == 1 and overview["per_day"][0]["total"] == 1
    assert overview["per_channel"][0]["channel"] == "web"


def test_outside_development_the_session_cookie_is_secure(console_settings) -> None:
    from bot.admin.accounts import create_user
    from bot.chat import build_chat_service
    from bot.web.server import create_app
    from tests.web.conftest import serve_in_thread

    settings = console_settings(environment="production", human_contact="信用顾问热线 400-000-0000")
    create_user(settings, USER, "advisor", PASSWORD)
    with serve_in_thread(create_app(settings, build_chat_service(settings)), settings.port) as base:
        page = httpx.get(f"{base}/admin/")
        assert "secure" in page.headers["set-cookie"].lower()  # the login form's CSRF cookie too
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        response = httpx.post(f"{base}/admin/login", data={"name": USER, "password": PASSWORD, "csrf": csrf},
                              headers={"Cookie": f"creditbot_login_csrf={page.cookies['creditbot_login_csrf']}"})
        assert response.status_code == 303 and "secure" in response.headers["set-cookie"].lower()
        me = httpx.get(f"{base}/admin/api/me", headers={"Cookie": f"creditbot_admin={response.cookies['creditbot_admin']}"})
        assert me.json()["name"] == USER and me.json()["role"] == "advisor"
        signed_in = {"Cookie": f"creditbot_admin={response.cookies['creditbot_admin']}"}
        csrf = me.json()["csrf"]
        refused = httpx.post(f"{base}/admin/api/articles", files={"file": ("dolphin.md", ARTICLE.encode())},
                             headers={**signed_in, "X-CSRF-Token": csrf})
        assert refused.status_code == 403 and "admin" in refused.json()["detail"]
