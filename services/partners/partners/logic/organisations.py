"""Organisations and users. Issue #3 adds invitations and role management; this is the directory."""

from __future__ import annotations

from partners.dal import organisations as dal
from trellis.principal import Role


def register_organisation(organisation_id: str, name: str) -> None:
    dal.put_organisation(organisation_id, name)


def register_user(organisation_id: str, user_id: str, *, email: str, name: str, roles: set[Role]) -> None:
    dal.put_user(organisation_id, user_id, email=email, name=name, roles={role.value for role in roles})
