"""The benches' lean moto answers every Query and transaction exactly as moto does, only without
reading the whole table (or copying it) for each call, and without keeping every item it builds."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from bench.lean_moto import lean_moto

TABLE = "lean"
PARTITIONS = ("ORG#a#USER#1#", "ORG#a#USER#2#", "ORG#b#USER#1#")


@pytest.fixture
def dynamodb(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name, value in {"AWS_DEFAULT_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "test",
                        "AWS_SECRET_ACCESS_KEY": "test"}.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        client = boto3.client("dynamodb")
        client.create_table(
            TableName=TABLE, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": name, "AttributeType": "S"}
                                  for name in ("pk", "sk", "gsi1pk", "gsi1sk")],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                       {"AttributeName": "sk", "KeyType": "RANGE"}],
            GlobalSecondaryIndexes=[{
                "IndexName": "gsi1", "Projection": {"ProjectionType": "ALL"},
                "KeySchema": [{"AttributeName": "gsi1pk", "KeyType": "HASH"},
                              {"AttributeName": "gsi1sk", "KeyType": "RANGE"}],
            }],
        )
        for p, pk in enumerate(PARTITIONS):
            for n in range(12):
                item = {"pk": {"S": pk}, "sk": {"S": f"NOTIFICATION#{n:03d}#"}, "n": {"N": str(n)}}
                if n % 3:  # a sparse index: two items in three
                    item |= {"gsi1pk": {"S": f"DIGEST#daily#{n % 2}#"}, "gsi1sk": {"S": f"{p}-{n:03d}"}}
                client.put_item(TableName=TABLE, Item=item)
        yield client


def _key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


QUERIES: list[dict[str, Any]] = [
    {"KeyConditionExpression": "pk = :pk", "ExpressionAttributeValues": {":pk": {"S": PARTITIONS[1]}}},
    {"KeyConditionExpression": "pk = :pk AND sk BETWEEN :a AND :b", "ScanIndexForward": False, "Limit": 4,
     "ExpressionAttributeValues": {":pk": {"S": PARTITIONS[0]}, ":a": {"S": "NOTIFICATION#003."},
                                   ":b": {"S": "NOTIFICATION#~"}}},
    {"KeyConditionExpression": "pk = :pk AND begins_with(sk, :s)", "FilterExpression": "n > :n", "Limit": 5,
     "ExpressionAttributeValues": {":pk": {"S": PARTITIONS[2]}, ":s": {"S": "NOTIFICATION#"},
                                   ":n": {"N": "4"}}},
    {"KeyConditionExpression": "pk = :pk", "ExpressionAttributeValues": {":pk": {"S": "ORG#none#"}}},
    {"IndexName": "gsi1", "KeyConditionExpression": "gsi1pk = :g", "Limit": 5,
     "ExpressionAttributeValues": {":g": {"S": "DIGEST#daily#1#"}}},
    {"IndexName": "gsi1", "KeyConditionExpression": "gsi1pk = :g AND gsi1sk > :s", "ScanIndexForward": False,
     "ExpressionAttributeValues": {":g": {"S": "DIGEST#daily#0#"}, ":s": {"S": "1-"}}},
]


def _all_pages(client: Any, query: dict[str, Any]) -> list[dict[str, Any]]:
    pages, start = [], None
    while True:
        page = client.query(TableName=TABLE, **query, **({"ExclusiveStartKey": start} if start else {}))
        pages.append({key: page.get(key) for key in ("Items", "Count", "ScannedCount", "LastEvaluatedKey")})
        start = page.get("LastEvaluatedKey")
        if not start:
            return pages


def _everything(client: Any) -> list[list[dict[str, Any]]]:
    return [_all_pages(client, QUERIES[0] | {"ExpressionAttributeValues": {":pk": {"S": pk}}})
            for pk in PARTITIONS]


def test_every_query_page_is_the_one_moto_answers(dynamodb: Any) -> None:
    expected = [_all_pages(dynamodb, query) for query in QUERIES]
    with lean_moto():
        assert [_all_pages(dynamodb, query) for query in QUERIES] == expected


def test_a_cancelled_transaction_leaves_every_item_as_it_was(dynamodb: Any) -> None:
    before = _everything(dynamodb)
    with lean_moto(), pytest.raises(dynamodb.exceptions.TransactionCanceledException):
        dynamodb.transact_write_items(TransactItems=[
            {"Put": {"TableName": TABLE, "Item": {"pk": {"S": PARTITIONS[0]}, "sk": {"S": "NEW#"}}}},
            {"Update": {"TableName": TABLE, "Key": _key(PARTITIONS[1], "NOTIFICATION#001#"),
                        "UpdateExpression": "SET n = :n", "ExpressionAttributeValues": {":n": {"N": "99"}}}},
            {"Delete": {"TableName": TABLE, "Key": _key(PARTITIONS[2], "NOTIFICATION#002#"),
                        "ConditionExpression": "attribute_not_exists(pk)"}},
        ])
    assert _everything(dynamodb) == before


def test_a_transaction_that_holds_is_written(dynamodb: Any) -> None:
    with lean_moto():
        dynamodb.transact_write_items(TransactItems=[
            {"Put": {"TableName": TABLE, "Item": {"pk": {"S": PARTITIONS[0]}, "sk": {"S": "NEW#"}},
                     "ConditionExpression": "attribute_not_exists(pk)"}},
            {"Update": {"TableName": TABLE, "Key": _key(PARTITIONS[1], "NOTIFICATION#001#"),
                        "UpdateExpression": "SET n = :n", "ExpressionAttributeValues": {":n": {"N": "99"}}}},
        ])
    assert dynamodb.get_item(TableName=TABLE, Key=_key(PARTITIONS[0], "NEW#")).get("Item")
    updated = dynamodb.get_item(TableName=TABLE, Key=_key(PARTITIONS[1], "NOTIFICATION#001#"))
    assert updated["Item"]["n"] == {"N": "99"}


def test_moto_keeps_no_item_it_built_inside_it_and_is_itself_again_after(dynamodb: Any) -> None:
    from moto.dynamodb.models.dynamo_type import Item
    from moto.dynamodb.models.table import Table

    query = Table.query
    with lean_moto():
        tracked = len(Item.instances_tracked)
        _all_pages(dynamodb, QUERIES[0])
        assert len(Item.instances_tracked) == tracked
    assert Table.query is query
    assert not hasattr(Table, "__deepcopy__")


def test_a_direct_fill_stores_what_a_batch_write_stores(dynamodb: Any) -> None:
    # Given a PynamoDB model of the table
    from pynamodb.attributes import NumberAttribute, UnicodeAttribute
    from pynamodb.models import Model

    from bench.lean_moto import direct_fill

    class Row(Model):
        class Meta:
            table_name = TABLE
            region = "eu-west-1"

        pk = UnicodeAttribute(hash_key=True)
        sk = UnicodeAttribute(range_key=True)
        n = NumberAttribute()

    def fill(prefix: str) -> None:
        with Row.batch_write() as batch:
            for n in range(30):  # more than one BatchWriteItem's 25
                batch.save(Row(pk=f"{prefix}#", sk=f"ROW#{n:03d}#", n=n))

    def stored(prefix: str) -> list[dict[str, Any]]:
        answer = dynamodb.query(TableName=TABLE, KeyConditionExpression="pk = :pk",
                                ExpressionAttributeValues={":pk": {"S": f"{prefix}#"}})
        return [{**item, "pk": None} for item in answer["Items"]]

    # When the same rows are written through BatchWriteItem and through the direct fill
    fill("BATCH")
    with direct_fill():
        fill("DIRECT")

    # Then the table holds the same items either way
    assert stored("DIRECT") == stored("BATCH")
    assert len(stored("DIRECT")) == 30
