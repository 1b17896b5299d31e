"""The program generator (bench/generate.py): the same seed gives the same items, each size has its
counts, UnprocessedItems are sent again, and what it writes reads back through the real API."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from bench import generate
from bench.harness import api_event, call, create_secrets, create_table, environment

ORG = "org-gen"


def _items(seed: int, size: generate.Size) -> list[tuple[str, dict[str, Any]]]:
    return list(generate.serialised(generate.program_items(size, seed=seed, organisation_id=ORG)))


TINY = generate.Size(partnerships=12, leads=40, deals=8, users=10, distributors=1)


def test_the_same_seed_gives_the_same_items_and_another_seed_others() -> None:
    # Given the same seed twice, and another seed
    first, again, other = _items(7, TINY), _items(7, TINY), _items(8, TINY)
    # Then the first two are item for item the same, and the third differs
    assert first == again
    assert first != other


def test_size_s_has_its_counts() -> None:
    # Given the program of size S
    program = generate.Program(ORG)
    list(generate.program_items(generate.SIZES["S"], seed=7, organisation_id=ORG, program=program))
    kinds = program.kinds
    # Then it has S's partnerships (two distributor levels among them), leads, deals and users
    assert len(program.partnerships) == kinds["PartnersTable:PartnershipItem"] == 50
    assert len(program.distributors) == 2
    assert len(program.sub_distributors) == 4
    assert kinds["LeadsTable:PartnershipViewItem"] == 50
    assert kinds["LeadsTable:LeadCopyItem"] == 1_000
    assert kinds["LeadsTable:DealCopyItem"] == 200
    assert kinds["PartnersTable:UserItem"] == kinds["PartnersTable:UserEmailItem"] == 20
    # and every distributor or reseller under one has its network node, each reseller its link
    assert kinds["PartnersTable:ResellerLinkItem"] >= 4
    assert kinds["PartnersTable:NetworkNodeItem"] == 6 + kinds["PartnersTable:ResellerLinkItem"] - 4


class FlakyClient:
    """Leaves the last two items of every first attempt unprocessed, as a throttled table would."""

    def __init__(self) -> None:
        self.calls: list[int] = []
        self.stored: list[dict[str, Any]] = []
        self._refuse = True

    def batch_write_item(self, **kwargs: Any) -> dict[str, Any]:
        requests = kwargs["RequestItems"]["T"]
        self.calls.append(len(requests))
        kept, unprocessed = (requests[:-2], requests[-2:]) if self._refuse else (requests, [])
        self._refuse = not self._refuse
        self.stored += [request["PutRequest"]["Item"] for request in kept]
        return {"UnprocessedItems": {"T": unprocessed} if unprocessed else {}}


def test_unprocessed_items_are_sent_again_until_none_is_left() -> None:
    # Given a table that leaves items unprocessed on every other call
    client, pauses = FlakyClient(), list[float]()
    items = [("T", {"pk": {"S": f"{n}"}}) for n in range(30)]
    # When 30 items are written
    written = generate.write_batches(client, items, pause=pauses.append)
    # Then every item is stored once: 25 (2 retried), then 5 (2 retried)
    assert sorted(item["pk"]["S"] for item in client.stored) == sorted(str(n) for n in range(30))
    assert client.calls == [25, 2, 5, 2]
    assert (written.items, written.calls, written.retries) == (30, 4, 2)
    assert len(pauses) == 2


@pytest.fixture
def filled() -> Iterator[generate.Program]:
    saved = dict(os.environ)
    environment("partners", "PartnersTable")
    try:
        with mock_aws():
            create_secrets()
            create_table("PartnersTable")
            create_table("LeadsTable")
            program, _ = generate.generate(boto3.client("dynamodb"), "S", organisation_id=ORG)
            yield program
    finally:
        os.environ.clear()
        os.environ.update(saved)


def test_the_generated_program_reads_back_through_the_api(filled: generate.Program) -> None:
    from partners.handlers.api import handler as partners_api
    from trellis.settings import get_settings

    claims = {"sub": f"u-{ORG}-00000", "custom:org_id": ORG, "custom:roles": "admin",
              "email": f"user0@{ORG}.example"}
    # When the vendor's admin lists its partnerships, 100 a page, until the last page
    environment("partners", "PartnersTable")
    get_settings.cache_clear()
    seen: list[str] = []
    query = {"limit": "100"}
    while True:
        page, _ = call(partners_api, api_event("GET", "/partnerships", "/partnerships", claims=claims,
                                               query=query))
        seen += [partnership["id"] for partnership in page["items"]]
        if not page.get("next_cursor"):
            break
        query = {"limit": "100", "cursor": page["next_cursor"]}
    # Then it sees every generated partnership
    assert sorted(seen) == sorted(filled.partnerships)

    # And the leads service lists the leads it received
    from leads.handlers.api import handler as leads_api

    environment("leads", "LeadsTable")
    get_settings.cache_clear()
    try:
        page, _ = call(leads_api, api_event("GET", "/leads", "/leads", claims=claims,
                                            query={"tab": "received", "limit": "25"}))
    finally:
        get_settings.cache_clear()
    assert len(page["items"]) == 25
    assert all(lead["vendor_organisation_id"] == ORG for lead in page["items"])
