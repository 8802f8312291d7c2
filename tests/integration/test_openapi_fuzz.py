"""schemathesis over both OpenAPI documents: no 5xx, and every documented response matches its schema.

Real servers on loopback: the chat server (fake assistant, real store) and the credit service (sample
ledger, bearer token). Bounded: a fixed number of examples per operation, a fixed seed, no example database.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from bot.config import Settings
from bot.web.server import create_app as create_chat_app
from tests.integration.credit_service import sample_service
from tests.support import running_server
from tests.web.conftest import fake_chat, web_settings
from tools.service.main import create_app as create_service_app

pytestmark = pytest.mark.integration
TOKEN = "fuzz-service-token"
ADMIN_TOKEN = "fuzz-admin-token"
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
BOUNDED = settings(
    max_examples=15,
    deadline=None,
    derandomize=True,  # the same examples on every run: a failure here is reproducible
    database=None,
    suppress_health_check=list(HealthCheck),
)


# The documents come from the apps themselves; the requests go to the real servers of the fixtures below.
service = schemathesis.openapi.from_dict(create_service_app("sqlite://").openapi())
chat = schemathesis.openapi.from_dict(create_chat_app(Settings(_env_file=None)).openapi())


@pytest.fixture(scope="module")
def service_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with sample_service(tmp_path_factory.mktemp("fuzz-svc"), TOKEN) as base:
        yield base


@pytest.fixture(scope="module")
def chat_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir: Path = tmp_path_factory.mktemp("fuzz-chat")
    chat_settings = web_settings(data_dir, 0, rate_limit_per_minute=100_000, site_rate_limit_per_minute=100_000,
                                 admin_token=ADMIN_TOKEN)
    with running_server(create_chat_app(chat_settings, fake_chat(chat_settings))) as (base, _):
        yield base


@service.parametrize()
@BOUNDED
def test_credit_service_never_fails_and_answers_as_documented(case: schemathesis.Case, service_url: str) -> None:
    case.call_and_validate(base_url=service_url, headers={"Authorization": f"Bearer {TOKEN}"}, checks=CHECKS)


@service.parametrize()
@BOUNDED
def test_credit_service_without_the_token_is_401_as_documented(case: schemathesis.Case, service_url: str) -> None:
    response = case.call_and_validate(base_url=service_url, checks=CHECKS)
    assert case.path == "/healthz" or response.status_code >= 400  # 401, or a body refused before the token


@chat.parametrize()
@BOUNDED
def test_chat_server_never_fails_and_answers_as_documented(case: schemathesis.Case, chat_url: str) -> None:
    case.call_and_validate(base_url=chat_url, checks=CHECKS)


@chat.include(path_regex="^/admin/api/handoffs").parametrize()
@BOUNDED
def test_handoff_api_with_the_admin_token_answers_as_documented(case: schemathesis.Case, chat_url: str) -> None:
    case.call_and_validate(base_url=chat_url, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}, checks=CHECKS)
