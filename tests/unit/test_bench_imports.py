"""The cold-import table of `make bench`: each handler is set beside the floor of the stack it stands on."""

from __future__ import annotations

import importlib

from bench import imports
from bench.imports import FLOOR_API, FLOOR_BOTOCORE, FLOOR_CONSUMER, ImportResult, floor_of, table
from local.template import template


def test_every_function_has_a_floor_and_api_publisher_and_queue_functions_get_theirs() -> None:
    floors = {function.name: floor_of(function.module) for function in template().functions.values()}
    assert floors["PartnersApiFunction"] == FLOOR_API
    assert floors["LeadsPublisherFunction"] == FLOOR_BOTOCORE
    assert floors["LeadsLedgerConsumerFunction"] == FLOOR_CONSUMER
    assert floors["NotificationsEmailWorkerFunction"] == FLOOR_CONSUMER
    assert set(floors.values()) <= set(imports.FLOORS)


def test_every_floor_names_modules_that_import() -> None:
    for modules in imports.FLOORS.values():
        for module in modules.split(","):
            importlib.import_module(module)


def test_the_table_shows_the_distance_to_the_floor_and_says_when_the_floor_alone_misses() -> None:
    floors = [ImportResult(FLOOR_API, "m", 360.0, 1.8), ImportResult(FLOOR_BOTOCORE, "b", 180.0, 0.9)]
    results = [
        ImportResult("PartnersApiFunction", "partners.handlers.api", 480.0, 2.4),
        ImportResult("PartnersPublisherFunction", "partners.handlers.publisher", 300.0, 1.5),
    ]
    rendered = table(200.0, results, floors).splitlines()
    api = next(line for line in rendered if line.startswith("| PartnersApiFunction"))
    publisher = next(line for line in rendered if line.startswith("| PartnersPublisherFunction"))
    assert "| API | 120 | MISSES (its floor alone is 1.80\u00d7) |" in api
    assert "| botocore | 120 | holds |" in publisher
