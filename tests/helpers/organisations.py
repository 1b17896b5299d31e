"""Support for the organisation, people and invitation tests: profiles, accept calls, token tampering."""

from __future__ import annotations

from typing import Any

from tests.helpers.lambda_runtime import ApiClient, ApiResponse

PROFILES = {"acme": "Acme", "acme-corp": "Acme Corp", "northwind": "Northwind"}


def register_profiles(api: ApiClient) -> None:
    """The organisation profiles of the test people (the directory fixture registers only users)."""
    with api.runner.env_applied():
        from partners.logic.organisations import register_organisation

        for organisation_id, name in PROFILES.items():
            register_organisation(organisation_id, name)


def accept(api: ApiClient, token: str, name: str = "New Person", **extra: Any) -> ApiResponse:
    """POST /invitations/accept with no identity at all, as the public route receives it."""
    return api.post("/invitations/accept", json_body={"token": token, "name": name, **extra}, claims={})


def delete(api: ApiClient, path: str, **kwargs: Any) -> ApiResponse:
    return api.request("DELETE", path, **kwargs)
