"""The distributor module (issue #3 item 11): the switch, reseller assignments, levels, history.

Every assignment change is one transaction: the items on both sides, an activity entry on each
partnership and its event. Bad requests write nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.helpers.assertions import assert_problem, entities, outbox_events
from tests.helpers.aws import Stack
from tests.helpers.lambda_runtime import ApiClient, User
from tests.helpers.network import archive_directly, assign, switch_module
from tests.helpers.people import ANA, BEN, CLEO, NOROLE, PAT, SALLY, YVES, ZED

TABLE = "PartnersTable"
NewPartnership = Callable[..., dict[str, Any]]


@pytest.fixture
def network(partners: ApiClient, new_partnership: NewPartnership) -> dict[str, str]:
    """acme's module switched on, a distributor and two resellers."""
    switch_module(partners, ANA)
    return {
        "distributor": new_partnership(company_name="Contoso Distribution",
                                       partnership_type="distributor")["id"],
        "reseller": new_partnership(company_name="Northwind Resale", country="DE")["id"],
        "other": new_partnership(company_name="Fabrikam Referrals", partnership_type="referral")["id"],
    }


def _activity_kinds(partners: ApiClient, partnership_id: str) -> list[str]:
    items = partners.get(f"/partnerships/{partnership_id}/activity").json()["items"]
    return [entry["kind"] for entry in items]


def _chain_at(partners: ApiClient, reseller_id: str, at: datetime) -> list[str]:
    with partners.runner.env_applied():
        from partners.dal.network import chain_at

        return chain_at("acme", reseller_id, at)


def _has_resellers(partners: ApiClient, distributor_id: str) -> bool:
    with partners.runner.env_applied():
        from partners.dal.network import has_resellers

        return has_resellers("acme", distributor_id)


# ---------------------------------------------------------------- the module switch


def test_the_module_is_off_until_an_admin_switches_it_on(aws: Stack, partners: ApiClient) -> None:
    response = partners.get("/distributor-module", user=CLEO)
    assert response.status == 200, response.text
    assert response.json() == {"enabled": False, "updated_at": None, "updated_by": None, "version": 0}
    assert response.calls.operations == ["GetItem"]
    # When the admin switches it on: one read, one transaction with its event
    switched = partners.put("/distributor-module", json_body={"enabled": True})
    assert switched.status == 200, switched.text
    assert (switched.json()["enabled"], switched.json()["updated_by"], switched.json()["version"]) == (
        True, ANA.user_id, 1)
    assert switched.calls.operations == ["GetItem", "TransactWriteItems"]
    [event] = outbox_events(aws, TABLE)
    assert (event["type"], event["data"]) == (
        "DistributorModuleToggled", {"vendor_organisation_id": "acme", "enabled": True})
    # Switching it on again changes nothing and tells nobody
    again = partners.put("/distributor-module", json_body={"enabled": True})
    assert again.json()["version"] == 1
    assert again.calls.operations == ["GetItem"]
    assert len(outbox_events(aws, TABLE)) == 1
    # Another organisation's switch is its own
    assert partners.get("/distributor-module", user=ZED).json()["enabled"] is False


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "enabled"), ({"enabled": "true"}, "enabled"), ({"enabled": 1}, "enabled"),
     ({"enabled": True, "tier": 1}, "tier")],
)
def test_an_invalid_switch_is_refused_and_writes_nothing(
    aws: Stack, partners: ApiClient, body: dict[str, Any], field: str,
) -> None:
    before = aws.count(TABLE)
    response = partners.put("/distributor-module", json_body=body)
    assert_problem(response, 422, field)
    assert response.calls.operations == []
    assert aws.count(TABLE) == before


@pytest.mark.parametrize("user", [BEN, CLEO, NOROLE, SALLY, PAT], ids=lambda user: user.user_id)
def test_only_an_admin_switches_the_module(aws: Stack, partners: ApiClient, user: User) -> None:
    before = aws.count(TABLE)
    assert_problem(partners.put("/distributor-module", json_body={"enabled": True}, user=user), 403)
    assert aws.count(TABLE) == before


