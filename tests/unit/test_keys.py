"""Key building: tenant first, every segment closed by a delimiter, ids that never prefix each other."""

from __future__ import annotations

import re

import pytest

from trellis import keys


def test_a_key_joins_its_segments_and_ends_with_the_delimiter() -> None:
    assert keys.key("ORG", "acme", "PARTNERSHIP", "p1") == "ORG#acme#PARTNERSHIP#p1#"


def test_an_organisation_key_starts_with_the_tenant() -> None:
    assert keys.org_key("acme") == "ORG#acme#"
    assert keys.org_key("acme", "USER", "u1") == "ORG#acme#USER#u1#"


@pytest.mark.parametrize("segment", ["", "a#b", "#", "acme#"])
def test_a_segment_that_is_empty_or_holds_the_delimiter_is_refused(segment: str) -> None:
    with pytest.raises(ValueError, match="key segment"):
        keys.org_key("acme", segment)


def test_a_tenant_key_is_never_a_prefix_of_another_tenants_key() -> None:
    # Given two tenants whose ids share a prefix
    acme, acme_corp = keys.org_key("acme"), keys.org_key("acme-corp")
    # Then neither tenant's keys begin with the other's (begins_with queries stay inside one tenant)
    assert not acme_corp.startswith(acme)
    assert not keys.org_key("acme-corp", "PARTNERSHIPS").startswith(keys.org_key("acme", "PARTNERSHIPS"))
    p1, p10 = keys.org_key("acme", "PARTNERSHIP", "p1"), keys.org_key("acme", "PARTNERSHIP", "p10")
    assert not p10.startswith(p1)


def test_new_ids_are_fixed_length_hex_so_none_is_a_prefix_of_another() -> None:
    ids = {keys.new_id() for _ in range(200)}
    assert len(ids) == 200
    assert all(re.fullmatch(r"[0-9a-f]{32}", value) for value in ids)
    assert not any(a != b and b.startswith(a) for a in ids for b in ids)


def test_time_ordered_ids_sort_by_creation_time(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given ids minted at two known instants (the clock is set, not waited for)
    monkeypatch.setattr(keys.time, "time_ns", lambda: 1_700_000_000_999 * 1_000_000)
    earlier = keys.time_ordered_id()
    monkeypatch.setattr(keys.time, "time_ns", lambda: 1_700_000_001_000 * 1_000_000)
    later = keys.time_ordered_id()
    # Then they sort in that order, have one length and differ even within one millisecond
    assert earlier < later
    assert len(earlier) == len(later) == 26
    assert keys.time_ordered_id() != keys.time_ordered_id()
