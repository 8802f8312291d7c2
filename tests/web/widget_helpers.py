"""What the widget's browser tests share: headless Chromium, waiting, the shadow root, screenshots, a third-party
host page on another origin, and a fake assistant with a few scripted behaviours (gated, long, buyer card).

Screenshots go to tests/output/ (gitignored).
"""

from __future__ import annotations

import base64
import http.server
import shutil
import tempfile
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.messages import Reply, Session, ToolCall, Turn
from tests.web.conftest import BANKRUPTCY_SOURCE, FakeAssistant

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
OUTPUT = Path(__file__).resolve().parents[1] / "output"
ROOT_JS = "document.getElementById('creditbot-widget').shadowRoot"
SNIPPET = "window.creditbot=window.creditbot||function(){(creditbot.q=creditbot.q||[]).push(arguments)};"


@pytest.fixture
def browser() -> Iterator[object]:
    """A fresh headless Chromium with its console log kept (skipped when the Debian packages are missing)."""
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        pytest.skip("needs /usr/bin/chromium and /usr/bin/chromedriver (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="creditbot-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", f"--user-data-dir={profile}", "--window-size=1280,860", "--lang=zh-CN",
                 "--force-device-scale-factor=1", "--hide-scrollbars"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def wait_for(condition: Callable[[], object], timeout: float = 15.0, what: str = "condition") -> object:
    """Wait until ``condition()`` is truthy (checked every 50 ms, like WebDriverWait); returns its value."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = condition()
        except Exception:  # the element may not exist yet
            value = None
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def shadow(driver) -> object:
    """The widget's shadow root."""
    return wait_for(lambda: driver.find_element("id", "creditbot-widget").shadow_root, what="the widget")


def js(driver, expression: str) -> object:
    """Evaluate ``expression`` with ``root`` bound to the widget's shadow root."""
    return driver.execute_script(f"const root = {ROOT_JS}; return {expression};")


def active_id(driver) -> str:
    """What has focus inside the widget: the focused element's id or class."""
    return js(driver, "root.activeElement ? (root.activeElement.id || root.activeElement.className) : ''")


def shot(driver, name: str) -> Path:
    """Save a screenshot of the viewport under tests/output/."""
    OUTPUT.mkdir(exist_ok=True)
    path = OUTPUT / f"widget_{name}.png"
    driver.save_screenshot(str(path))
    return path


def clip_png(driver, rect: dict[str, float], name: str | None = None) -> bytes:
    """PNG bytes of one viewport rectangle (CSS pixels), saved under tests/output/ when named."""
    shot_ = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "clip": {**rect, "scale": 1}})
    data = base64.b64decode(shot_["data"])
    if name:
        OUTPUT.mkdir(exist_ok=True)
        (OUTPUT / f"widget_{name}.png").write_bytes(data)
    return data


def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """(width, height, rows of RGB(A) bytes) of an 8-bit RGB or RGBA PNG, such as Chromium's screenshots."""
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, _, colour = struct.unpack(">IIBB", chunk[:10])
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw, bpp = zlib.decompress(idat), {2: 3, 6: 4}[colour]
    stride, rows, prev = width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):  # undo the PNG row filter (None, Sub, Up, Average, Paeth)
            a, b = line[x - bpp] if x >= bpp else 0, prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, rows


def differing_pixels(a: bytes, b: bytes, tolerance: int = 3) -> int:
    """How many pixels of two same-sized PNGs differ by more than ``tolerance`` in a channel (compositing
    rounds anti-aliased edges by one or two levels depending on the page's layers)."""
    (wa, ha, rows_a), (wb, hb, rows_b) = png_pixels(a), png_pixels(b)
    assert (wa, ha) == (wb, hb), f"sizes differ: {wa}x{ha} and {wb}x{hb}"
    channels = len(rows_a[0]) // wa
    return sum(
        1
        for ra, rb in zip(rows_a, rows_b, strict=True) if ra != rb
        for x in range(wa)
        if max(abs(p - q) for p, q in zip(ra[x * channels:(x + 1) * channels], rb[x * channels:(x + 1) * channels])) > tolerance
    )


def rect_of(driver, selector: str, inset: float = 0) -> dict[str, float]:
    """The viewport rectangle of the widget element ``selector``, shrunk by ``inset`` on every side."""
    r = js(driver, f"root.querySelector({selector!r}).getBoundingClientRect()")
    return {"x": r["x"] + inset, "y": r["y"] + inset, "width": r["width"] - 2 * inset, "height": r["height"] - 2 * inset}


def bot_messages(root) -> list:
    """The rendered assistant answers (not the greeting)."""
    return root.find_elements("css selector", ".msg.bot:not(.greeting)")


def console(driver) -> list[str]:
    """The browser console messages since the last call."""
    return [entry["message"] for entry in driver.get_log("browser")]


@contextmanager
def host_page(pages: dict[str, str], port: int) -> Iterator[str]:
    """A plain static server on 127.0.0.1:port for third-party pages (path -> HTML); yields its localhost origin."""
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            body = pages.get(self.path.split("?")[0])
            if body is None:
                self.send_error(404)
                return
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{port}"  # "localhost", not the chat server's 127.0.0.1: another origin
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


def embed_page(src: str, key: str, *, head: str = "", body: str = "<p>某贸易公司官网</p>", before: str = "") -> str:
    """A third-party page embedding the widget with the async snippet; ``before`` runs ahead of the script."""
    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>shop</title>{head}</head>'
            f"<body>{body}<script>{SNIPPET}{before}</script>"
            f'<script src="{src}" data-site-key="{key}" async></script></body></html>')


LONG_ANSWER = "\n".join(f"第{i}点：赔付前需核对保单条款、买方信用限额与报损期限，并保存往来凭证。" for i in range(1, 31))
BUYER = {"buyer_id": "CN1000", "name": "苏州鑫达精密机械有限公司", "country": "CN", "uscc": "91320500NF7LB9CG6Y",
         "industry": "机械设备", "grade": 5, "status": "insolvent", "credit_limit_cny": 1000000.0,
         "avg_days_late": 29, "updated": "2026-10-31", "score": 1.0}


class ScriptedAssistant(FakeAssistant):
    """The fake assistant plus: "等一下" waits for ``hold``; "长" answers 30 lines; "买家" a buyer lookup;
    "标点" half-width punctuation around a citation; "短" a two-character answer."""

    def __init__(self) -> None:
        super().__init__()
        self.hold = threading.Event()
        self.waiting = threading.Event()

    def answer(self, message: str, session: Session) -> Reply:
        """Answer by the scripted keyword, else like :class:`FakeAssistant`."""
        if "等一下" in message:
            self.waiting.set()
            assert self.hold.wait(30), "the test never released the held answer"
        if "长" in message:
            reply = Reply(LONG_ANSWER)
        elif "买家" in message:
            text = (f"{BUYER['buyer_id']} {BUYER['name']}\n- 状态：{BUYER['status']}\n"
                    f"- 建议信用限额：{BUYER['credit_limit_cny']:,.2f}元")
            reply = Reply(text, tool_calls=[ToolCall("buyer_lookup", {"query": "CN1000"}, {"matches": [BUYER]})])
        elif "标点" in message:
            reply = Reply("按保单约定,买方破产后(宣告之日起)应及时申报债权[1]。报损期限一般为30天[1]；逾期可能影响赔付:请尽早准备材料[1]。",
                          sources=[BANKRUPTCY_SOURCE])
        elif "短" in message:
            reply = Reply("好的。")
        else:
            return super().answer(message, session)
        session.turns.append(Turn(message, reply.answer, reply.status, message))
        return reply
