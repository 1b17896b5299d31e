"""People events → logins (Cognito) in step with the users, and what removing a user ends.

Logins follow the table, not the event
--------------------------------------
Each event (``InvitationAccepted``, ``UserRolesChanged``, ``UserRemoved``) only names a user; the
consumer reads that user as the partners table holds it *now* (a consistent read) and makes the
login match: the user exists → a login with their user id, organisation and roles (created if
missing, its claims updated if they differ); the user is gone → their login disabled and signed
out everywhere. Duplicates, retries and out-of-order delivery therefore all converge on the current
state: an old role change arriving after a newer one writes the newer roles, an acceptance
arriving after the removal creates nothing. Every step is idempotent (a login that already exists
is found and checked, not an error), so a retry after a crash half-way is safe.

Whose login it is
-----------------
A login is found by email (the pool signs in by email, and nobody but the service can change it)
and belongs to the user named in its immutable ``custom:user_id``. The consumer only ever changes
or disables a login that carries the user's own id. One email is one login, and a login carries
one organisation: when the address already has the login of a *live* user of another
organisation, nothing is touched and the event fails (:class:`LoginTaken`: after its retries it
waits in the DLQ, whose alarm calls an operator). The login of a *removed* user is deleted and
created afresh for the new user (a person invited back after leaving; Cognito mails a new
temporary password).

Unassigning a removed user
--------------------------
Removing a user unassigns them from every partnership they look after, each partnership with its
activity entry and ``PartnershipUserUnassigned`` - here, reacting to ``UserRemoved``, not in
``DELETE /organisation/users/{id}``. Nothing bounds how many partnerships one partner manager
looks after (assignees are bounded per partnership, not per user: one person can look after
thousands in a large program), so the request could not do it in one transaction, nor in a
time it can promise. Here the work goes in pages of the user's ASSIGNEE list partition, several
partnerships per transaction; each page leaves that partition for good, so when the invocation
runs short of time the event fails on purpose (:class:`UnassignmentUnfinished`) and its
redelivery carries on where this one stopped. Assigning checks in its transaction that the user
still exists, so no assignment can slip in after the removal's pass.

Partnerships archived at the time keep their assignee list as it was (they are read-only, and
not in the ASSIGNEE list); restoring one leaves out the users removed meanwhile, with an
unassignment event each (partners.logic.partnerships.restore_partnership).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools import Logger

from partners.dal import logins
from partners.dal import organisations as organisations_dal
from partners.dal import partnerships as partnerships_dal
from partners.dal.tables import PartnershipItem, UserItem
from partners.logic.partnerships import change_assignees
from trellis.errors import Conflict
from trellis.events import Actor, EventEnvelope
from trellis.events.organisations import InvitationAccepted, UserRemoved, UserRolesChanged

logger = Logger()

PAGE = partnerships_dal.MAX_SAVED_AT_ONCE
WRITE_ATTEMPTS = 3
REMOVED = "user_removed"


class LoginTaken(Exception):
    """The email's login belongs to another live user (of another organisation): left untouched."""


class UnassignmentUnfinished(Exception):
    """Out of time with partnerships left to unassign: the redelivery of the event carries on."""


def user_joined_or_changed(envelope: EventEnvelope, data: InvitationAccepted | UserRolesChanged) -> None:
    sync_login(data.organisation_id, data.user_id, data.email)


def user_removed(
    envelope: EventEnvelope, data: UserRemoved, *, has_time: Callable[[], bool] = lambda: True,
) -> None:
    # The login first: it is what keeps the person out, and it is quick.
    sync_login(data.organisation_id, data.user_id, data.email)
    unassign_everywhere(data.organisation_id, data.user_id, actor=envelope.actor, has_time=has_time)


# ------------------------------------------------------------------ logins
def sync_login(organisation_id: str, user_id: str, email: str) -> None:
    """Make the user's login match the user as the table holds them now (see the module docstring)."""
    user = organisations_dal.get_user(organisation_id, user_id, consistent=True)
    address = user.email if user is not None else email
    for _ in range(2):
        login = logins.find(address)
        if user is None:
            if login is not None and login.user_id == user_id and login.enabled:
                logins.disable(login)
                logger.info("login disabled", extra={"user_id": user_id})
            return
        try:
            _match(user, login)
            return
        except logins.LoginExists:
            continue  # created meanwhile (a concurrent delivery): look again, then it is found
    raise Conflict("the login was created and removed meanwhile; retrying")


def _match(user: UserItem, login: logins.Login | None) -> None:
    roles = set(user.roles or ())
    if login is not None and login.user_id != user.user_id:
        if _owner_is_live(login):
            logger.error("the email's login belongs to another user; not changed",
                         extra={"user_id": user.user_id, "login_user_id": login.user_id})
            raise LoginTaken(f"the login of user {user.user_id}'s email belongs to user {login.user_id}")
        logins.delete(login)  # a removed user's login: this address now belongs to the new user
        logger.info("stale login deleted", extra={"user_id": user.user_id, "login_user_id": login.user_id})
        login = None
    if login is None:
        logins.create(user.email, user_id=user.user_id, organisation_id=user.organisation_id, roles=roles,
                      name=user.name)
        logger.info("login created", extra={"user_id": user.user_id})
    elif login.organisation_id != user.organisation_id or login.roles != roles:
        logins.set_claims(login, organisation_id=user.organisation_id, roles=roles)
        logger.info("login claims updated", extra={"user_id": user.user_id})


def _owner_is_live(login: logins.Login) -> bool:
    """Whether the login's user still exists; a login without a user id is nobody we know: keep it."""
    if not (login.user_id and login.organisation_id):
        return True
    return organisations_dal.get_user(login.organisation_id, login.user_id, consistent=True) is not None


# ------------------------------------------------------------------ assignments
def unassign_everywhere(
    organisation_id: str, user_id: str, *, actor: Actor, has_time: Callable[[], bool],
) -> int:
    """Unassign the user from every live partnership they are assigned to; returns how many."""
    done, start = 0, None
    while True:
        page, start = partnerships_dal.assigned_page(organisation_id, user_id, limit=PAGE, start=start)
        done += _unassign_page(page, user_id, actor)
        if not start:
            return done
        if not has_time():
            logger.info("unassignment continues on redelivery", extra={"user_id": user_id, "done": done})
            raise UnassignmentUnfinished(f"{done} partnerships unassigned from {user_id}, more remain")


def _unassign_page(page: list[PartnershipItem], user_id: str, actor: Actor) -> int:
    ids = [item.partnership_id for item in page]
    for attempt in range(WRITE_ATTEMPTS):
        if attempt:
            page = partnerships_dal.get_many(page[0].organisation_id, ids) if page else []
        now = datetime.now(UTC)
        changes: list[tuple[PartnershipItem, Any, EventEnvelope]] = []
        for item in page:
            assigned = list(item.assigned_user_ids or [])
            if user_id not in assigned or item.archived_at is not None:
                continue
            remaining = [user for user in assigned if user != user_id]
            activity, event = change_assignees(
                item, remaining, user_id, assigned=False, actor=actor, now=now, reason=REMOVED,
            )
            changes.append((item, activity, event))
        try:
            partnerships_dal.save_all_with_events(changes)
            return len(changes)
        except Conflict:
            if attempt + 1 == WRITE_ATTEMPTS:
                raise
    return 0
