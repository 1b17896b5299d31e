"""Many clients changing one partnership and one deal at once through the local stack (issue #9, item 4):
optimistic locking answers a stale write with 409, and clients that reload and retry lose no update.

The local stack runs one invocation of a function at a time (as one Lambda execution environment does),
so here the race is between clients' reads and writes; the race inside one request (a write landing
between a handler's read and its transaction) is proven by the integration tests' ``before=`` hooks.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest
import requests

from tests.e2e.conftest import LocalStack

pytestmark = pytest.mark.e2e

ADMIN = "admin@acme.example"
CLIENTS = 8
ATTEMPTS = 60


def _api(stack: LocalStack) -> Callable[..., requests.Response]:
    headers = stack.as_user(ADMIN)

    def call(method: str, path: str, body: Any = None) -> requests.Response:
        # a session per call: requests.Session is not safe to share between threads
        return requests.request(method, stack.url(path), json=body, headers=headers, timeout=30)

    return call


def _retrying(change: Callable[[], requests.Response]) -> tuple[int, int]:
    """Apply one change, reloading after each 409: (attempts used, conflicts seen)."""
    for attempt in range(1, ATTEMPTS + 1):
        response = change()
        if response.status_code == 200:
            return attempt, attempt - 1
        assert response.status_code == 409, response.text
        assert response.headers["content-type"] == "application/problem+json"
    raise AssertionError(f"no success in {ATTEMPTS} attempts")


def test_concurrent_tag_changes_of_one_partnership_lose_nothing(stack: LocalStack) -> None:
    api = _api(stack)
    # Given a partnership and a tag per client in the program
    stamp = time.time_ns()
    tags = [f"conc-{stamp}-{n}" for n in range(CLIENTS)]
    current = api("GET", "/program").json()["tags"]
    program = api("PUT", "/program/tags", {"entries": [*({"id": t["id"], "name": t["name"]} for t in current),
                                                        *({"id": tag, "name": tag} for tag in tags)]})
    assert program.status_code == 200, program.text
    created = api("POST", "/partnerships",
                  {"company_name": f"Concurrent {stamp}", "partnership_type": "reseller"})
    assert created.status_code == 201, created.text
    path = f"/partnerships/{created.json()['id']}"

    def add(tag: str) -> Callable[[], requests.Response]:
        def change() -> requests.Response:
            partnership = api("GET", path).json()
            return api("PATCH", path, {"tags": [*partnership["tags"], tag],
                                       "expected_version": partnership["version"]})
        return change

    # When every client adds its own tag at once, reloading after a conflict
    with ThreadPoolExecutor(CLIENTS) as pool:
        outcomes = list(pool.map(lambda tag: _retrying(add(tag)), tags))

    # Then every tag is there, and the version counts exactly one change per client
    final = api("GET", path).json()
    assert sorted(final["tags"]) == sorted(tags)
    assert final["version"] == 1 + CLIENTS
    assert all(attempts >= 1 for attempts, _ in outcomes)  # how many raced depends on the scheduler


def test_of_writers_holding_one_version_exactly_one_wins(stack: LocalStack) -> None:
    api = _api(stack)
    created = api("POST", "/deals", {"name": f"Race {time.time_ns()}", "currency": "EUR", "amount": "100.00"})
    assert created.status_code == 201, created.text
    deal = created.json()
    path = f"/deals/{deal['id']}"

    # When eight clients all change the deal from the version they read
    with ThreadPoolExecutor(CLIENTS) as pool:
        statuses = Counter(pool.map(
            lambda n: api("PATCH", path, {"amount": f"{200 + n}.00", "expected_version": deal["version"]})
            .status_code, range(CLIENTS)))

    # Then one wins and seven are told to reload
    assert statuses == {200: 1, 409: CLIENTS - 1}
    assert api("GET", path).json()["version"] == deal["version"] + 1


def test_concurrent_increments_of_one_deal_lose_nothing(stack: LocalStack) -> None:
    api = _api(stack)
    created = api("POST", "/deals",
                  {"name": f"Counter {time.time_ns()}", "currency": "EUR", "amount": "0.00"})
    assert created.status_code == 201, created.text
    path = f"/deals/{created.json()['id']}"

    def increment() -> requests.Response:
        deal = api("GET", path).json()
        return api("PATCH", path, {"amount": str(Decimal(deal["amount"]) + 1),
                                   "expected_version": deal["version"]})

    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(lambda _: _retrying(increment), range(CLIENTS)))

    final = api("GET", path).json()
    assert Decimal(final["amount"]) == CLIENTS
    assert final["version"] == 1 + CLIENTS
