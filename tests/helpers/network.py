"""Setting up a distributor network for the API tests: the module switch and partner organisations."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.helpers.lambda_runtime import ApiClient, User


def switch_module(api: ApiClient, user: User, *, enabled: bool = True) -> None:
    response = api.put("/distributor-module", json_body={"enabled": enabled}, user=user)
    assert response.status == 200, response.text
    assert response.json()["enabled"] is enabled


def link_partner_organisation(api: ApiClient, vendor_id: str, partnership_id: str, partner_id: str) -> None:
    """Make ``partner_id`` the partner organisation of the partnership, as an accepted invitation would."""
    with api.runner.env_applied():
        from partners.dal import partnerships as dal
        from partners.dal.tables import PartnersItem
        from trellis.dynamo import transaction

        item = dal.get(vendor_id, partnership_id)
        assert item is not None
        item.partner_organisation_id = partner_id
        with transaction(PartnersItem) as write:
            write.save(item)
            write.save(dal.partner_link_item(item, partner_id, datetime.now(UTC)))


def assign(api: ApiClient, distributor_id: str, reseller_id: str) -> None:
    response = api.post(f"/distributors/{distributor_id}/resellers", json_body={"reseller_id": reseller_id})
    assert response.status == 201, response.text


def archive_directly(api: ApiClient, vendor_id: str, partnership_id: str) -> None:
    """Mark the partnership archived in the table (the state POST /partnerships/{id}/archive leaves)."""
    with api.runner.env_applied():
        from partners.dal import partnerships as dal

        item = dal.get(vendor_id, partnership_id)
        assert item is not None
        item.archived_at = datetime.now(UTC)
        item.save()
