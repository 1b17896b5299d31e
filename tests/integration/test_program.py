"""The vendor's program settings: its stage pipeline and its tiers, categories and tags, and
partnerships classified with them."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.assertions import assert_problem, outbox_events
from tests.helpers.aws import Stack
from tests.helpers.lambda_runtime import ApiClient, User
from tests.helpers.people import BEN, CLEO, SALLY, ZED

TABLE = "PartnersTable"
JOURNEY = ["recruitment", "onboarding", "activation", "growth", "retention", "advocacy"]
NewPartnership = Any


def _ids(program: dict[str, Any], name: str) -> list[str]:
    return [entry["id"] for entry in program[name]]


def _save(partners: ApiClient, name: str, *entries: dict[str, Any], user: User | None = None) -> Any:
    return partners.put(f"/program/{name}", json_body={"entries": list(entries)}, user=user)


def test_every_vendor_starts_with_the_partner_journey(partners: ApiClient) -> None:
    response = partners.get("/program")
    assert response.status == 200, response.text
    body = response.json()
    assert _ids(body, "stages") == JOURNEY
    assert body["stages"][0] == {"id": "recruitment", "name": "Recruitment"}
    assert (body["tiers"], body["categories"], body["tags"], body["version"]) == ([], [], [], 0)
    assert response.calls.operations == ["GetItem"]


def test_an_admin_defines_tiers_and_the_change_is_an_event(aws: Stack, partners: ApiClient) -> None:
    response = _save(partners, "tiers", {"name": "Gold"}, {"name": "Silver partner"})
    assert response.status == 200, response.text
    assert response.json()["tiers"] == [
        {"id": "gold", "name": "Gold"}, {"id": "silver-partner", "name": "Silver partner"},
    ]
    assert response.json()["version"] == 1
    assert response.calls.operations == ["GetItem", "TransactWriteItems"]
    [event] = outbox_events(aws, TABLE)
    assert event["type"] == "ProgramListUpdated"
    assert (event["data"]["list_name"], event["data"]["added"]) == ("tiers", ["gold", "silver-partner"])


def test_stages_are_renamed_reordered_and_added_but_never_removed(aws: Stack, partners: ApiClient) -> None:
    stages = [{"id": stage, "name": stage.title()} for stage in JOURNEY]
    stages[0]["name"] = "Prospecting"
    stages[1], stages[2] = stages[2], stages[1]
    response = _save(partners, "stages", *stages, {"name": "Churned"})
    assert response.status == 200, response.text
    body = response.json()
    assert _ids(body, "stages") == [
        "recruitment", "activation", "onboarding", "growth", "retention", "advocacy", "churned",
    ]
    assert body["stages"][0]["name"] == "Prospecting"
    event = outbox_events(aws, TABLE)[-1]
    assert (event["data"]["added"], event["data"]["renamed"]) == (["churned"], ["recruitment"])
    # Dropping a stage is refused: partnerships and their history refer to it
    before = aws.count(TABLE)
    refused = _save(partners, "stages", *stages[1:])
    assert_problem(refused, 422, "entries")
    assert "recruitment" in refused.json()["detail"]
    assert aws.count(TABLE) == before


def test_saving_the_same_list_again_writes_nothing(aws: Stack, partners: ApiClient) -> None:
    _save(partners, "tags", {"name": "EMEA"})
    before = aws.count(TABLE)
    again = _save(partners, "tags", {"id": "emea", "name": "EMEA"})
    assert again.status == 200
    assert again.calls.operations == ["GetItem"]
    assert aws.count(TABLE) == before


@pytest.mark.parametrize(
    ("name", "body", "status", "field"),
    [
        ("tiers", {"entries": [{"name": "Gold"}, {"name": "gold"}]}, 422, "entries"),
        ("tiers", {"entries": [{"id": "a", "name": "A"}, {"id": "a", "name": "B"}]}, 422, "entries"),
        ("stages", {"entries": []}, 422, "entries"),
        ("tiers", {"entries": [{"name": ""}]}, 422, "entries.0.name"),
        ("tiers", {"entries": [{"name": "Gold", "colour": "gold"}]}, 422, "entries.0.colour"),
        ("tiers", {"entries": [{"id": "Not A Slug", "name": "Gold"}]}, 422, "entries.0.id"),
        ("tiers", {"entries": [{"name": f"T{n}"} for n in range(51)]}, 422, "entries"),
        ("tiers", {"entries": "gold"}, 422, "entries"),
        ("tiers", {}, 422, "entries"),
        ("regions", {"entries": []}, 422, "list_name"),
    ],
)
def test_an_invalid_list_is_refused_naming_the_field_and_writes_nothing(
    aws: Stack, partners: ApiClient, name: str, body: dict[str, Any], status: int, field: str,
) -> None:
    before = aws.count(TABLE)
    assert_problem(partners.put(f"/program/{name}", json_body=body), status, field)
    assert aws.count(TABLE) == before


def test_a_stale_expected_version_is_a_conflict(aws: Stack, partners: ApiClient) -> None:
    _save(partners, "tiers", {"name": "Gold"})
    before = aws.count(TABLE)
    response = partners.put("/program/tiers", json_body={"entries": [{"name": "Gold"}, {"name": "Silver"}],
                                                          "expected_version": 7})
    assert_problem(response, 409)
    assert aws.count(TABLE) == before


@pytest.mark.parametrize("user", [BEN, CLEO, SALLY], ids=lambda user: user.user_id)
def test_only_an_admin_changes_the_program(aws: Stack, partners: ApiClient, user: User) -> None:
    before = aws.count(TABLE)
    assert_problem(_save(partners, "tiers", {"name": "Gold"}, user=user), 403)
    assert aws.count(TABLE) == before


def test_partner_users_cannot_read_a_vendors_program(partners: ApiClient) -> None:
    assert_problem(partners.get("/program", user=SALLY), 403)


def test_each_vendor_has_its_own_program(partners: ApiClient) -> None:
    _save(partners, "tiers", {"name": "Gold"})
    theirs = partners.get("/program", user=ZED).json()
    assert theirs["tiers"] == []
    assert theirs["version"] == 0


# ---------------------------------------------------------------- partnerships in the program


def test_a_new_partnership_starts_in_the_first_stage_of_the_vendors_own_pipeline(
    partners: ApiClient, new_partnership: NewPartnership,
) -> None:
    journey = ({"id": stage, "name": stage.title()} for stage in JOURNEY)
    _save(partners, "stages", {"name": "Lead"}, *journey)
    created = new_partnership()
    assert created["stage"] == "lead"
    moved = partners.put(f"/partnerships/{created['id']}/stage", json_body={"stage": "recruitment"})
    assert moved.status == 200, moved.text
    unknown = partners.put(f"/partnerships/{created['id']}/stage", json_body={"stage": "won"})
    assert_problem(unknown, 422, "stage")


def test_partnerships_are_classified_with_the_vendors_tiers_categories_and_tags(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership,
) -> None:
    _save(partners, "tiers", {"name": "Gold"}, {"name": "Silver"})
    _save(partners, "categories", {"name": "Agency"})
    _save(partners, "tags", {"name": "EMEA"}, {"name": "Cloud"})
    created = new_partnership(tier="silver", category="agency", tags=["emea"])
    assert (created["tier"], created["category"], created["tags"]) == ("silver", "agency", ["emea"])
    # Promoting it to gold and retagging it is one read of both, one transaction, one event
    response = partners.patch(
        f"/partnerships/{created['id']}", json_body={"tier": "gold", "tags": ["cloud", "emea"]},
    )
    assert response.status == 200, response.text
    assert (response.json()["tier"], response.json()["tags"]) == ("gold", ["cloud", "emea"])
    assert response.calls.operations == ["BatchGetItem", "TransactWriteItems"]
    event = outbox_events(aws, TABLE)[-1]
    assert event["type"] == "PartnershipUpdated"
    assert {c["field"]: (c["before"], c["after"]) for c in event["data"]["changes"]} == {
        "tier": ("silver", "gold"), "tags": ("emea", "cloud, emea"),
    }
    # Clearing the tier
    cleared = partners.patch(f"/partnerships/{created['id']}", json_body={"tier": None})
    assert cleared.json()["tier"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"tier": "platinum"}, "tier"),
        ({"category": "agency"}, "category"),
        ({"tags": ["emea", "apac"]}, "tags.1"),
        ({"tags": None}, "tags"),
        ({"tags": ["Not A Slug"]}, "tags.0"),
    ],
)
def test_classification_must_come_from_the_vendors_lists(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership, body: dict[str, Any], field: str,
) -> None:
    _save(partners, "tiers", {"name": "Gold"})
    _save(partners, "tags", {"name": "EMEA"})
    created = new_partnership()
    before = aws.count(TABLE)
    assert_problem(partners.patch(f"/partnerships/{created['id']}", json_body=body), 422, field)
    if body != {"tags": None}:  # on creation a missing list is simply empty
        fields = {"company_name": "X", "partnership_type": "referral", **body}
        creation = partners.post("/partnerships", json_body=fields)
        assert_problem(creation, 422, field)
    assert aws.count(TABLE) == before


def test_another_vendors_tiers_do_not_count(partners: ApiClient, new_partnership: NewPartnership) -> None:
    _save(partners, "tiers", {"name": "Gold"})  # acme's tier
    response = partners.post("/partnerships", user=ZED, json_body={
        "company_name": "X", "partnership_type": "referral", "tier": "gold",
    })
    assert_problem(response, 422, "tier")
