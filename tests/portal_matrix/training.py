"""Matrix recipes of the training room: the vendor's modules and certifications, a partnership's training.

The world: a published module for everyone (``open``) and a published gold-and-above one (``gold``,
with a quiz) that northwind's partner_admin completed before ``gold_cert`` (requiring it) existed, so
renewing it earns it once; ``open_cert`` requires the open module.
"""

from __future__ import annotations

from typing import Any

from portal.logic.access import Room
from tests.helpers.people import ANA
from tests.helpers.portal_world import NORTHWIND, PEOPLE
from tests.portal_matrix import SECRET, TIER_SECRET, Kind, Recipe, Setup

VENDOR = "/portal/vendor/training"
ROOM = "/portal/partnerships/{partnership_id}/training"


def _module(title: str, *, gold: bool) -> dict[str, Any]:
    secret = f"{SECRET} {TIER_SECRET}" if gold else SECRET
    return {
        "title": f"{title} {secret}",
        "description": f"About {secret}",
        "audience": {"min_tier": "gold"} if gold else {},
        "lessons": [{"id": "intro", "title": f"Intro {secret}", "body": secret}],
        "quiz": {"pass_mark": 50, "questions": [{"id": "q1", "text": f"Which? {secret}", "options": [
            {"id": "a", "text": f"This {secret}", "correct": True}, {"id": "b", "text": "That"}]}]},
    }


ANSWERS = {"answers": [{"question_id": "q1", "option_ids": ["a"]}]}


def setup(ctx: Setup) -> dict[str, str]:
    vendor = ctx.api(ANA)
    ids: dict[str, str] = {}
    for name, gold in (("open", False), ("gold", True)):
        created = vendor.post(f"{VENDOR}/modules", json_body=_module(name.title(), gold=gold))
        assert created.status == 201, created.text
        ids[name] = created.json()["id"]
        assert vendor.post(f"{VENDOR}/modules/{ids[name]}/publish").status == 200
    trainee = ctx.api(PEOPLE["partner_admin"])
    room = ROOM.format(partnership_id=NORTHWIND)
    assert trainee.post(f"{room}/modules/{ids['gold']}/lessons/intro/done").status == 200
    assert trainee.post(f"{room}/modules/{ids['gold']}/quiz/attempts", json_body=ANSWERS).status == 200
    for name, module in (("open_cert", "open"), ("gold_cert", "gold")):
        secret = f"{SECRET} {TIER_SECRET}" if module == "gold" else SECRET
        created = vendor.post(f"{VENDOR}/certifications", json_body={
            "name": f"Certified {secret}", "module_ids": [ids[module]], "validity_days": 365})
        assert created.status == 201, created.text
        ids[name] = created.json()["id"]
    return ids


def _room(ids: Any, rest: str) -> str:
    return ROOM.format(partnership_id=ids["partnership"]) + rest


RECIPES: dict[str, Recipe] = {
    f"POST {VENDOR}/modules": Recipe(
        lambda ids: (f"{VENDOR}/modules", _module("New", gold=False)), kind=Kind.VENDOR, write=True,
        collection=True),
    f"GET {VENDOR}/modules": Recipe(
        lambda ids: (f"{VENDOR}/modules", None), kind=Kind.VENDOR, collection=True),
    f"GET {VENDOR}/modules/{{module_id}}": Recipe(
        lambda ids: (f"{VENDOR}/modules/{ids['gold']}", None), kind=Kind.VENDOR),
    f"PUT {VENDOR}/modules/{{module_id}}": Recipe(
        lambda ids: (f"{VENDOR}/modules/{ids['open']}", _module("Replaced", gold=False)),
        kind=Kind.VENDOR, write=True),
    f"POST {VENDOR}/modules/{{module_id}}/publish": Recipe(
        lambda ids: (f"{VENDOR}/modules/{ids['open']}/publish", None), kind=Kind.VENDOR, write=True),
    f"POST {VENDOR}/modules/{{module_id}}/unpublish": Recipe(
        lambda ids: (f"{VENDOR}/modules/{ids['open']}/unpublish", None), kind=Kind.VENDOR, write=True),
    f"POST {VENDOR}/certifications": Recipe(
        lambda ids: (f"{VENDOR}/certifications", {"name": f"New {SECRET}", "module_ids": [ids["open"]]}),
        kind=Kind.VENDOR, write=True, collection=True),
    f"GET {VENDOR}/certifications": Recipe(
        lambda ids: (f"{VENDOR}/certifications", None), kind=Kind.VENDOR, collection=True),
    f"GET {VENDOR}/certifications/{{certification_id}}": Recipe(
        lambda ids: (f"{VENDOR}/certifications/{ids['gold_cert']}", None), kind=Kind.VENDOR),
    f"PUT {VENDOR}/certifications/{{certification_id}}": Recipe(
        lambda ids: (f"{VENDOR}/certifications/{ids['open_cert']}",
                     {"name": f"Renamed {SECRET}", "module_ids": [ids["open"]]}),
        kind=Kind.VENDOR, write=True),
    f"GET {ROOM}/modules": Recipe(lambda ids: (_room(ids, "/modules"), None), room=Room.TRAINING),
    f"GET {ROOM}/modules/{{module_id}}": Recipe(
        lambda ids: (_room(ids, f"/modules/{ids['gold']}"), None), room=Room.TRAINING, tiered=True),
    f"POST {ROOM}/modules/{{module_id}}/lessons/{{lesson_id}}/done": Recipe(
        lambda ids: (_room(ids, f"/modules/{ids['gold']}/lessons/intro/done"), None), room=Room.TRAINING,
        write=True, vendor_writes=False, tiered=True),
    f"POST {ROOM}/modules/{{module_id}}/quiz/attempts": Recipe(
        lambda ids: (_room(ids, f"/modules/{ids['gold']}/quiz/attempts"), ANSWERS), room=Room.TRAINING,
        write=True, vendor_writes=False, tiered=True),
    f"GET {ROOM}/certifications": Recipe(
        lambda ids: (_room(ids, "/certifications"), None), room=Room.TRAINING),
    f"POST {ROOM}/certifications/{{certification_id}}/renew": Recipe(
        lambda ids: (_room(ids, f"/certifications/{ids['gold_cert']}/renew"), None), room=Room.TRAINING,
        write=True, vendor_writes=False, tiered=True),
    f"GET {ROOM}/progress": Recipe(lambda ids: (_room(ids, "/progress"), None), room=Room.TRAINING),
}