@pytest.mark.parametrize("user", [NOROLE, SALLY, PAT], ids=lambda user: user.user_id)
def test_partner_roles_do_not_read_the_switch(partners: ApiClient, user: User) -> None:
    assert_problem(partners.get("/distributor-module", user=user), 403)


# ---------------------------------------------------------------- assigning and listing


def test_a_vendor_assigns_a_reseller_to_a_distributor(
    aws: Stack, partners: ApiClient, network: dict[str, str],
) -> None:
    distributor, reseller = network["distributor"], network["reseller"]
    # When the partner manager assigns the reseller
    response = partners.post(f"/distributors/{distributor}/resellers", json_body={"reseller_id": reseller},
                             user=BEN)
    assert response.status == 201, response.text
    body = response.json()
    assert (body["distributor_id"], body["reseller_id"]) == (distributor, reseller)
    assert body["chain"] == [distributor]
    # Then it read the switch, both partnerships and their network places at once, and wrote once
    assert response.calls.operations == ["BatchGetItem", "TransactWriteItems"]
    event = outbox_events(aws, TABLE)[-1]
    assert event["type"] == "ResellerAssigned"
    assert event["actor"]["user_id"] == BEN.user_id
    data = event["data"]
    assert datetime.fromisoformat(data.pop("assigned_at")) == datetime.fromisoformat(body["assigned_at"])
    assert data == {
        "vendor_organisation_id": "acme", "distributor_id": distributor, "reseller_id": reseller,
        "chain": [distributor],
    }
    # And both partnerships' activity logs say so
    assert _activity_kinds(partners, distributor)[0] == "reseller_assigned"
    assert _activity_kinds(partners, reseller)[0] == "distributor_assigned"
    # And the distributor's list shows the reseller: one Query, one BatchGetItem
    listed = partners.get(f"/distributors/{distributor}/resellers", user=CLEO)
    assert listed.status == 200, listed.text
    assert listed.calls.operations == ["Query", "BatchGetItem"]
    [item] = listed.json()["items"]
    assert (item["id"], item["company_name"]) == (reseller, "Northwind Resale")
    assert item["partnership_type"] == "reseller"
    assert (item["country"], item["archived"]) == ("DE", False)
    assert item["assigned_by"] == BEN.user_id
    assert listed.json()["next_cursor"] is None
    # And the reseller's distributors show the distributor
    distributors = partners.get(f"/partnerships/{reseller}/distributors", user=CLEO)
    assert distributors.status == 200, distributors.text
    assert [d["id"] for d in distributors.json()["items"]] == [distributor]
    assert distributors.calls.operations == ["BatchGetItem", "BatchGetItem"]
    assert _has_resellers(partners, distributor) is True
    assert _has_resellers(partners, reseller) is False


def test_a_reseller_may_work_with_several_distributors(
    partners: ApiClient, new_partnership: NewPartnership, network: dict[str, str],
) -> None:
    second = new_partnership(company_name="Litware Distribution", partnership_type="distributor")["id"]
    assign(partners, network["distributor"], network["reseller"])
    assign(partners, second, network["reseller"])
    listed = partners.get(f"/partnerships/{network['reseller']}/distributors").json()["items"]
    assert [d["id"] for d in listed] == [network["distributor"], second]
    # Assigning the same pair again is a conflict
    assert_problem(partners.post(f"/distributors/{second}/resellers",
                                 json_body={"reseller_id": network["reseller"]}), 409)


