# Offline unit tests: mock provider, plan only. The function itself is tested in eventbridge_function.
mock_provider "aws" {
  override_during = plan
}

variables {
  name_prefix = "ses-test"
  account_id  = "111122223333"
  region      = "eu-west-1"
  function = {
    lambda_zip_path      = "../eventbridge_function/tests/fixture.zip"
    powertools_layer_arn = "arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-arm64:7"
  }
}

run "publisher_runs_every_five_minutes_and_exports_the_metric" {
  command = plan

  assert {
    condition     = output.metric == { namespace = "SesMailPlatform", metric_name = "SendQuotaUsage", dimensions = { "Region" = "eu-west-1" } }
    error_message = "the metric the alarms watch"
  }
  assert {
    condition     = module.function.function_name == "ses-test-quota-metric" && module.function.rule_name == "ses-test-quota-metric"
    error_message = "function and schedule named for the environment"
  }
}

run "one_function_publishes_every_region_into_its_own_region" {
  command = plan
  variables {
    regions = ["eu-central-1", "eu-west-1"]
  }

  assert {
    condition     = keys(output.metrics_by_region) == ["eu-central-1", "eu-west-1"] && output.metrics_by_region["eu-central-1"].dimensions == { "Region" = "eu-central-1" }
    error_message = "one metric per region, the function's own region included once"
  }
}

run "role_reads_the_quota_and_writes_only_its_namespace" {
  command = plan

  assert {
    condition = output.policy.Statement == [
      { Sid = "ReadSendQuota", Effect = "Allow", Action = ["ses:GetAccount"], Resource = "*" },
      {
        Sid       = "PublishQuotaMetric", Effect = "Allow", Action = ["cloudwatch:PutMetricData"], Resource = "*",
        Condition = { StringEquals = { "cloudwatch:namespace" = "SesMailPlatform" } }
      },
    ]
    error_message = "exactly GetAccount and PutMetricData pinned to the namespace"
  }
}

run "rejects_a_schedule_slower_than_the_alarm_period" {
  command = plan
  variables {
    schedule_expression = "rate(1 hour)"
  }
  expect_failures = [var.schedule_expression]
}

run "rejects_an_aws_namespace" {
  command = plan
  variables {
    metric_namespace = "AWS/SES"
  }
  expect_failures = [var.metric_namespace]
}
