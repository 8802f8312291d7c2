"""HTTP client of the credit service: bearer token, timeouts, errors from :mod:`tools.errors`.

Only what says "the service is not there right now" is retried: connection errors and timeouts, 502,
503 and 504. A 500 is the service failing on this request, which a retry would only repeat.
The transport is injectable so unit tests can use ``httpx.MockTransport``.
"""

from __future__ import annotations

import logging
import threading
from datetime import date
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

from tools.errors import BuyerNotFound, InvalidInput, ServiceUnavailable
from tools.schemas import Buyer, BuyerMatch, BuyerName, DsoArgs, DsoResult, RatioArgs, RatioResult, Receivables

logger = logging.getLogger(__name__)
M = TypeVar("M", bound=BaseModel)
RETRIED_STATUS = frozenset({502, 503, 504})


class CreditServiceClient:
    """Talks to the credit service (``CREDITBOT_SERVICE_URL``)."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout_s: float = 5.0,
        retries: int = 1,
        token: str | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.retries = retries
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._options = {"base_url": base_url.rstrip("/"), "timeout": timeout_s, "transport": transport,
                         "headers": headers}
        self._client: httpx.Client | None = None
        self._lock = threading.Lock()

    @property
    def _http(self) -> httpx.Client:
        """The connection pool, made on the first request: its TLS context alone is ~0.4 s of CPU, which a chat
        server's start would pay for a tool nobody may ask for yet."""
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = httpx.Client(**self._options)  # type: ignore[arg-type]
        return self._client

    def close(self) -> None:
        """Close the connection pool (if one was made)."""
        if self._client is not None:
            self._client.close()

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        last: Exception | None = None
        for attempt in range(self.retries + 1):
            try:
                response = self._http.request(method, path, **kwargs)
            except httpx.TransportError as e:  # connection refused, timeout, reset ...
                last = e
                logger.warning("credit service %s failed (attempt %d): %s", method, attempt + 1, e.__class__.__name__)
                continue
            if response.status_code in RETRIED_STATUS:
                last = ServiceUnavailable(f"credit service answered HTTP {response.status_code}")
                logger.warning("credit service %s answered %d (attempt %d)", method, response.status_code, attempt + 1)
                continue
            if response.status_code >= 500:
                raise ServiceUnavailable(f"credit service failed on the request (HTTP {response.status_code})")
            if response.status_code == 401:
                raise ServiceUnavailable("credit service refused the token (set CREDITBOT_SERVICE_TOKEN alike on both)")
            if response.status_code == 404:
                raise BuyerNotFound(_detail(response) or "buyer not found")
            if response.status_code in (400, 422):
                raise InvalidInput(_detail(response) or "invalid input")
            if response.status_code >= 400:
                raise ServiceUnavailable(f"credit service refused the request (HTTP {response.status_code})")
            try:
                return response.json()
            except ValueError as e:
                raise ServiceUnavailable("credit service answered something that is not JSON") from e
        raise ServiceUnavailable(f"credit service at {self._http.base_url} is not answering") from last

    def search_buyers(self, query: str) -> list[BuyerMatch]:
        """Buyers matching an id, USCC or (part of) a name, best first."""
        data = self._request("GET", "/buyers/search", params={"q": query})
        if not isinstance(data, list):
            raise ServiceUnavailable("credit service answered search with something that is not a list")
        return [_parse(BuyerMatch, b) for b in data]

    def directory(self, page: int = 5000) -> list[BuyerName]:
        """Every buyer's id, name and USCC (``GET /buyers``, page by page)."""
        names: list[BuyerName] = []
        while True:
            data = self._request("GET", "/buyers", params={"offset": len(names), "limit": page})
            if not isinstance(data, list):
                raise ServiceUnavailable("credit service answered the directory with something that is not a list")
            names.extend(_parse(BuyerName, b) for b in data)
            if len(data) < page:
                return names

    def get_buyer(self, buyer_id: str) -> Buyer:
        """One buyer's record; :class:`BuyerNotFound` when unknown."""
        return _parse(Buyer, self._request("GET", f"/buyers/{_segment(buyer_id)}"))

    def receivables(self, buyer_id: str, *, as_of: date | None = None, period_days: int = 90) -> Receivables:
        """A buyer's receivables, DSO and ageing (service formulas)."""
        params: dict[str, Any] = {"period_days": period_days}
        if as_of is not None:
            params["as_of"] = as_of.isoformat()
        return _parse(Receivables, self._request("GET", f"/buyers/{_segment(buyer_id)}/receivables", params=params))

    def calc_dso(self, args: DsoArgs) -> DsoResult:
        """``POST /calc/dso``."""
        return _parse(DsoResult, self._request("POST", "/calc/dso", json=args.model_dump()))

    def calc_ratio(self, args: RatioArgs) -> RatioResult:
        """``POST /calc/ratio``."""
        return _parse(RatioResult, self._request("POST", "/calc/ratio", json=args.model_dump(exclude_none=True)))


def _parse(model: type[M], data: Any) -> M:
    """Validate an answer; a service speaking another schema counts as unavailable."""
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise ServiceUnavailable(f"credit service answered an unexpected {model.__name__}") from e


def _segment(buyer_id: str) -> str:
    return quote(buyer_id, safe="")


def _detail(response: httpx.Response) -> str | None:
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        return None
    return detail if isinstance(detail, str) else None
