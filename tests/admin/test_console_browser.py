"""The console in real headless Chromium: sign in, upload with progress, preview, delete, curated answers,
review queue to curated answer."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.admin.conftest import PASSWORD, USER, ask
from tests.admin.test_api import ARTICLE
from tests.web.widget_helpers import OUTPUT, browser, wait_for  # noqa: F401 - browser is a fixture

pytestmark = [pytest.mark.integration, pytest.mark.browser]


def sign_in(driver, base: str) -> None:
    driver.get(f"{base}/admin/")
    driver.find_element("id", "name").send_keys(USER)
    driver.find_element("id", "password").send_keys(PASSWORD)
    driver.find_element("id", "login").click()
    wait_for(lambda: "Sign out" in driver.page_source, what="the console after login")


def text(driver, css: str) -> str:
    return driver.find_element("css selector", css).text


def test_sign_in_upload_with_progress_preview_and_delete(browser, console, tmp_path: Path) -> None:
    base, _ = console
    driver = browser
    driver.get(f"{base}/admin/")
    driver.find_element("id", "password").send_keys("wrong password")
    driver.find_element("id", "name").send_keys(USER)
    driver.find_element("id", "login").click()
    wait_for(lambda: "Wrong user name or password" in driver.page_source, what="the login error")
    sign_in(driver, base)
    driver.get(f"{base}/admin/#knowledge")
    wait_for(lambda: driver.find_elements("css selector", "#articles tbody tr"), what="the article list")
    article = tmp_path / "dolphin.md"
    article.write_text(ARTICLE, encoding="utf-8")
    driver.find_element("id", "upload-file").send_keys(str(article))
    driver.find_element("id", "upload").click()
    seen = wait_for(lambda: text(driver, "#upload-status").startswith(("Uploading", "Ingesting", "Ingested"))
                    and text(driver, "#upload-status"), what="upload progress")
    assert driver.find_element("id", "upload-progress").is_displayed() or seen.startswith("Ingested")
    wait_for(lambda: text(driver, "#upload-status").startswith("Ingested"), timeout=120, what="the ingest")
    row = wait_for(lambda: driver.find_element("css selector", "tr[data-doc='dolphin']"), what="the new row")
    assert "海豚计划" in row.text
    assert "45天" in ask(base, "海豚计划的宽限期是多少天？")["answer"]
    row.find_element("css selector", "button.preview").click()
    wait_for(lambda: driver.find_element("id", "preview").is_displayed(), what="the preview")
    assert "45天" in text(driver, "#preview-chunks") and "海豚计划" in text(driver, "#preview-cleaned")
    OUTPUT.mkdir(exist_ok=True)
    driver.save_screenshot(str(OUTPUT / "console-knowledge.png"))
    driver.find_element("css selector", "tr[data-doc='dolphin'] button.delete").click()
    driver.switch_to.alert.accept()
    wait_for(lambda: not driver.find_elements("css selector", "tr[data-doc='dolphin']"), what="the row to go")
    assert "Deleted dolphin" in text(driver, "#flash")
    driver.get(f"{base}/admin/#audit")
    wait_for(lambda: "article.delete" in text(driver, "#audit"), what="the audit log")
    assert "article.upload" in text(driver, "#audit") and "login" in text(driver, "#audit")


def test_curated_answer_and_review_queue_to_curated_answer(browser, console) -> None:
    base, _ = console
    driver = browser
    unanswered = ask(base, "你们的办公地址在哪里？")
    assert unanswered["status"] == "no_answer"
    sign_in(driver, base)
    driver.get(f"{base}/admin/#answers")
    wait_for(lambda: driver.find_element("id", "threshold").get_attribute("value"), what="the threshold")
    driver.find_element("id", "answer-question").send_keys("你们公司的客服电话是多少？")
    driver.find_element("id", "answer-text").send_keys("客服热线 400-000-1234。")
    driver.find_element("id", "answer-add").click()
    wait_for(lambda: "400-000-1234" in text(driver, "#answers"), what="the new curated answer")
    reply = ask(base, "请问客服热线电话号码是多少")
    assert reply["sources"][0]["doc_id"].startswith("curated:")
    driver.refresh()
    wait_for(lambda: driver.find_element("css selector", "#answers td.hits").text == "1", what="the hit count")

    driver.get(f"{base}/admin/#review")
    group = wait_for(lambda: driver.find_element("css selector", "#review-groups .group"), what="a review group")
    assert "你们的办公地址在哪里？" in group.text and "no_answer" in group.text
    group.find_element("css selector", "textarea.curate-answer").send_keys("我们在上海市浦东新区办公。")
    group.find_element("css selector", "button.curate").click()
    wait_for(lambda: driver.find_elements("id", "review-empty"), what="the queue to empty")
    assert "from the review queue" in text(driver, "#flash")
    answered = ask(base, "请问你们办公室的地址在哪？")
    assert answered["status"] == "answered" and "浦东新区" in answered["answer"]
    driver.get(f"{base}/admin/#overview")
    wait_for(lambda: "Replies" in text(driver, "#figures"), what="the overview")
    assert driver.find_elements("css selector", "#chart-day .bar")
    driver.save_screenshot(str(OUTPUT / "console-overview.png"))
    assert httpx.get(f"{base}/admin/api/answers").status_code == 401
