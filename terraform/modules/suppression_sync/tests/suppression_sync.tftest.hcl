# Offline unit tests: mock provider, plan only. The function itself is tested in eventbridge_function.
mock_provider "aws" {
  override_during = plan
}

variables {
  name_prefix   = "ses-test"
  account_id    = "111122223333"
  region        = "eu-west-1"
  target_region = "eu-central-1"
  function = {
    lambda_zip_path      = "../eventbridge_function/tests/fixture.zip"
    powertools_layer_arn = "arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-arm64:7"
  }
}

run "sync_runs_hourly_in_the_primary_and_names_both_regions" {
  command = plan

  assert {
    condition     = module.function.function_name == "ses-test-suppression-sync" && module.function.rule_name == "ses-test-suppression-sync"
    error_message = "function and schedule named for the environment"
  }
  assert {
    condition     = output.schedule_rule_name == "ses-test-suppression-sync" && var.schedule_expression == "rate(1 hour)"
    error_message = "hourly by default"
  }
}

run "role_lists_both_regions_and_writes_only_the_standby" {
  command = plan

  assert {
    condition = output.policy.Statement == [
      {
        Sid       = "ListPrimarySuppressionList", Effect = "Allow", Action = ["ses:ListSuppressedDestinations"], Resource = "*",
        Condition = { StringEquals = { "aws:RequestedRegion" = "eu-west-1" } }
      },
      {
        Sid       = "SyncStandbySuppressionList", Effect = "Allow",
        Action    = ["ses:ListSuppressedDestinations", "ses:PutSuppressedDestination"], Resource = "*",
        Condition = { StringEquals = { "aws:RequestedRegion" = "eu-central-1" } }
      },
    ]
    error_message = "list in both regions, put in the standby only, never delete"
  }
}

run "rejects_the_primary_as_target" {
  command = plan
  variables {
    target_region = "eu-west-1"
  }
  expect_failures = [var.target_region]
}

run "rejects_a_rate_above_the_api_budget" {
  command = plan
  variables {
    rate = 5
  }
  expect_failures = [var.rate]
}
