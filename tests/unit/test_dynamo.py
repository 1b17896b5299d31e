"""The single-table base: table names come from settings at first use; one client per table."""

from __future__ import annotations

import pytest

from notifications.dal.tables import InboxItem, NotificationItem, NotificationsItem
from partners.dal.tables import Outbox, PartnershipItem, PartnersItem, UserItem
from trellis.settings import get_settings


@pytest.fixture(autouse=True)
def _settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "partners")
    monkeypatch.setenv("TABLE_NAME", "first-table")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    get_settings.cache_clear()


def test_the_table_name_is_read_from_the_settings_when_used_not_when_imported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert PartnershipItem.Meta.table_name == "first-table"
    # When the environment points the function at another table
    monkeypatch.setenv("TABLE_NAME", "second-table")
    get_settings.cache_clear()
    # Then the models follow, and so does the connection PynamoDB caches
    assert PartnershipItem.Meta.table_name == "second-table"
    assert PartnershipItem._get_connection().table_name == "second-table"


def test_every_entity_of_a_table_shares_one_connection() -> None:
    # PynamoDB would cache a connection (a botocore client) per class: a cold start would make
    # one client per entity. All entities of a table use the base's.
    shared = PartnersItem._get_connection()
    assert PartnershipItem._get_connection() is shared
    assert UserItem._get_connection() is shared
    assert Outbox._get_connection() is shared


def test_each_service_has_its_own_base_and_discriminator() -> None:
    assert NotificationItem._get_connection() is NotificationsItem._get_connection()
    assert InboxItem._get_connection() is NotificationsItem._get_connection()
    assert NotificationsItem.entity is not PartnersItem.entity  # type: ignore[attr-defined]
