"""The optional read API is off by default and, when on, reads the pipeline's table under its CMK."""

from __future__ import annotations

import pytest

from tfplan import resources_of_type

pytestmark = pytest.mark.terraform
ENV = "terraform/envs/production"


def test_status_api_is_off_by_default(terraform_plan) -> None:  # type: ignore[no-untyped-def]
    plan = terraform_plan(ENV, tf_vars={"offline_plan": "true"}, tf_var_file="terraform.tfvars.example")
    assert resources_of_type(plan, "aws_apigatewayv2_api") == []
    names = [r["values"].get("function_name") for r in resources_of_type(plan, "aws_lambda_function")]
    assert not any("status" in (name or "") for name in names)


def test_status_api_enabled_uses_iam_auth_and_the_pipeline_table(terraform_plan) -> None:  # type: ignore[no-untyped-def]
    # GIVEN the production example with the read API switched on
    plan = terraform_plan(
        ENV,
        tf_vars={"offline_plan": "true", "status_api_enabled": "true"},
        tf_var_file="terraform.tfvars.example",
    )
    # THEN there is one HTTP API whose routes all require IAM (SigV4) authorisation
    (api,) = resources_of_type(plan, "aws_apigatewayv2_api")
    assert api["values"]["protocol_type"] == "HTTP"
    routes = resources_of_type(plan, "aws_apigatewayv2_route")
    assert routes and {r["values"]["authorization_type"] for r in routes} == {"AWS_IAM"}
    # AND the function reads the events table named by the pipeline
    functions = [
        r for r in resources_of_type(plan, "aws_lambda_function") if "status" in r["values"]["function_name"]
    ]
    assert len(functions) == 1
    (table,) = resources_of_type(plan, "aws_dynamodb_table")
    env = functions[0]["values"]["environment"][0]["variables"]
    assert env["EVENTS_TABLE_NAME"] == table["values"]["name"]