def test_the_resellers_list_pages_with_a_cursor(
    partners: ApiClient, new_partnership: NewPartnership, network: dict[str, str],
) -> None:
    distributor = network["distributor"]
    resellers = {new_partnership(company_name=f"Reseller {n}")["id"] for n in range(3)}
    for reseller in resellers:
        assign(partners, distributor, reseller)
    first = partners.get(f"/distributors/{distributor}/resellers", query={"limit": 2})
    assert first.status == 200, first.text
    assert first.calls.operations == ["Query", "BatchGetItem"]
    assert first.calls.calls[0].items_read == 2
    assert len(first.json()["items"]) == 2
    second = partners.get(f"/distributors/{distributor}/resellers",
                          query={"limit": 2, "cursor": first.json()["next_cursor"]})
    assert second.status == 200, second.text
    assert second.calls.operations == ["Query", "BatchGetItem"]
    assert {item["id"] for item in first.json()["items"] + second.json()["items"]} == resellers
    # A cursor of another distributor's list is refused
    other = partners.get(f"/distributors/{network['reseller']}/resellers",
                         query={"cursor": first.json()["next_cursor"]})
    assert_problem(other, 400, "cursor")


# ---------------------------------------------------------------- levels and cycles


def test_a_distributor_can_sell_through_a_master_distributor(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership, network: dict[str, str],
) -> None:
    master = new_partnership(company_name="Master Dist", partnership_type="distributor")["id"]
    distributor, reseller = network["distributor"], network["reseller"]
    assign(partners, master, distributor)
    response = partners.post(f"/distributors/{distributor}/resellers", json_body={"reseller_id": reseller})
    assert response.status == 201, response.text
    assert response.json()["chain"] == [distributor, master]
    # One more BatchGetItem per level walked up
    assert response.calls.operations == ["BatchGetItem", "BatchGetItem", "TransactWriteItems"]
    assert outbox_events(aws, TABLE)[-1]["data"]["chain"] == [distributor, master]
    assert _chain_at(partners, reseller, datetime.now(UTC)) == [distributor, master]


def test_a_loop_is_refused_and_writes_nothing(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership, network: dict[str, str],
) -> None:
    a, b, c = (new_partnership(company_name=name, partnership_type="distributor")["id"] for name in "ABC")
    assign(partners, a, b)  # B resells for A
    before = aws.count(TABLE)
    # A → B → A
    response = partners.post(f"/distributors/{b}/resellers", json_body={"reseller_id": a})
    assert "loop" in assert_problem(response, 409)["detail"]
    # A → B → C → A
    assign(partners, b, c)
    before = aws.count(TABLE)
    response = partners.post(f"/distributors/{c}/resellers", json_body={"reseller_id": a})
    assert "loop" in assert_problem(response, 409)["detail"]
    # The walk up read one level per BatchGetItem: C's distributors (B), then B's (A)
    assert response.calls.operations == ["BatchGetItem", "BatchGetItem", "BatchGetItem"]
    assert aws.count(TABLE) == before


def test_the_network_is_at_most_three_distributor_tiers_deep(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership, network: dict[str, str],
) -> None:
    d1, d2, d3, d4 = (new_partnership(company_name=f"D{n}", partnership_type="distributor")["id"]
                      for n in range(1, 5))
    assign(partners, d1, network["reseller"])  # reseller ← d1
    assign(partners, d2, d1)  # ← d2
    assign(partners, d3, d2)  # ← d3: three tiers above the reseller
    before = aws.count(TABLE)
    response = partners.post(f"/distributors/{d4}/resellers", json_body={"reseller_id": d3})
    assert "3 tiers" in assert_problem(response, 409)["detail"]
    assert aws.count(TABLE) == before
    # d4 may still resell for d1 (three tiers above d4) ...
    assign(partners, d1, d4)
    # ... but not take a reseller of its own: that would be a fourth tier above it
    before = aws.count(TABLE)
    response = partners.post(f"/distributors/{d4}/resellers", json_body={"reseller_id": network["other"]})
    assert "3 tiers" in assert_problem(response, 409)["detail"]
    assert aws.count(TABLE) == before


# ---------------------------------------------------------------- removal keeps the past


