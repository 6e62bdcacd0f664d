"""Create the events table in moto exactly as schema.py describes it (the Terraform module does the
same from the same constants), and read it back whole. Local emulator only (tests, demo, console)."""

from __future__ import annotations

from typing import Any

from sesmail.events import schema


def create_events_table(client: Any, table_name: str) -> None:
    client.create_table(
        TableName=table_name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": name, "AttributeType": kind}
            for name, kind in schema.KEY_ATTRIBUTE_TYPES.items()
        ],
        KeySchema=[
            {"AttributeName": schema.TABLE_PARTITION_KEY, "KeyType": "HASH"},
            {"AttributeName": schema.TABLE_SORT_KEY, "KeyType": "RANGE"},
        ],
        GlobalSecondaryIndexes=schema.global_secondary_indexes(),
    )
    client.update_time_to_live(
        TableName=table_name,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": schema.TTL_ATTRIBUTE},
    )


def scan_all(client: Any, table_name: str) -> list[dict[str, Any]]:
    """Every item, sorted by key: two scans compare equal iff the tables hold the same items."""
    items: list[dict[str, Any]] = []
    params: dict[str, Any] = {"TableName": table_name}
    while True:
        page = client.scan(**params)
        items.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            break
        params["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return sorted(
        items, key=lambda item: (item[schema.TABLE_PARTITION_KEY]["S"], item[schema.TABLE_SORT_KEY]["S"])
    )
