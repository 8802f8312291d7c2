"""The widget's typography rules (bot/static/widget-text.js) on edge cases, run in Node.js when it is installed."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

TEXT_JS = Path(__file__).resolve().parents[2] / "bot" / "static" / "widget-text.js"
CASES = {
    "按保单约定,买方破产后(宣告之日起)应及时申报债权。": "按保单约定，买方破产后（宣告之日起）应及时申报债权。",
    "注意:报损期限; 逾期不赔!": "注意：报损期限；逾期不赔！",
    "应收账款周转天数(DSO)": "应收账款周转天数（DSO）",
    "DSO, 即应收账款周转天数": "DSO，即应收账款周转天数",
    "建议信用限额：1,000,000.00元": "建议信用限额：100万元",
    "应收余额：123456789元，逾期 8,500.00元": "应收余额：1.2346亿元，逾期 8,500元",
    "DSO = 5,000,000 / 9,000,000 * 90 = 50.0": "DSO = 5,000,000 / 9,000,000 * 90 = 50.0",
    "see https://example.com/a?b=1 (English)": "see https://example.com/a?b=1 (English)",
    "比例为 2:1, 不变": "比例为 2:1，不变",
    "共3点.": "共3点。",
    "3.5万": "3.5万",
    "第二点.\n第三点": "第二点。\n第三点",
}


def test_full_width_punctuation_and_amounts_in_chinese_text():
    node = shutil.which("node")
    if node is None:
        pytest.skip("needs Node.js")
    script = TEXT_JS.read_text(encoding="utf-8") + (
        f"\nprocess.stdout.write(JSON.stringify({json.dumps(list(CASES), ensure_ascii=False)}"
        ".map(creditbotText.shown)));"
    )
    done = subprocess.run([node, "-e", script], capture_output=True, text=True, timeout=30, check=True)
    assert dict(zip(CASES, json.loads(done.stdout), strict=True)) == CASES