def test_removing_an_assignment_keeps_who_distributed_when(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership, network: dict[str, str],
) -> None:
    distributor, reseller = network["distributor"], network["reseller"]
    master = new_partnership(company_name="Master Dist", partnership_type="distributor")["id"]
    before_any = datetime.now(UTC)
    assign(partners, distributor, reseller)
    assign(partners, master, distributor)
    while_assigned = datetime.now(UTC)
    # When the assignment ends
    response = partners.request("DELETE", f"/distributors/{distributor}/resellers/{reseller}", user=BEN)
    assert response.status == 204, response.text
    assert response.text == ""
    assert response.calls.operations == ["BatchGetItem", "BatchGetItem", "TransactWriteItems"]
    event = outbox_events(aws, TABLE)[-1]
    assert event["type"] == "ResellerUnassigned"
    assert (event["data"]["distributor_id"], event["data"]["reseller_id"], event["data"]["chain"]) == (
        distributor, reseller, [distributor, master])
    after_removal = datetime.now(UTC)
    # Then the lists no longer show it, and the distributor has no resellers left
    assert partners.get(f"/distributors/{distributor}/resellers").json()["items"] == []
    assert partners.get(f"/partnerships/{reseller}/distributors").json()["items"] == []
    assert _has_resellers(partners, distributor) is False
    assert _activity_kinds(partners, distributor)[0] == "reseller_unassigned"
    assert _activity_kinds(partners, reseller)[:2] == ["distributor_unassigned", "distributor_assigned"]
    # But who distributed for the reseller, and when, is kept
    assert entities(aws, TABLE)["PastDistributor"] == 1
    assert _chain_at(partners, reseller, before_any) == []
    assert _chain_at(partners, reseller, while_assigned) == [distributor, master]
    assert _chain_at(partners, reseller, after_removal) == []
    # A new assignment starts a new period
    second = new_partnership(company_name="Litware Distribution", partnership_type="distributor")["id"]
    assign(partners, second, reseller)
    assert _chain_at(partners, reseller, datetime.now(UTC)) == [second]
    assert _chain_at(partners, reseller, while_assigned) == [distributor, master]
    # And removing what is not assigned is a 404
    assert_problem(partners.request("DELETE", f"/distributors/{distributor}/resellers/{reseller}"), 404)


def test_switching_the_module_off_keeps_the_assignments(
    aws: Stack, partners: ApiClient, network: dict[str, str],
) -> None:
    distributor, reseller = network["distributor"], network["reseller"]
    assign(partners, distributor, reseller)
    switch_module(partners, ANA, enabled=False)
    assert outbox_events(aws, TABLE)[-1]["data"]["enabled"] is False
    before = aws.count(TABLE)
    for method, path, body in _routes(distributor, network["other"]):
        response = partners.request(method, path, json_body=body)
        assert "switched off" in assert_problem(response, 409)["detail"], (method, path)
    assert aws.count(TABLE) == before
    switch_module(partners, ANA, enabled=True)
    listed = partners.get(f"/distributors/{distributor}/resellers").json()["items"]
    assert [item["id"] for item in listed] == [reseller]


# ---------------------------------------------------------------- bad requests write nothing


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "reseller_id"), ({"reseller_id": 5}, "reseller_id"), ({"reseller_id": "a#b"}, "reseller_id"),
     ({"reseller_id": "x", "terms": "all"}, "terms")],
    ids=["missing", "wrong-type", "not-an-id", "unknown-field"],
)
def test_an_invalid_assignment_is_refused_naming_the_field(
    aws: Stack, partners: ApiClient, network: dict[str, str], body: dict[str, Any], field: str,
) -> None:
    before = aws.count(TABLE)
    response = partners.post(f"/distributors/{network['distributor']}/resellers", json_body=body)
    assert_problem(response, 422, field)
    assert response.calls.operations == []
    assert aws.count(TABLE) == before


def test_a_distributor_is_not_its_own_reseller(
    aws: Stack, partners: ApiClient, network: dict[str, str],
) -> None:
    before = aws.count(TABLE)
    distributor = network["distributor"]
    response = partners.post(f"/distributors/{distributor}/resellers", json_body={"reseller_id": distributor})
    assert_problem(response, 422, "reseller_id")
    assert response.calls.operations == []
    assert aws.count(TABLE) == before


