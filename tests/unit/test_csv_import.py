"""CSV import: every bad line reported with its number, nothing written, idempotent re-import."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tools.service.db import BuyerRow, InvoiceRow, make_engine
from tools.service.importing import import_csv
from tools.uscc import check_char, uscc_problem

SAMPLES = Path(__file__).resolve().parents[2] / "tools" / "service" / "samples"
BUYERS_HEADER = "buyer_id,name,country,uscc,industry,grade,status,credit_limit_cny,avg_days_late,updated\n"
INVOICES_HEADER = "invoice_id,buyer_id,issue_date,due_date,amount_cny,paid_cny,paid_date\n"


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'service.sqlite3'}"


def count(url: str, model: type) -> int:
    engine = make_engine(url)
    with engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(model)).scalar_one()
    engine.dispose()
    return n


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_sample_usccs_have_valid_check_characters() -> None:
    with (SAMPLES / "buyers.csv").open(encoding="utf-8") as handle:
        usccs = [row["uscc"] for row in csv.DictReader(handle) if row["uscc"]]
    assert len(usccs) == 12
    for uscc in usccs:
        assert uscc_problem(uscc) is None, uscc


def test_uscc_check_character_detects_a_typo() -> None:
    assert check_char("91330200FX9A4UWC0") == "K"
    assert uscc_problem("91330200FX9A4UWC0L") is not None
    assert uscc_problem("91330200FX9A4UWC0") is not None
    assert "code set" in uscc_problem("91330200FX9A4UWC0I")


def test_samples_import_and_reimport_is_idempotent(db_url: str) -> None:
    first = import_csv(db_url, "buyers", SAMPLES / "buyers.csv")
    assert first.ok, first.summary()
    assert first.inserted == 16
    assert import_csv(db_url, "invoices", SAMPLES / "invoices.csv").ok
    again = import_csv(db_url, "invoices", SAMPLES / "invoices.csv")
    assert again.ok and again.inserted == 0 and again.updated == 257
    assert count(db_url, BuyerRow) == 16
    assert count(db_url, InvoiceRow) == 257


def test_bad_buyers_file_reports_every_line_and_writes_nothing(db_url: str, tmp_path: Path) -> None:
    text = BUYERS_HEADER + (
        "CN1,宁波恒丰化工材料有限公司,CN,91330200FX9A4UWC0K,化工,5,active,5000000,19,2026-10-31\n"  # good
        "CN2,坏校验码有限公司,CN,91330200FX9A4UWC0L,化工,5,active,5000000,19,2026-10-31\n"  # line 3
        "CN3,等级太高有限公司,CN,91330200FX9A4UWC0K,化工,11,active,5000000,19,2026-10-31\n"  # line 4
        "CN4,状态不对有限公司,CN,91330200FX9A4UWC0K,化工,5,bankrupt,5000000,19,2026-10-31\n"  # line 5
        "US5,Bad Date LLC,US,,retail,5,active,100,0,31/10/2026\n"  # line 6
        "US6,Negative Limit LLC,US,,retail,5,active,-100,0,2026-10-31\n"  # line 7
        "CN1,重复编号有限公司,CN,91330200FX9A4UWC0K,化工,5,active,1,0,2026-10-31\n"  # line 8
    )
    report = import_csv(db_url, "buyers", write(tmp_path, "b.csv", text))
    assert not report.ok
    assert [line for line, _ in report.errors] == [3, 4, 5, 6, 7, 8]
    assert "check character" in report.errors[0][1]
    assert "line 6" in report.summary() and "nothing imported" in report.summary()
    assert count(db_url, BuyerRow) == 0


def test_wrong_header_is_refused(db_url: str, tmp_path: Path) -> None:
    report = import_csv(db_url, "buyers", write(tmp_path, "b.csv", "id,name\nCN1,x\n"))
    assert report.errors and report.errors[0][0] == 1


def test_bad_invoices_file_reports_every_line(db_url: str, tmp_path: Path) -> None:
    assert import_csv(db_url, "buyers", SAMPLES / "buyers.csv").ok
    text = INVOICES_HEADER + (
        "I1,CN1007,2026-01-01,2026-01-31,100.00,0.00,\n"  # good
        "I2,CN1007,2026-01-01,2026-01-31,100.00,150.00,2026-02-01\n"  # 3: paid > amount
        "I3,CN1007,2026-01-01,2026-01-31,100.00,50.00,\n"  # 4: paid without date
        "I4,NOPE99,2026-01-01,2026-01-31,100.00,0.00,\n"  # 5: unknown buyer
        "I5,CN1007,2026-13-01,2026-01-31,100.00,0.00,\n"  # 6: bad date
        "I6,CN1007,2026-01-01,2026-01-31,abc,0.00,\n"  # 7: not a number
        "I7,CN1007,2026-01-01,2026-01-31,-5,0.00,\n"  # 8: negative
        "I8,CN1007,2026-01-01\n"  # 9: short row
    )
    report = import_csv(db_url, "invoices", write(tmp_path, "i.csv", text))
    assert [line for line, _ in report.errors] == [3, 4, 5, 6, 7, 8, 9]
    assert "not a known buyer" in dict(report.errors)[5]
    assert count(db_url, InvoiceRow) == 0


def test_reimport_updates_changed_rows(db_url: str, tmp_path: Path) -> None:
    row = "CN1,宁波恒丰化工材料有限公司,CN,91330200FX9A4UWC0K,化工,{grade},active,5000000,19,2026-10-31\n"
    assert import_csv(db_url, "buyers", write(tmp_path, "a.csv", BUYERS_HEADER + row.format(grade=5))).ok
    report = import_csv(db_url, "buyers", write(tmp_path, "b.csv", BUYERS_HEADER + row.format(grade=8)))
    assert report.ok and report.updated == 1
    engine = make_engine(db_url)
    with engine.connect() as conn:
        assert conn.execute(select(BuyerRow.grade)).scalar_one() == 8
    engine.dispose()


def test_gbk_encoded_row_is_reported_by_its_line_number(db_url: str, tmp_path: Path) -> None:
    """Issue 10, item 9: the report named a byte position, not the line."""
    rows = (SAMPLES / "buyers.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    data = b"".join(r.encode("utf-8") for r in rows[:3]) + rows[3].encode("gbk") + rows[4].encode("utf-8")
    path = tmp_path / "mixed.csv"
    path.write_bytes(data)
    report = import_csv(db_url, "buyers", path)
    assert [line for line, _ in report.errors] == [4] and "UTF-8" in report.errors[0][1]
    assert "line 4" in report.summary() and count(db_url, BuyerRow) == 0
