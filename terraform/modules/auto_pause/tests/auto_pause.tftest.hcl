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
  name_prefix = "ses-test"
  account_id  = "111122223333"
  region      = "eu-west-1"
  alarm_configuration_sets = {
    "ses-test-ses-account-bounce-rate-critical"                  = ["ses-test-marketing", "ses-test-transactional"]
    "ses-test-ses-cs-ses-test-marketing-complaint-rate-critical" = ["ses-test-marketing"]
  }
  lambda_zip_path      = "tests/fixture.zip"
  powertools_layer_arn = "arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-arm64:7"
}

run "rule_matches_only_the_given_alarms_entering_alarm" {
  command = plan

  assert {
    condition = jsondecode(aws_cloudwatch_event_rule.this.event_pattern) == {
      source        = ["aws.cloudwatch"]
      "detail-type" = ["CloudWatch Alarm State Change"]
      detail = {
        alarmName = ["ses-test-ses-account-bounce-rate-critical", "ses-test-ses-cs-ses-test-marketing-complaint-rate-critical"]
        state     = { value = ["ALARM"] }
      }
    }
    error_message = "the rule filters alarm names and the ALARM state"
  }
  assert {
    condition     = aws_lambda_permission.rule.source_arn == aws_cloudwatch_event_rule.this.arn && aws_cloudwatch_event_target.this.arn == aws_lambda_function.this.arn
    error_message = "only the rule invokes the function"
  }
  assert {
    condition     = aws_lambda_function.this.environment[0].variables["AUTO_PAUSE_ALARMS"] == jsonencode(var.alarm_configuration_sets) && aws_lambda_function.this.handler == "sesmail.handlers.auto_pause.handler"
    error_message = "the mapping reaches the function"
  }
}

run "role_may_pause_exactly_the_mapped_sets" {
  command = plan

  assert {
    condition = jsondecode(aws_iam_role_policy.this.policy).Statement == [{
      Sid      = "PauseMappedConfigurationSets"
      Effect   = "Allow"
      Action   = ["ses:GetConfigurationSet", "ses:PutConfigurationSetSendingOptions"]
      Resource = ["arn:aws:ses:eu-west-1:111122223333:configuration-set/ses-test-marketing", "arn:aws:ses:eu-west-1:111122223333:configuration-set/ses-test-transactional"]
    }]
    error_message = "no account-level pause, no other sets"
  }
}

run "rejects_warning_alarms" {
  command = plan
  variables {
    alarm_configuration_sets = { "ses-test-ses-account-bounce-rate-warning" = ["ses-test-marketing"] }
  }
  expect_failures = [var.alarm_configuration_sets]
}

run "rejects_an_alarm_without_sets" {
  command = plan
  variables {
    alarm_configuration_sets = { "ses-test-ses-account-bounce-rate-critical" = [] }
  }
  expect_failures = [var.alarm_configuration_sets]
}