def test_only_a_distributor_partnership_takes_resellers(
    aws: Stack, partners: ApiClient, network: dict[str, str],
) -> None:
    before = aws.count(TABLE)
    response = partners.post(f"/distributors/{network['other']}/resellers",
                             json_body={"reseller_id": network["reseller"]})
    assert "not a distributor" in assert_problem(response, 409)["detail"]
    assert aws.count(TABLE) == before


@pytest.mark.parametrize("archived", ["distributor", "reseller"])
def test_archived_partnerships_take_no_assignment_changes(
    aws: Stack, partners: ApiClient, network: dict[str, str], archived: str,
) -> None:
    distributor, reseller = network["distributor"], network["reseller"]
    assign(partners, distributor, reseller)
    archive_directly(partners, "acme", network[archived])
    before = aws.count(TABLE)
    for method, path, body in [
        ("POST", f"/distributors/{distributor}/resellers", {"reseller_id": network["other"]}),
        ("DELETE", f"/distributors/{distributor}/resellers/{reseller}", None),
    ]:
        if archived == "reseller" and method == "POST":
            body = {"reseller_id": reseller}
        assert "archived" in assert_problem(partners.request(method, path, json_body=body), 409)["detail"]
    assert aws.count(TABLE) == before


def test_unknown_partnerships_are_not_found(aws: Stack, partners: ApiClient, network: dict[str, str]) -> None:
    before = aws.count(TABLE)
    unknown = "0" * 32
    assert_problem(partners.post(f"/distributors/{unknown}/resellers",
                                 json_body={"reseller_id": network["reseller"]}), 404)
    assert_problem(partners.post(f"/distributors/{network['distributor']}/resellers",
                                 json_body={"reseller_id": unknown}), 404, "reseller_id")
    assert_problem(partners.get(f"/distributors/{unknown}/resellers"), 404)
    assert_problem(partners.get(f"/partnerships/{unknown}/distributors"), 404)
    assert aws.count(TABLE) == before


# ---------------------------------------------------------------- who may do what


def _routes(distributor: str, reseller: str) -> list[tuple[str, str, dict[str, Any] | None]]:
    return [
        ("POST", f"/distributors/{distributor}/resellers", {"reseller_id": reseller}),
        ("DELETE", f"/distributors/{distributor}/resellers/{reseller}", None),
        ("GET", f"/distributors/{distributor}/resellers", None),
        ("GET", f"/partnerships/{reseller}/distributors", None),
    ]


@pytest.mark.parametrize("user", [CLEO, NOROLE, SALLY, PAT], ids=lambda user: user.user_id)
def test_readers_and_partner_roles_cannot_change_assignments(
    aws: Stack, partners: ApiClient, network: dict[str, str], user: User,
) -> None:
    assign(partners, network["distributor"], network["reseller"])
    before = aws.count(TABLE)
    for method, path, body in _routes(network["distributor"], network["reseller"]):
        response = partners.request(method, path, json_body=body, user=user)
        if method == "GET" and user is CLEO:
            assert response.status == 200, response.text  # members read
        else:
            assert_problem(response, 403)
    assert aws.count(TABLE) == before


@pytest.mark.parametrize("user", [ZED, YVES], ids=lambda user: user.user_id)
def test_another_organisation_gets_404_for_our_partnerships(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership, network: dict[str, str], user: User,
) -> None:
    assign(partners, network["distributor"], network["reseller"])
    switch_module(partners, ZED)  # so their requests reach the lookup
    theirs = new_partnership(company_name="Zed Resale", as_user=ZED)["id"]
    before = aws.count(TABLE)
    for method, path, body in _routes(network["distributor"], network["reseller"]):
        response = partners.request(method, path, json_body=body, user=user)
        assert_problem(response, 404)
        assert "Northwind" not in response.text
        assert "Contoso" not in response.text
    # Nor can they put our reseller under their distributor, or theirs under ours
    response = partners.post(f"/distributors/{network['distributor']}/resellers",
                             json_body={"reseller_id": theirs})
    assert_problem(response, 404, "reseller_id")
    assert aws.count(TABLE) == before
