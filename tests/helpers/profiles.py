"""Setting up what the ICP and custom-field tests need but other work owns (archiving, partner links).

Written with the partners service's own dal functions, so the items are exactly what it reads.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.helpers.dynamodb_calls import _active
from tests.helpers.lambda_runtime import ApiClient


def _unrecorded() -> Any:
    from contextlib import ExitStack

    stack = ExitStack()
    for recorder in list(_active):
        stack.enter_context(recorder.pause())
    return stack


def archive(api: ApiClient, partnership_id: str, organisation_id: str = "acme") -> None:
    """Archive a partnership directly in the table (the archive route is another issue's work)."""
    with api.runner.env_applied(), _unrecorded():
        from partners.dal import partnerships

        item = partnerships.get(organisation_id, partnership_id)
        assert item is not None
        item.archived_at = datetime.now(UTC)
        item.save()


def link_partner(
    api: ApiClient,
    partnership_id: str,
    partner_organisation_id: str,
    organisation_id: str = "acme",
) -> None:
    """Make an organisation the partner of a partnership, as an accepted invitation does."""
    with api.runner.env_applied(), _unrecorded():
        from partners.dal import partnerships

        item = partnerships.get(organisation_id, partnership_id)
        assert item is not None
        now = datetime.now(UTC)
        item.partner_organisation_id = partner_organisation_id
        item.save()
        partnerships.partner_link_item(item, partner_organisation_id, now).save()
