"""The identity-sync consumer: people events → Cognito logins, and a removed user's assignments.

Events reach the consumer as the bus delivers them: the envelopes the API wrote to the outbox, in
SQS batches from the consumer's own queue. Logins are read on moto's side of the user pool.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.helpers.assertions import assert_problem, entities, outbox_events
from tests.helpers.aws import Stack
from tests.helpers.dynamodb_calls import recording
from tests.helpers.events import eventbridge_event, sqs_message
from tests.helpers.lambda_runtime import ApiClient, FunctionRunner, User, sqs_event
from tests.helpers.organisations import accept, delete, register_profiles
from tests.helpers.people import ANA, BEN, ZED
from trellis.events import SYSTEM, EventEnvelope
from trellis.events.organisations import InvitationAccepted, UserRolesChanged

TABLE = "PartnersTable"
QUEUE = "PartnersIdentityEventsQueue"
TEAM = "/organisation/invitations"


class Sync:
    """The identity consumer, fed with outbox envelopes as one SQS batch; returns the failed envelope ids."""

    def __init__(self, aws: Stack, runner: FunctionRunner):
        self.aws, self.runner = aws, runner
        self.cognito_calls: list[str] = []

    def __call__(self, *envelopes: EventEnvelope | dict[str, Any]) -> list[str]:
        messages = []
        for item in envelopes:
            envelope = item if isinstance(item, EventEnvelope) else EventEnvelope.model_validate(item)
            messages.append((envelope.id, sqs_message(eventbridge_event(envelope))))
        with recording() as recorder:
            response = self.runner.invoke(
                sqs_event([message for _, message in messages], queue_arn=self.aws.queue_arns[QUEUE]),
            )
        self.cognito_calls = [call.removeprefix("cognito-idp:") for call in recorder.other_calls]
        failed = {failure["itemIdentifier"] for failure in response["batchItemFailures"]}
        return [event_id for event_id, message in messages if message["MessageId"] in failed]

    def outbox(self, *types: str) -> list[dict[str, Any]]:
        """The outbox envelopes of these types (what the rule sends this consumer), oldest first."""
        return [event for event in outbox_events(self.aws, TABLE) if event["type"] in types]

    def latest(self, event_type: str) -> dict[str, Any]:
        return self.outbox(event_type)[-1]


@pytest.fixture
def api(partners: ApiClient) -> ApiClient:
    register_profiles(partners)
    return partners


@pytest.fixture
def sync(aws: Stack, function: Callable[[str], FunctionRunner]) -> Sync:
    aws.user_pool()  # created before any call is recorded
    return Sync(aws, function("PartnersIdentityConsumerFunction"))


def invite_teammate(api: ApiClient, email: str = "dana@acme.example",
                    roles: tuple[str, ...] = ("partner_manager",), user: User = ANA) -> str:
    response = api.post(TEAM, user=user, json_body={"email": email, "roles": list(roles)})
    assert response.status == 201, response.text
    return str(response.json()["token"])


def join_as_teammate(api: ApiClient, email: str = "dana@acme.example", name: str = "Dana Scully",
                     roles: tuple[str, ...] = ("partner_manager",), user: User = ANA) -> dict[str, Any]:
    response = accept(api, invite_teammate(api, email, roles, user), name)
    assert response.status == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def cognito_claims(login: dict[str, Any]) -> dict[str, str]:
    """The claims of the ID token Cognito would issue for the login (the app client's read attributes)."""
    readable = ("sub", "email", "email_verified", "name", "custom:user_id", "custom:org_id", "custom:roles")
    return {name: login[name] for name in readable if name in login}


# ------------------------------------------------------------------ logins follow the users
def test_an_accepted_teammate_gets_a_login_that_signs_them_in_as_their_user(
    aws: Stack, api: ApiClient, sync: Sync, service: Callable[..., ApiClient],
) -> None:
    # Given a teammate who accepted their invitation
    dana = join_as_teammate(api, "dana@acme.example", "Dana Scully", ("partner_manager", "member"))
    accepted = sync.latest("InvitationAccepted")
    # (the event carries who they are, never a password)
    assert set(accepted["data"]) == {
        "invitation_id", "kind", "organisation_id", "user_id", "email", "name", "roles",
        "vendor_organisation_id", "partnership_id",
    }

    # When the identity consumer receives the acceptance
    assert sync(accepted) == []

    # Then the pool has a login for the address, naming the app's user, organisation and roles
    login = aws.logins()["dana@acme.example"]
    assert login["custom:user_id"] == dana["user_id"]
    assert login["custom:org_id"] == "acme"
    assert login["custom:roles"] == "member,partner_manager"
    assert login["email_verified"] == "true"
    assert login["name"] == "Dana Scully"
    assert login["Enabled"] is True
    assert login["sub"] != dana["user_id"]  # Cognito chose its own sub
    assert sync.cognito_calls == ["AdminGetUser", "AdminCreateUser"]
    # And the token Cognito issues for it makes the API see that user, not the sub
    me = service("portal").get("/portal/me", claims=cognito_claims(login))
    assert me.status == 200, me.text
    assert (me.json()["user_id"], me.json()["organisation_id"]) == (dana["user_id"], "acme")
    users = api.get("/organisation/users", claims=cognito_claims(login), query={"limit": 100})
    assert users.status == 200
    assert dana["user_id"] in {user["id"] for user in users.json()["items"]}


def test_a_partner_contact_who_founds_the_partner_organisation_gets_a_partner_admin_login(
    aws: Stack, api: ApiClient, sync: Sync, new_partnership: Callable[..., dict[str, Any]],
) -> None:
    partnership = new_partnership()
    invited = api.post(f"/partnerships/{partnership['id']}/invitations",
                       json_body={"email": "lee@litware.example", "name": "Lee"})
    assert invited.status == 201, invited.text
    lee = accept(api, invited.json()["token"], "Lee Owner").json()

    # PartnerJoined (for the vendor) is not the consumer's: the rule sends it InvitationAccepted only
    assert sync(sync.latest("InvitationAccepted")) == []

    login = aws.logins()["lee@litware.example"]
    assert (login["custom:user_id"], login["custom:org_id"]) == (lee["user_id"], lee["organisation_id"])
    assert login["custom:roles"] == "partner_admin"
    # The login reads the partnership the partner joined
    response = api.get(f"/partner/partnerships/{partnership['id']}", claims=cognito_claims(login))
    assert response.status == 200, response.text


def test_a_login_that_already_exists_is_not_an_error_and_a_duplicate_changes_nothing(
    aws: Stack, api: ApiClient, sync: Sync,
) -> None:
    join_as_teammate(api)
    accepted = sync.latest("InvitationAccepted")
    assert sync(accepted) == []
    first = aws.logins()["dana@acme.example"]

    # The same event again (a redelivery) is skipped by its id
    assert sync(accepted) == []
    assert sync.cognito_calls == []
    # An equivalent event under another id (a retry after the login was created and the run crashed)
    # finds the login, sees it is this user's, and leaves it as it is
    again = EventEnvelope.new(InvitationAccepted.model_validate(accepted["data"]), tenant_id="acme",
                              actor=EventEnvelope.model_validate(accepted).actor)
    assert sync(again) == []
    assert sync.cognito_calls == ["AdminGetUser"]
    assert aws.logins() == {"dana@acme.example": first}


def test_role_changes_reach_the_login_and_an_older_change_never_wins(
    aws: Stack, api: ApiClient, sync: Sync,
) -> None:
    dana = join_as_teammate(api, roles=("member",))
    assert sync(sync.latest("InvitationAccepted")) == []
    path = f"/organisation/users/{dana['user_id']}/roles"
    assert api.put(path, json_body={"roles": ["partner_manager"]}).status == 200
    assert api.put(path, json_body={"roles": ["admin"]}).status == 200
    older, newer = sync.outbox("UserRolesChanged")

    # When the newer change arrives first, then the older one
    assert sync(newer) == []
    assert sync.cognito_calls == ["AdminGetUser", "AdminUpdateUserAttributes"]
    assert sync(older) == []

    # Then the login carries the roles the user has now, not the older event's
    assert aws.logins()["dana@acme.example"]["custom:roles"] == "admin"
    assert sync.cognito_calls == ["AdminGetUser"]  # already in step: nothing written


def test_removing_a_user_disables_their_login_and_signs_them_out_everywhere(
    aws: Stack, api: ApiClient, sync: Sync,
) -> None:
    dana = join_as_teammate(api)
    assert sync(sync.latest("InvitationAccepted")) == []
    assert delete(api, f"/organisation/users/{dana['user_id']}").status == 204

    assert sync(sync.latest("UserRemoved")) == []

    login = aws.logins()["dana@acme.example"]
    assert login["Enabled"] is False
    assert sync.cognito_calls == ["AdminGetUser", "AdminDisableUser", "AdminUserGlobalSignOut"]


def test_an_acceptance_delivered_after_the_removal_creates_no_login(
    aws: Stack, api: ApiClient, sync: Sync,
) -> None:
    dana = join_as_teammate(api)
    assert delete(api, f"/organisation/users/{dana['user_id']}").status == 204
    removed, accepted = sync.latest("UserRemoved"), sync.latest("InvitationAccepted")

    assert sync(removed, accepted) == []

    assert "dana@acme.example" not in aws.logins()


def test_a_person_invited_back_after_leaving_gets_a_fresh_login_for_their_new_user(
    aws: Stack, api: ApiClient, sync: Sync,
) -> None:
    first = join_as_teammate(api)
    assert sync(sync.latest("InvitationAccepted")) == []
    assert delete(api, f"/organisation/users/{first['user_id']}").status == 204
    assert sync(sync.latest("UserRemoved")) == []

    # The address is free again in the organisation: the invitation and its acceptance succeed
    second = join_as_teammate(api, roles=("member",))
    assert second["user_id"] != first["user_id"]
    assert sync(sync.latest("InvitationAccepted")) == []

    login = aws.logins()["dana@acme.example"]
    assert (login["custom:user_id"], login["custom:roles"]) == (second["user_id"], "member")
    assert login["Enabled"] is True
    assert sync.cognito_calls == ["AdminGetUser", "AdminDeleteUser", "AdminCreateUser"]


def test_an_email_whose_login_belongs_to_a_live_user_elsewhere_is_left_alone_and_fails_alone(
    aws: Stack, api: ApiClient, sync: Sync,
) -> None:
    # Given dana, a user of acme with a login, and acme-corp inviting the same address
    dana = join_as_teammate(api)
    assert sync(sync.latest("InvitationAccepted")) == []
    before = aws.logins()
    other = join_as_teammate(api, user=ZED, roles=("member",))
    assert other["organisation_id"] == "acme-corp"
    taken = sync.latest("InvitationAccepted")
    # and, in the same batch, an event the consumer can handle
    path = f"/organisation/users/{dana['user_id']}/roles"
    assert api.put(path, json_body={"roles": ["admin"]}).status == 200
    changed = sync.latest("UserRolesChanged")

    # When both arrive together
    failed = sync(taken, changed)

    # Then only the acceptance fails (to be retried, then parked in the DLQ for an operator),
    # dana's login still names dana, and the other event went through
    assert failed == [taken["id"]]
    login = aws.logins()["dana@acme.example"]
    assert login["custom:user_id"] == before["dana@acme.example"]["custom:user_id"] == dana["user_id"]
    assert login["custom:roles"] == "admin"


def test_an_event_about_a_user_who_does_not_exist_creates_nothing(aws: Stack, sync: Sync) -> None:
    # u-gone is in no table: there is no user to give a login to
    data = UserRolesChanged(user_id="u-gone", organisation_id="acme", email="gone@acme.example",
                            from_roles=["member"], to_roles=["partner_manager"])
    assert sync(EventEnvelope.new(data, tenant_id="acme", actor=SYSTEM)) == []
    assert aws.logins() == {}
    assert sync.cognito_calls == ["AdminGetUser"]
    # (the function's USER_POOL_ID names the stack's pool)
    assert sync.runner.env["USER_POOL_ID"] == aws.user_pool("UserPool")


# ------------------------------------------------------------------ a removed user is unassigned everywhere
def _assigned(api: ApiClient, pid: str) -> list[str]:
    return list(api.get(f"/partnerships/{pid}").json()["assigned_user_ids"])


def test_removing_a_user_unassigns_them_from_every_partnership_with_activity_and_events(
    aws: Stack, partners: ApiClient, sync: Sync, new_partnership: Callable[..., dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given ben looking after five live partnerships (two with a colleague) and an archived one
    from partners.logic import identity

    monkeypatch.setattr(identity, "PAGE", 2)  # so five partnerships take three pages
    colleague = {0: ["u-ana"], 1: ["u-ana"]}
    live = [new_partnership(company_name=f"Partner {n}", assigned_user_ids=["u-ben", *colleague.get(n, [])])
            for n in range(5)]
    archived = new_partnership(company_name="Old partner", assigned_user_ids=["u-ben"])
    assert partners.post(f"/partnerships/{archived['id']}/archive").status == 200
    other = new_partnership(company_name="Not his", assigned_user_ids=["u-ana"])

    # When ana removes ben, and the consumer receives the removal
    assert delete(partners, "/organisation/users/u-ben").status == 204
    assert sync(sync.latest("UserRemoved")) == []

    # Then ben is off every live partnership, and only ben
    for n, partnership in enumerate(live):
        assert _assigned(partners, partnership["id"]) == (["u-ana"] if n < 2 else [])
    assert _assigned(partners, other["id"]) == ["u-ana"]
    assert partners.get("/partnerships", query={"assignee": "u-ben"}).json()["items"] == []
    # each change with its activity entry, by the admin who removed him, saying why
    entry = partners.get(f"/partnerships/{live[0]['id']}/activity").json()["items"][0]
    assert entry["kind"] == "user_unassigned"
    assert entry["actor_user_id"] == "u-ana"
    assert entry["details"] == {"user_id": "u-ben", "reason": "user_removed"}
    assert entry["changes"] == [{"field": "assigned_user_ids", "before": "u-ben, u-ana", "after": "u-ana"}]
    # and its PartnershipUserUnassigned event
    unassigned = sync.outbox("PartnershipUserUnassigned")
    assert sorted(event["data"]["partnership_id"] for event in unassigned) == sorted(p["id"] for p in live)
    assert {event["data"]["user_id"] for event in unassigned} == {"u-ben"}
    assert {event["actor"]["user_id"] for event in unassigned} == {"u-ana"}
    # The archived partnership is read-only and keeps its list as it was, until it is restored:
    # then ben is left out, with his unassignment event
    assert _assigned(partners, archived["id"]) == ["u-ben"]
    restored = partners.post(f"/partnerships/{archived['id']}/restore")
    assert restored.status == 200, restored.text
    assert restored.json()["assigned_user_ids"] == []
    assert restored.calls.operations == ["GetItem", "BatchGetItem", "TransactWriteItems"]
    entry = partners.get(f"/partnerships/{archived['id']}/activity").json()["items"][0]
    assert entry["changes"] == [{"field": "archived", "before": "true", "after": "false"},
                                {"field": "assigned_user_ids", "before": "u-ben", "after": None}]
    assert sync.outbox("PartnershipUserUnassigned")[-1]["data"]["partnership_id"] == archived["id"]
    # A redelivery finds nothing left to do
    again = EventEnvelope.new(
        identity.UserRemoved.model_validate(sync.latest("UserRemoved")["data"]), tenant_id="acme",
        actor=EventEnvelope.model_validate(sync.latest("UserRemoved")).actor,
    )
    assert sync(again) == []
    assert len(sync.outbox("PartnershipUserUnassigned")) == len(live) + 1


def test_a_long_unassignment_stops_in_time_and_its_redelivery_finishes_it(
    aws: Stack, partners: ApiClient, sync: Sync, new_partnership: Callable[..., dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from partners.handlers import identity_consumer
    from partners.logic import identity

    monkeypatch.setattr(identity, "PAGE", 2)
    live = [new_partnership(company_name=f"Partner {n}", assigned_user_ids=["u-ben"]) for n in range(5)]
    assert delete(partners, "/organisation/users/u-ben").status == 204
    removed = sync.latest("UserRemoved")

    # When the invocation has less time left than the consumer keeps in reserve (in a batch with
    # another event: a batch whose every record fails is retried whole, which proves less)
    monkeypatch.setattr(identity_consumer, "SAFETY_SECONDS", 10_000.0)
    bystander = EventEnvelope.new(UserRolesChanged(
        user_id="u-gone", organisation_id="acme", email="gone@acme.example", from_roles=[],
        to_roles=["member"],
    ), tenant_id="acme", actor=SYSTEM)
    # Then the event fails after one page (SQS redelivers it), with that page done
    assert sync(removed, bystander) == [removed["id"]]
    assert len(sync.outbox("PartnershipUserUnassigned")) == 2
    assert aws.logins() == {}  # ben never had a login: nothing to disable

    # And with time enough, the redelivery unassigns the rest, each partnership once
    monkeypatch.setattr(identity_consumer, "SAFETY_SECONDS", 8.0)
    assert sync(removed) == []
    assert sorted(e["data"]["partnership_id"] for e in sync.outbox("PartnershipUserUnassigned")) == sorted(
        p["id"] for p in live)
    assert all(_assigned(partners, p["id"]) == [] for p in live)


def test_a_user_removed_while_being_assigned_is_not_assigned(
    aws: Stack, partners: ApiClient, new_partnership: Callable[..., dict[str, Any]],
) -> None:
    # Given a partnership, and ben being assigned to it while ana removes him
    pid = new_partnership()["id"]

    def ana_removes_ben_meanwhile() -> None:
        assert delete(partners, "/organisation/users/u-ben").status == 204

    # When the assignment's write comes after the removal (which its read of ben came before)
    response = partners.post(f"/partnerships/{pid}/assignees", json_body={"user_id": "u-ben"},
                             before={"TransactWriteItems": ana_removes_ben_meanwhile})

    # Then it fails: ben would otherwise stay assigned, past the removal's unassignment
    assert_problem(response, 409)
    assert _assigned(partners, pid) == []
    assert not [e for e in outbox_events(aws, TABLE) if e["type"] == "PartnershipUserAssigned"]


# ------------------------------------------------------------------ one user per email and organisation
@pytest.mark.parametrize("kind", ["teammate", "partner"])
def test_two_invitations_to_one_address_accepted_at_once_make_one_user(
    aws: Stack, api: ApiClient, new_partnership: Callable[..., dict[str, Any]], kind: str,
) -> None:
    # Given two pending invitations to the same address (a teammate's, or a partner contact's into
    # a partner organisation that exists already)
    if kind == "teammate":
        first, second = invite_teammate(api), invite_teammate(api)
        organisation = "acme"
    else:
        pid = new_partnership()["id"]

        def invite_partner(email: str) -> str:
            response = api.post(f"/partnerships/{pid}/invitations", json_body={"email": email})
            assert response.status == 201, response.text
            return str(response.json()["token"])

        organisation = accept(api, invite_partner("lee@litware.example")).json()["organisation_id"]
        first, second = invite_partner("dana@litware.example"), invite_partner("dana@litware.example")
    users_before = entities(aws, TABLE)["User"]
    accepted: list[int] = []

    def the_other_acceptance_commits_meanwhile() -> None:
        accepted.append(accept(api, first, "Dana One").status)

    # When the second acceptance writes after the first one committed (both read "no such user yet")
    response = api.post("/invitations/accept", json_body={"token": second, "name": "Dana Two"}, claims={},
                        before={"TransactWriteItems": the_other_acceptance_commits_meanwhile})

    # Then only the first one made a user; the second is refused and wrote nothing
    assert accepted == [201]
    assert_problem(response, 409)
    assert entities(aws, TABLE)["User"] == users_before + 1
    members = api.get("/organisation/users", query={"limit": 100},
                      user=User("u-x", organisation, ("partner_admin", "admin"))).json()["items"]
    assert [user["name"] for user in members if user["email"] == "dana@" + (
        "acme.example" if kind == "teammate" else "litware.example")] == ["Dana One"]
    # and the second invitation is still pending (it can be revoked, or accepted by nobody else)
    assert accept(api, second).status == 409


def test_a_removed_users_address_can_join_again(aws: Stack, api: ApiClient) -> None:
    assert delete(api, "/organisation/users/u-ben").status == 204
    assert entities(aws, TABLE)["UserEmail"] == entities(aws, TABLE)["User"]
    again = join_as_teammate(api, email=BEN.email or "", roles=("member",))
    assert again["organisation_id"] == "acme"
    assert entities(aws, TABLE)["UserEmail"] == entities(aws, TABLE)["User"]



def test_a_partnership_is_not_created_with_a_user_removed_meanwhile(
    aws: Stack, partners: ApiClient,
) -> None:
    def ana_removes_ben_meanwhile() -> None:
        assert delete(partners, "/organisation/users/u-ben").status == 204

    response = partners.post("/partnerships", before={"TransactWriteItems": ana_removes_ben_meanwhile},
                             json_body={"company_name": "Litware", "partnership_type": "reseller",
                                        "assigned_user_ids": ["u-ben"]})

    assert_problem(response, 409)
    assert entities(aws, TABLE)["Partnership"] == 0
