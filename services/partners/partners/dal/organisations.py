"""Organisations and their users (the directory partnerships assign people from)."""

from __future__ import annotations

from datetime import UTC, datetime

from partners.dal.tables import OrganisationItem, UserItem
from trellis.keys import org_key


def put_organisation(organisation_id: str, name: str) -> None:
    OrganisationItem(
        pk=org_key(organisation_id), sk="PROFILE#", organisation_id=organisation_id, name=name,
        created_at=datetime.now(UTC),
    ).save()


def put_user(organisation_id: str, user_id: str, *, email: str, name: str, roles: set[str]) -> None:
    UserItem(
        pk=org_key(organisation_id), sk=f"USER#{user_id}#", organisation_id=organisation_id, user_id=user_id,
        email=email, name=name, roles=roles,
    ).save()
