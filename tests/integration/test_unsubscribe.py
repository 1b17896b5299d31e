"""GET/POST /public/unsubscribe: the link in every email of a category, working without a login.

GET shows a page and changes nothing (link scanners follow GETs); POST (the page's button, or a mail
client's RFC 8058 one-click request) stops that category's emails for the token's user only.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.helpers.assertions import assert_problem
from tests.helpers.aws import client
from tests.helpers.lambda_runtime import ApiClient, User
from tests.helpers.people import BEN, CLEO

Sign = Callable[[User, str], str]  # (user, category) → their unsubscribe token

ONE_CLICK = {"body": "List-Unsubscribe=One-Click",
             "headers": {"content-type": "application/x-www-form-urlencoded"}}
BEN_ELSEWHERE = User("u-ben", "acme-corp", ("partner_manager",))


@pytest.fixture
def api(service: Callable[..., ApiClient]) -> ApiClient:
    return service("notifications")


@pytest.fixture
def token_for(api: ApiClient) -> Callable[[User, str], str]:
    def sign(user: User, category: str) -> str:
        from notifications.logic.unsubscribe import sign as sign_token

        with api.runner.env_applied():
            return sign_token(user.organisation_id, user.user_id, category)

    return sign


def email_on(api: ApiClient, user: User, category: str) -> bool:
    response = api.get("/notifications/preferences", user=user)
    assert response.status == 200, response.text
    (entry,) = [item for item in response.json()["categories"] if item["category"] == category]
    return bool(entry["email"])


def digest_of(api: ApiClient, user: User) -> str:
    return str(api.get("/notifications/preferences", user=user).json()["digest"])


def test_the_link_shows_a_page_and_changes_nothing(api: ApiClient, token_for: Sign) -> None:
    response = api.get("/public/unsubscribe", query={"token": token_for(BEN, "deal")})
    assert response.status == 200, response.text
    assert response.content_type.startswith("text/html")
    assert "Deals won" in response.text
    assert '<form method="post">' in response.text
    assert response.headers.get("Cache-Control") == "no-store"
    assert response.calls.operations == []  # the page touches no data: a link scanner changes nothing
    assert email_on(api, BEN, "deal") is True


def test_one_click_stops_that_categorys_emails_for_that_user_only(
    api: ApiClient, token_for: Sign,
) -> None:
    # When a mail client posts the one-click request of Ben's "deal" link
    response = api.post("/public/unsubscribe", query={"token": token_for(BEN, "deal")}, **ONE_CLICK)
    assert response.status == 200, response.text
    assert "Deals won" in response.text
    # Then Ben no longer takes deal emails, still takes the other categories and the inbox
    assert email_on(api, BEN, "deal") is False
    assert email_on(api, BEN, "lead") is True
    preferences = api.get("/notifications/preferences", user=BEN).json()["categories"]
    assert next(item for item in preferences if item["category"] == "deal")["in_app"] is True
    # And nobody else changed: Cleo at acme, and u-ben at another organisation
    assert email_on(api, CLEO, "deal") is True
    assert email_on(api, BEN_ELSEWHERE, "deal") is True
    # Posting again is harmless
    again = api.post("/public/unsubscribe", query={"token": token_for(BEN, "deal")}, **ONE_CLICK)
    assert again.status == 200
    assert email_on(api, BEN, "deal") is False


def test_an_empty_post_unsubscribes_too(api: ApiClient, token_for: Sign) -> None:
    response = api.post("/public/unsubscribe", query={"token": token_for(BEN, "lead")})
    assert response.status == 200, response.text
    assert email_on(api, BEN, "lead") is False


def test_the_digest_link_turns_the_digest_off(api: ApiClient, token_for: Sign) -> None:
    assert api.patch("/notifications/preferences", user=BEN, json_body={"digest": "weekly"}).status == 200
    assert digest_of(api, BEN) == "weekly"
    response = api.post("/public/unsubscribe", query={"token": token_for(BEN, "digest")}, **ONE_CLICK)
    assert response.status == 200, response.text
    assert digest_of(api, BEN) == "off"


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_forged_or_altered_token_is_a_400_naming_the_token(
    api: ApiClient, token_for: Sign, method: str,
) -> None:
    good = token_for(BEN, "deal")
    version, payload, signature = good.split(".")
    cleo_payload = token_for(CLEO, "deal").split(".")[1]
    for token in (
        f"{version}.{cleo_payload}.{signature}",  # Ben's signature on Cleo's payload
        f"{version}.{payload}.{signature[:-2]}AA",  # a signature altered
        f"v2.{payload}.{signature}",  # another version
        good[:-5],  # cut short
        "not-a-token",
        "",
    ):
        response = api.request(method, "/public/unsubscribe", query={"token": token})
        assert_problem(response, 400, "token")
    response = api.request(method, "/public/unsubscribe")
    assert_problem(response, 400, "token")
    assert email_on(api, BEN, "deal") is True
    assert email_on(api, CLEO, "deal") is True


def test_a_token_signed_with_another_key_is_refused(
    api: ApiClient, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from notifications.logic.unsubscribe import sign
    from trellis.settings import get_settings

    # Another deployment's key, in its own secret
    other = client("secretsmanager").create_secret(
        Name="AnotherDeploymentsKey", SecretString="another-deployments-key-0123456789abcdef")
    with api.runner.env_applied():
        monkeypatch.setenv("NOTIFICATIONS_SECRET_KEY_ARN", other["ARN"])
        get_settings.cache_clear()
        forged = sign("acme", "u-ben", "deal")
    get_settings.cache_clear()
    assert_problem(api.post("/public/unsubscribe", query={"token": forged}, **ONE_CLICK), 400, "token")


def test_a_json_body_is_not_a_one_click_request(api: ApiClient, token_for: Sign) -> None:
    response = api.post("/public/unsubscribe", query={"token": token_for(BEN, "deal")}, json_body={})
    assert_problem(response, 415, "content-type")
    assert email_on(api, BEN, "deal") is True
