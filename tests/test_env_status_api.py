"""The read API and the support console: off by default (staging), on in the production example, where
the console's search sits behind a JWT authorizer, the rest keeps IAM auth, and the function reads the
pipeline's table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tfplan import resources_of_type

pytestmark = pytest.mark.terraform
PRODUCTION = "terraform/envs/production"
STAGING = "terraform/envs/staging"


@pytest.fixture(scope="module")
def production(terraform_plan):  # type: ignore[no-untyped-def]
    return terraform_plan(
        PRODUCTION, tf_vars={"offline_plan": "true"}, tf_var_file="terraform.tfvars.example"
    )


def test_status_api_and_console_are_off_by_default(terraform_plan) -> None:  # type: ignore[no-untyped-def]
    # GIVEN staging's example, which leaves both switches at their defaults
    plan = terraform_plan(STAGING, tf_vars={"offline_plan": "true"}, tf_var_file="terraform.tfvars.example")
    # THEN there is no API, no console identity provider and no status function
    assert resources_of_type(plan, "aws_apigatewayv2_api") == []
    assert resources_of_type(plan, "aws_cognito_user_pool") == []
    names = [r["values"].get("function_name") for r in resources_of_type(plan, "aws_lambda_function")]
    assert not any("status" in (name or "") for name in names)


def test_production_console_search_needs_a_jwt_and_the_rest_iam(production) -> None:  # type: ignore[no-untyped-def]
    (api,) = resources_of_type(production, "aws_apigatewayv2_api")
    assert api["values"]["protocol_type"] == "HTTP"
    # THEN the console's search is behind the JWT authorizer of the Cognito user pool
    (authorizer,) = resources_of_type(production, "aws_apigatewayv2_authorizer")
    assert authorizer["values"]["authorizer_type"] == "JWT"
    (pool,) = resources_of_type(production, "aws_cognito_user_pool")
    routes = {
        r["values"]["route_key"]: r["values"] for r in resources_of_type(production, "aws_apigatewayv2_route")
    }
    search = [key for key in routes if key.startswith("GET /console/api/")]
    assert search and {routes[key]["authorization_type"] for key in search} == {"JWT"}
    # AND the page and its static assets carry no data and need no login; every other route is IAM
    public = {key for key in routes if key in ("GET /console", "GET /console/assets/{name}")}
    assert {routes[key]["authorization_type"] for key in public} == {"NONE"}
    others = set(routes) - set(search) - public
    assert others and {routes[key]["authorization_type"] for key in others} == {"AWS_IAM"}
    assert pool["values"]["mfa_configuration"] in {"ON", "OPTIONAL"}


def test_status_function_reads_the_pipeline_table(terraform_plan, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # GIVEN production with the read API but not the console (whose client settings are known only after
    # the apply, which leaves the whole environment map unknown in the plan); a var file, since tftest
    # puts -var before -var-file and the later one wins
    console_off = tmp_path / "console_off.tfvars"
    console_off.write_text("support_console_enabled = false\n")
    plan = terraform_plan(
        PRODUCTION,
        tf_vars={"offline_plan": "true"},
        tf_var_file=["terraform.tfvars.example", str(console_off)],
    )
    functions = [
        r for r in resources_of_type(plan, "aws_lambda_function") if "status" in r["values"]["function_name"]
    ]
    assert len(functions) == 1
    (table,) = resources_of_type(plan, "aws_dynamodb_table")
    env = functions[0]["values"]["environment"][0]["variables"]
    assert env["EVENTS_TABLE_NAME"] == table["values"]["name"]


def test_production_api_access_log_has_no_address(production) -> None:  # type: ignore[no-untyped-def]
    # (Its log group's key is checked with every other log group in tests/test_event_loss_guards.py.)
    (stage,) = resources_of_type(production, "aws_apigatewayv2_stage")
    (settings,) = stage["values"]["access_log_settings"]
    values = json.loads(settings["format"]).values()
    # THEN the access log records who searched and the route, never the path or query string (addresses)
    assert "$context.authorizer.claims.sub" in values and "$context.routeKey" in values
    assert not [v for v in values if v.startswith(("$context.path", "$context.querystring")) or "email" in v]
