"""Per-stage checklists: the vendor defines tasks per stage of its pipeline; either side ticks them."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.assertions import assert_problem, outbox_events
from tests.helpers.aws import Stack
from tests.helpers.lambda_runtime import ApiClient, User
from tests.helpers.people import ANA, BEN, CLEO, SALLY, ZED
from tests.helpers.profiles import link_partner

TABLE = "PartnersTable"
NewPartnership = Any
# northwind's other people: a salesperson (reads only) and a project manager (ticks)
SAM = User("u-sam", "northwind", ("sales",), "sam@northwind.example")
PIA = User("u-pia", "northwind", ("project_manager",), "pia@northwind.example")
# a partner company that is not party to acme's partnership
OTTO = User("u-otto", "otherco", ("partner_admin",), "otto@otherco.example")

RECRUITMENT = [
    {"title": "Sign the partner agreement", "required": True},
    {"title": "Intro call", "description": "30 minutes with the partner manager"},
]


def _define(partners: ApiClient, stage: str, items: list[dict[str, Any]], **kwargs: Any) -> Any:
    return partners.put(f"/program/checklists/{stage}", json_body={"items": items}, **kwargs)


@pytest.fixture
def partnership(partners: ApiClient, new_partnership: NewPartnership) -> dict[str, Any]:
    """A partnership in recruitment, whose checklist is defined, with northwind as its partner."""
    assert _define(partners, "recruitment", RECRUITMENT).status == 200
    created = new_partnership()
    link_partner(partners, created["id"], "northwind")
    return created


def _checklist(partners: ApiClient, partnership_id: str, **kwargs: Any) -> Any:
    return partners.get(f"/partnerships/{partnership_id}/checklist", **kwargs)


def _tick(
    partners: ApiClient, partnership_id: str, item_id: str, done: Any = True, *, partner: bool = False,
    **kwargs: Any,
) -> Any:
    path = f"{'/partner' if partner else ''}/partnerships/{partnership_id}/checklist/{item_id}"
    return partners.put(path, json_body={"done": done}, **kwargs)


# ---------------------------------------------------------------- definitions


def test_every_stage_starts_without_a_checklist(partners: ApiClient) -> None:
    response = partners.get("/program/checklists", user=CLEO)
    assert response.status == 200, response.text
    stages = response.json()["stages"]
    assert [stage["stage_id"] for stage in stages][:2] == ["recruitment", "onboarding"]
    assert len(stages) == 6
    assert all(stage["items"] == [] and stage["version"] == 0 for stage in stages)
    assert response.calls.operations == ["GetItem", "Query"]


def test_an_admin_defines_a_stages_checklist_and_the_change_is_an_event(
    aws: Stack, partners: ApiClient,
) -> None:
    response = _define(partners, "onboarding", RECRUITMENT)
    assert response.status == 200, response.text
    body = response.json()
    assert [item["id"] for item in body["items"]] == ["sign-the-partner-agreement", "intro-call"]
    assert [item["required"] for item in body["items"]] == [True, False]
    assert body["items"][1]["description"] == "30 minutes with the partner manager"
    assert (body["stage_name"], body["version"]) == ("Onboarding", 1)
    assert response.calls.operations == ["BatchGetItem", "TransactWriteItems"]
    [event] = outbox_events(aws, TABLE)
    assert event["type"] == "ChecklistDefined"
    assert event["data"]["stage_id"] == "onboarding"
    assert event["data"]["added"] == ["sign-the-partner-agreement", "intro-call"]
    listed = partners.get("/program/checklists").json()["stages"]
    assert [stage["items"] for stage in listed if stage["stage_id"] == "onboarding"] == [body["items"]]


def test_a_removed_tasks_id_is_never_given_to_a_new_task(aws: Stack, partners: ApiClient) -> None:
    _define(partners, "onboarding", [{"title": "Kick-off"}, {"title": "Training"}])
    # removing "kick-off" and adding a task of the same title gives it a fresh id
    _define(partners, "onboarding", [{"id": "training", "title": "Training"}])
    again = _define(partners, "onboarding", [{"id": "training", "title": "Training"}, {"title": "Kick-off"}])
    assert again.status == 200, again.text
    assert [item["id"] for item in again.json()["items"]] == ["training", "kick-off-2"]
    assert outbox_events(aws, TABLE)[1]["data"]["removed"] == ["kick-off"]
    # saving the same checklist again writes nothing
    before = aws.count(TABLE)
    same = _define(partners, "onboarding", again.json()["items"])
    assert (same.status, same.json()["version"]) == (200, 3)
    assert same.calls.operations == ["BatchGetItem"]
    assert aws.count(TABLE) == before


@pytest.mark.parametrize(
    ("stage", "body", "status", "field"),
    [
        ("churned", {"items": [{"title": "A"}]}, 404, "stage_id"),
        ("Not A Stage", {"items": []}, 422, "stage_id"),
        ("onboarding", {"items": [{"title": "A"}, {"title": "a"}]}, 422, "items"),
        ("onboarding", {"items": [{"id": "x", "title": "A"}, {"id": "x", "title": "B"}]}, 422, "items"),
        ("onboarding", {"items": [{"title": f"T{n}"} for n in range(31)]}, 422, "items"),
        ("onboarding", {"items": [{"title": "A", "owner": "me"}]}, 422, "items.0.owner"),
        ("onboarding", {"items": [{"title": "A", "required": "yes"}]}, 422, "items.0.required"),
        ("onboarding", {"items": [{"title": ""}]}, 422, "items.0.title"),
        ("onboarding", {"items": [{"id": "Bad Id", "title": "A"}]}, 422, "items.0.id"),
        ("onboarding", {"items": "kick-off"}, 422, "items"),
        ("onboarding", {}, 422, "items"),
        ("onboarding", {"items": [], "colour": "red"}, 422, "colour"),
    ],
)
def test_an_invalid_checklist_is_refused_naming_the_field_and_writes_nothing(
    aws: Stack, partners: ApiClient, stage: str, body: dict[str, Any], status: int, field: str,
) -> None:
    before = aws.count(TABLE)
    assert_problem(partners.put(f"/program/checklists/{stage}", json_body=body), status, field)
    assert aws.count(TABLE) == before


def test_a_stale_expected_version_is_a_conflict(aws: Stack, partners: ApiClient) -> None:
    _define(partners, "onboarding", [{"title": "Kick-off"}])
    before = aws.count(TABLE)
    stale = partners.put("/program/checklists/onboarding", json_body={"items": [], "expected_version": 0})
    assert_problem(stale, 409)
    assert aws.count(TABLE) == before


@pytest.mark.parametrize("user", [BEN, CLEO, SALLY], ids=lambda user: user.user_id)
def test_only_an_admin_defines_checklists(aws: Stack, partners: ApiClient, user: User) -> None:
    before = aws.count(TABLE)
    assert_problem(_define(partners, "onboarding", [{"title": "Kick-off"}], user=user), 403)
    assert aws.count(TABLE) == before


def test_another_vendors_checklists_are_its_own(partners: ApiClient) -> None:
    _define(partners, "onboarding", [{"title": "Kick-off"}])
    theirs = partners.get("/program/checklists", user=ZED).json()["stages"]
    assert all(stage["items"] == [] for stage in theirs)
    assert_problem(partners.get("/program/checklists", user=SALLY), 403)


# ---------------------------------------------------------------- progress, vendor side


def test_the_current_stages_checklist_starts_undone(partners: ApiClient, partnership: dict[str, Any]) -> None:
    response = _checklist(partners, partnership["id"], user=CLEO)
    assert response.status == 200, response.text
    body = response.json()
    assert (body["stage_id"], body["stage_name"]) == ("recruitment", "Recruitment")
    assert body["current_stage"] is True
    assert [(item["id"], item["done"]) for item in body["items"]] == [
        ("sign-the-partner-agreement", False), ("intro-call", False),
    ]
    assert (body["done_count"], body["required_count"], body["required_complete"]) == (0, 1, False)
    assert response.calls.operations == ["GetItem", "BatchGetItem"]


def test_a_vendor_tick_is_one_transaction_with_activity_and_an_event(
    aws: Stack, partners: ApiClient, partnership: dict[str, Any],
) -> None:
    pid = partnership["id"]
    response = _tick(partners, pid, "sign-the-partner-agreement", user=BEN)
    assert response.status == 200, response.text
    body = response.json()
    item = body["items"][0]
    assert (item["done"], item["done_by"], item["done_side"]) == (True, "u-ben", "vendor")
    assert item["done_at"]
    assert (body["done_count"], body["required_complete"]) == (1, True)
    assert response.calls.operations == ["GetItem", "BatchGetItem", "TransactWriteItems"]
    event = outbox_events(aws, TABLE)[-1]
    assert event["type"] == "ChecklistItemTicked"
    assert event["data"] == {
        "partnership_id": pid, "company_name": "Northwind Consulting", "stage_id": "recruitment",
        "item_id": "sign-the-partner-agreement", "title": "Sign the partner agreement", "done": True,
        "side": "vendor", "required_complete": True,
    }
    [entry] = [entry for entry in partners.get(f"/partnerships/{pid}/activity").json()["items"]
               if entry["kind"] == "checklist_item_ticked"]
    assert entry["actor_user_id"] == "u-ben"
    assert entry["changes"] == [
        {"field": "checklist.recruitment.sign-the-partner-agreement", "before": "false", "after": "true"},
    ]
    # the same tick again writes nothing; unticking is a change of its own
    before = aws.count(TABLE)
    again = _tick(partners, pid, "sign-the-partner-agreement", user=BEN)
    assert again.status == 200
    assert again.calls.operations == ["GetItem", "BatchGetItem"]
    assert aws.count(TABLE) == before
    undone = _tick(partners, pid, "sign-the-partner-agreement", False)
    assert (undone.json()["items"][0]["done"], undone.json()["items"][0]["done_by"]) == (False, "u-ana")
    assert outbox_events(aws, TABLE)[-1]["data"]["done"] is False


def test_another_stage_is_read_and_ticked_with_the_stage_parameter(
    partners: ApiClient, partnership: dict[str, Any],
) -> None:
    _define(partners, "onboarding", [{"title": "Kick-off"}])
    pid = partnership["id"]
    read = _checklist(partners, pid, query={"stage": "onboarding"})
    assert read.status == 200, read.text
    assert (read.json()["stage_id"], read.json()["current_stage"]) == ("onboarding", False)
    ticked = partners.put(f"/partnerships/{pid}/checklist/kick-off", json_body={"done": True},
                          query={"stage": "onboarding"})
    assert ticked.status == 200, ticked.text
    assert ticked.json()["items"][0]["done"] is True
    # the current stage's progress is its own
    assert _checklist(partners, pid).json()["done_count"] == 0


def test_the_checklist_follows_the_partnership_into_its_next_stage(
    partners: ApiClient, partnership: dict[str, Any],
) -> None:
    _define(partners, "onboarding", [{"title": "Kick-off"}])
    pid = partnership["id"]
    _tick(partners, pid, "intro-call")
    assert partners.put(f"/partnerships/{pid}/stage", json_body={"stage": "onboarding"}).status == 200
    body = _checklist(partners, pid).json()
    assert (body["stage_id"], [item["id"] for item in body["items"]]) == ("onboarding", ["kick-off"])
    earlier = _checklist(partners, pid, query={"stage": "recruitment"}).json()
    assert [item["done"] for item in earlier["items"]] == [False, True]


@pytest.mark.parametrize(
    ("item", "body", "query", "status", "field"),
    [
        ("no-such-task", {"done": True}, {}, 404, "item_id"),
        ("intro-call", {"done": "yes"}, {}, 422, "done"),
        ("intro-call", {"done": 1}, {}, 422, "done"),
        ("intro-call", {}, {}, 422, "done"),
        ("intro-call", {"done": True, "note": "x"}, {}, 422, "note"),
        ("intro-call", {"done": True}, {"stage": "churned"}, 422, "stage"),
        ("intro-call", {"done": True}, {"stage": "Not A Stage"}, 422, "stage"),
        ("Bad Id!", {"done": True}, {}, 422, "item_id"),
    ],
)
def test_an_invalid_tick_is_refused_naming_the_field_and_writes_nothing(
    aws: Stack, partners: ApiClient, partnership: dict[str, Any], item: str, body: dict[str, Any],
    query: dict[str, str], status: int, field: str,
) -> None:
    before = aws.count(TABLE)
    path = f"/partnerships/{partnership['id']}/checklist/{item}"
    response = partners.put(path, json_body=body, query=query)
    assert_problem(response, status, field)
    assert aws.count(TABLE) == before


def test_an_unknown_stage_parameter_on_a_read_names_it(
    partners: ApiClient, partnership: dict[str, Any],
) -> None:
    assert_problem(_checklist(partners, partnership["id"], query={"stage": "churned"}), 422, "stage")


def test_an_archived_partnership_is_read_but_not_ticked_on_either_side(
    aws: Stack, partners: ApiClient, partnership: dict[str, Any],
) -> None:
    pid = partnership["id"]
    assert partners.post(f"/partnerships/{pid}/archive").status == 200
    before = aws.count(TABLE)
    assert_problem(_tick(partners, pid, "intro-call"), 409)
    assert_problem(_tick(partners, pid, "intro-call", partner=True, user=SALLY), 409)
    assert aws.count(TABLE) == before
    assert _checklist(partners, pid).status == 200
    assert partners.get(f"/partner/partnerships/{pid}/checklist", user=SALLY).status == 200


def test_a_partnership_archived_between_read_and_write_is_a_conflict(
    aws: Stack, partners: ApiClient, partnership: dict[str, Any],
) -> None:
    pid = partnership["id"]

    def archive_meanwhile() -> None:
        from tests.helpers.profiles import archive

        archive(partners, pid)

    before = aws.count(TABLE)
    response = _tick(partners, pid, "intro-call", before={"TransactWriteItems": archive_meanwhile})
    assert_problem(response, 409)
    assert aws.count(TABLE) == before


@pytest.mark.parametrize("user", [CLEO, SALLY], ids=lambda user: user.user_id)
def test_readers_and_partner_users_cannot_tick_on_the_vendor_side(
    aws: Stack, partners: ApiClient, partnership: dict[str, Any], user: User,
) -> None:
    before = aws.count(TABLE)
    assert_problem(_tick(partners, partnership["id"], "intro-call", user=user), 403)
    assert aws.count(TABLE) == before


def test_another_organisation_gets_404(aws: Stack, partners: ApiClient, partnership: dict[str, Any]) -> None:
    pid = partnership["id"]
    before = aws.count(TABLE)
    assert_problem(_checklist(partners, pid, user=ZED), 404)
    assert_problem(_tick(partners, pid, "intro-call", user=ZED), 404)
    assert_problem(partners.get(f"/partner/partnerships/{pid}/checklist", user=OTTO), 404)
    assert_problem(_tick(partners, pid, "intro-call", partner=True, user=OTTO), 404)
    assert aws.count(TABLE) == before


# ---------------------------------------------------------------- progress, partner side


def test_the_partner_ticks_and_the_vendor_sees_who(
    aws: Stack, partners: ApiClient, partnership: dict[str, Any],
) -> None:
    pid = partnership["id"]
    _tick(partners, pid, "intro-call", user=BEN)
    response = _tick(partners, pid, "sign-the-partner-agreement", partner=True, user=PIA)
    assert response.status == 200, response.text
    assert response.calls.operations == ["GetItem", "GetItem", "BatchGetItem", "TransactWriteItems"]
    items = {item["id"]: item for item in response.json()["items"]}
    signed = items["sign-the-partner-agreement"]
    assert (signed["done_by"], signed["done_side"]) == ("u-pia", "partner")
    # the partner does not see which vendor user ticked
    assert (items["intro-call"]["done_by"], items["intro-call"]["done_side"]) == (None, "vendor")
    event = outbox_events(aws, TABLE)[-1]
    assert (event["type"], event["tenant_id"]) == ("ChecklistItemTicked", "acme")
    assert event["data"]["side"] == "partner"
    assert event["actor"]["organisation_id"] == "northwind"
    vendor_view = {item["id"]: item for item in _checklist(partners, pid).json()["items"]}
    assert vendor_view["sign-the-partner-agreement"]["done_by"] == "u-pia"
    assert vendor_view["intro-call"]["done_by"] == "u-ben"


def test_every_partner_role_reads_and_only_admins_and_project_managers_tick(
    aws: Stack, partners: ApiClient, partnership: dict[str, Any],
) -> None:
    pid = partnership["id"]
    read = partners.get(f"/partner/partnerships/{pid}/checklist", user=SAM)
    assert read.status == 200, read.text
    assert read.calls.operations == ["GetItem", "GetItem", "BatchGetItem"]
    assert read.json()["stage_id"] == "recruitment"
    before = aws.count(TABLE)
    assert_problem(_tick(partners, pid, "intro-call", partner=True, user=SAM), 403)
    assert_problem(_tick(partners, pid, "intro-call", partner=True, user=ANA), 403)
    assert_problem(partners.get(f"/partner/partnerships/{pid}/checklist", user=ANA), 403)
    assert aws.count(TABLE) == before
    assert _tick(partners, pid, "intro-call", partner=True, user=SALLY).status == 200
