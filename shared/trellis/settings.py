"""Function settings, read from the environment and validated once per cold start."""

from __future__ import annotations

import os
from functools import cache

from pydantic import BaseModel, ConfigDict, Field

# Every Trellis metric's CloudWatch namespace. Passed to Powertools explicitly: it reads
# POWERTOOLS_METRICS_NAMESPACE when a Metrics object is created (module import), so a module
# imported before its environment was set (tests, the local stack) could not flush any metric.
METRICS_NAMESPACE = "Trellis"


class Settings(BaseModel):
    """What a Trellis function needs from its environment.

    Read lazily (first use, then cached) so that tests and the local stack can point a
    function at other tables by changing the environment and calling ``get_settings.cache_clear()``.
    """

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    service: str = Field(alias="POWERTOOLS_SERVICE_NAME", min_length=1)
    table_name: str = Field(alias="TABLE_NAME", min_length=3, max_length=255)
    event_bus_name: str = Field(default="trellis", alias="EVENT_BUS_NAME", min_length=1)
    event_source: str | None = Field(default=None, alias="EVENT_SOURCE")
    idempotency_table_name: str | None = Field(default=None, alias="IDEMPOTENCY_TABLE_NAME")
    # Secrets Manager secrets by ARN, never their values: ``trellis.secrets`` reads them at first use.
    # The key that signs pagination cursors.
    cursor_secret_arn: str | None = Field(default=None, alias="CURSOR_SECRET_ARN", min_length=1)
    # The leads service's own key material: seals the CRM webhook secrets it must keep, signs the
    # public referral form's tokens (each use derives its own key from it).
    leads_secret_key_arn: str | None = Field(default=None, alias="LEADS_SECRET_KEY_ARN", min_length=1)
    # The notifications service's key material: seals webhook endpoint secrets, signs unsubscribe links.
    notifications_secret_key_arn: str | None = Field(
        default=None, alias="NOTIFICATIONS_SECRET_KEY_ARN", min_length=1,
    )
    # The notifications webhook queue: attempts of outbound webhook deliveries (fan-out and worker).
    webhook_queue_url: str | None = Field(default=None, alias="WEBHOOK_QUEUE_URL", min_length=1)
    # The Cognito user pool whose logins the partners service keeps in step (identity-sync consumer).
    user_pool_id: str | None = Field(default=None, alias="USER_POOL_ID", min_length=1)
    outbox_ttl_days: int = Field(default=7, alias="OUTBOX_TTL_DAYS", ge=1, le=365)
    # Where vendor users open the console (links in emails to them point there).
    app_base_url: str = Field(
        default="http://localhost:3000", alias="APP_BASE_URL", pattern=r"^https?://[^\s]+[^/]$",
    )
    # Where partners' users open the portal (links in answers and emails point there).
    portal_base_url: str = Field(
        default="http://localhost:3000/portal", alias="PORTAL_BASE_URL", pattern=r"^https?://[^\s]+[^/]$",
    )
    # The API's public address: links that must work without the web app (an email's unsubscribe link).
    api_base_url: str = Field(
        default="http://localhost:3000", alias="API_BASE_URL", pattern=r"^https?://[^\s]+[^/]$",
    )
    # Emails: the queue the email worker reads, and the verified SES identity they are sent from.
    email_queue_url: str | None = Field(default=None, alias="EMAIL_QUEUE_URL", min_length=1)
    email_from: str = Field(default="notifications@trellis.example", alias="EMAIL_FROM", min_length=3)


@cache
def get_settings() -> Settings:
    return Settings.model_validate(dict(os.environ))
