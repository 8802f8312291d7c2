"""The buyer directory is fetched at most once per TTL, a failed fetch included."""

from __future__ import annotations

from tools.directory import BuyerDirectory
from tools.errors import ServiceUnavailable
from tools.schemas import BuyerName


class Service:
    """A credit-service client whose directory can be changed or taken down."""

    def __init__(self) -> None:
        self.names = [BuyerName(buyer_id="AH0001", name="合肥锦程包装有限公司")]
        self.down = False
        self.fetches = 0

    def directory(self) -> list[BuyerName]:
        self.fetches += 1
        if self.down:
            raise ServiceUnavailable("down")
        return self.names


def test_the_directory_is_kept_for_its_ttl_then_fetched_again() -> None:
    now = [0.0]
    service = Service()
    directory = BuyerDirectory(service, ttl_s=60, clock=lambda: now[0])  # type: ignore[arg-type]
    assert [h.buyer_id for h in directory.find("锦程包装的额度")] == ["AH0001"]
    service.names = [*service.names, BuyerName(buyer_id="AH0002", name="合肥瑞丰包装有限公司")]
    now[0] = 59.0
    assert directory.find("瑞丰包装的额度") == [] and service.fetches == 1
    now[0] = 60.0
    assert [h.buyer_id for h in directory.find("瑞丰包装的额度")] == ["AH0002"] and service.fetches == 2


def test_a_service_that_is_down_costs_one_attempt_per_ttl() -> None:
    now = [0.0]
    service = Service()
    service.down = True
    directory = BuyerDirectory(service, ttl_s=30, clock=lambda: now[0])  # type: ignore[arg-type]
    for _ in range(5):
        assert directory.find("锦程包装") == []
    assert service.fetches == 1
    service.down = False
    now[0] = 31.0
    assert directory.find("锦程包装")[0].buyer_id == "AH0001" and service.fetches == 2
