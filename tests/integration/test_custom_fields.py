"""Custom fields: an organisation's definitions (admin) and their values on a partnership (vendor writers)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.helpers.assertions import assert_problem, entities, outbox_events
from tests.helpers.aws import Stack
from tests.helpers.lambda_runtime import ApiClient, ApiResponse, User
from tests.helpers.people import BEN, CLEO, NOROLE, PAT, SALLY, YVES, ZED
from tests.helpers.profiles import archive

TABLE = "PartnersTable"
NewPartnership = Callable[..., dict[str, Any]]

SUPPORT = {
    "key": "support_level",
    "label": "Support level",
    "type": "single_select",
    "visibility": "shared",
    "options": ["basic", "premium"],
    "help_text": "Agreed support tier",
}
FIELDS = [
    {"key": "notes", "label": "Notes", "type": "text"},
    {"key": "seats", "label": "Seats", "type": "number"},
    {"key": "renewal", "label": "Renewal date", "type": "date"},
    SUPPORT,
    {"key": "regions", "label": "Regions", "type": "multi_select", "options": ["emea", "amer", "apac"]},
]


def _define(api: ApiClient, body: dict[str, Any], user: User | None = None) -> ApiResponse:
    return api.post("/custom-fields", json_body=body, user=user)


def _define_all(api: ApiClient, fields: list[dict[str, Any]] = FIELDS) -> dict[str, dict[str, Any]]:
    defined = {}
    for body in fields:
        response = _define(api, body)
        assert response.status == 201, response.text
        defined[body["key"]] = response.json()
    return defined


def _values(partnership_id: str) -> str:
    return f"/partnerships/{partnership_id}/custom-fields"


# ---------------------------------------------------------------- definitions


def test_an_admin_defines_a_custom_field(aws: Stack, partners: ApiClient) -> None:
    response = _define(partners, {**SUPPORT, "label": "  Support level "})
    assert response.status == 201, response.text
    body = response.json()
    assert {name: body[name] for name in SUPPORT} == SUPPORT
    assert body["required"] is False
    assert body["version"] == 1
    assert body["created_at"] == body["updated_at"]
    # One Query (the organisation's fields: key taken? too many?) and one transaction
    assert response.calls.operations == ["Query", "TransactWriteItems"]
    assert entities(aws, TABLE)["CustomField"] == 1
    assert entities(aws, TABLE)["FieldKey"] == 1
    [event] = [event for event in outbox_events(aws, TABLE) if event["type"] == "CustomFieldDefined"]
    assert event["tenant_id"] == "acme"
    assert event["data"]["field"] == {
        "field_id": body["id"],
        "key": "support_level",
        "label": "Support level",
        "type": "single_select",
        "required": False,
        "visibility": "shared",
        "options": ["basic", "premium"],
        "help_text": "Agreed support tier",
    }


def test_fields_are_listed_oldest_first_to_every_vendor_role(partners: ApiClient) -> None:
    defined = _define_all(partners)
    response = partners.get("/custom-fields", user=CLEO)
    assert response.status == 200, response.text
    assert [field["key"] for field in response.json()] == [field["key"] for field in FIELDS]
    assert response.json()[0] == defined["notes"]
    assert response.calls.operations == ["Query"]


def test_lists_never_show_another_organisations_fields(partners: ApiClient) -> None:
    _define_all(partners)
    assert _define(partners, {"key": "tier", "label": "Tier", "type": "text"}, user=ZED).status == 201
    assert [field["key"] for field in partners.get("/custom-fields", user=ZED).json()] == ["tier"]
    assert "tier" not in [field["key"] for field in partners.get("/custom-fields").json()]


def test_a_key_is_unique_in_an_organisation_but_not_across_them(aws: Stack, partners: ApiClient) -> None:
    assert _define(partners, SUPPORT).status == 201
    before = aws.count(TABLE)
    response = _define(partners, {**SUPPORT, "label": "Other"})
    assert_problem(response, 409, "key")
    assert aws.count(TABLE) == before
    # acme-corp may use the same key
    assert _define(partners, SUPPORT, user=ZED).status == 201


def test_a_key_claimed_by_a_concurrent_definition_is_a_conflict(aws: Stack, partners: ApiClient) -> None:
    def zed_is_not_it_ana_defines_it_meanwhile() -> None:
        assert _define(partners, {**SUPPORT, "label": "First"}).status == 201

    response = partners.post(
        "/custom-fields",
        json_body=SUPPORT,
        before={"TransactWriteItems": zed_is_not_it_ana_defines_it_meanwhile},
    )
    assert_problem(response, 409, "key")
    assert [field["label"] for field in partners.get("/custom-fields").json()] == ["First"]
    assert entities(aws, TABLE)["CustomField"] == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**SUPPORT, "key": "Support Level"}, "key"),
        ({**SUPPORT, "key": "support#level"}, "key"),
        ({**SUPPORT, "key": "1st"}, "key"),
        ({**SUPPORT, "label": " "}, "label"),
        ({**SUPPORT, "label": "x" * 101}, "label"),
        ({**SUPPORT, "type": "checkbox"}, "type"),
        ({**SUPPORT, "required": "yes"}, "required"),
        ({**SUPPORT, "visibility": "private"}, "visibility"),
        ({**SUPPORT, "options": []}, "options"),
        ({**SUPPORT, "options": ["a", "a"]}, "options"),
        ({**SUPPORT, "options": ["a", ""]}, "options.1"),
        ({"key": "notes", "label": "Notes", "type": "text", "options": ["a"]}, "options"),
        ({**SUPPORT, "help_text": "x" * 501}, "help_text"),
        ({**SUPPORT, "colour": "red"}, "colour"),
        ({"label": "No key", "type": "text"}, "key"),
    ],
)
def test_an_invalid_definition_is_refused_naming_the_field_and_writes_nothing(
    aws: Stack, partners: ApiClient, body: dict[str, Any], field: str
) -> None:
    before = aws.count(TABLE)
    response = _define(partners, body)
    assert_problem(response, 422, field)
    assert "TransactWriteItems" not in response.calls.operations
    assert aws.count(TABLE) == before


@pytest.mark.parametrize("user", [BEN, CLEO, NOROLE, SALLY, PAT])
def test_only_admins_define_change_and_remove_fields(aws: Stack, partners: ApiClient, user: User) -> None:
    field = _define_all(partners, [SUPPORT])["support_level"]
    before = aws.count(TABLE)
    assert_problem(_define(partners, {**SUPPORT, "key": "other"}, user=user), 403)
    update = {"label": "Changed", "options": ["basic"]}
    assert_problem(partners.put(f"/custom-fields/{field['id']}", json_body=update, user=user), 403)
    assert_problem(partners.request("DELETE", f"/custom-fields/{field['id']}", user=user), 403)
    assert aws.count(TABLE) == before


@pytest.mark.parametrize("user", [NOROLE, SALLY, PAT])
def test_only_vendor_roles_list_fields(partners: ApiClient, user: User) -> None:
    response = partners.get("/custom-fields", user=user)
    assert_problem(response, 403)
    assert response.calls.operations == []


def test_an_admin_changes_a_fields_label_rules_and_options(aws: Stack, partners: ApiClient) -> None:
    field = _define_all(partners, [SUPPORT])["support_level"]
    update = {
        "label": "Support tier",
        "required": True,
        "visibility": "standard",
        "options": ["premium", "enterprise"],
        "expected_version": 1,
    }
    response = partners.put(f"/custom-fields/{field['id']}", json_body=update)
    assert response.status == 200, response.text
    body = response.json()
    assert (body["label"], body["required"], body["visibility"]) == ("Support tier", True, "standard")
    assert body["options"] == ["premium", "enterprise"]
    assert body["help_text"] is None
    assert (body["key"], body["type"], body["version"]) == ("support_level", "single_select", 2)
    assert response.calls.operations == ["GetItem", "TransactWriteItems"]
    event = outbox_events(aws, TABLE)[-1]
    assert event["type"] == "CustomFieldUpdated"
    assert event["data"]["changed"] == ["label", "required", "visibility", "options", "help_text"]
    assert event["data"]["removed_options"] == ["basic"]
    assert event["data"]["field_version"] == 2


def test_an_unchanged_field_update_writes_nothing(aws: Stack, partners: ApiClient) -> None:
    field = _define_all(partners, [SUPPORT])["support_level"]
    before = aws.count(TABLE)
    same = {name: SUPPORT[name] for name in ("label", "visibility", "options", "help_text")}
    response = partners.put(f"/custom-fields/{field['id']}", json_body=same)
    assert response.status == 200, response.text
    assert response.json() == field
    assert response.calls.operations == ["GetItem"]
    assert aws.count(TABLE) == before


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"label": "X", "options": ["a"], "type": "text"}, 422, "type"),
        ({"label": "X", "options": ["a"], "key": "other"}, 422, "key"),
        ({"label": "X", "options": []}, 422, "options"),
        ({"label": "X", "options": ["a", "a"]}, 422, "options"),
        ({"options": ["a"]}, 422, "label"),
        ({"label": "X", "options": ["a"], "expected_version": 7}, 409, None),
    ],
    ids=[
        "type-is-immutable",
        "key-is-immutable",
        "select-without-options",
        "duplicates",
        "no-label",
        "stale",
    ],
)
def test_an_invalid_field_update_is_refused_and_writes_nothing(
    aws: Stack, partners: ApiClient, body: dict[str, Any], status: int, field: str | None
) -> None:
    defined = _define_all(partners, [SUPPORT])["support_level"]
    before = aws.count(TABLE)
    response = partners.put(f"/custom-fields/{defined['id']}", json_body=body)
    assert_problem(response, status, *([field] if field else []))
    assert aws.count(TABLE) == before


def test_another_organisations_field_is_not_found(aws: Stack, partners: ApiClient) -> None:
    field = _define_all(partners, [SUPPORT])["support_level"]
    before = aws.count(TABLE)
    update = {"label": "Mine now", "options": ["a"]}
    assert_problem(partners.put(f"/custom-fields/{field['id']}", json_body=update, user=ZED), 404)
    assert_problem(partners.request("DELETE", f"/custom-fields/{field['id']}", user=ZED), 404)
    assert_problem(partners.request("DELETE", "/custom-fields/0123456789abcdef", user=ZED), 404)
    assert aws.count(TABLE) == before


def test_removing_a_field_hides_its_values_and_frees_its_key(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership
) -> None:
    defined = _define_all(partners)
    created = new_partnership()
    assert partners.put(_values(created["id"]), json_body={"values": {"notes": "old"}}).status == 200
    # When the field is removed
    response = partners.request("DELETE", f"/custom-fields/{defined['notes']['id']}")
    assert response.status == 204, response.text
    assert response.calls.operations == ["GetItem", "TransactWriteItems"]
    event = outbox_events(aws, TABLE)[-1]
    assert (event["type"], event["data"]) == (
        "CustomFieldRemoved",
        {"field_id": defined["notes"]["id"], "key": "notes"},
    )
    # Then its value is no longer shown, and writing it is an unknown key
    values = partners.get(_values(created["id"])).json()
    assert "notes" not in [field["key"] for field in values["fields"]]
    assert_problem(
        partners.put(_values(created["id"]), json_body={"values": {"notes": "x"}}), 422, "values.notes"
    )
    # And a new field with the same key starts empty
    assert _define(partners, {"key": "notes", "label": "Notes", "type": "text"}).status == 201
    values = partners.get(_values(created["id"])).json()
    assert [field["value"] for field in values["fields"] if field["key"] == "notes"] == [None]
    assert_problem(partners.request("DELETE", f"/custom-fields/{defined['notes']['id']}"), 404)


# ---------------------------------------------------------------- values


def test_a_partner_manager_sets_values_of_every_type(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership
) -> None:
    _define_all(partners)
    created = new_partnership()
    values = {
        "notes": "  Strong in DACH  ",
        "seats": 0.1 + 0.2,
        "renewal": "2026-02-28",
        "support_level": "premium",
        "regions": ["apac", "emea"],
    }
    response = partners.put(_values(created["id"]), user=BEN, json_body={"values": values})
    assert response.status == 200, response.text
    body = response.json()
    assert {field["key"]: field["value"] for field in body["fields"]} == {
        "notes": "Strong in DACH",
        "seats": 0.3,
        "renewal": "2026-02-28",
        "support_level": "premium",
        "regions": ["emea", "apac"],
    }
    assert body["version"] == 1
    # The partnership, the organisation's fields, the current values, one transaction
    assert response.calls.operations == ["GetItem", "Query", "GetItem", "TransactWriteItems"]
    # Reading it back: the partnership and its values in one batch, the fields in one Query
    read = partners.get(_values(created["id"]), user=CLEO)
    assert read.json() == body
    assert read.calls.operations == ["BatchGetItem", "Query"]
    assert [field["label"] for field in body["fields"]][:2] == ["Notes", "Seats"]
    event = outbox_events(aws, TABLE)[-1]
    assert event["type"] == "PartnershipCustomFieldsUpdated"
    assert event["data"] == {
        "partnership_id": created["id"],
        "changed_by": "vendor",
        "changed_keys": ["notes", "seats", "renewal", "support_level", "regions"],
        # Standard fields' values stay in the partners service
        "shared_changes": [{"key": "support_level", "before": None, "after": "premium"}],
        "values_version": 1,
    }
    activity = partners.get(f"/partnerships/{created['id']}/activity").json()["items"][0]
    assert activity["kind"] == "custom_fields_updated"
    assert activity["details"]["seats"] == "empty → 0.3"
    assert activity["details"]["regions"] == "empty → emea, apac"
    assert entities(aws, TABLE)["FieldValues"] == 1


def test_numbers_keep_their_value_and_type(partners: ApiClient, new_partnership: NewPartnership) -> None:
    _define_all(partners)
    created = new_partnership()
    for sent, stored in [(12, 12), (12.0, 12), (-0.5, -0.5), (1e15, 10**15), (123456.789, 123456.789)]:
        response = partners.put(_values(created["id"]), json_body={"values": {"seats": sent}})
        assert response.status == 200, response.text
        read = partners.get(_values(created["id"])).json()
        [value] = [field["value"] for field in read["fields"] if field["key"] == "seats"]
        assert value == stored
        assert type(value) is type(stored)


def test_keys_left_out_keep_their_value_and_null_clears_one(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership
) -> None:
    _define_all(partners)
    created = new_partnership()
    path = _values(created["id"])
    partners.put(path, json_body={"values": {"notes": "a", "seats": 3}})
    response = partners.put(path, json_body={"values": {"seats": None}, "expected_version": 1})
    assert response.status == 200, response.text
    values = {field["key"]: field["value"] for field in response.json()["fields"]}
    assert (values["notes"], values["seats"], response.json()["version"]) == ("a", None, 2)
    assert outbox_events(aws, TABLE)[-1]["data"]["changed_keys"] == ["seats"]


def test_saving_unchanged_values_writes_nothing(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership
) -> None:
    _define_all(partners)
    created = new_partnership()
    path = _values(created["id"])
    first = partners.put(path, json_body={"values": {"regions": ["emea", "apac"], "notes": "a"}}).json()
    before = aws.count(TABLE)
    response = partners.put(path, json_body={"values": {"regions": ["apac", "emea"], "notes": " a "}})
    assert response.status == 200, response.text
    assert response.json() == first
    assert response.calls.operations == ["GetItem", "Query", "GetItem"]
    assert aws.count(TABLE) == before


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"nope": "x"}, "values.nope"),
        ({"Notes": "x"}, "values.Notes"),
        ({"notes": 3}, "values.notes"),
        ({"notes": "x" * 2001}, "values.notes"),
        ({"notes": "bell\x07"}, "values.notes"),
        ({"seats": "3"}, "values.seats"),
        ({"seats": True}, "values.seats"),
        ({"seats": 1e16}, "values.seats"),
        ({"renewal": "2026-02-30"}, "values.renewal"),
        ({"renewal": "28.02.2026"}, "values.renewal"),
        ({"renewal": "2026-02-28T00:00:00"}, "values.renewal"),
        ({"support_level": "gold"}, "values.support_level"),
        ({"support_level": ["basic"]}, "values.support_level"),
        ({"regions": "emea"}, "values.regions"),
        ({"regions": ["emea", "mars"]}, "values.regions"),
        ({"regions": ["emea", "emea"]}, "values.regions"),
    ],
)
def test_an_invalid_value_is_refused_naming_it_and_writes_nothing(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership, values: dict[str, Any], field: str
) -> None:
    _define_all(partners)
    created = new_partnership()
    before = aws.count(TABLE)
    response = partners.put(_values(created["id"]), json_body={"values": {"notes": "fine", **values}})
    assert_problem(response, 422, field)
    assert "TransactWriteItems" not in response.calls.operations
    assert aws.count(TABLE) == before


def test_every_invalid_value_is_named_at_once(partners: ApiClient, new_partnership: NewPartnership) -> None:
    _define_all(partners)
    created = new_partnership()
    response = partners.put(
        _values(created["id"]), json_body={"values": {"nope": 1, "seats": "x", "notes": "ok"}}
    )
    assert_problem(response, 422, "values.nope", "values.seats")


@pytest.mark.parametrize(
    "body",
    [{}, {"values": []}, {"values": {}, "extra": 1}, {"values": {}, "expected_version": -1}],
    ids=["no-values", "values-not-an-object", "unknown-field", "bad-version"],
)
def test_a_malformed_values_body_is_refused_before_any_read(
    partners: ApiClient, new_partnership: NewPartnership, body: dict[str, Any]
) -> None:
    created = new_partnership()
    response = partners.put(_values(created["id"]), json_body=body)
    assert_problem(response, 422)
    assert response.calls.operations == []


def test_required_fields_must_have_a_value_after_the_update(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership
) -> None:
    defined = _define_all(partners)
    created = new_partnership()
    path = _values(created["id"])
    assert partners.put(path, json_body={"values": {"notes": "a"}}).status == 200
    # Given seats becomes required
    update = {"label": "Seats", "required": True}
    assert partners.put(f"/custom-fields/{defined['seats']['id']}", json_body=update).status == 200
    before = aws.count(TABLE)
    # Then a save without seats is refused, naming it
    assert_problem(partners.put(path, json_body={"values": {"notes": "b"}}), 422, "values.seats")
    # And so is clearing it
    assert_problem(
        partners.put(path, json_body={"values": {"seats": None, "notes": "b"}}), 422, "values.seats"
    )
    assert aws.count(TABLE) == before
    # With a value it is accepted
    assert partners.put(path, json_body={"values": {"seats": 5, "notes": "b"}}).status == 200


def test_a_removed_option_stays_until_the_value_is_next_written(
    partners: ApiClient, new_partnership: NewPartnership
) -> None:
    defined = _define_all(partners)
    created = new_partnership()
    path = _values(created["id"])
    assert partners.put(path, json_body={"values": {"support_level": "basic"}}).status == 200
    update = {"label": "Support level", "visibility": "shared", "options": ["premium"]}
    assert partners.put(f"/custom-fields/{defined['support_level']['id']}", json_body=update).status == 200
    values = {field["key"]: field["value"] for field in partners.get(path).json()["fields"]}
    assert values["support_level"] == "basic"
    assert_problem(
        partners.put(path, json_body={"values": {"support_level": "basic"}}), 422, "values.support_level"
    )
    # Other fields can still be saved
    assert partners.put(path, json_body={"values": {"notes": "n"}}).status == 200


def test_a_stale_expected_version_is_a_conflict(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership
) -> None:
    _define_all(partners)
    created = new_partnership()
    path = _values(created["id"])
    assert partners.put(path, json_body={"values": {"notes": "a"}}).status == 200
    before = aws.count(TABLE)
    assert_problem(partners.put(path, json_body={"values": {"notes": "b"}, "expected_version": 0}), 409)
    assert aws.count(TABLE) == before


def test_a_concurrent_save_of_values_is_a_conflict(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership
) -> None:
    _define_all(partners)
    created = new_partnership()
    path = _values(created["id"])

    def ben_saves_meanwhile() -> None:
        assert partners.put(path, user=BEN, json_body={"values": {"seats": 1}}).status == 200

    response = partners.put(
        path, json_body={"values": {"notes": "a"}}, before={"TransactWriteItems": ben_saves_meanwhile}
    )
    assert_problem(response, 409)
    values = {field["key"]: field["value"] for field in partners.get(path).json()["fields"]}
    assert (values["seats"], values["notes"]) == (1, None)


def test_values_of_an_archived_partnership_cannot_change(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership
) -> None:
    _define_all(partners)
    created = new_partnership()
    archive(partners, created["id"])
    before = aws.count(TABLE)
    response = partners.put(_values(created["id"]), json_body={"values": {"notes": "a"}})
    assert_problem(response, 409)
    assert response.calls.operations == ["GetItem"]
    assert aws.count(TABLE) == before


@pytest.mark.parametrize("user", [CLEO, NOROLE, SALLY, PAT])
def test_only_vendor_writers_set_values(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership, user: User
) -> None:
    _define_all(partners)
    created = new_partnership()
    before = aws.count(TABLE)
    response = partners.put(_values(created["id"]), user=user, json_body={"values": {"notes": "a"}})
    assert_problem(response, 403)
    assert response.calls.operations == []
    assert aws.count(TABLE) == before


@pytest.mark.parametrize("user", [ZED, YVES])
def test_another_organisations_partnership_values_are_not_found(
    aws: Stack, partners: ApiClient, new_partnership: NewPartnership, user: User
) -> None:
    _define_all(partners)
    created = new_partnership()
    assert partners.put(_values(created["id"]), json_body={"values": {"notes": "secret"}}).status == 200
    before = aws.count(TABLE)
    assert_problem(partners.get(_values(created["id"]), user=user), 404)
    assert_problem(partners.put(_values(created["id"]), user=user, json_body={"values": {}}), 404)
    assert aws.count(TABLE) == before


def test_a_partnership_without_fields_or_values(partners: ApiClient, new_partnership: NewPartnership) -> None:
    created = new_partnership()
    response = partners.get(_values(created["id"]))
    assert response.json() == {
        "partnership_id": created["id"],
        "version": 0,
        "updated_at": None,
        "fields": [],
    }
    assert_problem(partners.get(_values("0123456789abcdef0123456789abcdef")), 404)
