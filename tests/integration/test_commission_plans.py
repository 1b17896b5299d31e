"""Commission plans: a default per tier, a partnership's own plan, and the partner's view of it.

Every change is one transaction with its event (and, for a partnership, its activity entry);
money and rates travel as decimal strings; bad input writes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.helpers.assertions import assert_problem, entities, outbox_events
from tests.helpers.aws import Stack
from tests.helpers.dynamodb_calls import recording, transaction_cancelled
from tests.helpers.lambda_runtime import ApiClient, User
from tests.helpers.people import ANA, BEN, CLEO, NOROLE, PAT, SALLY, YVES, ZED
from tests.helpers.profiles import archive, link_partner

TABLE = "PartnersTable"
NewPartnership = Callable[..., dict[str, Any]]

PERCENTAGE = {"kind": "percentage", "rate": "12.5", "net_days": 30, "schedule": "monthly",
              "distributor_split": "20"}
FIXED = {"kind": "fixed", "amount": "500", "currency": "eur", "net_days": 45, "schedule": "on_deal_won"}
TIERED = {
    "kind": "tiered", "currency": "USD", "net_days": 60, "schedule": "quarterly",
    "bands": [{"from": "0", "rate": "5"}, {"from": "50000", "rate": "7.5"}],
}
PERCENTAGE_SAVED = {"kind": "percentage", "currency": None, "rate": "12.5", "amount": None, "bands": None,
                    "net_days": 30, "schedule": "monthly", "distributor_split": "20"}
FIXED_SAVED = {"kind": "fixed", "currency": "EUR", "rate": None, "amount": "500.00", "bands": None,
               "net_days": 45, "schedule": "on_deal_won", "distributor_split": "0"}
TIERED_SAVED = {"kind": "tiered", "currency": "USD", "rate": None, "amount": None,
                "bands": [{"from": "0.00", "rate": "5"}, {"from": "50000.00", "rate": "7.5"}],
                "net_days": 60, "schedule": "quarterly", "distributor_split": "0"}


def _plan_path(partnership_id: str) -> str:
    return f"/partnerships/{partnership_id}/commission-plan"


def _default_path(tier_id: str) -> str:
    return f"/commission-plans/defaults/{tier_id}"


def _tiers(partners: ApiClient, *names: str, user: User = ANA) -> None:
    response = partners.put("/program/tiers", json_body={"entries": [{"name": name} for name in names]},
                            user=user)
    assert response.status == 200, response.text


def _events(aws: Stack, *types: str) -> list[dict[str, Any]]:
    return [event for event in outbox_events(aws, TABLE) if event["type"] in types]


def _activity(partners: ApiClient, partnership_id: str) -> list[dict[str, Any]]:
    response = partners.get(f"/partnerships/{partnership_id}/activity")
    assert response.status == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


# ---------------------------------------------------------------- tier defaults


def test_a_vendor_without_defaults_lists_none(partners: ApiClient) -> None:
    response = partners.get("/commission-plans/defaults", user=CLEO)
    assert response.status == 200, response.text
    assert response.json() == {"items": []}
    assert response.calls.operations == ["Query"]


def test_an_admin_sets_a_tiers_default_plan_with_its_event(aws: Stack, partners: ApiClient) -> None:
    _tiers(partners, "Gold", "Silver")
    # When the admin sets Gold's default plan
    response = partners.put(_default_path("gold"), json_body=TIERED)
    # Then it is stored normalised (money in the currency's minor units, as strings)
    assert response.status == 200, response.text
    body = response.json()
    assert (body["tier_id"], body["plan"], body["version"], body["updated_by"]) == (
        "gold", TIERED_SAVED, 1, "u-ana")
    # The program (tier check), the current default, then one transaction
    assert response.calls.operations == ["GetItem", "GetItem", "TransactWriteItems"]
    [event] = _events(aws, "TierDefaultPlanSet")
    assert event["data"] == {"tier_id": "gold", "plan_version": 1, "plan": TIERED_SAVED}
    assert event["actor"]["user_id"] == "u-ana"
    # And the list shows it, in one Query
    listed = partners.get("/commission-plans/defaults", user=CLEO)
    assert [item["tier_id"] for item in listed.json()["items"]] == ["gold"]
    assert listed.json()["items"][0]["plan"] == TIERED_SAVED
    assert listed.calls.operations == ["Query"]


def test_saving_a_default_unchanged_writes_nothing_and_a_change_moves_its_version(
    aws: Stack, partners: ApiClient,
) -> None:
    _tiers(partners, "Gold")
    partners.put(_default_path("gold"), json_body=FIXED)
    before = aws.count(TABLE)
    # The same plan again, written differently ("500.00", "EUR") is the same plan
    again = partners.put(_default_path("gold"), json_body={**FIXED, "amount": "500.00", "currency": "EUR"})
    assert again.status == 200, again.text
    assert again.calls.operations == ["GetItem", "GetItem"]
    assert aws.count(TABLE) == before
    changed = partners.put(_default_path("gold"), json_body={**FIXED, "amount": "750.5"})
    assert (changed.json()["version"], changed.json()["plan"]["amount"]) == (2, "750.50")
    assert [event["data"]["plan_version"] for event in _events(aws, "TierDefaultPlanSet")] == [1, 2]


def test_clearing_a_default_publishes_the_plan_it_removed(aws: Stack, partners: ApiClient) -> None:
    _tiers(partners, "Gold")
    partners.put(_default_path("gold"), json_body=PERCENTAGE)
    response = partners.request("DELETE", _default_path("gold"))
    assert response.status == 204, response.text
    assert response.calls.operations == ["GetItem", "TransactWriteItems"]
    [event] = _events(aws, "TierDefaultPlanCleared")
    assert event["data"] == {"tier_id": "gold", "plan_version": 2, "cleared_plan": PERCENTAGE_SAVED}
    assert partners.get("/commission-plans/defaults").json() == {"items": []}
    # Clearing again: there is nothing to clear
    before = aws.count(TABLE)
    assert_problem(partners.request("DELETE", _default_path("gold")), 404)
    assert aws.count(TABLE) == before
    # Set again, its version goes on from the cleared one (consumers keep the highest)
    assert partners.put(_default_path("gold"), json_body=PERCENTAGE).json()["version"] == 3


def test_a_default_needs_a_tier_of_the_vendors_program(aws: Stack, partners: ApiClient) -> None:
    _tiers(partners, "Gold")
    _tiers(partners, "Platinum", user=ZED)  # another vendor's tier
    before = aws.count(TABLE)
    for tier in ("silver", "platinum"):
        response = partners.put(_default_path(tier), json_body=PERCENTAGE)
        assert_problem(response, 422, "tier_id")
        assert response.calls.operations == ["GetItem"]
    assert_problem(partners.put(_default_path("Not A Tier"), json_body=PERCENTAGE), 422, "tier_id")
    assert aws.count(TABLE) == before


@pytest.mark.parametrize("user", [BEN, CLEO, NOROLE, PAT, SALLY], ids=lambda user: user.user_id)
def test_only_an_admin_sets_or_clears_tier_defaults(aws: Stack, partners: ApiClient, user: User) -> None:
    _tiers(partners, "Gold")
    partners.put(_default_path("gold"), json_body=PERCENTAGE)
    before = aws.count(TABLE)
    assert_problem(partners.put(_default_path("gold"), json_body=FIXED, user=user), 403)
    assert_problem(partners.request("DELETE", _default_path("gold"), user=user), 403)
    assert aws.count(TABLE) == before


@pytest.mark.parametrize("user", [NOROLE, PAT, SALLY], ids=lambda user: user.user_id)
def test_only_vendor_users_read_tier_defaults(partners: ApiClient, user: User) -> None:
    assert_problem(partners.get("/commission-plans/defaults", user=user), 403)


def test_each_vendor_has_its_own_defaults(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership,
) -> None:
    _tiers(partners, "Gold")
    _tiers(partners, "Gold", user=ZED)
    partners.put(_default_path("gold"), json_body=PERCENTAGE)
    # acme-corp sees none of acme's defaults, and its own gold partnership gets no plan from them
    assert partners.get("/commission-plans/defaults", user=ZED).json() == {"items": []}
    theirs = new_partnership(tier="gold", as_user=ZED)
    response = partners.get(_plan_path(theirs["id"]), user=ZED)
    assert (response.json()["source"], response.json()["plan"]) == ("none", None)
    # nor can it clear acme's
    before = aws.count(TABLE)
    assert_problem(partners.request("DELETE", _default_path("gold"), user=ZED), 404)
    assert aws.count(TABLE) == before


# ---------------------------------------------------------------- the plan that applies to a partnership


def test_without_any_plan_the_answer_says_so(partners: ApiClient, new_partnership: NewPartnership) -> None:
    created = new_partnership()
    response = partners.get(_plan_path(created["id"]), user=CLEO)
    assert response.status == 200, response.text
    assert response.json() == {
        "partnership_id": created["id"], "source": "none", "tier": None, "plan": None, "version": 0,
        "updated_at": None, "updated_by": None,
    }
    # The partnership and its plan item in one BatchGetItem; no tier, so no default to read
    assert response.calls.operations == ["BatchGetItem"]


def test_a_partnership_gets_its_tiers_default_until_it_has_its_own(
    partners: ApiClient, new_partnership: NewPartnership,
) -> None:
    _tiers(partners, "Gold")
    partners.put(_default_path("gold"), json_body=TIERED)
    created = new_partnership(tier="gold")
    inherited = partners.get(_plan_path(created["id"]))
    assert (inherited.json()["source"], inherited.json()["tier"], inherited.json()["plan"]) == (
        "tier_default", "gold", TIERED_SAVED)
    assert inherited.json()["updated_by"] == "u-ana"
    assert inherited.calls.operations == ["BatchGetItem", "GetItem"]
    # Its own plan wins, read in one BatchGetItem
    partners.put(_plan_path(created["id"]), json_body=PERCENTAGE, user=BEN)
    own = partners.get(_plan_path(created["id"]))
    assert (own.json()["source"], own.json()["plan"], own.json()["version"]) == (
        "partnership", PERCENTAGE_SAVED, 1)
    assert own.calls.operations == ["BatchGetItem"]


def test_effective_plan_reads_one_batch_and_the_tier_default_only_when_needed(
    partners: ApiClient, new_partnership: NewPartnership,
) -> None:
    _tiers(partners, "Gold")
    partners.put(_default_path("gold"), json_body=FIXED)
    gold = new_partnership(tier="gold")
    own = new_partnership()
    partners.put(_plan_path(own["id"]), json_body=PERCENTAGE)
    with partners.runner.env_applied():
        from partners.logic.commissions import effective_plan
        from trellis.errors import NotFound

        with recording() as recorder:
            plan, source = effective_plan("acme", gold["id"])
        assert plan is not None
        assert (source, plan.model_dump(mode="json")) == ("tier_default", FIXED_SAVED)
        assert recorder.operations == ["BatchGetItem", "GetItem"]
        with recording() as recorder:
            plan, source = effective_plan("acme", own["id"])
        assert plan is not None
        assert (source, plan.model_dump(mode="json")) == ("partnership", PERCENTAGE_SAVED)
        assert recorder.operations == ["BatchGetItem"]
        with pytest.raises(NotFound):
            effective_plan("acme-corp", gold["id"])


# ---------------------------------------------------------------- a partnership's own plan


@pytest.mark.parametrize("user", [ANA, BEN], ids=lambda user: user.user_id)
def test_a_vendor_writer_sets_a_partnerships_plan_with_event_and_activity(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership, user: User,
) -> None:
    created = new_partnership()
    response = partners.put(_plan_path(created["id"]), json_body=PERCENTAGE, user=user)
    assert response.status == 200, response.text
    body = response.json()
    assert (body["source"], body["plan"], body["version"], body["updated_by"]) == (
        "partnership", PERCENTAGE_SAVED, 1, user.user_id)
    # The partnership (writable?), its plan item, then one transaction
    assert response.calls.operations == ["GetItem", "GetItem", "TransactWriteItems"]
    [event] = _events(aws, "CommissionPlanSet")
    assert event["data"] == {
        "partnership_id": created["id"], "company_name": "Northwind Consulting", "plan_version": 1,
        "plan": PERCENTAGE_SAVED,
    }
    [entry, _created] = _activity(partners, created["id"])
    assert entry["kind"] == "commission_plan_set"
    assert entry["summary"] == (
        "Commission plan set: 12.5% of the deal value, paid monthly, net 30 days, distributor share 20%")
    assert {change["field"]: (change["before"], change["after"]) for change in entry["changes"]} == {
        "kind": (None, "percentage"), "rate": (None, "12.5%"), "net_days": (None, "30"),
        "schedule": (None, "monthly"), "distributor_split": (None, "20%"),
    }
    assert entities(aws, TABLE)["CommissionPlan"] == 1


def test_a_changed_plan_logs_what_changed_and_an_unchanged_one_writes_nothing(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership,
) -> None:
    created = new_partnership()
    partners.put(_plan_path(created["id"]), json_body=PERCENTAGE)
    before = aws.count(TABLE)
    # The same plan, with numbers where strings were and trailing zeros
    same = partners.put(_plan_path(created["id"]),
                        json_body={**PERCENTAGE, "rate": 12.50, "distributor_split": "20.00"})
    assert same.status == 200, same.text
    assert same.calls.operations == ["GetItem", "GetItem"]
    assert aws.count(TABLE) == before
    # Then a switch to a fixed plan
    changed = partners.put(_plan_path(created["id"]), json_body=FIXED)
    assert (changed.json()["plan"], changed.json()["version"]) == (FIXED_SAVED, 2)
    entry = _activity(partners, created["id"])[0]
    assert entry["summary"] == (
        "Commission plan changed: EUR 500.00 per won deal, paid per won deal, net 45 days")
    assert {change["field"]: (change["before"], change["after"]) for change in entry["changes"]} == {
        "kind": ("percentage", "fixed"), "currency": (None, "EUR"), "rate": ("12.5%", None),
        "amount": (None, "500.00"), "net_days": ("30", "45"), "schedule": ("monthly", "on_deal_won"),
        "distributor_split": ("20%", "0%"),
    }
    assert [event["data"]["plan_version"] for event in _events(aws, "CommissionPlanSet")] == [1, 2]


def test_clearing_a_partnerships_plan_falls_back_to_its_tiers_default(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership,
) -> None:
    _tiers(partners, "Gold")
    partners.put(_default_path("gold"), json_body=FIXED)
    created = new_partnership(tier="gold")
    partners.put(_plan_path(created["id"]), json_body=PERCENTAGE)
    # When a partner manager removes its own plan
    response = partners.request("DELETE", _plan_path(created["id"]), user=BEN)
    # Then the answer is what applies now: the tier's default
    assert response.status == 200, response.text
    assert (response.json()["source"], response.json()["plan"], response.json()["version"]) == (
        "tier_default", FIXED_SAVED, 2)
    # The partnership, then its plan and the tier default in one BatchGetItem, then one transaction
    assert response.calls.operations == ["GetItem", "BatchGetItem", "TransactWriteItems"]
    [event] = _events(aws, "CommissionPlanCleared")
    assert event["data"] == {
        "partnership_id": created["id"], "company_name": "Northwind Consulting", "plan_version": 2,
        "tier": "gold", "cleared_plan": PERCENTAGE_SAVED,
    }
    entry = _activity(partners, created["id"])[0]
    assert (entry["kind"], entry["summary"]) == (
        "commission_plan_cleared", "Commission plan removed: the gold tier's default applies")
    assert partners.get(_plan_path(created["id"])).json()["source"] == "tier_default"
    # Clearing again writes nothing; setting again goes on from version 2
    before = aws.count(TABLE)
    again = partners.request("DELETE", _plan_path(created["id"]))
    assert (again.status, again.json()["source"]) == (200, "tier_default")
    assert again.calls.operations == ["GetItem", "BatchGetItem"]
    assert aws.count(TABLE) == before
    assert partners.put(_plan_path(created["id"]), json_body=TIERED).json()["version"] == 3


def test_plan_items_stay_out_of_the_activity_log(
    partners: ApiClient, new_partnership: NewPartnership,
) -> None:
    created = new_partnership()
    partners.put(_plan_path(created["id"]), json_body=PERCENTAGE)
    kinds = [entry["kind"] for entry in _activity(partners, created["id"])]
    assert kinds == ["commission_plan_set", "partnership_created"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**PERCENTAGE, "colour": "gold"}, "colour"),
        ({**PERCENTAGE, "kind": "bonus"}, "kind"),
        ({**PERCENTAGE, "rate": "0"}, "rate"),
        ({**PERCENTAGE, "rate": "-5"}, "rate"),
        ({**PERCENTAGE, "rate": "100.01"}, "rate"),
        ({**PERCENTAGE, "rate": "12.34567"}, "rate"),
        ({**PERCENTAGE, "rate": "1e-9"}, "rate"),
        ({**PERCENTAGE, "rate": 12345678.123456789}, "rate"),
        ({**PERCENTAGE, "rate": True}, "rate"),
        ({**PERCENTAGE, "rate": None}, "rate"),
        ({**PERCENTAGE, "amount": "5"}, "amount"),
        ({**PERCENTAGE, "net_days": 366}, "net_days"),
        ({**PERCENTAGE, "net_days": -1}, "net_days"),
        ({**PERCENTAGE, "net_days": "30"}, "net_days"),
        ({**PERCENTAGE, "schedule": "weekly"}, "schedule"),
        ({**PERCENTAGE, "distributor_split": "100.5"}, "distributor_split"),
        ({**PERCENTAGE, "distributor_split": "-1"}, "distributor_split"),
        ({**FIXED, "amount": "-0.01"}, "amount"),
        ({**FIXED, "amount": "1.005"}, "amount"),
        ({**FIXED, "currency": "JPY", "amount": "10.5"}, "amount"),
        ({**FIXED, "currency": "XYZ"}, "currency"),
        ({**FIXED, "currency": "XAU"}, "currency"),
        ({**FIXED, "currency": None}, "currency"),
        ({key: value for key, value in FIXED.items() if key != "amount"}, "amount"),
        ({**FIXED, "rate": "5"}, "rate"),
        ({**TIERED, "bands": []}, "bands"),
        ({**TIERED, "bands": [{"from": "100", "rate": "5"}]}, "bands"),
        ({**TIERED, "bands": [{"from": "0", "rate": "5"}, {"from": "0", "rate": "7"}]}, "bands"),
        ({**TIERED, "bands": [{"from": "0", "rate": "5"}, {"from": "900", "rate": "7"},
                              {"from": "500", "rate": "9"}]}, "bands"),
        ({**TIERED, "bands": [{"from": "0", "rate": "0"}]}, "bands.0.rate"),
        ({**TIERED, "bands": [{"from": "0", "rate": "5", "to": "100"}]}, "bands.0.to"),
        ({**TIERED, "bands": [{"from": "0", "rate": "5"}, {"from": "10.001", "rate": "7"}]}, "bands"),
        ({**TIERED, "bands": [{"from": "0", "rate": "5"}, {"from": "-10", "rate": "7"}]}, "bands.1.from"),
        ({**TIERED, "bands": [{"from": str(n), "rate": "1"} for n in range(21)]}, "bands"),
        ({**TIERED, "currency": None}, "currency"),
        ({**TIERED, "rate": "5"}, "rate"),
        ({key: value for key, value in PERCENTAGE.items() if key != "schedule"}, "schedule"),
    ],
)
def test_an_invalid_plan_is_refused_naming_the_field_and_writes_nothing(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership, body: dict[str, Any], field: str,
) -> None:
    _tiers(partners, "Gold")
    created = new_partnership(tier="gold")
    before = aws.count(TABLE)
    assert_problem(partners.put(_plan_path(created["id"]), json_body=body), 422, field)
    assert_problem(partners.put(_default_path("gold"), json_body=body), 422, field)
    assert aws.count(TABLE) == before


@pytest.mark.parametrize("number", ["1e-9", "0.0000001", "0.30000000000000004", "12.345678901234567"])
def test_json_numbers_that_are_not_plain_decimals_are_refused(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership, number: str,
) -> None:
    created = new_partnership()
    before = aws.count(TABLE)
    raw = f'{{"kind": "percentage", "rate": {number}, "net_days": 30, "schedule": "monthly"}}'
    response = partners.put(_plan_path(created["id"]), body=raw)
    assert_problem(response, 422, "rate")
    assert aws.count(TABLE) == before


def test_json_numbers_are_read_exactly(partners: ApiClient, new_partnership: NewPartnership) -> None:
    created = new_partnership()
    raw = ('{"kind": "tiered", "currency": "EUR", "net_days": 0, "schedule": "on_deal_won",'
           ' "distributor_split": 0.2, "bands": [{"from": 0, "rate": 0.1}, {"from": 1000.10, "rate": 0.3}]}')
    response = partners.put(_plan_path(created["id"]), body=raw)
    assert response.status == 200, response.text
    plan = response.json()["plan"]
    assert plan["bands"] == [{"from": "0.00", "rate": "0.1"}, {"from": "1000.10", "rate": "0.3"}]
    assert plan["distributor_split"] == "0.2"
    assert json.loads(response.text, parse_float=str)["plan"]["distributor_split"] == "0.2"


def test_a_body_that_is_not_json_is_refused(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership,
) -> None:
    created = new_partnership()
    before = aws.count(TABLE)
    assert_problem(partners.put(_plan_path(created["id"]), body="{not json"), 400)
    assert aws.count(TABLE) == before


def test_an_archived_partnerships_plan_is_read_only(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership,
) -> None:
    created = new_partnership()
    partners.put(_plan_path(created["id"]), json_body=PERCENTAGE)
    archive(partners, created["id"])
    before = aws.count(TABLE)
    assert_problem(partners.put(_plan_path(created["id"]), json_body=FIXED), 409)
    assert_problem(partners.request("DELETE", _plan_path(created["id"])), 409)
    assert aws.count(TABLE) == before
    # Still readable
    assert partners.get(_plan_path(created["id"])).json()["plan"] == PERCENTAGE_SAVED


def test_an_archive_landing_between_read_and_write_is_a_conflict(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership,
) -> None:
    created = new_partnership()
    before = aws.count(TABLE)
    response = partners.put(_plan_path(created["id"]), json_body=PERCENTAGE,
                            before={"TransactWriteItems": lambda: archive(partners, created["id"])})
    assert_problem(response, 409)
    assert aws.count(TABLE) == before
    assert _events(aws, "CommissionPlanSet") == []


def test_a_concurrent_transaction_is_a_conflict(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership,
) -> None:
    created = new_partnership()
    before = aws.count(TABLE)
    cancelled = transaction_cancelled("None", "TransactionConflict", "None", "None")
    response = partners.put(_plan_path(created["id"]), json_body=PERCENTAGE,
                            fail_next={"TransactWriteItems": cancelled})
    assert_problem(response, 409)
    assert aws.count(TABLE) == before


@pytest.mark.parametrize("user", [CLEO, NOROLE, PAT, SALLY], ids=lambda user: user.user_id)
def test_only_vendor_writers_change_a_partnerships_plan(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership, user: User,
) -> None:
    created = new_partnership()
    partners.put(_plan_path(created["id"]), json_body=PERCENTAGE)
    before = aws.count(TABLE)
    assert_problem(partners.put(_plan_path(created["id"]), json_body=FIXED, user=user), 403)
    assert_problem(partners.request("DELETE", _plan_path(created["id"]), user=user), 403)
    assert aws.count(TABLE) == before


@pytest.mark.parametrize("user", [NOROLE, PAT, SALLY], ids=lambda user: user.user_id)
def test_only_vendor_users_read_a_partnerships_plan(
    partners: ApiClient, new_partnership: NewPartnership, user: User,
) -> None:
    created = new_partnership()
    assert_problem(partners.get(_plan_path(created["id"]), user=user), 403)


@pytest.mark.parametrize("user", [ZED, YVES], ids=lambda user: user.user_id)
def test_another_vendors_partnership_is_not_found(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership, user: User,
) -> None:
    created = new_partnership()
    partners.put(_plan_path(created["id"]), json_body=PERCENTAGE)
    before = aws.count(TABLE)
    for response in (
        partners.get(_plan_path(created["id"]), user=user),
        partners.put(_plan_path(created["id"]), json_body=FIXED, user=user),
        partners.request("DELETE", _plan_path(created["id"]), user=user),
    ):
        assert_problem(response, 404)
        assert "12.5" not in response.text
    assert aws.count(TABLE) == before
    assert_problem(partners.get(_plan_path("no-such-partnership")), 404)


# ---------------------------------------------------------------- the partner's view


def test_a_partner_reads_the_plan_of_its_own_partnership(
    partners: ApiClient, new_partnership: NewPartnership,
) -> None:
    _tiers(partners, "Gold")
    partners.put(_default_path("gold"), json_body=TIERED)
    created = new_partnership(tier="gold")
    link_partner(partners, created["id"], "northwind")
    path = f"/partner{_plan_path(created['id'])}"
    response = partners.get(path, user=SALLY)
    assert response.status == 200, response.text
    assert response.json() == {
        "partnership_id": created["id"], "source": "tier_default", "plan": TIERED_SAVED,
    }
    # Its link, the partnership, then its plan and tier default in one BatchGetItem
    assert response.calls.operations == ["GetItem", "GetItem", "BatchGetItem"]
    partners.put(_plan_path(created["id"]), json_body=PERCENTAGE)
    assert partners.get(path, user=SALLY).json()["plan"] == PERCENTAGE_SAVED


def test_a_partner_sees_no_plan_of_partnerships_it_is_not_party_to(
    partners: ApiClient, new_partnership: NewPartnership,
) -> None:
    created = new_partnership()
    partners.put(_plan_path(created["id"]), json_body=PERCENTAGE)
    response = partners.get(f"/partner{_plan_path(created['id'])}", user=SALLY)
    assert_problem(response, 404)
    assert "12.5" not in response.text
    # A vendor user is not a partner
    assert_problem(partners.get(f"/partner{_plan_path(created['id'])}", user=ANA), 403)


def test_a_partner_never_writes_its_plan(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership,
) -> None:
    created = new_partnership()
    link_partner(partners, created["id"], "northwind")
    before = aws.count(TABLE)
    assert_problem(partners.put(_plan_path(created["id"]), json_body=PERCENTAGE, user=SALLY), 403)
    assert_problem(partners.request("DELETE", _plan_path(created["id"]), user=SALLY), 403)
    assert aws.count(TABLE) == before
