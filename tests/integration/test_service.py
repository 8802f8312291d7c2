"""The credit service over HTTP on loopback, with the sample fixtures, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.integration.credit_service import load_samples, postgres_schema, running_service, sample_service
from tests.support import wait_healthy

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def base_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "sqlite":
        with sample_service(tmp_path_factory.mktemp("svc")) as base:
            yield base
    else:
        with postgres_schema() as url:
            load_samples(url)
            with running_service(url) as (base, _server):
                yield base


@pytest.fixture
def http(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=10) as client:
        yield client


def test_healthz(http: httpx.Client) -> None:
    assert http.get("/healthz").json() == {"status": "ok"}


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("CN1007", "CN1007"),
        ("cn1007", "CN1007"),
        ("91330200FX9A4UWC0K", "CN1007"),
        ("华信", "CN1049"),
        ("宁波恒丰", "CN1007"),
        ("宁波恒丰化工材料有限公司", "CN1007"),
        ("宁波恒丰化工材料", "CN1007"),
        ("saigon textile", "VN2011"),
        ("HARBOR LANE", "US2033"),
        ("Müller Maschinenbau GmbH", "DE2000"),
    ],
)
def test_search_finds_best_first(http: httpx.Client, query: str, first: str) -> None:
    hits = http.get("/buyers/search", params={"q": query}).json()
    assert hits and hits[0]["buyer_id"] == first


def test_search_ranks_and_returns_empty_list(http: httpx.Client) -> None:
    ningbo = [h["buyer_id"] for h in http.get("/buyers/search", params={"q": "宁波"}).json()]
    assert sorted(ningbo) == ["CN1007", "CN1063"]
    assert http.get("/buyers/search", params={"q": "宁波蓝鲸湾零号进出口有限公司"}).json() == []
    assert http.get("/buyers/search", params={"q": "50%_"}).json() == []


def test_buyer_record_has_all_csv_columns(http: httpx.Client) -> None:
    body = http.get("/buyers/CN1077").json()
    assert body == {
        "buyer_id": "CN1077", "name": "青岛盛达纺织品有限公司", "country": "CN", "uscc": "9137020027923C7610",
        "industry": "纺织服装", "grade": 10, "status": "insolvent", "credit_limit_cny": 0.0,
        "avg_days_late": 120, "updated": "2026-10-31",
    }


def test_unknown_buyer_is_404_json(http: httpx.Client) -> None:
    for path in ("/buyers/XX9999", "/buyers/XX9999/receivables"):
        response = http.get(path)
        assert response.status_code == 404 and "not found" in response.json()["detail"]


def test_receivables_follow_the_contract_formulas(http: httpx.Client) -> None:
    body = http.get("/buyers/CN1007/receivables", params={"as_of": "2026-10-31", "period_days": 90}).json()
    # Hand-checked from tools/service/samples/invoices.csv (CN1007, 2026-10-31, 90 days).
    assert body["ar_outstanding"] == 1463772.21
    assert body["credit_sales"] == 1725945.73
    assert body["dso_days"] == 76.3
    assert body["aging"] == {"current": 703768.63, "d1_30": 362123.27, "d31_60": 397880.31, "d61_90": 0.0,
                             "d90_plus": 0.0}
    assert body["overdue_cny"] == 760003.58
    assert body["overdue_ratio"] == round(760003.58 / 1463772.21, 4)


def test_receivables_as_of_before_any_invoice(http: httpx.Client) -> None:
    body = http.get("/buyers/CN1007/receivables", params={"as_of": "2020-01-01"}).json()
    assert body["ar_outstanding"] == 0 and body["dso_days"] is None and body["period_days"] == 90


def test_calc_dso_and_invalid_numbers(http: httpx.Client) -> None:
    ok = http.post("/calc/dso", json={"receivables": 720000, "credit_sales": 1620000, "period_days": 90})
    assert ok.json()["dso_days"] == 40.0
    for body in (
        {"receivables": -1, "credit_sales": 10, "period_days": 90},
        {"receivables": 1, "credit_sales": 0, "period_days": 90},
        {"receivables": "a lot", "credit_sales": 10, "period_days": 90},
    ):
        response = http.post("/calc/dso", json=body)
        assert response.status_code == 422
        assert isinstance(response.json()["detail"], str) and response.json()["detail"]
    assert http.post("/calc/dso", content=b"not json", headers={"content-type": "application/json"}).status_code == 422


def test_calc_ratio_discount_cost(http: httpx.Client) -> None:
    body = http.post("/calc/ratio", json={"kind": "discount_cost", "discount_pct": 2, "discount_days": 10,
                                          "net_days": 30}).json()
    assert round(body["value"] * 100, 1) == 37.2
    assert body["compound"] == pytest.approx((1 + 2 / 98) ** (365 / 20) - 1, abs=1e-4)
    missing = http.post("/calc/ratio", json={"kind": "current_ratio", "current_assets": 5})
    assert missing.status_code == 422 and "current_liabilities" in missing.json()["detail"]


def test_openapi_docs(http: httpx.Client) -> None:
    assert http.get("/docs").status_code == 200
    assert "/buyers/{buyer_id}/receivables" in http.get("/openapi.json").json()["paths"]


def test_cli_import_exit_codes(tmp_path: Path) -> None:
    import subprocess
    import sys

    bad = tmp_path / "bad.csv"
    bad.write_text("buyer_id,name\nX,Y\n", encoding="utf-8")
    env = {"CREDITBOT_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    cmd = [sys.executable, "-m", "bot.cli", "import-buyers", str(bad)]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120, cwd=Path(__file__).parents[2])
    assert out.returncode == 1 and "line 1" in out.stdout


def test_creditbot_service_entry_point(tmp_path: Path) -> None:
    """``creditbot service`` serves the database of CREDITBOT_DATA_DIR on CREDITBOT_SERVICE_PORT, with its token."""
    import os
    import subprocess

    from tests.support import free_port

    load_samples(f"sqlite:///{(tmp_path / 'service.sqlite3').resolve()}")
    port = free_port()
    env = {**os.environ, "CREDITBOT_DATA_DIR": str(tmp_path), "CREDITBOT_SERVICE_PORT": str(port),
           "CREDITBOT_SERVICE_TOKEN": "entry-point-token-1"}
    env.pop("CREDITBOT_DATABASE_URL", None)
    root = Path(__file__).parents[2]
    proc = subprocess.Popen([str(root / ".venv" / "bin" / "creditbot"), "service"], env=env, cwd=root,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", process=proc)
        assert httpx.get(f"http://127.0.0.1:{port}/buyers/CN1049").status_code == 401
        auth = {"Authorization": "Bearer entry-point-token-1"}
        assert httpx.get(f"http://127.0.0.1:{port}/buyers/CN1049", headers=auth).json()["grade"] == 9
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.mark.postgres
def test_postgres_import_is_idempotent_and_all_or_nothing(tmp_path: Path) -> None:
    from sqlalchemy import create_engine, func, select

    from tests.integration.credit_service import SAMPLES
    from tools.service.db import InvoiceRow
    from tools.service.importing import import_csv

    with postgres_schema() as url:
        load_samples(url)
        again = import_csv(url, "invoices", SAMPLES / "invoices.csv")
        assert again.ok and again.inserted == 0
        bad = tmp_path / "bad.csv"
        bad.write_text(
            "invoice_id,buyer_id,issue_date,due_date,amount_cny,paid_cny,paid_date\n"
            "NEW-1,CN1007,2026-01-01,2026-01-31,100.00,0.00,\n"
            "NEW-2,NOPE99,2026-01-01,2026-01-31,100.00,0.00,\n",
            encoding="utf-8",
        )
        report = import_csv(url, "invoices", bad)
        assert [line for line, _ in report.errors] == [3]
        engine = create_engine(url)
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(InvoiceRow)).scalar_one() == 257
        engine.dispose()
