"""The event envelope and the catalogue of every event type Trellis publishes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from types import ModuleType

import pytest
from pydantic import ValidationError

from trellis.errors import ValidationFailed
from trellis.events import SYSTEM, Actor, EventData, EventEnvelope, catalogue
from trellis.events.catalogue import CATALOGUE, eventbridge_entry, examples, parse_data
from trellis.events.partners import PartnershipStageChanged
from trellis.principal import principal_from_claims

OCCURRED = datetime(2025, 3, 4, 5, 6, 7, 123456, tzinfo=UTC)


@pytest.mark.parametrize("model", list(examples()), ids=lambda model: model.event_type)
def test_every_catalogue_type_has_an_example_that_validates(model: type) -> None:
    example = examples()[model]
    assert isinstance(example, model)
    assert CATALOGUE[model.event_type] is model
    assert model.model_validate(example.model_dump(mode="json")) == example
    assert re.fullmatch(r"trellis\.[a-z]+", model.source)
    assert model.version >= 1


def test_event_types_are_unique_across_the_catalogue() -> None:
    assert len(CATALOGUE) == len(examples())


@pytest.mark.parametrize("module", catalogue._MODULES, ids=lambda module: module.__name__.rsplit(".", 1)[1])
def test_each_area_lists_exactly_the_events_it_has_examples_of(module: ModuleType) -> None:
    assert [type(example) for example in module.examples()] == list(module.EVENTS)
    defined = {value for value in vars(module).values()
               if isinstance(value, type) and issubclass(value, EventData) and "event_type" in vars(value)}
    assert defined == set(module.EVENTS)


def test_importing_the_catalogue_builds_no_event_validator() -> None:
    # A fresh interpreter: this one has built them all for the tests above.
    probe = (
        "from trellis.events.catalogue import CATALOGUE\n"
        "print(sum(bool(model.__pydantic_complete__) for model in CATALOGUE.values()), len(CATALOGUE))\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env)
    built, total = map(int, out.stdout.split())
    assert (built, total) == (0, len(CATALOGUE))


@pytest.mark.parametrize("model", list(examples()), ids=lambda model: model.event_type)
def test_a_new_envelope_wraps_the_data_of_its_type(model: type) -> None:
    principal = principal_from_claims({"sub": "u-1", "custom:org_id": "acme", "custom:roles": "admin"})
    actor = Actor.of(principal)
    envelope = EventEnvelope.new(examples()[model], tenant_id="acme", actor=actor, occurred_at=OCCURRED)
    assert re.fullmatch(r"[0-9a-f]{32}", envelope.id)
    assert (envelope.type, envelope.version, envelope.tenant_id) == (model.event_type, model.version, "acme")
    assert envelope.actor == Actor(kind="user", user_id="u-1", organisation_id="acme")
    assert envelope.occurred_at == OCCURRED
    # The data travels as JSON and comes back as the same model
    assert parse_data(EventEnvelope.model_validate_json(envelope.model_dump_json())) == examples()[model]


def test_every_new_envelope_has_its_own_id() -> None:
    data = next(iter(examples().values()))
    assert len({EventEnvelope.new(data, tenant_id="acme", actor=SYSTEM).id for _ in range(50)}) == 50


def test_envelope_and_data_tolerate_fields_added_by_newer_producers() -> None:
    data = examples()[PartnershipStageChanged].model_dump(mode="json")
    envelope = EventEnvelope.model_validate(
        {
            "id": "e1",
            "type": "PartnershipStageChanged",
            "version": 1,
            "occurred_at": OCCURRED.isoformat(),
            "tenant_id": "acme",
            "actor": {"kind": "system", "since": "v2"},
            "data": {**data, "tier": "gold"},
            "trace": "added later",
        }
    )
    assert parse_data(envelope) == examples()[PartnershipStageChanged]


@pytest.mark.parametrize(
    "change",
    [
        {"id": ""},
        {"id": "x" * 65},
        {"version": 0},
        {"tenant_id": ""},
        {"occurred_at": "yesterday"},
        {"actor": {"kind": "robot"}},
        {"data": "not an object"},
    ],
)
def test_an_invalid_envelope_is_refused(change: dict[str, object]) -> None:
    envelope = {
        "id": "e1",
        "type": "PartnershipStageChanged",
        "version": 1,
        "occurred_at": OCCURRED.isoformat(),
        "tenant_id": "acme",
        "actor": {"kind": "system"},
        "data": {},
    }
    with pytest.raises(ValidationError):
        EventEnvelope.model_validate({**envelope, **change})


def test_data_that_does_not_fit_its_type_is_refused() -> None:
    envelope = EventEnvelope.new(examples()[PartnershipStageChanged], tenant_id="acme", actor=SYSTEM)
    broken = envelope.model_copy(update={"data": {"partnership_id": "p1"}})
    with pytest.raises(ValidationError):
        parse_data(broken)


def test_an_unknown_event_type_is_refused_naming_the_type() -> None:
    envelope = EventEnvelope.new(examples()[PartnershipStageChanged], tenant_id="acme", actor=SYSTEM)
    with pytest.raises(ValidationFailed) as raised:
        parse_data(envelope.model_copy(update={"type": "PartnershipTeleported"}))
    assert raised.value.errors == [{"field": "type", "message": "unknown event type 'PartnershipTeleported'"}]


@pytest.mark.parametrize("model", list(examples()), ids=lambda model: model.event_type)
def test_the_eventbridge_entry_carries_the_envelope_as_detail(model: type) -> None:
    envelope = EventEnvelope.new(examples()[model], tenant_id="acme", actor=SYSTEM, occurred_at=OCCURRED)
    entry = eventbridge_entry(envelope, bus_name="trellis")
    assert set(entry) == {"Source", "DetailType", "Detail", "EventBusName", "Time"}
    assert entry["Source"] == model.source
    assert entry["DetailType"] == model.event_type
    assert entry["EventBusName"] == "trellis"
    assert entry["Time"] == OCCURRED
    assert json.loads(entry["Detail"]) == envelope.model_dump(mode="json")
    assert len(entry["Detail"].encode()) < 256 * 1024  # the PutEvents entry limit
