"""The logins of the local user pool (moto): who besides the demo users may get a token.

The partners service's identity-sync consumer creates a login when someone accepts an invitation,
as it does in AWS; ``POST /local/token`` then signs in as that login, with the claims Cognito would
put in its ID token (``sub`` is the login's own, ``custom:user_id`` names the app's user).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from local.demo import DemoUser


@dataclass(frozen=True)
class Login:
    subject: str  # Cognito's sub
    enabled: bool
    user: DemoUser | None  # None: the login names no user and organisation (not made by the sync)


def _login(username: str, attributes: list[dict[str, str]], enabled: bool) -> Login:
    values = {item["Name"]: item["Value"] for item in attributes}
    user_id, organisation_id = values.get("custom:user_id"), values.get("custom:org_id")
    user = None
    if user_id and organisation_id:
        user = DemoUser(
            user_id=user_id, organisation_id=organisation_id, email=values.get("email", ""),
            name=values.get("name", ""),
            roles=tuple(role for role in values.get("custom:roles", "").split(",") if role),
        )
    return Login(subject=values.get("sub", username), enabled=enabled, user=user)


@dataclass
class UserPool:
    client: Any  # cognito-idp on moto
    pool_id: str

    def find(self, email: str) -> Login | None:
        try:
            found = self.client.admin_get_user(UserPoolId=self.pool_id, Username=email.strip().lower())
        except self.client.exceptions.UserNotFoundException:
            return None
        return _login(found["Username"], found.get("UserAttributes", []), bool(found.get("Enabled", True)))

    def users(self) -> list[DemoUser]:
        """Every enabled login that names a user, for ``GET /local/users``."""
        found: list[DemoUser] = []
        for page in self.client.get_paginator("list_users").paginate(UserPoolId=self.pool_id):
            for entry in page.get("Users", []):
                enabled = bool(entry.get("Enabled", True))
                login = _login(entry["Username"], entry.get("Attributes", []), enabled)
                if login.enabled and login.user is not None:
                    found.append(login.user)
        return found
