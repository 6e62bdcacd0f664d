# Offline unit tests: mock provider, plan only.
mock_provider "aws" {
  override_during = plan

  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::111122223333:role/mock"
    }
  }
  mock_resource "aws_lambda_function" {
    defaults = {
      arn = "arn:aws:lambda:eu-west-1:111122223333:function:mock"
    }
  }
  mock_resource "aws_kms_key" {
    defaults = {
      arn    = "arn:aws:kms:eu-west-1:111122223333:key/11111111-1111-1111-1111-111111111111"
      key_id = "11111111-1111-1111-1111-111111111111"
    }
  }
  mock_resource "aws_cloudwatch_event_rule" {
    defaults = {
      arn = "arn:aws:events:eu-west-1:111122223333:rule/mock"
    }
  }
}

variables {
  name_prefix          = "ses-test"
  account_id           = "111122223333"
  region               = "eu-west-1"
  lambda_zip_path      = "tests/fixture.zip"
  powertools_layer_arn = "arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-arm64:7"
}

run "publisher_runs_every_five_minutes_and_the_metric_is_exported" {
  command = plan

  assert {
    condition     = aws_cloudwatch_event_rule.this.schedule_expression == "rate(5 minutes)" && aws_cloudwatch_event_target.this.arn == aws_lambda_function.this.arn
    error_message = "a schedule invokes the publisher every 5 minutes"
  }
  assert {
    condition     = output.metric == { namespace = "SesMailPlatform", metric_name = "SendQuotaUsage", dimensions = { "Region" = "eu-west-1" } }
    error_message = "the metric the alarms watch"
  }
  assert {
    condition     = aws_lambda_function.this.handler == "sesmail.handlers.quota_metric.handler" && aws_lambda_function.this.environment[0].variables["SEND_QUOTA_METRIC_NAMESPACE"] == "SesMailPlatform"
    error_message = "handler and namespace reach the function"
  }
  assert {
    condition     = aws_lambda_permission.schedule.source_arn == aws_cloudwatch_event_rule.this.arn && aws_lambda_permission.schedule.principal == "events.amazonaws.com"
    error_message = "only the schedule rule may invoke"
  }
  assert {
    condition     = can(regex("Runbook: docs/runbooks/ses-daily-send-quota\\.md$", aws_cloudwatch_event_rule.this.description))
    error_message = "the rule names the quota runbook"
  }
}

run "role_reads_the_quota_and_writes_only_its_namespace" {
  command = plan

  assert {
    condition = jsondecode(aws_iam_role_policy.this.policy).Statement == [
      { Sid = "ReadSendQuota", Effect = "Allow", Action = ["ses:GetAccount"], Resource = "*" },
      {
        Sid       = "PublishQuotaMetric", Effect = "Allow", Action = ["cloudwatch:PutMetricData"], Resource = "*",
        Condition = { StringEquals = { "cloudwatch:namespace" = "SesMailPlatform" } }
      },
    ]
    error_message = "exactly GetAccount and PutMetricData pinned to the namespace"
  }
  assert {
    condition     = module.base.log_group_name == "/aws/lambda/ses-test-quota-metric" && aws_lambda_function.this.kms_key_arn == module.base.kms_key_arn
    error_message = "log group and environment encrypted by the function's CMK"
  }
  assert {
    condition     = aws_lambda_function.this.reserved_concurrent_executions == 1 && aws_lambda_function.this.tracing_config[0].mode == "Active"
    error_message = "one run at a time, traced"
  }
}

run "no_reserved_concurrency_for_new_accounts" {
  command = plan
  variables {
    reserved_concurrency = null
  }

  assert {
    condition     = aws_lambda_function.this.reserved_concurrent_executions == null
    error_message = "null leaves the function unreserved"
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
