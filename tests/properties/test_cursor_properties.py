"""Pagination cursors for any key, tenant, listing and any tampering (trellis.pagination).

What the module promises: a cursor decodes to the key it was minted with, for its tenant and listing
only; anything else a client sends as a cursor — altered, forged, minted for another tenant or
listing, or plain garbage — is a 400 naming the cursor, never another key and never an exception.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.helpers.aws import Keys
from trellis.errors import BadRequest
from trellis.pagination import decode_cursor, encode_cursor

SEGMENT = st.text(st.characters(codec="utf-8", exclude_characters="#"), min_size=1, max_size=12)
TENANTS = st.sampled_from(["acme", "globex", "acme-corp", "northwind"]) | SEGMENT
LISTINGS = st.sampled_from(["partnerships", "leads:sent", "deals:owned", "notifications"])
Minted = tuple[str, str, dict[str, Any], str]  # tenant, listing, key, cursor
B64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."


@st.composite
def last_keys(draw: st.DrawFn, tenant: str) -> dict[str, Any]:
    """A LastEvaluatedKey of the tenant's partition, as DynamoDB returns it."""
    item = draw(SEGMENT)
    key: dict[str, Any] = {"pk": {"S": f"ORG#{tenant}#PARTNERSHIP#{item}#"}, "sk": {"S": draw(SEGMENT) + "#"}}
    if draw(st.booleans()):
        key["gsi1pk"] = {"S": f"ORG#{tenant}#{draw(SEGMENT)}#"}
        key["gsi1sk"] = {"N": str(draw(st.integers(min_value=0, max_value=10**12)))}
    return key


@pytest.fixture(autouse=True)
def _cursor_key(keys: Keys) -> None:
    """The cursor key in (moto's) Secrets Manager, named by CURSOR_SECRET_ARN, for every example."""


def _rejected(cursor: str, *, tenant: str, listing: str) -> None:
    with pytest.raises(BadRequest) as raised:
        decode_cursor(cursor, tenant_id=tenant, listing=listing)
    assert raised.value.status == 400
    assert [error["field"] for error in raised.value.errors] == ["cursor"]


@st.composite
def minted(draw: st.DrawFn) -> Minted:
    tenant, listing = draw(TENANTS), draw(LISTINGS)
    key = draw(last_keys(tenant))
    cursor = encode_cursor(key, tenant_id=tenant, listing=listing)
    assert cursor is not None
    return tenant, listing, key, cursor


@given(minted())
def test_a_cursor_decodes_to_its_key_for_its_tenant_and_listing(case: Minted) -> None:
    tenant, listing, key, cursor = case
    assert decode_cursor(cursor, tenant_id=tenant, listing=listing) == key


@given(minted(), TENANTS, LISTINGS)
def test_a_cursor_of_another_tenant_or_listing_is_a_400(
    case: Minted, tenant: str, listing: str,
) -> None:
    minted_for, minted_listing, _, cursor = case
    if (tenant, listing) != (minted_for, minted_listing):
        _rejected(cursor, tenant=tenant, listing=listing)


@given(minted(), st.data())
def test_an_altered_cursor_is_a_400_never_another_key(
    case: Minted, data: st.DataObject,
) -> None:
    tenant, listing, key, cursor = case
    position = data.draw(st.integers(min_value=0, max_value=len(cursor) - 1))
    edit = data.draw(st.sampled_from(["replace", "insert", "delete"]))
    character = data.draw(st.sampled_from(B64_ALPHABET))
    if edit == "replace":
        altered = cursor[:position] + character + cursor[position + 1:]
    elif edit == "insert":
        altered = cursor[:position] + character + cursor[position:]
    else:
        altered = cursor[:position] + cursor[position + 1:]
    try:
        decoded = decode_cursor(altered, tenant_id=tenant, listing=listing)
    except BadRequest:  # a 400
        return
    # Base64's last character may carry unused bits: such an edit leaves the bytes, and the key, as minted.
    assert decoded == key


@given(TENANTS, LISTINGS, st.data())
def test_a_cursor_forged_for_another_tenants_key_is_a_400(
    tenant: str, listing: str, data: st.DataObject,
) -> None:
    # A client who knows the format but not the key signs its own payload naming another tenant's items.
    victim = data.draw(TENANTS)
    payload = json.dumps({"k": data.draw(last_keys(victim)), "t": tenant, "l": listing}).encode()
    secret = data.draw(st.binary(min_size=0, max_size=64))
    signature = hmac.new(secret, payload, hashlib.sha256).digest()
    forged = ".".join(base64.urlsafe_b64encode(part).rstrip(b"=").decode() for part in (payload, signature))
    _rejected(forged, tenant=tenant, listing=listing)


@given(st.text(max_size=300) | st.text(B64_ALPHABET, max_size=300), TENANTS, LISTINGS)
def test_any_text_as_a_cursor_is_a_400(text: str, tenant: str, listing: str) -> None:
    if text:  # an empty cursor is the first page
        _rejected(text, tenant=tenant, listing=listing)
