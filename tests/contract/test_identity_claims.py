"""The claims the API trusts against the user pool that issues them and the sync that writes them."""

from __future__ import annotations

from typing import Any

from local.template import Template
from partners.dal import logins
from trellis.principal import CLAIM_EMAIL, CLAIM_ORGANISATION, CLAIM_ROLES, CLAIM_USER

IDENTITY_CLAIMS = (CLAIM_USER, CLAIM_ORGANISATION, CLAIM_ROLES)


def _one(cfn: Template, kind: str) -> dict[str, Any]:
    [resource] = cfn.resources_of(kind).values()
    properties: dict[str, Any] = resource["Properties"]
    return properties


def test_the_app_client_reads_every_identity_claim_and_the_user_can_write_none(cfn: Template) -> None:
    client = _one(cfn, "AWS::Cognito::UserPoolClient")
    assert set(IDENTITY_CLAIMS) | {CLAIM_EMAIL} <= set(client["ReadAttributes"])
    # Who the user is, where and with which roles - and the email the sync finds the login by -
    # are the service's to set (admin API), never the user's
    assert not (set(IDENTITY_CLAIMS) | {CLAIM_EMAIL}) & set(client["WriteAttributes"])


def test_the_pool_declares_the_custom_claims_and_the_user_id_never_changes(cfn: Template) -> None:
    schema = {attribute["Name"]: attribute for attribute in _one(cfn, "AWS::Cognito::UserPool")["Schema"]}
    for claim in (CLAIM_USER, CLAIM_ORGANISATION, CLAIM_ROLES):
        assert claim.startswith("custom:")
        assert claim.removeprefix("custom:") in schema
    assert schema["user_id"]["Mutable"] is False


def test_the_sync_writes_the_attributes_the_principal_reads() -> None:
    assert (logins.USER_ID, logins.ORGANISATION, logins.ROLES) == IDENTITY_CLAIMS
