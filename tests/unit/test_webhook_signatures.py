"""Inbound webhook signatures (HubSpot v3, Standard Webhooks) against the schemes' published vectors, and the
sealing of the secrets the leads service keeps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from leads.logic.service_keys import SealBroken, seal, unseal
from leads.logic.webhook_signatures import (
    hubspot_signature,
    hubspot_uri,
    secret_key,
    standard_signature,
    verify_hubspot,
    verify_standard,
)
from tests.helpers.aws import Keys
from trellis.errors import Unauthorized

# HubSpot's own client library (hubspot-api-python, tests/spec/utils/test_signature.py) signs this request
# with this v3 signature.
HUBSPOT_SECRET = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy"
HUBSPOT_BODY = b"{'example_field':'example_value'}"
HUBSPOT_URL = "https://www.example.com/webhook_uri"
HUBSPOT_V3 = "HPW73RUtKmcYoEDADG0s6MmGFWUzWJKAW07r8RDgcQw="
# The Standard Webhooks reference test vector (the same in every reference library and in Svix's docs).
STANDARD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
STANDARD_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
STANDARD_TIMESTAMP = "1614265330"
STANDARD_BODY = b'{"test": 2432232314}'
STANDARD_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_the_hubspot_v3_signature_is_hubspots_own() -> None:
    signature = hubspot_signature(
        HUBSPOT_SECRET, method="POST", uri=HUBSPOT_URL, body=HUBSPOT_BODY, timestamp="15000000"
    )
    assert signature == HUBSPOT_V3


def test_the_hubspot_uri_decodes_only_hubspots_characters() -> None:
    uri = "https://api.example/webhooks/hubspot/acme%3Ax%2fy?next=%40me%2C%3Bok%20%2B%3f"
    assert hubspot_uri(uri) == "https://api.example/webhooks/hubspot/acme:x/y?next=@me,;ok%20%2B?"


def _hubspot(
    signature: str,
    timestamp: datetime,
    now: datetime,
    secrets: tuple[str, ...] = (HUBSPOT_SECRET,),
) -> None:
    verify_hubspot(
        secrets,
        method="POST",
        uri=HUBSPOT_URL,
        body=HUBSPOT_BODY,
        signature=signature,
        timestamp=str(int(timestamp.timestamp() * 1000)),
        now=now,
    )


def test_a_hubspot_request_is_accepted_within_five_minutes_and_refused_after() -> None:
    now = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    for age in (timedelta(0), timedelta(minutes=4, seconds=59), -timedelta(minutes=4)):
        sent = now - age
        signature = hubspot_signature(
            HUBSPOT_SECRET,
            method="POST",
            uri=HUBSPOT_URL,
            body=HUBSPOT_BODY,
            timestamp=str(int(sent.timestamp() * 1000)),
        )
        _hubspot(signature, sent, now)
    for age in (timedelta(minutes=5, seconds=1), -timedelta(minutes=6)):
        sent = now - age
        signature = hubspot_signature(
            HUBSPOT_SECRET,
            method="POST",
            uri=HUBSPOT_URL,
            body=HUBSPOT_BODY,
            timestamp=str(int(sent.timestamp() * 1000)),
        )
        with pytest.raises(Unauthorized) as refused:
            _hubspot(signature, sent, now)
        assert refused.value.field == "x-hubspot-request-timestamp"


def test_a_hubspot_signature_of_another_secret_or_body_is_refused() -> None:
    now = datetime.now(UTC)
    stamp = str(int(now.timestamp() * 1000))
    wrong = hubspot_signature(
        "another-secret", method="POST", uri=HUBSPOT_URL, body=HUBSPOT_BODY, timestamp=stamp
    )
    for signature in (wrong, "", "ünïcode", HUBSPOT_V3):
        with pytest.raises(Unauthorized):
            verify_hubspot(
                [HUBSPOT_SECRET],
                method="POST",
                uri=HUBSPOT_URL,
                body=HUBSPOT_BODY,
                signature=signature,
                timestamp=stamp,
                now=now,
            )
    # a rotated secret: the previous one still verifies while it is offered
    verify_hubspot(
        ["another-secret", HUBSPOT_SECRET],
        method="POST",
        uri=HUBSPOT_URL,
        body=HUBSPOT_BODY,
        signature=hubspot_signature(
            HUBSPOT_SECRET, method="POST", uri=HUBSPOT_URL, body=HUBSPOT_BODY, timestamp=stamp
        ),
        timestamp=stamp,
        now=now,
    )


@pytest.mark.parametrize("timestamp", [None, "", "soon", "1.5", "-1", "9" * 16, "9" * 40])
def test_a_hubspot_timestamp_that_is_not_epoch_milliseconds_is_refused(timestamp: str | None) -> None:
    with pytest.raises(Unauthorized):
        verify_hubspot(
            [HUBSPOT_SECRET],
            method="POST",
            uri=HUBSPOT_URL,
            body=HUBSPOT_BODY,
            signature=HUBSPOT_V3,
            timestamp=timestamp,
            now=datetime.now(UTC),
        )


def test_the_standard_webhooks_signature_is_the_reference_vector() -> None:
    signature = standard_signature(
        secret_key(STANDARD_SECRET), webhook_id=STANDARD_ID, timestamp=STANDARD_TIMESTAMP, body=STANDARD_BODY
    )
    assert signature == STANDARD_SIGNATURE


def _standard(signature: str, *, now: datetime, webhook_id: str = STANDARD_ID) -> str:
    return verify_standard(
        [secret_key(STANDARD_SECRET)],
        webhook_id=webhook_id,
        timestamp=STANDARD_TIMESTAMP,
        signature=signature,
        body=STANDARD_BODY,
        now=now,
    )


def test_one_matching_entry_of_a_signature_list_is_enough() -> None:
    sent = datetime.fromtimestamp(int(STANDARD_TIMESTAMP), tz=UTC)
    listed = f"v1,bm90IGl0 v1a,c29tZXRoaW5n {STANDARD_SIGNATURE}"
    assert _standard(listed, now=sent + timedelta(minutes=4)) == STANDARD_ID


@pytest.mark.parametrize(
    ("signature", "webhook_id", "late"),
    [
        (STANDARD_SIGNATURE, STANDARD_ID, timedelta(minutes=5, seconds=1)),
        (STANDARD_SIGNATURE, "msg_other", timedelta(0)),
        ("v2," + STANDARD_SIGNATURE[3:], STANDARD_ID, timedelta(0)),
        (STANDARD_SIGNATURE[3:], STANDARD_ID, timedelta(0)),
        ("", STANDARD_ID, timedelta(0)),
        (STANDARD_SIGNATURE, "has space", timedelta(0)),
    ],
    ids=["stale", "other-id", "other-version", "no-version", "unsigned", "bad-id"],
)
def test_a_standard_webhook_that_does_not_verify_is_refused(
    signature: str, webhook_id: str, late: timedelta
) -> None:
    sent = datetime.fromtimestamp(int(STANDARD_TIMESTAMP), tz=UTC)
    with pytest.raises(Unauthorized):
        _standard(signature, now=sent + late, webhook_id=webhook_id)


@pytest.fixture
def service_key(keys: Keys) -> None:
    keys.put("LEADS_SECRET_KEY_ARN", "unit-test-leads-secret-key-0123456789abcdef")


@pytest.mark.usefixtures("service_key")
def test_a_sealed_secret_opens_only_for_its_own_organisation_and_system(keys: Keys) -> None:
    sealed = seal("hs-client-secret", context="acme/hubspot")

    assert "hs-client-secret" not in sealed
    assert seal("hs-client-secret", context="acme/hubspot") != sealed  # a fresh nonce each time
    assert unseal(sealed, context="acme/hubspot") == "hs-client-secret"
    for context in ("acme-corp/hubspot", "acme/generic"):
        with pytest.raises(SealBroken):
            unseal(sealed, context=context)
    version, _, body = sealed.partition(".")
    tampered = f"{version}.{body[:-4]}{'AAAA' if body[-4:] != 'AAAA' else 'BBBB'}"
    for broken in (tampered, f"v9.{body}", "v1.!!!", "v1."):
        with pytest.raises(SealBroken):
            unseal(broken, context="acme/hubspot")
    # under another service key nothing opens
    keys.put("LEADS_SECRET_KEY_ARN", "another-leads-secret-key-0123456789abcdef")
    with pytest.raises(SealBroken):
        unseal(sealed, context="acme/hubspot")
