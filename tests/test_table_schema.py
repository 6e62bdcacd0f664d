"""The Terraform event table and lambda_src/sesmail/events/schema.py describe the same table."""

from __future__ import annotations

from typing import Any

import pytest

from sesmail.events import schema
from tfplan import resources_of_type

pytestmark = pytest.mark.terraform


@pytest.fixture(scope="module")
def table(terraform_plan) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    plan = terraform_plan(
        "terraform/envs/production", tf_vars={"offline_plan": "true"}, tf_var_file="terraform.tfvars.example"
    )
    (resource,) = resources_of_type(plan, "aws_dynamodb_table")
    values: dict[str, Any] = resource["values"]
    return values


def test_table_keys_match_schema(table: dict[str, Any]) -> None:
    assert table["hash_key"] == schema.TABLE_PARTITION_KEY
    assert table["range_key"] == schema.TABLE_SORT_KEY


def test_key_attribute_types_match_schema(table: dict[str, Any]) -> None:
    # Every declared attribute is a key of the table or the index, with the type schema.py gives it
    assert {a["name"]: a["type"] for a in table["attribute"]} == schema.KEY_ATTRIBUTE_TYPES


def _index(table: dict[str, Any], name: str) -> dict[str, Any]:
    indexes = {index["name"]: index for index in table["global_secondary_index"]}
    assert set(indexes) == {schema.RECIPIENT_INDEX_NAME, schema.REF_INDEX_NAME}
    return indexes[name]


def test_recipient_index_matches_schema(table: dict[str, Any]) -> None:
    index = _index(table, schema.RECIPIENT_INDEX_NAME)
    assert index["name"] == schema.RECIPIENT_INDEX_NAME
    assert index["hash_key"] == schema.RECIPIENT_INDEX_PARTITION_KEY
    assert index["range_key"] == schema.RECIPIENT_INDEX_SORT_KEY
    assert index["projection_type"] == schema.RECIPIENT_INDEX_PROJECTION_TYPE
    assert sorted(index["non_key_attributes"]) == sorted(schema.RECIPIENT_INDEX_NON_KEY_ATTRIBUTES)


def test_ref_index_matches_schema(table: dict[str, Any]) -> None:
    index = _index(table, schema.REF_INDEX_NAME)
    assert index["hash_key"] == schema.REF_INDEX_PARTITION_KEY
    assert index["range_key"] == schema.REF_INDEX_SORT_KEY
    assert index["projection_type"] == schema.REF_INDEX_PROJECTION_TYPE
    assert not index.get("non_key_attributes")


def test_the_terraform_indexes_are_the_ones_the_tests_and_the_emulation_create(table: dict[str, Any]) -> None:
    created = {
        index["IndexName"]: (
            [key["AttributeName"] for key in index["KeySchema"]],
            index["Projection"]["ProjectionType"],
            sorted(index["Projection"].get("NonKeyAttributes", [])),
        )
        for index in schema.global_secondary_indexes()
    }
    planned = {
        index["name"]: (
            [index["hash_key"], index["range_key"]],
            index["projection_type"],
            sorted(index.get("non_key_attributes") or []),
        )
        for index in table["global_secondary_index"]
    }
    assert planned == created


def test_ttl_attribute_matches_schema(table: dict[str, Any]) -> None:
    assert table["ttl"] == [{"attribute_name": schema.TTL_ATTRIBUTE, "enabled": True}]
