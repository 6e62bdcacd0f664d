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
  function_name    = "ses-test-thing"
  description      = "does a thing"
  role_description = "may do the thing"
  handler          = "sesmail.handlers.quota_metric.handler"
  environment      = { A = "1" }
  policy = {
    Version   = "2012-10-17"
    Statement = [{ Sid = "Read", Effect = "Allow", Action = ["ses:GetAccount"], Resource = "*" }]
  }
  schedule_expression  = "rate(5 minutes)"
  rule_description     = "Does the thing. Runbook: docs/runbooks/ses-daily-send-quota.md"
  retry                = { maximum_event_age_seconds = 300, maximum_attempts = 1 }
  account_id           = "111122223333"
  region               = "eu-west-1"
  lambda_zip_path      = "tests/fixture.zip"
  powertools_layer_arn = "arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-arm64:7"
}

run "function_rule_target_and_permission_fit_together" {
  command = plan

  assert {
    condition     = aws_lambda_function.this.handler == "sesmail.handlers.quota_metric.handler" && aws_lambda_function.this.environment[0].variables == tomap({ A = "1", POWERTOOLS_LOG_LEVEL = "INFO" })
    error_message = "handler and environment reach the function"
  }
  assert {
    condition     = aws_cloudwatch_event_rule.this.schedule_expression == "rate(5 minutes)" && aws_cloudwatch_event_rule.this.event_pattern == null && aws_cloudwatch_event_target.this.arn == aws_lambda_function.this.arn
    error_message = "the schedule invokes the function"
  }
  assert {
    condition     = aws_lambda_permission.this.source_arn == aws_cloudwatch_event_rule.this.arn && aws_lambda_permission.this.principal == "events.amazonaws.com"
    error_message = "only this rule may invoke"
  }
  assert {
    condition     = aws_cloudwatch_event_target.this.retry_policy[0].maximum_retry_attempts == 1 && aws_cloudwatch_event_target.this.retry_policy[0].maximum_event_age_in_seconds == 300
    error_message = "the caller's retry policy"
  }
}

run "encrypted_traced_reserved_and_least_privilege" {
  command = plan

  assert {
    condition     = aws_lambda_function.this.kms_key_arn == aws_kms_key.this.arn && aws_cloudwatch_log_group.this.kms_key_id == aws_kms_key.this.arn && aws_kms_key.this.enable_key_rotation
    error_message = "environment and logs under the function's rotating CMK"
  }
  assert {
    condition     = aws_cloudwatch_log_group.this.name == "/aws/lambda/ses-test-thing" && aws_cloudwatch_log_group.this.retention_in_days == 365
    error_message = "log group named for the function, kept a year"
  }
  assert {
    condition     = aws_lambda_function.this.tracing_config[0].mode == "Active" && aws_lambda_function.this.reserved_concurrent_executions == 1
    error_message = "traced, one at a time"
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.calls.policy).Statement[0].Action == ["ses:GetAccount"]
    error_message = "the caller's policy is attached as given"
  }
  assert {
    condition = [for s in jsondecode(aws_iam_role_policy.this.policy).Statement : s.Resource] == [
      "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/ses-test-thing:log-stream:*", "*",
    ]
    error_message = "own log streams; X-Ray (no resource-level permissions)"
  }
  assert {
    condition = one([
      for s in jsondecode(aws_kms_key.this.policy).Statement : s.Condition.ArnEquals["kms:EncryptionContext:aws:logs:arn"]
      if s.Sid == "LogsEncryptsThisFunctionsLogGroup"
    ]) == "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/ses-test-thing"
    error_message = "CloudWatch Logs may use the key for this log group only"
  }
}

run "event_pattern_instead_of_a_schedule" {
  command = plan
  variables {
    schedule_expression = null
    event_pattern       = { source = ["aws.cloudwatch"] }
  }

  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.this.event_pattern) == { source = ["aws.cloudwatch"] } && aws_cloudwatch_event_rule.this.schedule_expression == null
    error_message = "the pattern reaches the rule"
  }
}

run "no_reservation_for_new_accounts" {
  command = plan
  variables {
    reserved_concurrency = -1
  }

  assert {
    condition     = aws_lambda_function.this.reserved_concurrent_executions == -1
    error_message = "-1 leaves the function unreserved"
  }
}

run "rejects_both_triggers" {
  command = plan
  variables {
    event_pattern = { source = ["aws.cloudwatch"] }
  }
  expect_failures = [aws_cloudwatch_event_rule.this]
}

run "rejects_a_rule_without_runbook" {
  command = plan
  variables {
    rule_description = "does a thing"
  }
  expect_failures = [var.rule_description]
}

run "rejects_zero_reserved_concurrency" {
  command = plan
  variables {
    reserved_concurrency = 0
  }
  expect_failures = [var.reserved_concurrency]
}
